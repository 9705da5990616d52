using System.Collections.Concurrent;
using Blockstack.Burnchain.Index;
using Blockstack.Pox;
using Blockstack.Stacks;
using Xunit.Abstractions;

namespace Blockstack.Node.Runtime.Tests;

/// <summary>Burnchain reorgs, restarts, crashes between the stores' commits, and readers during writes.</summary>
[Trait("Category", "Integration")]
public sealed class ReorgRestartTests(ITestOutputHelper output)
{
    private static readonly TestStacksKey Alice = TestStacksKey.FromSeed(1);
    private static readonly TestStacksKey Bob = TestStacksKey.FromSeed(2);

    [Fact]
    public async Task Reorg_InvalidateBlockThatElectedAStacksBlock_TipMovesBackAndForwardLikeAFreshRuntime()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)));
        var runtime = host.Runtime;
        var miner = new TestMiner(chain, 4);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);
        var blocks = new List<StacksBlock>();
        for (var i = 0; i < 6; i++)
        {
            var txs = i == 3 ? new[] { Alice.Transfer(runtime.ChainParameters, Bob.Address, 777, 0) } : null;
            blocks.Add(await Tenures.MineAsync(chain, host, miner, StageAt.BeforeSortition, ct, txs));
        }

        var tipBefore = runtime.Chain.Tip;
        var electedIn = runtime.Sortitions.GetSnapshotByConsensusHash(tipBefore.ConsensusHash)!;

        // Back: the burn block that elected block 6 leaves bitcoind's chain.
        await chain.InvalidateAsync(electedIn.BurnHeaderHash, ct);
        await host.WaitSyncedAsync(chain, ct);
        await host.WaitUntilAsync(() => runtime.Chain.Tip.Height == 5, "the tip back at height 5");
        Assert.Equal(blocks[4].BlockHash, runtime.Chain.Tip.BlockHash);
        Assert.False(runtime.SortitionView.IsCanonical(tipBefore.ConsensusHash));

        // Forward: bitcoind re-mines the commit (back in its mempool) at the same height, so the
        // same Stacks block wins again under a new consensus hash and is applied from staging.
        // (Another coinbase address: the same template would rebuild the invalidated block.)
        await chain.GenerateAsync(1, miner.Address, ct);
        await host.WaitSyncedAsync(chain, ct);
        await host.WaitUntilAsync(() => runtime.Chain.Tip.Height == 6, "the tip forward at height 6");
        var again = runtime.Chain.Tip;
        Assert.Equal(blocks[5].BlockHash, again.BlockHash);
        Assert.NotEqual(tipBefore.Id, again.Id);
        Assert.NotEqual(tipBefore.ConsensusHash, again.ConsensusHash);
        for (var i = 0; i < 2; i++)
        {
            blocks.Add(await Tenures.MineAsync(chain, host, miner, StageAt.AfterSortition, ct));
        }

        // A fresh runtime that syncs the final chain (with every block offered) ends identical.
        await AssertLikeFreshAsync(chain, runtime, blocks, ct);
    }

    [Fact]
    public async Task LateBlocks_StagedOnlyAfterSync_RewardCyclesReEvaluatedLikeTheReference()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)));
        var runtime = host.Runtime;
        var miner = new TestMiner(chain, 11);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);
        var blocks = new List<StacksBlock>();
        for (var i = 0; i < 12; i++)
        {
            blocks.Add(await Tenures.MineAsync(chain, host, miner, StageAt.BeforeSortition, ct));
        }

        // The reference knew every anchor in time; at least one cycle start had one.
        var tip = runtime.Sortitions.Tip!;
        Assert.DoesNotContain('0', tip.PoxId.ToString());
        var anchored = Enumerable.Range(0, (int)runtime.NetworkParameters.Pox.CycleOf(tip.BurnHeight) + 1)
            .Count(c => runtime.Sortitions.GetRewardCycle((ulong)c)?.Anchor is not null);
        Assert.True(anchored > 0, "no reward cycle had an anchor block");

        await AssertLikeFreshAsync(chain, runtime, blocks, late: true, ct);
    }

    [Fact]
    public async Task Restart_DisposeAndReopenSameDataDirectory_SameTipsAndRootThenContinues()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = timeout.Token;
        using var dir = new TempDir();
        await using var chain = await RegtestChain.StartAsync(ct);
        var options = RuntimeHost.Options(chain, Networks.Funded(Alice), dir.Path);
        var miner = new TestMiner(chain, 5);
        var blocks = new List<StacksBlock>();
        SortitionSnapshot sortitionTip;
        Chain.BlockRecord chainTip;
        await using (var host = RuntimeHost.Start(options))
        {
            await miner.FundAsync(ct);
            await host.WaitSyncedAsync(chain, ct);
            await miner.RegisterKeyAsync(host, ct);
            for (var i = 0; i < 4; i++)
            {
                blocks.Add(await Tenures.MineAsync(chain, host, miner, StageAt.BeforeSortition, ct));
            }

            // One more winner that stays staged only (its sortition comes after the restart).
            blocks.Add(await miner.CommitAsync(host.Runtime, null, ct));
            Assert.Null(host.Runtime.StageBlock(blocks[^1]));
            sortitionTip = host.Runtime.Sortitions.Tip!;
            chainTip = host.Runtime.Chain.Tip;
            await host.StopAsync();
        }

        await using (var reopened = NodeRuntime.Open(options))
        {
            Assert.Equal(sortitionTip, reopened.Sortitions.Tip);
            Assert.Equal(chainTip, reopened.Chain.Tip);
            Assert.Equal(sortitionTip.BurnHeaderHash, reopened.Burnchain.Tip!.Value.Hash);
            Assert.True(reopened.Staging.Contains(blocks[^1].BlockHash));
            await using var host = RuntimeHost.Start(reopened);
            await chain.GenerateAsync(1, TestMiner.SinkAddress, ct);
            await host.WaitSyncedAsync(chain, ct);
            await host.WaitUntilAsync(() => reopened.Chain.Tip.BlockHash == blocks[^1].BlockHash, "the block staged before the restart");
            blocks.Add(await Tenures.MineAsync(chain, host, miner, StageAt.AfterSortition, ct));
            Assert.Equal(6UL, reopened.Chain.Tip.Height);
            await AssertLikeFreshAsync(chain, reopened, blocks, ct);
        }
    }

    [Fact]
    public async Task Crash_BetweenWatcherAndSortitionCommits_ReopenReplaysOrRollsBackAndHeals()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = timeout.Token;
        using var dir = new TempDir();
        await using var chain = await RegtestChain.StartAsync(ct);
        var crash = 0;
        var hooks = new NodeRuntimeTestHooks { SortitionBeforeCommit = () => { if (Volatile.Read(ref crash) == 1) { throw new SimulatedCrashException(); } } };
        var options = RuntimeHost.Options(chain, Networks.Funded(Alice), dir.Path);
        var miner = new TestMiner(chain, 6);
        var blocks = new List<StacksBlock>();

        // 1. Crash after the index committed burn block H, before the sortition of H committed.
        await using (var host = RuntimeHost.Start(options with { TestHooks = hooks }))
        {
            await miner.FundAsync(ct);
            await host.WaitSyncedAsync(chain, ct);
            await miner.RegisterKeyAsync(host, ct);
            for (var i = 0; i < 3; i++)
            {
                blocks.Add(await Tenures.MineAsync(chain, host, miner, StageAt.BeforeSortition, ct));
            }

            blocks.Add(await miner.CommitAsync(host.Runtime, null, ct));
            Assert.Null(host.Runtime.StageBlock(blocks[^1]));
            Volatile.Write(ref crash, 1);
            await chain.GenerateAsync(1, TestMiner.SinkAddress, ct);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => WaitStoppedAsync(host));
        }

        var (indexTip, sortitionTip) = ReadTips(dir.Path);
        output.WriteLine($"after crash 1: index {indexTip}, sortition {sortitionTip}");
        Assert.Equal(indexTip - 1, sortitionTip);

        Volatile.Write(ref crash, 0);
        await using (var host = RuntimeHost.Start(options with { TestHooks = hooks }))
        {
            // Reconciliation replayed H from the index, and the staged winner of H was applied.
            Assert.Equal(indexTip, host.Runtime.Sortitions.Tip!.BurnHeight);
            Assert.Equal(blocks[^1].BlockHash, host.Runtime.Chain.Tip.BlockHash);

            // 2. Crash after the index rolled H back, before the sortition rollback committed.
            var electedIn = host.Runtime.Sortitions.Tip!.BurnHeaderHash;
            await host.WaitSyncedAsync(chain, ct);
            Volatile.Write(ref crash, 1);
            await chain.InvalidateAsync(electedIn, ct);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => WaitStoppedAsync(host));
        }

        (indexTip, sortitionTip) = ReadTips(dir.Path);
        output.WriteLine($"after crash 2: index {indexTip}, sortition {sortitionTip}");
        Assert.Equal(indexTip + 1, sortitionTip);

        Volatile.Write(ref crash, 0);
        await using (var host = RuntimeHost.Start(options))
        {
            // Reconciliation rolled the sortition back and moved the Stacks tip with it.
            Assert.Equal(indexTip, host.Runtime.Sortitions.Tip!.BurnHeight);
            Assert.Equal(blocks[^2].BlockHash, host.Runtime.Chain.Tip.BlockHash);
            await chain.GenerateAsync(1, miner.Address, ct);
            await host.WaitSyncedAsync(chain, ct);
            await host.WaitUntilAsync(() => host.Runtime.Chain.Tip.BlockHash == blocks[^1].BlockHash, "the re-elected block");
            blocks.Add(await Tenures.MineAsync(chain, host, miner, StageAt.AfterSortition, ct));
            await AssertLikeFreshAsync(chain, host.Runtime, blocks, ct);
        }
    }

    [Fact]
    public async Task Readers_HammerStoresWhileBlocksApply_NoErrorsAndConsistentAnswers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)));
        var runtime = host.Runtime;
        var miner = new TestMiner(chain, 7);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);

        using var stop = new CancellationTokenSource();
        var errors = new ConcurrentQueue<string>();
        long reads = 0;
        var readers = Enumerable.Range(0, 2).Select(reader => Task.Run(() =>
        {
            ulong lastHeight = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var tip = runtime.Chain.Tip;
                    if (tip.Height < lastHeight)
                    {
                        errors.Enqueue($"tip went back from {lastHeight} to {tip.Height}");
                    }

                    lastHeight = tip.Height;
                    if (runtime.Chain.GetAccountAt(tip.Id, Alice.Principal) is null)
                    {
                        errors.Enqueue($"no state at tip {tip.Id}");
                    }

                    if (runtime.Chain.GetBlockAtHeight(tip.Height) is null)
                    {
                        errors.Enqueue($"no canonical block at height {tip.Height}");
                    }

                    if (!tip.IsGenesis && runtime.SortitionView.GetSortition(tip.ConsensusHash) is null)
                    {
                        errors.Enqueue($"no sortition for tip {tip.Id}");
                    }

                    var s = runtime.Sortitions.Tip!;
                    if (runtime.Sortitions.GetDetails(s.SortitionId) is null)
                    {
                        errors.Enqueue($"no details for sortition {s.SortitionId}");
                    }

                    _ = runtime.Chain.GetAccount(Bob.Address);
                    _ = runtime.GetSyncStatus();
                    _ = runtime.Mempool.Snapshot();
                    Interlocked.Increment(ref reads);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e.ToString());
                }
            }
        }, CancellationToken.None)).ToArray();

        for (var i = 0; i < 8; i++)
        {
            var tx = Alice.Transfer(runtime.ChainParameters, Bob.Address, 1_000 + (ulong)i, runtime.Chain.GetAccount(Alice.Address).Nonce);
            Assert.True(runtime.SubmitTransaction(tx.Serialize()).Accepted);
            await Tenures.MineAsync(chain, host, miner, i % 2 == 0 ? StageAt.BeforeSortition : StageAt.AfterSortition, ct, [tx]);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        output.WriteLine($"{reads} reads while 8 blocks applied");
        Assert.Empty(errors);
        Assert.True(reads > 0);
        Assert.Equal(8UL, runtime.Chain.Tip.Height);
        Assert.Equal((ulong)Enumerable.Range(0, 8).Sum(i => 1_000 + i), (ulong)runtime.Chain.GetAccount(Bob.Address).Unlocked);
    }

    /// <summary>
    /// A fresh in-memory runtime follows the same bitcoind to the same tips and root, offered every
    /// block up front, and again offered every block only after it synced all burn blocks (so every
    /// reward cycle started with its anchor block unknown and must be re-evaluated when it comes).
    /// </summary>
    private static async Task AssertLikeFreshAsync(RegtestChain chain, NodeRuntime runtime, IReadOnlyList<StacksBlock> blocks, CancellationToken ct)
    {
        await AssertLikeFreshAsync(chain, runtime, blocks, late: false, ct);
        await AssertLikeFreshAsync(chain, runtime, blocks, late: true, ct);
    }

    private static async Task AssertLikeFreshAsync(RegtestChain chain, NodeRuntime runtime, IReadOnlyList<StacksBlock> blocks, bool late, CancellationToken ct)
    {
        var fresh = NodeRuntime.Open(RuntimeHost.Options(chain, runtime.NetworkParameters) with { StagingRetentionBurnBlocks = 10_000 });
        if (!late)
        {
            foreach (var b in blocks)
            {
                Assert.Null(fresh.StageBlock(b));
            }
        }

        await using var host = RuntimeHost.Start(fresh);
        await host.WaitSyncedAsync(chain, ct);
        if (late)
        {
            Assert.True(fresh.Chain.Tip.IsGenesis);
            foreach (var b in blocks)
            {
                Assert.Null(fresh.StageBlock(b));
            }
        }

        var expected = runtime.Chain.Tip;
        await host.WaitUntilAsync(() => fresh.Chain.Tip.Id == expected.Id, $"the fresh runtime at {expected.Id}");
        Assert.Equal(expected.StateRoot, fresh.Chain.Tip.StateRoot);
        Assert.Equal(expected with { Sequence = 0 }, fresh.Chain.Tip with { Sequence = 0 }); // Sequence counts local processing order
        Assert.Equal(runtime.Sortitions.Tip, fresh.Sortitions.Tip);
        Assert.Equal(runtime.Chain.GetAccount(Alice.Address), fresh.Chain.GetAccount(Alice.Address));
        Assert.Equal(runtime.Chain.GetAccount(Bob.Address), fresh.Chain.GetAccount(Bob.Address));
    }

    private static async Task WaitStoppedAsync(RuntimeHost host)
    {
        var deadline = DateTime.UtcNow + RuntimeHost.WaitLimit;
        while (!host.Run.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the runtime did not stop");
            await Task.Delay(10);
        }

        await host.Run;
    }

    /// <summary>Burn heights of the index tip and the sortition tip, read from the closed stores.</summary>
    private static (ulong Index, ulong Sortition) ReadTips(string dataDirectory)
    {
        var root = Path.Combine(dataDirectory, "regtest");
        using var index = BurnchainIndex.Open(Path.Combine(root, "burnchain"));
        using var sortitions = SortitionStore.Open(Path.Combine(root, "sortition"), NodeNetwork.Regtest.Pox, new FixedRewardSetProvider(new RewardSetInputs([], 0)));
        return (index.Tip!.Value.Height, sortitions.Tip!.BurnHeight);
    }
}

internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash before a sortition commit")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
