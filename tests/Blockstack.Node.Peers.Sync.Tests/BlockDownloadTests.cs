namespace Blockstack.Node.Peers.Sync.Tests;

[Trait("Category", "Integration")]
public sealed class BlockDownloadTests
{
    private static IEnumerable<string> Winners(IReadOnlyList<TestSortition> chain) => chain.Where(s => s.Sortition).Select(s => s.BlockHash);

    [Fact]
    public async Task Follower_300MissingSortitions_TwoPeersOneDiesMidway_AppliesAllInOrder()
    {
        var chain = TestChain.Build(300);
        await using var dying = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        await using var steady = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        dying.Server.Faults.DieAfterBlocks = 40;
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(chain));

        var network = follower.RunNetwork(null, dying, steady);

        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 300), $"applied {follower.Node.Applied.Count} of 300");
        Assert.Equal(Winners(chain), follower.Node.Applied);
        Assert.True(dying.Server.Dead);
        Assert.True(dying.Server.BlocksServed >= 40, $"the dying peer served {dying.Server.BlocksServed}");
        Assert.True(steady.Server.BlocksServed > 0);
        Assert.Equal(300, follower.Node.Offers.Count(o => o.Kind == PeerItemKind.Block && o.Status == OfferStatus.Accepted));
        Assert.Empty(follower.Book.Bans);
        Assert.Equal(300, network.Downloader.BlocksFetched);
    }

    [Fact]
    public async Task Follower_PeerServesBlocksWithAnotherHash_PeerBannedAndBlocksFetchedFromTheOther()
    {
        var chain = TestChain.Build(50);
        await using var liar = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        await using var honest = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        liar.Server.Faults.CorruptBlocks = true;
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(chain));

        var network = follower.RunNetwork(null, liar);
        Assert.True(await Eventually.TrueAsync(() => follower.Book.IsBanned(liar.Book.NodeId)), "the peer serving wrong blocks was not banned");
        Assert.True(follower.Book.IsBanned(liar.Address.ToString()));
        Assert.Equal(0, follower.Node.BlockCount);
        Assert.DoesNotContain(follower.Node.Offers, o => o.Kind == PeerItemKind.Block);
        network.AddPeer(honest.Address);

        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 50), $"applied {follower.Node.Applied.Count} of 50");
        Assert.Equal(Winners(chain), follower.Node.Applied);
        Assert.DoesNotContain(network.ConnectedPeers, p => p.Identity!.NodeId == liar.Book.NodeId);
        Assert.All(follower.Node.Offers, o => Assert.Equal(honest.Book.NodeId, o.From!.NodeId));
    }

    [Fact]
    public async Task Follower_NodeFindsAFetchedBlockInvalid_SenderBanned()
    {
        var chain = TestChain.Build(10);
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        var node = new FakePeerNode(chain);
        node.InvalidBlocks.Add(chain.First(s => s.Sortition).BlockHash);
        await using var follower = await TestPeer.StartAsync(node);

        var network = follower.RunNetwork(null, peer);

        Assert.True(await Eventually.TrueAsync(() => follower.Book.IsBanned(peer.Book.NodeId)));
        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 0));
        Assert.Contains(follower.Book.Bans, b => b.Reason.Contains("invalid block", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StagedBlockInvalid_BansThePeerItCameFrom()
    {
        var chain = TestChain.Build(10);
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(chain));
        var network = follower.RunNetwork(null, peer);
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 10));
        var from = follower.Node.Offers[0].From!;

        follower.Node.RaiseStagedBlockInvalid(chain.First(s => s.Sortition).BlockHash, from, "block-bad-state-root");

        Assert.True(follower.Book.IsBanned(peer.Book.NodeId));
        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 0));
        Assert.Contains(follower.Book.Bans, b => b.Reason.Contains("block-bad-state-root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Follower_SortitionsEvaluatedAgain_BlocksAskedUnderTheNewConsensusHashes()
    {
        var chain = TestChain.Build(40);
        var stale = chain.Select(s => s with { ConsensusHash = TestChain.Hex("stale-" + s.ConsensusHash, 20) }).ToList();
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        var node = new FakePeerNode(stale);
        await using var follower = await TestPeer.StartAsync(node);

        var network = follower.RunNetwork(null, peer);

        // Under the follower's first consensus hashes the peer's inventory holds none of its blocks.
        Assert.True(await Eventually.TrueAsync(() => network.ConnectedPeers.Count == 1));
        var rounds = network.Downloader.Rounds;
        Assert.True(await Eventually.TrueAsync(() => network.Downloader.Rounds >= rounds + 10));
        Assert.Equal(0, follower.Node.BlockCount);

        // The follower evaluates its sortitions again and now agrees with the peer: every block comes.
        node.Reorg(chain, holdBlocks: false);

        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 40), $"applied {follower.Node.Applied.Count} of 40");
        Assert.Equal(Winners(chain), follower.Node.Applied);
        Assert.Empty(follower.Book.Bans);
    }

    [Fact]
    public async Task Follower_DeliveredBlocksLostAgain_FetchesThemAgainWithoutWaitingOutTheDeliveryMemory()
    {
        var chain = TestChain.Build(40);
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(chain));
        follower.RunNetwork(null, peer);
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 40), $"applied {follower.Node.Applied.Count} of 40");

        // Every delivered block leaves the node again. The downloader remembers deliveries for 60 s;
        // a block the node's own inventory reports missing 5 s after its delivery is wanted again
        // at once (the bound below is well under the 60 s memory, so the old behaviour fails it).
        follower.Node.LoseAllBlocks();

        Assert.True(
            await Eventually.TrueWithinAsync(() => follower.Node.Applied.Count == 40, TimeSpan.FromSeconds(40)),
            $"applied {follower.Node.Applied.Count} of 40 after losing them");
        Assert.Equal(Winners(chain), follower.Node.Applied);
        Assert.Equal(80, follower.Node.Offers.Count(o => o.Kind == PeerItemKind.Block && o.Status == OfferStatus.Accepted));
        Assert.Empty(follower.Book.Bans);
    }

    [Fact]
    public async Task Follower_FirstBlockNowhere_StagesNoMoreThanTheWindowThenCatchesUp()
    {
        var chain = TestChain.Build(300);
        var first = chain.First(s => s.Sortition);
        var peerNode = new FakePeerNode(chain);
        foreach (var s in chain.Where(s => s.Sortition && s != first))
        {
            peerNode.Hold(s);
        }

        await using var peer = await TestPeer.StartAsync(peerNode, new PeerOptions { MaxBlocksPerRequest = 16 });
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(chain));
        var sync = TestPeer.FastSync with { DownloadWindow = 64 };

        var network = follower.RunNetwork(sync, peer);

        // Nothing applies without the first block: the downloader fills its window and stops there.
        Assert.True(await Eventually.TrueAsync(() => follower.Node.BlockCount >= 64), $"held {follower.Node.BlockCount}");
        var rounds = network.Downloader.Rounds;
        Assert.True(await Eventually.TrueAsync(() => network.Downloader.Rounds >= rounds + 10));
        Assert.InRange(follower.Node.BlockCount, 64, 64 + 16);
        Assert.Empty(follower.Node.Applied);

        peerNode.Hold(first);
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 300), $"applied {follower.Node.Applied.Count} of 300");
        Assert.Equal(Winners(chain), follower.Node.Applied);
    }

    [Fact]
    public async Task BurnchainReorg_SeenByFollowerAndPeer_FollowerFetchesTheNewForksBlocks()
    {
        var before = TestChain.Build(60, seed: 1);
        var forkPoint = before.Count - 20;
        var after = TestChain.Extend([.. before.Take(forkPoint)], 30, seed: 2);
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(before, holdsBlocks: true));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(before));
        var network = follower.RunNetwork(null, peer);
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.Count == 60));

        peer.Node.Reorg(after, holdBlocks: true);
        follower.Node.Reorg(after, holdBlocks: false);

        var expected = Winners(after).ToList();
        Assert.True(await Eventually.TrueAsync(() => follower.Node.Applied.SequenceEqual(expected)), $"applied {follower.Node.Applied.Count} of {expected.Count} on the new fork");
        Assert.NotEqual(Winners(before).Last(), follower.Node.Applied[^1]);
        Assert.Empty(follower.Book.Bans);
    }
}
