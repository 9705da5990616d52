namespace Blockstack.Node.Peers.Sync.Tests;

[Trait("Category", "Integration")]
public sealed class RelayTests
{
    private static readonly IReadOnlyList<TestSortition> Chain = TestChain.Build(5);

    private static int OffersOf(TestPeer peer, string id) => peer.Node.Offers.Count(o => o.Id == id && o.From is not null);

    [Fact]
    public async Task Transaction_ThroughAChainOfThreeNetworks_ArrivesOnceAtEachAndIsNotEchoed()
    {
        await using var a = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        await using var b = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        await using var c = await TestPeer.StartAsync(new FakePeerNode(Chain, holdsBlocks: true));
        c.RunNetwork();
        b.RunNetwork(null, c);
        a.RunNetwork(null, b);

        // A dials B, B dials C; each dials back the one that dialled it: A-B and B-C both ways, no A-C.
        Assert.True(await Eventually.TrueAsync(() =>
            a.Network!.ConnectedPeers.Count == 1 && b.Network!.ConnectedPeers.Count == 2 && c.Network!.ConnectedPeers.Count == 1));

        var first = a.Node.Submit([1, 2, 3, 4]);
        Assert.True(await Eventually.TrueAsync(() => c.Node.HasTransaction(first)));

        // A second transaction the other way: per-peer queues are FIFO, so any echo of the first
        // (C to B, B to A) would have been pushed before the second arrives at A.
        var second = c.Node.Submit([5, 6, 7, 8]);
        Assert.True(await Eventually.TrueAsync(() => a.Node.HasTransaction(second)));

        Assert.Equal(0, OffersOf(a, first));
        Assert.Equal(1, OffersOf(b, first));
        Assert.Equal(1, OffersOf(c, first));
        Assert.Equal(1, OffersOf(a, second));
        Assert.Equal(1, OffersOf(b, second));
        Assert.Equal(0, OffersOf(c, second));
        Assert.Equal(b.Book.NodeId, c.Node.Offers.Single(o => o.Id == first).From!.NodeId);
        Assert.Equal(b.Book.NodeId, a.Node.Offers.Single(o => o.Id == second && o.From is not null).From!.NodeId);
    }

    [Fact]
    public async Task Block_PushedByAMiner_RelayedToPeers_HistoricFetchedBlocksAreNot()
    {
        var chain = TestChain.Build(30);
        var newBlock = TestChain.MakeBlock(31, chain.Last(s => s.Sortition).BlockHash, "new", 64);
        var newHash = BlockDownloader.HashOf(newBlock)!;
        await using var source = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(chain));
        await using var watcher = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        follower.RunNetwork(null, source, watcher);
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 30));

        // A block the follower's miner made (From = null) goes to both peers.
        follower.Node.OfferBlock(newBlock, null);
        Assert.True(await Eventually.TrueAsync(() => OffersOf(watcher, newHash) == 1 && OffersOf(source, newHash) == 1));

        // Of the 30 blocks the follower fetched while catching up, only those whose sortition is
        // among the newest burn blocks (RelayRecentBurnBlocks, 6) were pushed on to the watcher.
        var recent = chain.Where(s => s.Sortition && s.Height > chain[^1].Height - 6).Select(s => s.BlockHash).ToHashSet();
        var pushed = watcher.Node.Offers.Where(o => o.Kind == PeerItemKind.Block && o.Id != newHash).Select(o => o.Id).ToList();
        Assert.NotEmpty(recent);
        Assert.All(pushed, id => Assert.Contains(id, recent));
    }

    [Fact]
    public async Task Zonefile_StoredByAClient_PushedToPeers()
    {
        var content = "$ORIGIN alice.id\n$TTL 3600\n_http._tcp URI 10 1 \"https://example.com\"\n"u8.ToArray();
        await using var a = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var b = await TestPeer.StartAsync(new FakePeerNode(Chain));
        var hash = a.Node.AddZonefileOnChain(content, holdContent: false);
        b.Node.AddZonefileOnChain(content, holdContent: false);
        a.RunNetwork(null, b);
        Assert.True(await Eventually.TrueAsync(() => a.Network!.ConnectedPeers.Count == 1));

        Assert.Equal(OfferStatus.Accepted, a.Node.OfferZonefile(content, null).Status);

        Assert.True(await Eventually.TrueAsync(() => b.Node.HasZonefile(hash)));
        Assert.Equal(1, OffersOf(b, hash));
    }
}
