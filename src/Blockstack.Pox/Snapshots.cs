using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Stacks;

namespace Blockstack.Pox;

/// <summary>
/// The result of one burn block's sortition. <see cref="LastVrfSeed"/> is the new_seed of the most
/// recent winning commit at or below this block (zero before the first winner) — the seed the
/// next block's draw mixes in. Reward state: <see cref="LastAnchor"/> is the current cycle's
/// selected anchor (known or not), <see cref="RemainingRewardSet"/> the slots not yet paid in this
/// cycle, <see cref="Payouts"/> the addresses chosen for this block (stacks-core's pox_payouts),
/// and <see cref="CommitsMustBurn"/> whether this block's commits had to burn instead.
/// </summary>
public sealed record SortitionSnapshot(
    ulong BurnHeight,
    BlockHash BurnHeaderHash,
    BlockHash ParentBurnHeaderHash,
    uint Timestamp,
    SortitionId SortitionId,
    SortitionId ParentSortitionId,
    ConsensusHash ConsensusHash,
    OpsHash OpsHash,
    ulong TotalBurn,
    bool Sortition,
    SortitionHash SortitionHash,
    Txid WinningTxid,
    StacksBlockHash WinningBlockHash,
    Hash256 LastVrfSeed,
    ulong NumSortitions,
    PoxId PoxId,
    AnchorBlock? LastAnchor,
    ValueList<PoxAddress> RemainingRewardSet,
    ValueList<PoxAddress> Payouts,
    bool CommitsMustBurn)
{
    public bool IsFirst => SortitionId == ParentSortitionId;

    /// <summary>The index block hash of the winner's Stacks block, when there is a winner.</summary>
    public StacksBlockId? WinningBlockId => Sortition && !IsFirst ? StacksBlockId.Of(WinningBlockHash, ConsensusHash) : null;

    /// <summary>The first snapshot (stacks-core BlockSnapshot::initial): sortition true, zero hashes, SortitionId = burn hash.</summary>
    public static SortitionSnapshot Initial(ulong height, BlockHash hash, BlockHash parent, uint timestamp)
    {
        var id = SortitionId.Stubbed(hash);
        return new SortitionSnapshot(
            height, hash, parent, timestamp, id, id, default, default, 0, true, SortitionHash.Initial,
            default, default, Hash256.Zero, 0, PoxId.Initial, null, default, default, true);
    }
}

/// <summary>An accepted block-commit with its place in the burn distribution.</summary>
public sealed record CommitEntry(LeaderBlockCommitOp Op, ulong Burn, ulong MedianBurn, byte Frequency, UInt256 RangeStart, UInt256 RangeEnd)
{
    public bool Won { get; init; }
}

/// <summary>A commit that missed its target block by one: kept only for UTXO chaining (weighs 1 in medians).</summary>
public readonly record struct MissedCommit(Txid Txid, OutPoint Input, SortitionId IntendedSortition);

/// <summary>
/// Read access to the sortition fork that a new burn block extends: every lookup is relative to
/// the parent snapshot's chain (ancestors at or below its height).
/// </summary>
public interface ISortitionView
{
    /// <summary>The ancestor snapshot at <paramref name="height"/> (≤ the parent's height), or null below the first block.</summary>
    SortitionSnapshot? GetSnapshotAtHeight(ulong height);

    /// <summary>The accepted commits of a sortition in vtxindex order.</summary>
    IReadOnlyList<CommitEntry> GetCommits(SortitionId sortitionId);

    /// <summary>Missed commits whose intended sortition is <paramref name="intended"/>.</summary>
    IReadOnlyList<MissedCommit> GetMissedCommits(SortitionId intended);

    /// <summary>An accepted leader key at (height, vtxindex) in this fork.</summary>
    LeaderKeyRegisterOp? GetLeaderKey(ulong height, uint vtxindex);

    /// <summary>True when the VRF key was registered earlier in this fork.</summary>
    bool IsVrfKeyRegistered(VrfPublicKeyBytes key);

    /// <summary>True when an accepted commit earlier in this fork committed to this Stacks block.</summary>
    bool IsBlockCommitted(StacksBlockHash blockHash);
}

public static class SortitionViewExtensions
{
    /// <summary>An accepted commit at (height, vtxindex) in this fork.</summary>
    public static CommitEntry? GetCommit(this ISortitionView view, ulong height, uint vtxindex)
    {
        ArgumentNullException.ThrowIfNull(view);
        var snapshot = view.GetSnapshotAtHeight(height);
        if (snapshot is null)
        {
            return null;
        }

        foreach (var c in view.GetCommits(snapshot.SortitionId))
        {
            if (c.Op.Vtxindex == vtxindex)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The winning commit of a snapshot, or null.</summary>
    public static CommitEntry? GetWinner(this ISortitionView view, SortitionSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Sortition || snapshot.IsFirst)
        {
            return null;
        }

        foreach (var c in view.GetCommits(snapshot.SortitionId))
        {
            if (c.Op.Txid == snapshot.WinningTxid)
            {
                return c;
            }
        }

        return null;
    }
}
