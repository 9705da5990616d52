using System.Diagnostics;
using Xunit.Abstractions;

namespace Blockstack.Node.Peers.Sync.Tests;

/// <summary>
/// The downloader's own share of the catch-up benchmark: a fresh follower fetches 1,000
/// blocks the size of 1,000 token transfers (180 kB) from one peer over real gRPC, with fake
/// nodes that apply instantly. The time is written to the test output, not asserted; the
/// daemon-level benchmark lives in tests/Blockstack.Benchmarks.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CatchUpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FreshFollower_1000LargeBlocksFromOnePeer_AllAppliedInOrder()
    {
        var chain = TestChain.Build(1_000, gapEvery: 0, bodyBytes: 180_000);
        await using var peer = await TestPeer.StartAsync(new FakePeerNode(chain, holdsBlocks: true));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(chain));
        var clock = Stopwatch.StartNew();

        var network = follower.RunNetwork(null, peer);

        Assert.True(await Eventually.TrueWithinAsync(() => follower.Node.Applied.Count == 1_000, TimeSpan.FromMinutes(5)), $"applied {follower.Node.Applied.Count} of 1000");
        clock.Stop();
        Assert.Equal(chain.Select(s => s.BlockHash), follower.Node.Applied);
        Assert.Equal(1_000, network.Downloader.BlocksFetched);
        output.WriteLine($"1000 blocks of 180 kB from one peer in {clock.Elapsed.TotalSeconds:F2} s ({1_000 / clock.Elapsed.TotalSeconds:F0} blocks/s, {peer.Server.GetBlocksCalls} GetBlocks calls)");
    }
}
