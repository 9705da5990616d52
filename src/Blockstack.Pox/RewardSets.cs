using Blockstack.Bitcoin;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Stacks;

namespace Blockstack.Pox;

/// <summary>One stacker's registration for a cycle: where rewards go and how many µSTX are locked.</summary>
public readonly record struct StackingEntry(PoxAddress Address, UInt128 Ustx);

/// <summary>What the chain state holds at an anchor block for a cycle: registrations and the liquid supply.</summary>
public sealed record RewardSetInputs(IReadOnlyList<StackingEntry> Entries, UInt128 LiquidUstx);

/// <summary>
/// A reward cycle's anchor block: the Stacks block a prepare phase confirmed, named by the
/// sortition that elected it.
/// </summary>
public readonly record struct AnchorBlock(ulong BurnHeight, SortitionId SortitionId, ConsensusHash ConsensusHash, StacksBlockHash BlockHash, Txid CommitTxid)
{
    public StacksBlockId BlockId => StacksBlockId.Of(BlockHash, ConsensusHash);
}

/// <summary>
/// Where reward sets come from: the chain layer evaluates the PoX contract state at the anchor
/// block. Defined here, implemented by Blockstack.Chain (tests use a fixed set).
/// </summary>
public interface IRewardSetProvider
{
    /// <summary>
    /// The registrations for <paramref name="cycle"/> and the liquid supply as of
    /// <paramref name="anchor"/>'s state, or null when this node does not have the anchor
    /// block (the cycle then burns and the PoX id records a 0).
    /// </summary>
    RewardSetInputs? GetRewardSetInputs(AnchorBlock anchor, ulong cycle);
}

/// <summary>A computed reward set: one address per slot in payout order, with the numbers that made it.</summary>
public sealed record RewardSet(ValueList<PoxAddress> Slots, UInt128 Threshold, UInt128 Participation, UInt128 LiquidUstx)
{
    public static RewardSet Empty(UInt128 threshold, UInt128 participation, UInt128 liquid) => new(default, threshold, participation, liquid);
}

/// <summary>What a reward-cycle start decided (evaluated at the cycle's first rewarded block, mod 1).</summary>
public sealed record RewardCycleInfo(ulong Cycle, AnchorBlock? Anchor, bool AnchorKnown, RewardSet? RewardSet)
{
    /// <summary>PoX-id bit: true when no anchor was selected or the selected anchor is known.</summary>
    public bool IsRewardInfoKnown => Anchor is null || AnchorKnown;
}

/// <summary>The reward-set formula (consensus.md §3.3, stacks-core make_reward_set, 2.1 ordering).</summary>
public static class RewardSetCalculator
{
    /// <summary>participation × 100 &gt; liquid × pct (strict).</summary>
    public static bool EnoughParticipation(UInt128 participation, UInt128 liquid, uint percent) =>
        checked(participation * 100) > checked(liquid * percent);

    /// <summary>
    /// ceil_to(max(participation, liquid / 4) / slots, 10,000 STX): integer division first, then
    /// rounded up to the next multiple of the step (exact multiples stay).
    /// </summary>
    public static UInt128 Threshold(UInt128 participation, UInt128 liquid, uint rewardSlots)
    {
        var scaleBy = UInt128.Max(participation, liquid / PoxParameters.MaximalScaling);
        var precise = scaleBy / rewardSlots;
        var remainder = precise % PoxParameters.ThresholdStepUstx;
        return remainder == 0 ? precise : checked(precise + (PoxParameters.ThresholdStepUstx - remainder));
    }

    /// <summary>
    /// The reward set at an anchor block. Too little participation (or a zero threshold, where
    /// stacks-core would divide by zero) gives an empty set: the cycle burns.
    /// </summary>
    public static RewardSet Compute(RewardSetInputs inputs, PoxParameters pox)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(pox);
        UInt128 participation = 0;
        foreach (var entry in inputs.Entries)
        {
            participation = checked(participation + entry.Ustx);
        }

        if (participation > inputs.LiquidUstx)
        {
            throw new InvalidOperationException("corrupt reward set inputs: more stacked than liquid");
        }

        var threshold = Threshold(participation, inputs.LiquidUstx, pox.RewardSlots);
        if (!EnoughParticipation(participation, inputs.LiquidUstx, pox.ParticipationPercent) || threshold == 0)
        {
            return RewardSet.Empty(threshold, participation, inputs.LiquidUstx);
        }

        return new RewardSet(new ValueList<PoxAddress>(Slots(inputs.Entries, threshold)), threshold, participation, inputs.LiquidUstx);
    }

    /// <summary>
    /// Sort by burnchain repr ascending (ordinal), walk from the end (so descending), merge
    /// consecutive equal addresses, push each floor(total / threshold) times.
    /// </summary>
    public static List<PoxAddress> Slots(IReadOnlyList<StackingEntry> entries, UInt128 threshold)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var sorted = entries.Select((e, i) => (Entry: e, Key: e.Address.ToBurnchainRepr(), Index: i))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .ThenBy(x => x.Index)
            .Select(x => x.Entry)
            .ToList();
        var slots = new List<PoxAddress>();
        var i = sorted.Count - 1;
        while (i >= 0)
        {
            var address = sorted[i].Address;
            var total = sorted[i].Ustx;
            i--;
            while (i >= 0 && sorted[i].Address == address)
            {
                total = checked(total + sorted[i].Ustx);
                i--;
            }

            var count = total / threshold;
            if (count > uint.MaxValue)
            {
                throw new InvalidOperationException("corrupt reward set inputs: more than 2^32 slots for one address");
            }

            for (UInt128 k = 0; k < count; k++)
            {
                slots.Add(address);
            }
        }

        return slots;
    }
}

/// <summary>A provider over a fixed set of registrations, the same for every cycle (tests, tools).</summary>
public sealed class FixedRewardSetProvider(RewardSetInputs inputs) : IRewardSetProvider
{
    public RewardSetInputs? GetRewardSetInputs(AnchorBlock anchor, ulong cycle) => inputs;
}
