using Blockstack.Chain;
using Blockstack.Stacks;
using Xunit.Abstractions;

namespace Blockstack.Node.Runtime.Tests;

/// <summary>
/// The runtime end to end on the embedded regtest bitcoind over real JSON-RPC: the watcher follows
/// bitcoind, the loop runs sortitions and applies the staged Stacks blocks they elect.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NodeRuntimeTests(ITestOutputHelper output)
{
    private static readonly TestStacksKey Alice = TestStacksKey.FromSeed(1);
    private static readonly TestStacksKey Bob = TestStacksKey.FromSeed(2);

    [Fact]
    public async Task RunAsync_FifteenTenures_AppliesBlocksConfirmsSubmittedTransferAndReportsSynced()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)));
        var runtime = host.Runtime;
        var accepted = new List<StacksBlockAcceptedEventArgs>();
        var burnEvents = 0;
        runtime.StacksBlockAccepted += (_, e) =>
        {
            lock (accepted)
            {
                accepted.Add(e);
            }
        };
        runtime.BurnBlockProcessed += (_, _) => burnEvents++;
        var watched = new List<BlockRecord>();
        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = Task.Run(async () =>
        {
            await foreach (var b in runtime.WatchCanonicalBlocks(watchStop.Token))
            {
                lock (watched)
                {
                    watched.Add(b);
                }
            }
        }, CancellationToken.None);

        var rounds = 0;
        var roundsWhileNotSynced = 0;
        runtime.AddRoundHandler(new DelegateRoundHandler(_ =>
        {
            Interlocked.Increment(ref rounds);
            if (!runtime.GetSyncStatus().Synced)
            {
                Interlocked.Increment(ref roundsWhileNotSynced);
            }

            return Task.CompletedTask;
        }));
        runtime.AddRoundHandler(new DelegateRoundHandler(_ => throw new InvalidOperationException("a failing round handler must not stop the node")));

        var miner = new TestMiner(chain, 1);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);

        StacksTxid? transfer = null;
        var blocks = new List<StacksBlock>();
        for (var i = 0; i < 15; i++)
        {
            IReadOnlyList<StacksTransaction> txs = [.. runtime.Mempool.Snapshot().Select(e => e.Transaction)];
            var stage = i % 2 == 0 ? StageAt.BeforeSortition : StageAt.AfterSortition;
            blocks.Add(await Tenures.MineAsync(chain, host, miner, stage, ct, txs));
            if (i == 4)
            {
                var tx = Alice.Transfer(runtime.ChainParameters, Bob.Address, 123_456, runtime.Chain.GetAccount(Alice.Address).Nonce);
                var outcome = runtime.SubmitTransaction(tx.Serialize());
                Assert.True(outcome.Accepted, outcome.RejectionMessage);
                Assert.Equal(tx.Txid, outcome.Txid);
                Assert.NotNull(runtime.GetPending(tx.Txid));
                var again = runtime.SubmitTransaction(tx.Serialize());
                Assert.Equal(ChainErrorCodes.MempoolDuplicate, again.RejectionCode);
                transfer = tx.Txid;
            }
        }

        // Fifteen blocks on top of genesis, in order, each the tip when accepted.
        var tip = runtime.Chain.Tip;
        Assert.Equal(15UL, tip.Height);
        Assert.Equal(blocks[^1].BlockHash, tip.BlockHash);
        for (ulong h = 1; h <= 15; h++)
        {
            Assert.Equal(blocks[(int)h - 1].BlockHash, runtime.Chain.GetBlockAtHeight(h)!.BlockHash);
        }

        // Events are raised on the loop just after the commit that readers already see.
        await host.WaitUntilAsync(() => { lock (accepted) { return accepted.Count >= 15; } }, "15 accepted events");
        Assert.Equal(15, accepted.Count);

        // The round handlers ran after the burn blocks processed once synced (at least one per
        // tenure), never while syncing; the failing one did not stop anything.
        Assert.InRange(Volatile.Read(ref rounds), 15, int.MaxValue);
        Assert.Equal(0, Volatile.Read(ref roundsWhileNotSynced));
        Assert.False(host.Run.IsCompleted);
        Assert.All(accepted, a => Assert.True(a.BecameTip));

        // The transfer: confirmed with a successful receipt, gone from the mempool, balance moved.
        var receipt = runtime.Chain.GetReceipt(transfer!.Value);
        Assert.NotNull(receipt);
        Assert.Equal(6UL, receipt.Value.Block.Height);
        Assert.Equal(TransactionStatus.Success, receipt.Value.Receipt.Status);
        Assert.Null(runtime.GetPending(transfer.Value));
        Assert.Equal(123_456UL, (ulong)runtime.Chain.GetAccount(Bob.Address).Unlocked);

        // Sync status: at bitcoind's tip.
        var info = await chain.Rpc.GetBlockchainInfoAsync(ct);
        await host.WaitUntilAsync(() => runtime.GetSyncStatus().Synced, "synced");
        var status = runtime.GetSyncStatus();
        output.WriteLine(status.ToString());
        Assert.Equal(info.Blocks, status.BurnHeight);
        Assert.Equal(info.Blocks, status.BitcoindHeight);
        Assert.Equal(info.BestBlockHash.ToString(), status.BurnBlockHash);
        Assert.Equal(100.0, status.ProgressPercent);
        Assert.Equal(info.Blocks, status.StableBurnHeight); // regtest: one confirmation is stable
        Assert.True(burnEvents >= (int)info.Blocks, $"{burnEvents} burn events for {info.Blocks} blocks");

        // Malformed and wrong submissions get codes and change nothing.
        var garbage = runtime.SubmitTransaction([0x80, 0x00, 0x01]);
        Assert.False(garbage.Accepted);
        Assert.Equal(ChainErrorCodes.TxUndecodable, garbage.RejectionCode);
        var stale = runtime.SubmitTransaction(Alice.Transfer(runtime.ChainParameters, Bob.Address, 1, 0).Serialize());
        Assert.Equal(ChainErrorCodes.TxBadNonce, stale.RejectionCode);

        // Every canonical block was streamed, in order.
        await host.WaitUntilAsync(() => { lock (watched) { return watched.Count == 15; } }, "15 watched blocks");
        await watchStop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
        Assert.Equal(Enumerable.Range(1, 15).Select(h => (ulong)h), watched.Select(b => b.Height));
    }

    [Fact]
    public async Task StageBlock_InvalidWinnerAndMalformedBlock_RejectedWithoutChangingState()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)));
        var runtime = host.Runtime;
        var miner = new TestMiner(chain, 2);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);
        await Tenures.MineAsync(chain, host, miner, StageAt.BeforeSortition, ct);
        await Tenures.MineAsync(chain, host, miner, StageAt.AfterSortition, ct);
        var before = runtime.Chain.Tip;
        var aliceBefore = runtime.Chain.GetAccount(Alice.Address);

        // A block whose hash won but whose state root lies: rejected when its sortition comes.
        var transfer = Alice.Transfer(runtime.ChainParameters, Bob.Address, 5_000, aliceBefore.Nonce);
        var bad = await miner.CommitAsync(runtime, [transfer], ct, b => b with { Header = b.Header with { StateIndexRoot = new Bitcoin.Hash256(new byte[32]) } });
        Assert.Null(runtime.StageBlock(bad));
        await chain.GenerateAsync(1, TestMiner.SinkAddress, ct);
        await host.WaitSyncedAsync(chain, ct);
        Assert.Equal(bad.BlockHash, runtime.Sortitions.Tip!.WinningBlockHash);
        await host.WaitUntilAsync(() => runtime.GetStagingRejection(bad.BlockHash) is not null, "the bad block's rejection");
        Assert.StartsWith(ChainErrorCodes.BlockBadStateRoot, runtime.GetStagingRejection(bad.BlockHash));
        Assert.False(runtime.Staging.Contains(bad.BlockHash));
        Assert.Equal(before.Id, runtime.Chain.Tip.Id);
        Assert.Equal(aliceBefore, runtime.Chain.GetAccount(Alice.Address));
        Assert.Null(runtime.Chain.GetReceipt(transfer.Txid));
        Assert.Null(runtime.Chain.GetBlock(bad.Header.IndexBlockHash(runtime.Sortitions.Tip.ConsensusHash)));

        // Malformed: no transactions at all. Refused at once, never staged.
        var empty = bad with { Transactions = [] };
        var refused = runtime.StageBlock(empty);
        Assert.NotNull(refused);
        output.WriteLine(refused.Value.ToString());
        Assert.False(runtime.Staging.Contains(empty.BlockHash));

        // The chain goes on from the last good block.
        var next = await Tenures.MineAsync(chain, host, miner, StageAt.AfterSortition, ct, [transfer]);
        Assert.Equal(before.Height + 1, runtime.Chain.Tip.Height);
        Assert.Equal(next.BlockHash, runtime.Chain.Tip.BlockHash);
        Assert.NotNull(runtime.Chain.GetReceipt(transfer.Txid));
    }

    [Fact]
    public async Task StageBlock_ChildBeforeParent_ChildWaitsAndAppliesWhenParentArrives()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)));
        var runtime = host.Runtime;
        var miner = new TestMiner(chain, 3);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);
        var first = await Tenures.MineAsync(chain, host, miner, StageAt.BeforeSortition, ct);

        // Parent A wins but is not staged here. A second runtime on the same bitcoind gets A and
        // serves as the builder of child B, which wins the next sortition.
        var a = await Tenures.MineAsync(chain, host, miner, StageAt.Never, ct);
        Assert.Equal(1UL, runtime.Chain.Tip.Height);
        await using var copy = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)) with { StagingRetentionBurnBlocks = 1000 });
        await copy.WaitSyncedAsync(chain, ct);
        Assert.Null(copy.Runtime.StageBlock(first));
        Assert.Null(copy.Runtime.StageBlock(a));
        await copy.WaitUntilAsync(() => copy.Runtime.Chain.Tip.BlockHash == a.BlockHash, "A on the copy");
        var b = await miner.CommitAsync(copy.Runtime, null, ct);
        await chain.GenerateAsync(1, TestMiner.SinkAddress, ct);
        await host.WaitSyncedAsync(chain, ct);
        Assert.Equal(b.BlockHash, runtime.Sortitions.Tip!.WinningBlockHash);

        // B first: its sortition won, its parent is unknown, so it waits in staging.
        Assert.Null(runtime.StageBlock(b));
        Assert.True(runtime.Staging.Contains(b.BlockHash));
        Assert.Equal(1UL, runtime.Chain.Tip.Height);

        // A arrives: A applies, then B is retried and applies on top.
        Assert.Null(runtime.StageBlock(a));
        await host.WaitUntilAsync(() => runtime.Chain.Tip.BlockHash == b.BlockHash, "B after A");
        Assert.Equal(3UL, runtime.Chain.Tip.Height);
        Assert.Equal(a.BlockHash, runtime.Chain.GetBlockAtHeight(2)!.BlockHash);
        Assert.Null(runtime.GetStagingRejection(b.BlockHash));
        output.WriteLine($"tip {runtime.Chain.Tip.Id} at height 3");
    }

    [Fact]
    public async Task GetDroppedReason_ReplacedByFeeAndNonceUsedByABlock_RemembersWhy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, Networks.Funded(Alice)));
        var runtime = host.Runtime;
        var miner = new TestMiner(chain, 9);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);

        var first = Alice.Transfer(runtime.ChainParameters, Bob.Address, 10, 0, fee: 1_000);
        var better = Alice.Transfer(runtime.ChainParameters, Bob.Address, 10, 0, fee: 2_000);
        Assert.True(runtime.SubmitTransaction(first.Serialize()).Accepted);
        Assert.Null(runtime.GetDroppedReason(first.Txid));
        Assert.True(runtime.SubmitTransaction(better.Serialize()).Accepted);
        Assert.StartsWith("mempool-replaced-by-fee", runtime.GetDroppedReason(first.Txid));
        Assert.Null(runtime.GetPending(first.Txid));
        Assert.NotNull(runtime.GetPending(better.Txid));

        // A block confirms another transaction with the same sender and nonce.
        var other = Alice.Transfer(runtime.ChainParameters, Bob.Address, 99, 0, fee: 1_500);
        await Tenures.MineAsync(chain, host, miner, StageAt.BeforeSortition, ct, [other]);
        Assert.NotNull(runtime.Chain.GetReceipt(other.Txid));

        // The chain tip is visible as soon as its batch commits; the mempool follows on the loop
        // right after (TipChanged), so wait for it rather than race it.
        await host.WaitUntilAsync(() => runtime.GetPending(better.Txid) is null, "the mempool to follow the tip");
        Assert.StartsWith("mempool-nonce-used", runtime.GetDroppedReason(better.Txid));
        Assert.Null(runtime.GetDroppedReason(other.Txid));
    }

    [Fact]
    public async Task StageBlock_NeverWinsOrOverCapacity_ExpiresAfterRetentionAndRefusesWhenFull()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        var options = RuntimeHost.Options(chain, Networks.Funded(Alice)) with { StagingRetentionBurnBlocks = 3, StagingCapacity = 3 };
        await using var host = RuntimeHost.Start(options);
        var runtime = host.Runtime;
        var miner = new TestMiner(chain, 10);
        await miner.FundAsync(ct);
        await host.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(host, ct);

        // Variants of a committed block with other hashes: well-formed, never committed.
        var committed = await miner.CommitAsync(runtime, null, ct);
        var losers = Enumerable.Range(1, 3).Select(n => committed with { Header = committed.Header with { TotalBurn = committed.Header.TotalBurn + (ulong)n } }).ToList();
        Assert.Null(runtime.StageBlock(committed));
        Assert.Null(runtime.StageBlock(losers[0]));
        Assert.Null(runtime.StageBlock(losers[1]));
        Assert.Null(runtime.StageBlock(losers[1])); // staging again is a no-op
        var full = runtime.StageBlock(losers[2]);
        Assert.Equal(NodeRuntime.StagingFull, full?.Code);
        Assert.False(runtime.Staging.Contains(losers[2].BlockHash));

        await chain.GenerateAsync(1, TestMiner.SinkAddress, ct);
        await host.WaitSyncedAsync(chain, ct);
        await host.WaitUntilAsync(() => runtime.Chain.Tip.BlockHash == committed.BlockHash, "the committed block");

        // Four burn blocks later the losers are gone; the winner (won at the first) too.
        await chain.GenerateAsync(4, TestMiner.SinkAddress, ct);
        await host.WaitSyncedAsync(chain, ct);
        // (The sortition tip is visible before the loop prunes staging, so wait for the pruning.)
        await host.WaitUntilAsync(
            () => !runtime.Staging.Contains(losers[0].BlockHash) && !runtime.Staging.Contains(losers[1].BlockHash) && !runtime.Staging.Contains(committed.BlockHash),
            "the staged blocks to expire");
        Assert.StartsWith("staging-expired", runtime.GetStagingRejection(losers[0].BlockHash));
        Assert.StartsWith("staging-expired", runtime.GetStagingRejection(losers[1].BlockHash));
        Assert.Null(runtime.GetStagingRejection(committed.BlockHash));

        // Room again.
        Assert.Null(runtime.StageBlock(losers[2]));
    }
}
