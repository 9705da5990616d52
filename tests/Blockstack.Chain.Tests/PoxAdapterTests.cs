using Blockstack.Bitcoin;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Pox;
using Blockstack.Stacks;

namespace Blockstack.Chain.Tests;

[Trait("Category", "Unit")]
public class PoxAdapterTests
{
    private static readonly PoxRewardAddress Legacy = new(0x00, Enumerable.Repeat((byte)0x42, 20).ToArray());
    private static readonly PoxRewardAddress Segwit = new(0x04, Enumerable.Repeat((byte)0x43, 20).ToArray());

    private static ClarityValue[] StackArgs(ulong amount, PoxRewardAddress address, ulong startBurn) =>
        [new ClarityUInt(amount), address.ToClarity(), new ClarityUInt(startBurn), new ClarityUInt(1)];

    [Fact]
    public void ChainRewardSetProvider_AnchorWithTwoStackers_ReturnsTheirBitcoinAddressesAndLiquidSupply()
    {
        using var chain = new TestChain();
        var burn = chain.NextBurnHeight;
        chain.Mine(
        [
            chain.Call(chain.Keys[0], "pox", "stack-stx", StackArgs(600_000_000_000, Legacy, burn), 0),
            chain.Call(chain.Keys[1], "pox", "stack-stx", StackArgs(300_000_000_000, Segwit, burn), 0),
        ]);
        var tip = chain.Tip;
        var provider = new ChainRewardSetProvider(chain.ChainStore, chain.Parameters, chain.Contracts);

        var inputs = provider.GetRewardSetInputs(new AnchorBlock(tip.BurnHeight, default, tip.ConsensusHash, tip.BlockHash, default), 1);

        Assert.NotNull(inputs);
        Assert.Equal(
            [
                new StackingEntry(PoxAddress.Legacy(false, false, new Hash160Bytes(Legacy.HashBytes)), 600_000_000_000),
                new StackingEntry(new PoxAddress(PoxAddressKind.P2wpkh, false, new ByteString(Segwit.HashBytes)), 300_000_000_000),
            ],
            inputs.Entries);
        Assert.Equal(chain.Coordinator.State.GetRewardSetInputs(tip.Id, 1)!.Value.LiquidUstx, inputs.LiquidUstx);
        Assert.Empty(provider.GetRewardSetInputs(new AnchorBlock(tip.BurnHeight, default, tip.ConsensusHash, tip.BlockHash, default), 2)!.Entries);
    }

    [Fact]
    public void ChainRewardSetProvider_UnknownAnchor_ReturnsNull()
    {
        using var chain = new TestChain();
        chain.Mine();
        var provider = new ChainRewardSetProvider(chain.ChainStore, chain.Parameters, chain.Contracts);

        var inputs = provider.GetRewardSetInputs(new AnchorBlock(1, default, chain.Tip.ConsensusHash, new StacksBlockHash(TestChain.Hash256Of(9, 9)), default), 1);

        Assert.Null(inputs);
    }

    [Theory]
    [InlineData(PoxAddressKind.P2pkh, 20)]
    [InlineData(PoxAddressKind.P2sh, 20)]
    [InlineData(PoxAddressKind.P2wpkh, 20)]
    [InlineData(PoxAddressKind.P2wsh, 32)]
    [InlineData(PoxAddressKind.P2tr, 32)]
    public void PoxConversions_EveryOutputKind_RoundTrips(PoxAddressKind kind, int length)
    {
        var address = new PoxAddress(kind, true, new ByteString(Enumerable.Range(1, length).Select(i => (byte)i).ToArray()));

        var back = PoxConversions.ToPoxAddress(PoxConversions.ToRewardAddress(address), mainnet: true);

        Assert.Equal(address, back);
    }

    [Theory]
    [InlineData(0x07, 20)]
    [InlineData(0x00, 32)]
    [InlineData(0x06, 20)]
    public void PoxConversions_BadVersionOrLength_GivesNull(byte version, int length) =>
        Assert.Null(PoxConversions.ToPoxAddress(new PoxRewardAddress(version, new byte[length]), mainnet: false));

    [Fact]
    public void SortitionStoreView_MinedTenures_GiveTheSnapshotsFacts()
    {
        using var h = new PoxHarness([]);
        h.Start();
        var first = h.Mine();
        h.BurnBlock(); // no commit: a missed sortition
        h.Mine();
        var snapshot = h.Sortitions.Tip!;

        var facts = h.View.GetSortition(snapshot.ConsensusHash);

        Assert.NotNull(facts);
        Assert.Equal(snapshot.ConsensusHash, facts.ConsensusHash);
        Assert.Equal(4UL, facts.BurnHeight);
        Assert.Equal(h.Coordinator.Tip.BlockHash, facts.WinningBlockHash);
        Assert.Equal(first.Block!.ConsensusHash, facts.ParentConsensusHash);
        Assert.Equal(snapshot.TotalBurn, facts.TotalBurn);
        Assert.Equal(1UL, facts.MissedSortitionsBefore);
        Assert.Equal(1UL, h.View.GetSortition(first.Block!.ConsensusHash)!.MissedSortitionsBefore); // the key block had no winner
        Assert.Equal(h.Sortitions.GetSnapshot(snapshot.ParentSortitionId)!.SortitionHash.Hash, facts.VrfSeed);
        Assert.Equal(2UL, h.Coordinator.Tip.Height);
        Assert.Equal(SortitionFacts.FirstConsensusHash, h.View.GetSortition(first.Block.ConsensusHash)!.ParentConsensusHash);
    }

    [Fact]
    public void SortitionStoreView_NoWinnerOrUnknown_GivesNullAndNotCanonical()
    {
        using var h = new PoxHarness([]);
        h.Start();
        var keyBlock = h.Sortitions.Tip!.ConsensusHash;
        h.Mine();
        var unknown = new ConsensusHash(new Hash160(Enumerable.Repeat((byte)0x99, 20).ToArray()));

        Assert.Null(h.View.GetSortition(keyBlock));
        Assert.True(h.View.IsCanonical(keyBlock));
        Assert.Null(h.View.GetSortition(unknown));
        Assert.False(h.View.IsCanonical(unknown));
        Assert.True(h.View.IsCanonical(h.Coordinator.Tip.ConsensusHash));
    }

    [Fact]
    public void SortitionStoreView_RolledBackBurnBlock_IsNoLongerCanonical()
    {
        using var h = new PoxHarness([]);
        h.Start();
        h.Mine();
        var ch = h.Coordinator.Tip.ConsensusHash;
        var header = h.Index.Tip!.Value;

        h.Sortitions.RollBackTo(header);
        h.Index.RollBackTip();

        Assert.False(h.View.IsCanonical(ch));
        Assert.Null(h.View.GetSortition(ch));
    }

    [Fact]
    public void SortitionStoreView_BurnOperations_AreTheLastSixBlocksStxOpsOldestFirst()
    {
        using var h = new PoxHarness([]);
        var sender = new StacksAddressValue(StacksAddressValue.TestnetSingleSig, new Hash160Bytes(Enumerable.Repeat((byte)1, 20).ToArray()));
        var other = new StacksAddressValue(StacksAddressValue.TestnetSingleSig, new Hash160Bytes(Enumerable.Repeat((byte)2, 20).ToArray()));
        var reward = PoxAddress.Legacy(false, false, new Hash160Bytes(Enumerable.Repeat((byte)3, 20).ToArray()));
        h.BurnBlock();
        for (var i = 1; i <= 8; i++)
        {
            h.BurnBlock((height, hash) =>
            [
                new TransferStxOp(sender, other, height, new ByteString([7]), new Txid(PoxHarness.H("t", height)), 1, height, hash),
                new PreStxOp(sender, new Txid(PoxHarness.H("p", height)), 2, height, hash),
            ]);
        }

        h.BurnBlock((height, hash) =>
        [
            new StackStxOp(sender, reward, 5, 2, null, null, null, new Txid(PoxHarness.H("s", height)), 1, height, hash),
            new DelegateStxOp(sender, other, new DelegateRewardAddress(1, reward), 6, 20, new Txid(PoxHarness.H("d", height)), 2, height, hash),
        ]);

        var ops = h.View.GetBurnOperations(h.Sortitions.Tip!.ConsensusHash);

        Assert.Equal([4UL, 5, 6, 7, 8, 9, 9], ops.Select(o => o.BurnHeight));
        var transfer = Assert.IsType<TransferStxOperation>(ops[0]);
        Assert.Equal((UInt128)4, transfer.Ustx);
        Assert.Equal(new StacksAddress(other.Version, new Hash160(other.Hash.ToArray())), transfer.Recipient);
        Assert.Equal(PoxHarness.H("t", 4), transfer.BurnTxid);
        Assert.Equal([7], transfer.Memo);
        var stack = Assert.IsType<StackStxOperation>(ops[5]);
        Assert.Equal(new PoxRewardAddress(0x00, Enumerable.Repeat((byte)3, 20).ToArray()), stack.RewardAddress);
        Assert.Equal((UInt128)5, stack.Ustx);
        Assert.Equal((byte)2, stack.Cycles);
        var delegation = Assert.IsType<DelegateStxOperation>(ops[6]);
        Assert.Equal(20UL, delegation.UntilBurnHeight);
        Assert.Equal(stack.RewardAddress, delegation.RewardAddress);
        Assert.Equal(new StacksAddress(sender.Version, new Hash160(sender.Hash.ToArray())), delegation.Sender);
    }
}
