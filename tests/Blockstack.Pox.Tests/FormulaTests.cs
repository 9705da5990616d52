using System.Numerics;
using System.Security.Cryptography;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;

namespace Blockstack.Pox.Tests;

[Trait("Category", "Unit")]
public class FormulaTests
{
    private static LeaderBlockCommitOp Commit(string name, ulong fee, OutPoint input, ulong height = 10, uint vtx = 1, int outputs = 2) => new(
        ChainSim.H(name, "b"), ChainSim.H(name, "s"), 0, 0, 1, 1, 6, (byte)((height - 1) % 5), fee, 0,
        new ValueList<PoxAddress>(Enumerable.Repeat(ChainSim.Burn, outputs)), input, null, new Txid(ChainSim.H(name)), vtx, height, default);

    [Theory]
    [InlineData(new ulong[] { 5 }, 5)]
    [InlineData(new ulong[] { 1, 10 }, 5)]
    [InlineData(new ulong[] { 10, 1, 7 }, 7)]
    [InlineData(new ulong[] { 1, 1, 8, 9, 100, 3 }, 5)]
    [InlineData(new ulong[] { ulong.MaxValue, ulong.MaxValue }, ulong.MaxValue)]
    public void Median_Values_IsMiddleOrFlooredMeanOfMiddles(ulong[] values, ulong expected) =>
        Assert.Equal((UInt128)expected, BurnDistribution.Median(values.Select(v => (UInt128)v).ToArray()));

    [Fact]
    public void Compute_SixBlockWindowWithAGapAndAMissedLink_CountsAbsentAndMissedAsOne()
    {
        // Chain (newest first): c5 (burn 100) ← c4 (200) ← [no commit at 3] ← missed m2 ← c1 (400) ← c0 (500).
        var c0 = Commit("c0", 500, new OutPoint(new Txid(ChainSim.H("fund")), 0), 5);
        var c1 = Commit("c1", 400, new OutPoint(c0.Txid, 3), 6);
        var m2 = new MissedCommit(new Txid(ChainSim.H("m2")), new OutPoint(c1.Txid, 3), default);
        var c4 = Commit("c4", 200, new OutPoint(m2.Txid, 3), 9);
        var c5 = Commit("c5", 100, new OutPoint(c4.Txid, 3), 10);
        var rows = new List<WindowRow>
        {
            new([c0], [], false), new([c1], [], false), new([], [m2], false), new([], [], false), new([c4], [], false), new([c5], [], false),
        };
        var sample = Assert.Single(BurnDistribution.Compute(rows));
        // Window burns: 100, 200, 1 (absent at 3), 1 (missed), 400, 500 → sorted 1,1,100,200,400,500 → median (100+200)/2 = 150.
        Assert.Equal(150UL, sample.MedianBurn);
        Assert.Equal(100UL, sample.Burn);
        Assert.Equal(5, sample.Frequency);
    }

    [Fact]
    public void Compute_WrongChainingVout_BreaksTheLink()
    {
        var c0 = Commit("c0", 500, new OutPoint(new Txid(ChainSim.H("fund")), 0), 9);
        var c1 = Commit("c1", 400, new OutPoint(c0.Txid, 2), 10);
        var sample = Assert.Single(BurnDistribution.Compute([new([c0], [], false), new([c1], [], false)]));
        Assert.Equal(1, sample.Frequency);
        Assert.Equal(200UL, sample.MedianBurn); // (1 + 400) / 2
        Assert.Equal(200UL, sample.Burn);
    }

    [Fact]
    public void TryAssignRanges_SingleCandidate_CoversTheWholeSpace()
    {
        var samples = new List<CommitEntry> { new(Commit("a", 7, default), 7, 7, 1, default, default) };
        Assert.True(BurnDistribution.TryAssignRanges(samples, out var total));
        Assert.Equal(7UL, total);
        Assert.Equal(UInt256.Zero, samples[0].RangeStart);
        Assert.Equal(UInt256.MaxValue, samples[0].RangeEnd);
        Assert.Equal(0, BurnDistribution.Sample(samples, UInt256.MaxValue));
    }

    [Fact]
    public void TryAssignRanges_TwoEqualBurns_SplitAtFloorOfHalfMax()
    {
        var samples = new List<CommitEntry> { new(Commit("a", 1, default), 1, 1, 1, default, default), new(Commit("b", 1, default), 1, 1, 1, default, default) };
        Assert.True(BurnDistribution.TryAssignRanges(samples, out _));
        var half = UInt256.FromBigInteger((BigInteger.Pow(2, 256) - 1) / 2);
        Assert.Equal(half, samples[0].RangeEnd);
        Assert.Equal(half, samples[1].RangeStart);
        Assert.Equal(UInt256.MaxValue, samples[1].RangeEnd);
        Assert.Equal(0, BurnDistribution.Sample(samples, UInt256.FromBigInteger(half.ToBigInteger() - 1)));
        Assert.Equal(1, BurnDistribution.Sample(samples, half));
        Assert.Null(BurnDistribution.Sample(samples, UInt256.MaxValue));
    }

    [Fact]
    public void TryAssignRanges_LargeBurns_UseExact512BitArithmetic()
    {
        ulong[] burns = [ulong.MaxValue / 3, 1, ulong.MaxValue / 3];
        var samples = burns.Select((b, i) => new CommitEntry(Commit("x" + i, b, default), b, b, 1, default, default)).ToList();
        Assert.True(BurnDistribution.TryAssignRanges(samples, out var total));
        var max = BigInteger.Pow(2, 256) - 1;
        Assert.Equal(UInt256.FromBigInteger(max * burns[0] / total), samples[0].RangeEnd);
        Assert.Equal(UInt256.FromBigInteger(max * (burns[0] + 1) / total), samples[1].RangeEnd);
        Assert.Equal(UInt256.MaxValue, samples[2].RangeEnd);
    }

    [Fact]
    public void TryAssignRanges_SumOverflowsU64_ReportsNoSortition()
    {
        var samples = new List<CommitEntry> { new(Commit("a", ulong.MaxValue, default), ulong.MaxValue, 0, 1, default, default), new(Commit("b", 1, default), 1, 0, 1, default, default) };
        Assert.False(BurnDistribution.TryAssignRanges(samples, out _));
    }

    [Fact]
    public void ToUInt256_Hash_IsReadLittleEndian()
    {
        var bytes = new byte[32];
        bytes[0] = 1;
        bytes[31] = 0x80;
        var value = new SortitionHash(new Hash256(bytes)).ToUInt256();
        Assert.Equal(BigInteger.Pow(2, 255) + 1, value.ToBigInteger());
    }

    [Theory]
    [InlineData(0UL, 0UL, 1_000_000_000_000UL)] // max(0, 4e12 µSTX / 4) / 4 slots = 2.5e11 → next 1e10 multiple 2.5e11
    [InlineData(1_600_000_000_000UL, 4_000_000_000_000UL, 400_000_000_000UL)] // exact multiple stays
    [InlineData(1_600_000_000_004UL, 4_000_000_000_000UL, 410_000_000_000UL)] // one µSTX over rounds up a full step
    public void Threshold_Inputs_CeilsToTenThousandStxSteps(ulong participation, ulong liquid, ulong expected)
    {
        var liquidValue = liquid == 0 ? 4_000_000_000_000UL : liquid;
        var want = participation == 0 ? 250_000_000_000UL : expected;
        Assert.Equal((UInt128)want, RewardSetCalculator.Threshold(participation, liquidValue, 4));
    }

    [Fact]
    public void EnoughParticipation_ExactlyAtPercent_IsNotEnough()
    {
        Assert.False(RewardSetCalculator.EnoughParticipation(5, 100, 5));
        Assert.True(RewardSetCalculator.EnoughParticipation(6, 100, 5));
    }

    [Fact]
    public void Slots_EntriesOutOfOrder_DescendByReprAndMergeSameAddress()
    {
        var a = ChainSim.StackerA;
        var b = ChainSim.StackerB;
        var c = PoxAddress.Legacy(true, false, new Hash160Bytes(Enumerable.Repeat((byte)0x01, 20).ToArray())); // repr "15-01..." sorts first
        var slots = RewardSetCalculator.Slots([new(a, 25), new(c, 10), new(b, 9), new(a, 5), new(b, 1)], 10);
        // Descending repr: 1a-2222 (10 → 1), 1a-1111 (30 → 3), 15-0101 (10 → 1).
        Assert.Equal([b, a, a, a, c], slots);
    }

    [Fact]
    public void Compute_LowParticipation_GivesAnEmptySet()
    {
        var set = RewardSetCalculator.Compute(new([new(ChainSim.StackerA, 10)], 1000), ChainSim.Regtest);
        Assert.Empty(set.Slots);
    }

    [Fact]
    public void PoxParameters_Regtest_PhasesFollowCycleFiveAndPrepareThree()
    {
        var pox = ChainSim.Regtest;
        Assert.Equal(4u, pox.RewardSlots);
        Assert.Equal([false, true, true, false, false], Enumerable.Range(5, 5).Select(h => pox.IsInRewardPhase((ulong)h)).ToArray());
        Assert.Equal([true, false, false, true, true], Enumerable.Range(5, 5).Select(h => pox.IsInPreparePhase((ulong)h)).ToArray());
        Assert.True(pox.IsRewardCycleStart(6));
        Assert.Equal(1UL, pox.CycleOf(5));
        Assert.Equal(11UL, pox.FirstRewardBlockOf(2));
        Assert.False(pox.IsInPreparePhase(0));
    }

    [Fact]
    public void AncestorHeights_ParentTen_AreDistancesTwoToTheIMinusOne()
    {
        Assert.Equal([10UL, 9, 7, 3], ConsensusHashes.AncestorHeights(10, 0));
        Assert.Equal([10UL, 9, 7], ConsensusHashes.AncestorHeights(10, 5));
        Assert.Equal([0UL], ConsensusHashes.AncestorHeights(0, 0));
    }

    [Fact]
    public void Compute_ConsensusHash_IsRipemdOfShaOverTheDocumentedPreimage()
    {
        var burn = new BlockHash(ChainSim.H("burn"));
        var ops = ConsensusHashes.OpsHashOf([new Txid(ChainSim.H("t1")), new Txid(ChainSim.H("t2"))]);
        var prev = new ConsensusHash(Stacks.Hash160.Of([1, 2, 3]));
        var ch = ConsensusHashes.Compute(burn, ops, 0x0102030405060708, PoxId.Initial.Extend(false), [prev, default]);
        var pre = new List<byte> { 0x17, 0, 0, 0 };
        pre.AddRange(burn.ToDisplayBytes());
        pre.AddRange(ops.Hash.ToArray());
        pre.AddRange(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        pre.AddRange("10"u8.ToArray());
        pre.AddRange(prev.Hash.ToArray());
        pre.AddRange(new byte[20]);
        Assert.Equal(Convert.ToHexStringLower(RIPEMD160Managed(SHA256.HashData(pre.ToArray()))), ch.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([])), ConsensusHashes.OpsHashOf([]).Hash.ToHex());
    }

    [Fact]
    public void SortitionIdOf_PoxIdChange_ChangesTheId()
    {
        var burn = new BlockHash(ChainSim.H("burn"));
        Assert.NotEqual(SortitionId.Of(burn, PoxId.Initial), SortitionId.Of(burn, PoxId.Initial.Extend(true)));
        Assert.Equal(new Hash256(burn.ToDisplayBytes()), SortitionId.Stubbed(burn).Hash);
    }

    private static byte[] RIPEMD160Managed(byte[] data) => Bitcoin.Crypto.Hashes.Ripemd160(data);
}
