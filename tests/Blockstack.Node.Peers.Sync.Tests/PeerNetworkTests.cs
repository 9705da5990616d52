namespace Blockstack.Node.Peers.Sync.Tests;

[Trait("Category", "Integration")]
public sealed class PeerNetworkTests
{
    private static readonly IReadOnlyList<TestSortition> Chain = TestChain.Build(20);

    [Fact]
    public async Task PeerRestarts_ConnectionLostThenReconnectedToTheNewNode()
    {
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain));
        var network = follower.RunNetwork(null, peer);
        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 1));
        var lost = new List<string>();
        network.PeerLost += (_, reason) =>
        {
            lock (lost)
            {
                lost.Add(reason);
            }
        };

        var restarted = await peer.RestartServerAsync();

        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 1 && network.ConnectedPeers[0].Identity!.NodeId == restarted.NodeId), "not reconnected to the restarted peer");
        Assert.NotEmpty(lost);
        Assert.Single(follower.Book.Peers);
        Assert.Equal(restarted.NodeId, follower.Book.Peers[0].Identity.NodeId);
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 20));
    }

    [Fact]
    public async Task ThreeBootstrapPeers_MaxPeersTwo_TwoConnected()
    {
        await using var p1 = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var p2 = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var p3 = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain), new PeerOptions { MaxPeers = 2 });

        var network = follower.RunNetwork(null, p1, p2, p3);

        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 2));
        var rounds = network.Downloader.Rounds;
        Assert.True(await Eventually.TrueAsync(() => network.Downloader.Rounds >= rounds + 10));
        Assert.Equal(2, network.ConnectedPeers.Count);
        Assert.Equal(2, follower.Book.Count);
    }

    [Fact]
    public async Task BookFullOfInboundPeers_DialsNobodyNew()
    {
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain), new PeerOptions { MaxPeers = 2 });
        Assert.Equal(PeerAdmission.Admitted, follower.Book.TryOpenInbound(new PeerIdentity(TestChain.Hex("in1", 32), "", "x"), out _));
        Assert.Equal(PeerAdmission.Admitted, follower.Book.TryOpenInbound(new PeerIdentity(TestChain.Hex("in2", 32), "", "x"), out _));

        var network = follower.RunNetwork(null, peer);
        var rounds = network.Downloader.Rounds;
        Assert.True(await Eventually.TrueAsync(() => network.Downloader.Rounds >= rounds + 10));

        Assert.Empty(network.ConnectedPeers);
        Assert.Equal(0, peer.Server.Handshakes);
    }

    [Fact]
    public async Task BannedPeer_NeverDialled()
    {
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain));
        follower.Book.Ban(new PeerIdentity(TestChain.Hex("old id", 32), peer.Address.ToString(), "x"), "sent garbage before");

        var network = follower.RunNetwork(null, peer);
        var rounds = network.Downloader.Rounds;
        Assert.True(await Eventually.TrueAsync(() => network.Downloader.Rounds >= rounds + 10));

        Assert.Empty(network.ConnectedPeers);
        Assert.Equal(0, peer.Server.Handshakes);
    }

    [Fact]
    public async Task OwnAddress_NeverDialled()
    {
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain));
        var network = follower.RunNetwork(null, follower);
        network.AddPeer(follower.Address);
        var rounds = network.Downloader.Rounds;
        Assert.True(await Eventually.TrueAsync(() => network.Downloader.Rounds >= rounds + 10));

        Assert.Empty(network.Targets);
        Assert.Equal(0, follower.Server.Handshakes);
    }

    [Fact]
    public async Task InboundHandshake_PeerDialledBack()
    {
        await using var caller = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain));
        var network = follower.RunNetwork();
        Assert.Empty(network.Targets);

        // The caller handshakes with the follower's server, which raises the dial-back hook.
        caller.RunNetwork(null, follower);

        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 1));
        Assert.Equal(caller.Book.NodeId, network.ConnectedPeers[0].Identity!.NodeId);
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 20));
        Assert.Equal(1, follower.Book.Count);
    }

    [Fact]
    public async Task Unreachable_BootstrapPeer_RedialledWithBackoffUntilItComes()
    {
        var port = FreePort();
        var node = new FakePeerNode(Chain, holdsBlocks: true);
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain));
        var options = follower.Options with { BootstrapPeers = [$"127.0.0.1:{port}"] };
        using var network = new PeerNetwork(follower.Node, follower.Book, options, sync: TestPeer.FastSync);
        using var stop = new CancellationTokenSource();
        var run = network.RunAsync(stop.Token);
        var rounds = network.Downloader.Rounds;
        Assert.True(await Eventually.TrueAsync(() => network.Downloader.Rounds >= rounds + 5));
        Assert.Empty(network.ConnectedPeers);

        await using var late = await TestPeerHost.StartAsync(new TestServerState(node, new PeerBook(new PeerOptions())), port);

        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 1));
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 20));
        await stop.CancelAsync();
        await run;
        Assert.Empty(follower.Book.Peers);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
