using Blockstack.Stacks;
using Blockstack.Storage;

namespace Blockstack.Chain.Tests;

[Trait("Category", "Unit")]
public class PoxTests
{
    private static readonly PoxRewardAddress BtcAddress = new(0x00, Enumerable.Repeat((byte)0x42, 20).ToArray());

    private static ClarityValue[] StackArgs(ulong amount, ulong startBurn, ulong cycles, PoxRewardAddress? addr = null) =>
        [new ClarityUInt(amount), (addr ?? BtcAddress).ToClarity(), new ClarityUInt(startBurn), new ClarityUInt(cycles)];

    [Fact]
    public void StackStx_LocksUntilUnlockHeight_RegistersRewardSet_ThenUnlocks()
    {
        using var chain = new TestChain();
        var a = chain.Keys[0];
        const ulong amount = 600_000_000_000;
        var burn = chain.NextBurnHeight; // 1, cycle 0 (regtest: L = 5)
        var outcome = chain.Mine([chain.Call(a, "pox", "stack-stx", StackArgs(amount, burn, 2), 0)]);

        var receipt = outcome.Receipts[1];
        Assert.Equal(TransactionStatus.Success, receipt.Status);
        var unlock = chain.Parameters.RewardCycleStart(1 + 2); // first cycle 1, two cycles ⇒ burn 15
        Assert.Equal($"(ok (tuple (lock-amount u{amount}) (stacker '{a.Address}) (unlock-burn-height u{unlock})))", receipt.Result.ToRepr());
        var account = chain.Coordinator.State.GetAccount(a.Address);
        Assert.Equal((UInt128)amount, account.Locked);
        Assert.Equal(unlock, account.UnlockHeight);

        // Reward-set inputs at this block for cycles 1 and 2, none for 3.
        var inputs = chain.Coordinator.State.GetRewardSetInputs(chain.Tip.Id, 1)!.Value;
        Assert.Equal(new RewardSetEntry(BtcAddress, amount), Assert.Single(inputs.Entries));
        Assert.Single(chain.Coordinator.State.GetRewardSetInputs(chain.Tip.Id, 2)!.Value.Entries);
        Assert.Empty(chain.Coordinator.State.GetRewardSetInputs(chain.Tip.Id, 3)!.Value.Entries);
        Assert.Equal(chain.Coordinator.State.GetSupply(chain.Tip.Id)!.Value.Liquid, inputs.LiquidUstx);

        // Locked STX cannot be spent.
        var refused = Assert.Throws<InvalidOperationException>(() => chain.Build([chain.Transfer(a, chain.Keys[1].Address, 500_000_000_000, 1)]));
        Assert.Contains(ChainErrorCodes.TxInsufficientFunds, refused.Message, StringComparison.Ordinal);

        // At the unlock burn height the lock is gone.
        chain.NextBurnHeight = unlock;
        chain.Mine([chain.Transfer(a, chain.Keys[1].Address, 500_000_000_000, 1)]);
        Assert.Equal(UInt128.Zero, chain.Coordinator.State.GetAccount(a.Address).Locked);
    }

    [Fact]
    public void StackStx_Errors_FollowPox2Codes()
    {
        using var chain = new TestChain();
        var a = chain.Keys[0];
        var burn = chain.NextBurnHeight;
        var txs = new[]
        {
            chain.Call(a, "pox", "stack-stx", StackArgs(600_000_000_000, burn + 10, 2), 0),   // 24 start height
            chain.Call(a, "pox", "stack-stx", StackArgs(600_000_000_000, burn, 13), 1),       // 2 lock period
            chain.Call(a, "pox", "stack-stx", StackArgs(1, burn, 2), 2),                      // 11 threshold
            chain.Call(a, "pox", "stack-stx", StackArgs(600_000_000_000, burn, 2, new PoxRewardAddress(9, new byte[20])), 3), // 13
            chain.Call(a, "pox", "stack-stx", StackArgs(2_000_000_000_000, burn, 2), 4),     // 1 funds
        };

        var outcome = chain.Mine(txs);

        Assert.Equal(["(err 24)", "(err 2)", "(err 11)", "(err 13)", "(err 1)"], outcome.Receipts.Skip(1).Select(r => r.Result.ToRepr()));
        Assert.All(outcome.Receipts.Skip(1), r => Assert.Equal(TransactionStatus.AbortByResponse, r.Status));
        Assert.Equal(5UL, chain.Coordinator.State.GetAccount(a.Address).Nonce);
        Assert.Equal(UInt128.Zero, chain.Coordinator.State.GetAccount(a.Address).Locked);
    }

    [Fact]
    public void Delegation_DelegateStackAndAggregationCommit_BuildOneRewardEntry()
    {
        using var chain = new TestChain();
        var (alice, bob, pool) = (chain.Keys[0], chain.Keys[1], chain.Keys[2]);
        var burn = chain.NextBurnHeight;
        ClarityValue Delegate(ulong amt) => new ClarityUInt(amt);
        var block = chain.Mine(
        [
            chain.Call(alice, "pox", "delegate-stx", [Delegate(400_000_000_000), new ClarityPrincipal(pool.Principal), ClarityOptional.None, ClarityOptional.None], 0),
            chain.Call(bob, "pox", "delegate-stx", [Delegate(400_000_000_000), new ClarityPrincipal(pool.Principal), ClarityOptional.None, new ClarityOptional(BtcAddress.ToClarity())], 0),
            chain.Call(pool, "pox", "delegate-stack-stx", [new ClarityPrincipal(alice.Principal), new ClarityUInt(300_000_000_000), BtcAddress.ToClarity(), new ClarityUInt(burn), new ClarityUInt(1)], 0),
            chain.Call(pool, "pox", "delegate-stack-stx", [new ClarityPrincipal(bob.Principal), new ClarityUInt(300_000_000_000), BtcAddress.ToClarity(), new ClarityUInt(burn), new ClarityUInt(1)], 1),
            chain.Call(pool, "pox", "stack-aggregation-commit", [BtcAddress.ToClarity(), new ClarityUInt(1)], 2),
            chain.Call(alice, "pox", "revoke-delegate-stx", [], 1),
            chain.Call(pool, "pox", "delegate-stack-stx", [new ClarityPrincipal(alice.Principal), new ClarityUInt(1), BtcAddress.ToClarity(), new ClarityUInt(burn), new ClarityUInt(1)], 3),
        ]);

        Assert.Equal(
            ["(ok true)", "(ok true)", "(ok", "(ok", "(ok true)", "(ok true)", "(err 9)"],
            block.Receipts.Skip(1).Select(r => r.Result.ToRepr().StartsWith("(ok (", StringComparison.Ordinal) ? "(ok" : r.Result.ToRepr()));
        var entries = chain.Coordinator.State.GetRewardSetInputs(chain.Tip.Id, 1)!.Value.Entries;
        Assert.Equal(new RewardSetEntry(BtcAddress, 600_000_000_000), Assert.Single(entries));
        Assert.Equal((UInt128)300_000_000_000, chain.Coordinator.State.GetAccount(bob.Address).Locked);
    }

    [Fact]
    public void ReadOnly_GetPoxInfoAndStackerInfo_AnswerFromTip()
    {
        using var chain = new TestChain();
        var a = chain.Keys[0];
        chain.Mine([chain.Call(a, "pox", "stack-stx", StackArgs(600_000_000_000, chain.NextBurnHeight, 1), 0)]);

        var info = chain.Coordinator.State.CallReadOnly("pox", "get-stacker-info", [new ClarityPrincipal(a.Principal)], a.Principal);
        Assert.StartsWith("(some (tuple (first-reward-cycle u1) (lock-period u1)", info.Value!.ToRepr(), StringComparison.Ordinal);
        var pox = chain.Coordinator.State.CallReadOnly("pox", "get-pox-info", [], a.Principal);
        Assert.Contains("(reward-cycle-length u5)", pox.Value!.ToRepr(), StringComparison.Ordinal);
    }

    [Fact]
    public void BurnOps_TransferStackDelegate_AppliedOncePerFork()
    {
        using var chain = new TestChain();
        var (a, b, c) = (chain.Keys[0], chain.Keys[1], chain.Keys[2]);
        var burn = chain.NextBurnHeight;
        var ops = new List<BurnStxOperation>
        {
            new TransferStxOperation(TestChain.Hash256Of(1, 0xB0), burn, a.Address, b.Address, 1234, []),
            new StackStxOperation(TestChain.Hash256Of(2, 0xB0), burn, c.Address, BtcAddress, 600_000_000_000, 1),
            new DelegateStxOperation(TestChain.Hash256Of(3, 0xB0), burn, b.Address, a.Address, 10, null, null),
        };
        var first = chain.Mine(ops: ops);
        Assert.All(first.Receipts.Skip(1), r => Assert.True(r.IsSuccess && r.IsBurnOperation, r.Result.ToRepr()));
        var second = chain.Mine(ops: ops); // same window: already applied on this fork

        Assert.Single(second.Receipts);
        Assert.Equal(1_000_000_001_234UL, (ulong)chain.Coordinator.State.GetAccount(b.Address).Unlocked);
        Assert.Equal((UInt128)600_000_000_000, chain.Coordinator.State.GetAccount(c.Address).Locked);
    }
}

[Trait("Category", "Unit")]
public class MempoolTests
{
    [Fact]
    public void TryAdd_AdmissionRules_CodedRefusals()
    {
        using var chain = new TestChain();
        var pool = new Mempool(chain.Parameters, chain.Contracts);
        chain.Coordinator.Mempool = pool;
        var (a, b) = (chain.Keys[0], chain.Keys[1]);
        var state = chain.Coordinator.State;

        Assert.Null(pool.TryAdd(chain.Transfer(a, b.Address, 10, 0, fee: 1000), state));
        Assert.Equal(ChainErrorCodes.MempoolFeeRateTooLow, pool.TryAdd(chain.Transfer(a, b.Address, 10, 1, fee: 10), state)!.Value.Code);
        Assert.Equal(ChainErrorCodes.MempoolNonceTooFar, pool.TryAdd(chain.Transfer(a, b.Address, 10, 25, fee: 1000), state)!.Value.Code);
        Assert.Equal(ChainErrorCodes.TxInsufficientFunds, pool.TryAdd(chain.Transfer(a, b.Address, 2_000_000_000_000, 1, fee: 1000), state)!.Value.Code);
        Assert.Equal(ChainErrorCodes.MempoolReplaceFeeTooLow, pool.TryAdd(chain.Transfer(a, b.Address, 11, 0, fee: 1000), state)!.Value.Code);
        var bad = chain.Transfer(a, b.Address, 10, 1, fee: 1000) with { AnchorMode = AnchorMode.OnChainOnly };
        Assert.Equal(ChainErrorCodes.TxBadSignature, pool.TryAdd(bad, state)!.Value.Code);

        var replacement = chain.Transfer(a, b.Address, 11, 0, fee: 2000);
        Assert.Null(pool.TryAdd(replacement, state));
        Assert.Equal(replacement.Txid, Assert.Single(pool.Snapshot()).Txid);
    }

    [Fact]
    public void OnTipChanged_MinedRemoved_ReorgReadmits()
    {
        using var chain = new TestChain();
        var pool = new Mempool(chain.Parameters, chain.Contracts);
        chain.Coordinator.Mempool = pool;
        var (a, b) = (chain.Keys[0], chain.Keys[1]);
        var baseBlock = chain.Mine().Block!;
        var tx = chain.Transfer(a, b.Address, 10, 0, fee: 1000);
        Assert.Null(pool.TryAdd(tx, chain.Coordinator.State));

        chain.Mine([tx], parent: baseBlock);
        Assert.False(pool.Contains(tx.Txid));

        var other = chain.Mine(parent: baseBlock).Block!;
        chain.Mine(parent: other);
        Assert.True(pool.Contains(tx.Txid));
    }

    [Fact]
    public void TryAdd_Full_EvictsLowestFeeRate()
    {
        using var chain = new TestChain();
        var pool = new Mempool(chain.Parameters with { MempoolCapacity = 2 }, chain.Contracts);
        var state = chain.Coordinator.State;
        var k = chain.Keys;
        Assert.Null(pool.TryAdd(chain.Transfer(k[0], k[3].Address, 1, 0, fee: 1000), state));
        Assert.Null(pool.TryAdd(chain.Transfer(k[1], k[3].Address, 1, 0, fee: 3000), state));
        Assert.Equal(ChainErrorCodes.MempoolFull, pool.TryAdd(chain.Transfer(k[2], k[3].Address, 1, 0, fee: 500), state)!.Value.Code);
        Assert.Null(pool.TryAdd(chain.Transfer(k[2], k[3].Address, 1, 0, fee: 5000), state));
        Assert.Equal(2, pool.Count);
        Assert.DoesNotContain(pool.Snapshot(), e => e.Fee == 1000);
    }
}

[Trait("Category", "Integration")]
public sealed class CrashSafetyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chain-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Reopen_AfterAbandonedBatch_NodeIsAtLastWholeBlock()
    {
        TestChain chain = new(RocksStore.Open<ChainColumn>(_dir, ChainStore.Schema));
        chain.Mine([chain.Transfer(chain.Keys[0], chain.Keys[1].Address, 10, 0)]);
        var whole = chain.Tip;
        var (block, ch) = chain.Build([chain.Transfer(chain.Keys[0], chain.Keys[1].Address, 10, 1)]);
        var sortitions = chain.Sortitions;

        // Simulate a crash mid-application: trie nodes and records of the block written into a
        // batch that is never committed, then the process goes away.
        var batch = chain.Store.CreateBatch();
        var env = new BlockEnvironment(chain.Parameters, chain.Contracts, 99, whole.Height + 1);
        Assert.True(BlockProcessor.TryApply(chain.ChainStore.Trie, chain.Store, batch, env, whole, sortitions.Sortitions[ch], block, [], true, out _, out _));
        batch.Put(ChainColumn.ChainMeta, "tip"u8, new byte[32]);
        chain.Store.Dispose(); // batch abandoned

        using var reopened = RocksStore.Open<ChainColumn>(_dir, ChainStore.Schema);
        var coordinator = new ChainCoordinator(new ChainStore(reopened), chain.Parameters, sortitions, chain.Contracts);
        Assert.Equal(whole.Id, coordinator.Tip.Id);
        Assert.Equal((UInt128)1_000_000_000_010, coordinator.State.GetAccount(chain.Keys[1].Address).Unlocked);

        // The block applies cleanly after the restart.
        var outcome = coordinator.ProcessBlock(block, ch);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.ToString());
        Assert.Equal((UInt128)1_000_000_000_020, coordinator.State.GetAccount(chain.Keys[1].Address).Unlocked);
    }

    [Fact]
    public void Open_OtherSchema_Refused()
    {
        RocksStore.Open<ChainColumn>(_dir, ChainStore.Schema).Dispose();
        Assert.Throws<StoreSchemaMismatchException>(() => RocksStore.Open<ChainColumn>(_dir, new StoreSchema("blockstack-chain", 99)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
