using Blockstack.Stacks;
using Blockstack.Storage.Trie;

namespace Blockstack.Chain.Tests;

[Trait("Category", "Unit")]
public class BlockProcessingTests
{
    [Fact]
    public void ProcessBlock_Transfer_MovesBalanceChargesFeeAndBumpsNonce()
    {
        using var chain = new TestChain();
        var (a, b) = (chain.Keys[0], chain.Keys[1]);
        var outcome = chain.Mine([chain.Transfer(a, b.Address, 5_000, 0, fee: 300)]);

        Assert.True(outcome.BecameTip);
        var state = chain.Coordinator.State;
        Assert.Equal(1_000_000_000_000UL - 5_300, (ulong)state.GetAccount(a.Address).Unlocked);
        Assert.Equal(1UL, state.GetAccount(a.Address).Nonce);
        Assert.Equal(1_000_000_000_000UL + 5_000, (ulong)state.GetAccount(b.Address).Unlocked);
        var receipt = outcome.Receipts[1];
        Assert.Equal(TransactionStatus.Success, receipt.Status);
        Assert.Equal(300UL, receipt.Fee);
        Assert.Equal(ChainEventKind.StxTransfer, Assert.Single(receipt.Events).Kind);
        Assert.Equal("(ok true)", receipt.Result.ToRepr());
    }

    [Fact]
    public void ProcessBlock_Coinbase_MintsAndPaysMinerOnlyAfterMaturity()
    {
        var p = ChainParameters.Regtest with { MinerRewardMaturity = 3 };
        using var chain = new TestChain(parameters: p with { GenesisBalances = [new GenesisBalance(TestKey.FromSeed(0).Address, 10_000_000)] });
        var a = chain.Keys[0];
        chain.Mine([chain.Transfer(a, chain.Keys[1].Address, 1, 0, fee: 700)]);
        chain.Mine();
        chain.Mine();
        Assert.Equal(UInt128.Zero, chain.Coordinator.State.GetAccount(chain.Miner.Address).Unlocked);

        chain.Mine(); // height 4 matures the reward of height 1

        Assert.Equal((UInt128)(1000UL * 1_000_000 + 700), chain.Coordinator.State.GetAccount(chain.Miner.Address).Unlocked);
        var supply = chain.Coordinator.State.GetSupply(chain.Tip.Id)!.Value;
        Assert.Equal((UInt128)(10_000_000UL + (4 * 1000UL * 1_000_000)), supply.Minted);
    }

    [Fact]
    public void ProcessBlock_MissedSortitions_AccumulateCoinbase()
    {
        var p = ChainParameters.Regtest with { MinerRewardMaturity = 1 };
        using var chain = new TestChain(parameters: p) { NextBurnHeight = 10 };
        chain.Mine(missed: 2);
        chain.Mine();

        Assert.Equal((UInt128)(3000UL * 1_000_000), chain.Coordinator.State.GetAccount(chain.Miner.Address).Unlocked);
    }

    [Fact]
    public void CoinbaseSchedule_Halvings_FollowTheSpec()
    {
        var p = ChainParameters.Mainnet;
        Assert.Equal(1000UL * 1_000_000, CoinbaseSchedule.At(p, p.FirstBurnHeight + (4 * 52596) - 1));
        Assert.Equal(500UL * 1_000_000, CoinbaseSchedule.At(p, p.FirstBurnHeight + (4 * 52596)));
        Assert.Equal(250UL * 1_000_000, CoinbaseSchedule.At(p, p.FirstBurnHeight + (8 * 52596)));
        Assert.Equal(125UL * 1_000_000, CoinbaseSchedule.At(p, p.FirstBurnHeight + (12 * 52596)));
    }

    [Fact]
    public void ProcessBlock_ContractDeploy_IsRejectedWithCode()
    {
        using var chain = new TestChain();
        var a = chain.Keys[0];
        var deploy = new StacksTransaction(TransactionVersion.Testnet, StacksTransaction.TestnetChainId,
            new TransactionAuth(TestChain.Signer.SingleSigCondition(a.Key, 0, 1000), null), AnchorMode.Any, PostConditionMode.Allow, [],
            new SmartContractPayload("hello", "(define-constant x u1)", null));
        deploy = TestChain.Signer.SignOrigin(deploy, a.Key);
        var ex = Assert.Throws<InvalidOperationException>(() => chain.Build([deploy]));
        Assert.Contains(ChainErrorCodes.TxContractDeployUnsupported, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Genesis_SameParameters_SameRoot_DifferentBalances_DifferentRoot()
    {
        using var one = new TestChain();
        using var two = new TestChain();
        using var three = new TestChain(balance: 5);

        Assert.Equal(one.Tip.StateRoot, two.Tip.StateRoot);
        Assert.NotEqual(one.Tip.StateRoot, three.Tip.StateRoot);
        Assert.Equal(BlockRecord.GenesisId, one.Tip.Id);
    }

    [Fact]
    public void Genesis_ReopenWithOtherBalances_Throws()
    {
        using var chain = new TestChain();
        var other = chain.Parameters with { GenesisBalances = [] };
        Assert.Throws<InvalidOperationException>(() => new ChainCoordinator(chain.ChainStore, other, chain.Sortitions, chain.Contracts));
    }

    [Fact]
    public void State_ProveAccount_VerifiesAgainstBlockRoot()
    {
        using var chain = new TestChain();
        chain.Mine([chain.Transfer(chain.Keys[0], chain.Keys[1].Address, 10, 0)]);
        var key = StateKeys.Account(chain.Keys[1].Address);
        var (root, value, proof) = chain.Coordinator.State.Prove(chain.Tip.Id, key)!.Value;
        Assert.True(StateTrie.Verify(root, key, value, present: true, proof));

        var absentKey = StateKeys.Account(TestKey.FromSeed(77).Address);
        var absent = chain.Coordinator.State.Prove(chain.Tip.Id, absentKey)!.Value;
        Assert.Null(absent.Value);
        Assert.True(StateTrie.Verify(absent.Root, absentKey, [], present: false, absent.Proof));
    }

    [Fact]
    public void Receipts_ByTxid_FollowTheCanonicalChain()
    {
        using var chain = new TestChain();
        var tx = chain.Transfer(chain.Keys[0], chain.Keys[1].Address, 10, 0);
        var outcome = chain.Mine([tx]);

        var found = chain.Coordinator.State.GetReceipt(tx.Txid);
        Assert.NotNull(found);
        Assert.Equal(outcome.Block!.Id, found.Value.Block.Id);
        Assert.Equal(1, found.Value.Receipt.Index);
        Assert.Equal(outcome.Block.Id, chain.Coordinator.State.GetBlockAtHeight(1)!.Id);
    }

    [Fact]
    public void ReceiptCodec_RoundTrips()
    {
        var a = TestKey.FromSeed(1).Principal;
        var b = TestKey.FromSeed(2).Principal;
        var receipts = new List<TransactionReceipt>
        {
            new(new StacksTxid(TestChain.Hash256Of(1, 1)), 0, TransactionStatus.Success, new ClarityResponse(true, ClarityBool.True),
                [ChainEvent.Transfer(a, b, UInt128.MaxValue, [1, 2, 3]), ChainEvent.Lock(a, 5, 99), ChainEvent.Contract(new ContractPrincipal(a.Address, "pox"), new ClarityUInt(3))], 77, false),
            new(new StacksTxid(TestChain.Hash256Of(2, 1)), 1, TransactionStatus.AbortByResponse, new ClarityResponse(false, new ClarityInt(3)), [], 0, true),
        };

        var decoded = ReceiptCodec.Decode(ReceiptCodec.Encode(receipts));

        Assert.Equal(ReceiptCodec.Encode(receipts), ReceiptCodec.Encode(decoded));
        Assert.Equal(UInt128.MaxValue, decoded[0].Events[0].Amount);
        Assert.Equal(TransactionStatus.AbortByResponse, decoded[1].Status);
    }

    [Fact]
    public void Account_Amounts_OverflowThrows()
    {
        var account = new Account(UInt128.MaxValue, 0, 1, 10);
        Assert.Throws<OverflowException>(() => account.Total);
    }
}
