using Blockstack.Burnchain;

namespace Blockstack.Pox;

/// <summary>
/// PoX constants and cycle arithmetic (consensus.md §3.1–3.2) for one network. h = burn height,
/// f = first burn height, L = cycle length, P = prepare length. Immutable; chosen by network.
/// </summary>
public sealed record PoxParameters(
    ulong FirstBlockHeight,
    uint RewardCycleLength,
    uint PrepareLength,
    uint AnchorThreshold,
    uint ParticipationPercent)
{
    /// <summary>Burn blocks in the commitment window of the reward phase.</summary>
    public const int MiningCommitmentWindow = 6;

    /// <summary>Commit outputs per block-commit in a reward phase.</summary>
    public const int OutputsPerCommit = 2;

    /// <summary>The threshold is rounded up to multiples of 10,000 STX (in µSTX).</summary>
    public static readonly UInt128 ThresholdStepUstx = 10_000UL * 1_000_000UL;

    /// <summary>The threshold scales by at least liquid / 4.</summary>
    public const uint MaximalScaling = 4;

    /// <summary>(L − P) × 2 reward slots per cycle.</summary>
    public uint RewardSlots => checked((RewardCycleLength - PrepareLength) * OutputsPerCommit);

    public static PoxParameters For(BurnchainParameters burnchain)
    {
        ArgumentNullException.ThrowIfNull(burnchain);
        var (threshold, percent) = burnchain.Name switch
        {
            "mainnet" => (80u, 5u),
            "testnet" => (40u, 2u),
            _ => (2u, 1u),
        };
        return new PoxParameters(burnchain.FirstBlockHeight, burnchain.Pox.RewardCycleLength, burnchain.Pox.PrepareLength, threshold, percent);
    }

    /// <summary>cycle(h) = floor((h − f) / L); the mod-0 block belongs to cycle n.</summary>
    public ulong CycleOf(ulong height) => (height - FirstBlockHeight) / RewardCycleLength;

    /// <summary>(h − f) mod L.</summary>
    public ulong PositionInCycle(ulong height) => (height - FirstBlockHeight) % RewardCycleLength;

    /// <summary>Prepare phase: h &gt; f and ((h−f) mod L == 0 or (h−f) mod L &gt; L − P).</summary>
    public bool IsInPreparePhase(ulong height)
    {
        if (height <= FirstBlockHeight)
        {
            return false;
        }

        var offset = PositionInCycle(height);
        return offset == 0 || offset > RewardCycleLength - PrepareLength;
    }

    /// <summary>Reward phase: 1 ≤ (h−f) mod L ≤ L − P (and h &gt; f).</summary>
    public bool IsInRewardPhase(ulong height) => height > FirstBlockHeight && !IsInPreparePhase(height);

    /// <summary>The first rewarded block of a cycle, (h−f) mod L == 1: where the cycle's anchor and reward set are decided.</summary>
    public bool IsRewardCycleStart(ulong height) => height > FirstBlockHeight && PositionInCycle(height) == 1;

    /// <summary>First rewarded block of cycle n: f + n·L + 1.</summary>
    public ulong FirstRewardBlockOf(ulong cycle) => checked(FirstBlockHeight + (cycle * RewardCycleLength) + 1);
}
