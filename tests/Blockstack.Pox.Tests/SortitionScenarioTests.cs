using Blockstack.Burnchain.Ops;

namespace Blockstack.Pox.Tests;

/// <summary>
/// The multi-cycle scenario on synthetic burn blocks (regtest parameters: cycle 5, prepare 3):
/// two miners, a fixed two-stacker reward set, commits built by the test miner.
/// </summary>
[Trait("Category", "Integration")]
public class SortitionScenarioTests
{
    private static (SortitionStore Store, ChainSim Sim) Run(int blocks, ulong feeA = 3000, ulong feeB = 1000, string tag = "main")
    {
        var store = SortitionStore.InMemory(ChainSim.Regtest, new FixedRewardSetProvider(ChainSim.TwoStackers));
        var sim = new ChainSim(store, tag, new SimMiner(1, feeA), new SimMiner(2, feeB));
        for (var i = 0; i < blocks; i++)
        {
            sim.Step();
        }

        return (store, sim);
    }

    [Fact]
    public void Apply_FourCycles_EveryWinnerIsAnAcceptedCommitWithAValidVrfProof()
    {
        var (store, sim) = Run(21);
        for (ulong h = 2; h <= 20; h++)
        {
            var snapshot = store.GetSnapshotAtHeight(h)!;
            var details = store.GetDetails(snapshot.SortitionId)!;
            Assert.True(snapshot.Sortition, $"no sortition at {h}");
            Assert.Empty(details.Rejections);
            var winner = details.Winner!;
            Assert.Contains(winner, details.Commits);
            Assert.Equal(snapshot.WinningTxid, winner.Op.Txid);
            Assert.Equal(VrfCheckCode.Valid, store.CheckWinnerVrfProof(snapshot.SortitionId, sim.Proofs[winner.Op.Txid]));
            var other = details.Commits.First(c => !c.Won).Op.Txid;
            // The loser's proof was made with another key: it does not verify under the winner's key.
            Assert.Equal(VrfCheckCode.ProofInvalid, store.CheckWinnerVrfProof(snapshot.SortitionId, sim.Proofs[other]));
        }
    }

    [Fact]
    public void Apply_CycleStarts_SelectTheAnchorAndComputeTheRewardSet()
    {
        var (store, _) = Run(21);
        Assert.Null(store.GetRewardCycle(0)!.Anchor);
        for (ulong cycle = 1; cycle <= 3; cycle++)
        {
            var info = store.GetRewardCycle(cycle)!;
            Assert.NotNull(info.Anchor);
            Assert.True(info.AnchorKnown);
            Assert.Equal((cycle * 5) - 3, info.Anchor!.Value.BurnHeight);
            Assert.Equal([ChainSim.StackerB, ChainSim.StackerA, ChainSim.StackerA], info.RewardSet!.Slots.ToArray());
            Assert.Equal(380_000 * ChainSim.Stx, info.RewardSet.Threshold);
        }

        Assert.Equal("11111", store.Tip!.PoxId.Bits);
    }

    [Fact]
    public void Apply_RewardPhase_CommitsPayTheSetAndPreparePhaseCommitsBurn()
    {
        var (store, _) = Run(21);
        for (ulong h = 6; h <= 20; h++)
        {
            var details = store.GetDetails(store.GetSnapshotAtHeight(h)!.SortitionId)!;
            var position = h % 5;
            foreach (var c in details.Commits)
            {
                if (position is 0 or 3 or 4)
                {
                    Assert.True(details.Snapshot.CommitsMustBurn);
                    Assert.Equal([ChainSim.Burn], c.Op.CommitOutputs.ToArray());
                }
                else if (position == 1)
                {
                    // First rewarded block: two of the three slots, order-preserving removal leaves one.
                    Assert.False(details.Snapshot.CommitsMustBurn);
                    Assert.All(c.Op.CommitOutputs, o => Assert.False(o.IsBurn));
                    Assert.Single(details.Snapshot.RemainingRewardSet);
                }
                else
                {
                    // Second rewarded block: the last slot and the padding burn.
                    Assert.Single(c.Op.CommitOutputs, o => o.IsBurn);
                    Assert.Empty(details.Snapshot.RemainingRewardSet);
                }
            }

            var paid = details.Commits.SelectMany(c => c.Op.CommitOutputs).Where(o => !o.IsBurn).ToList();
            if (position == 1)
            {
                Assert.Equal(2 * details.Commits.Count, paid.Count);
            }
        }
    }

    [Fact]
    public void Apply_CommitPayingTheWrongAddress_IsRejectedWithBadOutputs()
    {
        var store = SortitionStore.InMemory(ChainSim.Regtest, new FixedRewardSetProvider(ChainSim.TwoStackers));
        var thief = new SimMiner(3, 5000);
        var sim = new ChainSim(store, "wrong", new SimMiner(1, 3000), new SimMiner(2, 1000), thief);
        for (var i = 0; i < 6; i++)
        {
            sim.Step();
        }

        thief.WrongRecipient = PoxAddress.Legacy(false, false, new Burnchain.Hash160Bytes(Enumerable.Repeat((byte)0x33, 20).ToArray()));
        var result = sim.Step(); // height 6: first rewarded block of cycle 1
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal("pox-commit-bad-outputs", rejection.CodeText);
        Assert.Equal(3u, rejection.Vtxindex);
        Assert.Equal(2, result.Commits.Count);
        Assert.DoesNotContain(result.Commits, c => c.Op.Vtxindex == 3);
    }

    [Fact]
    public void Apply_ThreeToOneCommitments_WinFrequencyWithinFourAndAHalfSigma()
    {
        var (store, _) = Run(152);
        var n = 0;
        var winsA = 0;
        for (ulong h = 2; h <= 151; h++)
        {
            var winner = store.GetDetails(store.GetSnapshotAtHeight(h)!.SortitionId)!.Winner!;
            n++;
            winsA += winner.Op.Vtxindex == 1 ? 1 : 0;
        }

        // Effective burns settle at 3000 : 1000 (medians of steady commitments), so P(A) = 3/4.
        // Binomial sd = sqrt(n·3/16); with n = 150 that is 5.3, so 4.5 sd < 24 wins.
        Assert.Equal(150, n);
        Assert.InRange(winsA, 112 - 24, 112 + 24);
    }

    [Fact]
    public void Apply_SameBlocksTwice_GivesIdenticalSnapshots()
    {
        var (first, sim) = Run(30);
        var second = SortitionStore.InMemory(ChainSim.Regtest, new FixedRewardSetProvider(ChainSim.TwoStackers));
        foreach (var block in sim.Blocks)
        {
            second.Apply(block);
        }

        for (ulong h = 0; h < 30; h++)
        {
            Assert.Equal(first.GetSnapshotAtHeight(h), second.GetSnapshotAtHeight(h));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(12)]
    public void RollBackThenApply_NewBranch_EqualsFreshNode(int depth)
    {
        var (store, sim) = Run(30);
        for (var i = 0; i < depth; i++)
        {
            store.RollBackTo(sim.Blocks[^1].Header);
            sim.Blocks.RemoveAt(sim.Blocks.Count - 1);
        }

        var forkHeight = store.Tip!.BurnHeight;
        sim.Tag = "branch";
        sim.Miners[1].Fee = 5000;
        for (var i = 0; i < depth + 4; i++)
        {
            sim.Step();
        }

        var fresh = SortitionStore.InMemory(ChainSim.Regtest, new FixedRewardSetProvider(ChainSim.TwoStackers));
        foreach (var block in sim.Blocks)
        {
            fresh.Apply(block);
        }

        Assert.Equal(fresh.Tip, store.Tip);
        for (ulong h = 0; h <= store.Tip!.BurnHeight; h++)
        {
            var a = store.GetSnapshotAtHeight(h)!;
            Assert.Equal(fresh.GetSnapshotAtHeight(h), a);
            Assert.Equal(fresh.GetCommits(a.SortitionId), store.GetCommits(a.SortitionId));
        }

        Assert.True(forkHeight < store.Tip.BurnHeight);
    }

    [Fact]
    public void RollBackTo_Tip_MarksTheSortitionInvalidAndDropsItFromTheIndexes()
    {
        var (store, sim) = Run(10);
        var tip = store.Tip!;
        store.RollBackTo(sim.Blocks[^1].Header);
        Assert.False(store.IsCanonical(tip.SortitionId));
        Assert.NotNull(store.GetSnapshot(tip.SortitionId));
        Assert.Null(store.GetSnapshotAtHeight(tip.BurnHeight));
        Assert.Null(store.GetSnapshotByBurnHash(tip.BurnHeaderHash));
        Assert.Null(store.GetSnapshotByConsensusHash(tip.ConsensusHash));
        Assert.Equal(tip.ParentSortitionId, store.Tip!.SortitionId);
    }
}
