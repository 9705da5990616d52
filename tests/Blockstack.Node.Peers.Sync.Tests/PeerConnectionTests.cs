namespace Blockstack.Node.Peers.Sync.Tests;

[Trait("Category", "Integration")]
public sealed class PeerConnectionTests
{
    private static readonly IReadOnlyList<TestSortition> Chain = TestChain.Build(20);

    private static PeerConnection Dial(TestPeer server, FakePeerNode client, string? nodeId = null) =>
        new(server.Address, client, nodeId ?? TestChain.Hex(Guid.NewGuid().ToString(), 32), new PeerOptions { CallTimeout = TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task Open_PeerOnAnotherGenesis_RejectedByThePeer()
    {
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain, genesisStateRoot: TestChain.Hex("other genesis", 32)));
        using var connection = Dial(server, new FakePeerNode(Chain));

        var result = await connection.OpenAsync(CancellationToken.None);

        Assert.Equal(PeerCallStatus.Rejected, result.Status);
        Assert.Contains("FailedPrecondition", result.Error, StringComparison.Ordinal);
        Assert.False(connection.IsOpen);
        Assert.Empty(server.Book.Peers);
    }

    [Fact]
    public async Task Open_PeerAnswersWithAnotherChain_RejectedByThisNode()
    {
        // The peer skips its own checks and answers with its (other) first burn block: the client refuses.
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain, firstBurnBlockHash: TestChain.Hex("another burnchain", 32)));
        server.Server.Faults.AcceptAnyChain = true;
        using var connection = Dial(server, new FakePeerNode(Chain));

        var result = await connection.OpenAsync(CancellationToken.None);

        Assert.Equal(PeerCallStatus.Rejected, result.Status);
        Assert.Contains("first burn block", result.Error, StringComparison.Ordinal);
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task Open_OtherNetworkId_RejectedByThisNode()
    {
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain) { NetworkId = 0x17000000 });
        server.Server.Faults.AcceptAnyChain = true;
        using var connection = Dial(server, new FakePeerNode(Chain));

        var result = await connection.OpenAsync(CancellationToken.None);

        Assert.Equal(PeerCallStatus.Rejected, result.Status);
        Assert.Contains("network 0x17000000", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_SameChain_IdentityLimitsAndTipsFromThePeer()
    {
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true), new PeerOptions { MaxBlocksPerRequest = 4, MaxZonefilesPerRequest = 3 });
        using var connection = Dial(server, new FakePeerNode(Chain));

        var result = await connection.OpenAsync(CancellationToken.None);

        Assert.True(result.IsOk, result.Error);
        Assert.Equal(server.Book.NodeId, connection.Identity!.NodeId);
        Assert.Equal(4, connection.Limits.MaxBlocksPerRequest);
        Assert.Equal(3, connection.Limits.MaxZonefilesPerRequest);
        Assert.Equal(Chain[^1].Height, connection.RemoteTips!.BurnHeight);
        Assert.Equal(20UL, connection.RemoteTips.StacksTipHeight);
    }

    [Fact]
    public async Task GetBlocks_MoreThanThePeersLimit_FailsWithoutAsking()
    {
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true), new PeerOptions { MaxBlocksPerRequest = 4 });
        using var connection = Dial(server, new FakePeerNode(Chain));
        Assert.True((await connection.OpenAsync(CancellationToken.None)).IsOk);
        var refs = Chain.Where(s => s.Sortition).Take(5).Select(s => new Protos.V1.BlockRef { ConsensusHash = s.ConsensusHash, BlockHash = s.BlockHash }).ToList();

        var tooMany = await connection.GetBlocksAsync(refs, CancellationToken.None);
        var four = await connection.GetBlocksAsync(refs[..4], CancellationToken.None);

        Assert.Equal(PeerCallStatus.Failed, tooMany.Status);
        Assert.Equal(1, server.Server.GetBlocksCalls);
        Assert.True(four.IsOk, four.Error);
        Assert.Equal(refs[..4].Select(r => r.BlockHash), four.Value!.Select(b => BlockDownloader.HashOf(b.Block.Span)));
    }

    [Fact]
    public async Task Call_PeerForgotTheSession_HandshakesAgainOnceAndSucceeds()
    {
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        using var connection = Dial(server, new FakePeerNode(Chain));
        Assert.True((await connection.OpenAsync(CancellationToken.None)).IsOk);
        server.Server.Book = new PeerBook(server.Book.Options, nodeId: server.Book.NodeId);

        var result = await connection.GetInventoryAsync(1, 10, CancellationToken.None);

        Assert.True(result.IsOk, result.Error);
        Assert.Equal(10, result.Value!.Entries.Count);
        Assert.Equal(2, server.Server.Handshakes);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task Call_PeerRestartedAsAnotherNode_ConnectionLost()
    {
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        using var connection = Dial(server, new FakePeerNode(Chain));
        Assert.True((await connection.OpenAsync(CancellationToken.None)).IsOk);
        string? lost = null;
        connection.Lost += (_, reason) => lost = reason;
        server.Server.Book = new PeerBook(server.Book.Options);

        var result = await connection.GetInventoryAsync(1, 10, CancellationToken.None);

        Assert.Equal(PeerCallStatus.Lost, result.Status);
        Assert.False(connection.IsOpen);
        Assert.Contains("is now node", lost, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_PeerBannedUs_BannedAndConnectionLost()
    {
        await using var server = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        var ourId = TestChain.Hex("banned client", 32);
        using var connection = Dial(server, new FakePeerNode(Chain), ourId);
        Assert.True((await connection.OpenAsync(CancellationToken.None)).IsOk);
        server.Book.Ban(server.Book.Peers.Single().Identity, "test ban");

        var result = await connection.GetInventoryAsync(1, 10, CancellationToken.None);
        var again = await connection.GetInventoryAsync(1, 10, CancellationToken.None);

        Assert.Equal(PeerCallStatus.Banned, result.Status);
        Assert.Equal(PeerCallStatus.Banned, again.Status);
        Assert.False(connection.IsOpen);
        Assert.Equal(PeerCallStatus.Banned, connection.LostStatus);
    }

    [Fact]
    public async Task Open_NobodyListening_LostNotThrown()
    {
        var port = FreePort();
        using var connection = new PeerConnection(new PeerAddress("127.0.0.1", port), new FakePeerNode(Chain), TestChain.Hex("x", 32), new PeerOptions { CallTimeout = TimeSpan.FromSeconds(5) });

        var result = await connection.OpenAsync(CancellationToken.None);

        Assert.Equal(PeerCallStatus.Lost, result.Status);
        Assert.False(connection.IsOpen);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
