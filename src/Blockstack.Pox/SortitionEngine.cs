using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Stacks;

namespace Blockstack.Pox;

/// <summary>The addresses a block's commits must pay (stacks-core RewardSetInfo): chosen slot indices into the reward set.</summary>
public sealed record RecipientInfo(AnchorBlock Anchor, IReadOnlyList<(PoxAddress Address, ushort Index)> Recipients);

/// <summary>Everything one burn block's sortition produced: the new snapshot and what goes into the store with it.</summary>
public sealed record SortitionResult(
    SortitionSnapshot Snapshot,
    IReadOnlyList<CommitEntry> Commits,
    IReadOnlyList<LeaderKeyRegisterOp> LeaderKeys,
    IReadOnlyList<BurnOperation> AcceptedOps,
    IReadOnlyList<MissedCommit> MissedCommits,
    IReadOnlyList<SortitionRejection> Rejections,
    RecipientInfo? Recipients,
    RewardCycleInfo? CycleStart)
{
    /// <summary>The winning commit, or null when the block had no sortition.</summary>
    public CommitEntry? Winner => Commits.FirstOrDefault(c => c.Won);
}

/// <summary>
/// One sortition as a pure function: (view of the parent's fork, parent snapshot, burn block,
/// PoX parameters, the reward-cycle decision when this block starts a cycle) → result. No I/O,
/// no clock: the store persists the result (docs/pox.md).
/// </summary>
public static class SortitionEngine
{
    public const StacksEpoch Epoch = StacksEpoch.Epoch21;

    private static readonly string TestnetBurnRepr = PoxAddress.Legacy(false, false, Hash160Bytes.Zero).ToBurnchainRepr();

    public static SortitionResult Evaluate(ISortitionView view, SortitionSnapshot parent, BurnBlock block, PoxParameters pox, RewardCycleInfo? cycleStart)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(pox);
        var header = block.Header;
        if (header.Height != parent.BurnHeight + 1 || header.ParentHash != parent.BurnHeaderHash)
        {
            throw new ArgumentException($"burn block {header.Height} {header.Hash} does not extend {parent.BurnHeight} {parent.BurnHeaderHash}", nameof(block));
        }

        if (pox.IsRewardCycleStart(header.Height) != cycleStart is not null)
        {
            throw new ArgumentException("reward-cycle info must be given exactly at a cycle's first rewarded block", nameof(cycleStart));
        }

        var h = header.Height;
        var recipients = PickRecipients(parent, pox, h, cycleStart);
        var rejections = new List<SortitionRejection>();
        var accepted = new List<BurnOperation>();
        var keys = new List<LeaderKeyRegisterOp>();
        var commits = new List<LeaderBlockCommitOp>();
        var missed = new List<MissedCommit>();
        var seenKeys = new HashSet<VrfPublicKeyBytes>();
        var descent = new Dictionary<uint, bool>();

        foreach (var op in block.Ops.OrderBy(o => o.Vtxindex))
        {
            switch (op)
            {
                case LeaderKeyRegisterOp key:
                    if (view.IsVrfKeyRegistered(key.PublicKey) || !seenKeys.Add(key.PublicKey))
                    {
                        rejections.Add(new(SortitionRejectionCode.KeyDuplicate, key.Txid, key.Vtxindex, $"VRF key {key.PublicKey} already registered"));
                    }
                    else
                    {
                        keys.Add(key);
                        accepted.Add(key);
                    }

                    break;
                case LeaderBlockCommitOp commit:
                    var verdict = CheckCommit(view, parent, commit, pox, recipients, descent);
                    if (verdict.Missed is { } m)
                    {
                        missed.Add(m);
                    }

                    if (verdict.Rejection is { } r)
                    {
                        rejections.Add(r);
                    }
                    else
                    {
                        commits.Add(commit);
                    }

                    break;
                case StackStxOp or TransferStxOp or DelegateStxOp:
                    accepted.Add(op);
                    break;
            }
        }

        // Burn distribution over the commitment window.
        var rows = new List<WindowRow> { new(commits, [], pox.IsInPreparePhase(h)) };
        if (!pox.IsInPreparePhase(h))
        {
            for (ulong back = 0; back < PoxParameters.MiningCommitmentWindow - 1; back++)
            {
                if (parent.BurnHeight < back)
                {
                    break;
                }

                var sn = view.GetSnapshotAtHeight(parent.BurnHeight - back);
                if (sn is null)
                {
                    break;
                }

                var rowMissed = view.GetMissedCommits(sn.SortitionId).Concat(missed.Where(x => x.IntendedSortition == sn.SortitionId)).ToList();
                rows.Add(new WindowRow(view.GetCommits(sn.SortitionId).Select(c => c.Op).ToList(), rowMissed, pox.IsInPreparePhase(sn.BurnHeight)));
            }
        }

        rows.Reverse();
        var distribution = BurnDistribution.Compute(rows);
        var rangesOk = BurnDistribution.TryAssignRanges(distribution, out var blockBurn);
        accepted.AddRange(distribution.Select(d => (BurnOperation)d.Op));
        accepted.Sort((a, b) => a.Vtxindex.CompareTo(b.Vtxindex));

        // The draw.
        var nextHash = parent.SortitionHash.MixBurnHeader(header.Hash);
        int? winnerIndex = null;
        ulong newTotal = parent.TotalBurn;
        if (distribution.Count > 0 && rangesOk && blockBurn > 0 && ulong.MaxValue - parent.TotalBurn >= blockBurn)
        {
            var index = nextHash.MixVrfSeed(parent.LastVrfSeed).ToUInt256();
            winnerIndex = BurnDistribution.Sample(distribution, index);
            if (winnerIndex is not null)
            {
                newTotal = parent.TotalBurn + blockBurn;
            }
        }

        if (winnerIndex is { } wi)
        {
            distribution[wi] = distribution[wi] with { Won = true };
        }

        var winner = winnerIndex is { } w ? distribution[w].Op : null;
        var poxId = cycleStart is null ? parent.PoxId : parent.PoxId.Extend(cycleStart.IsRewardInfoKnown);
        var sortitionId = SortitionId.Of(header.Hash, poxId);
        var opsHash = ConsensusHashes.OpsHashOf(accepted.Select(o => o.Txid));
        var previous = ConsensusHashes.AncestorHeights(parent.BurnHeight, pox.FirstBlockHeight)
            .Select(height => view.GetSnapshotAtHeight(height)?.ConsensusHash ?? default)
            .ToList();
        var consensusHash = ConsensusHashes.Compute(header.Hash, opsHash, newTotal, poxId, previous);
        var (lastAnchor, remaining, payouts) = NextRewardState(parent, cycleStart, recipients);
        var mustBurn = recipients is null || pox.IsInPreparePhase(h) || recipients.Recipients.All(r => r.Address.IsBurn);

        var snapshot = new SortitionSnapshot(
            h,
            header.Hash,
            header.ParentHash,
            header.Timestamp,
            sortitionId,
            parent.SortitionId,
            consensusHash,
            opsHash,
            newTotal,
            winner is not null,
            winner is null ? nextHash : nextHash.MixVrfSeed(winner.NewSeed),
            winner?.Txid ?? default,
            winner is null ? default : new StacksBlockHash(winner.BlockHeaderHash),
            winner?.NewSeed ?? parent.LastVrfSeed,
            parent.NumSortitions + (winner is null ? 0UL : 1UL),
            poxId,
            lastAnchor,
            remaining,
            payouts,
            mustBurn);

        return new SortitionResult(snapshot, distribution, keys, accepted, missed, rejections, recipients, cycleStart);
    }

    /// <summary>
    /// stacks-core pick_recipients: at a cycle start, two slots drawn from the fresh set (none in
    /// a prepare phase); later, two from the parent's remaining set — also in the prepare phase,
    /// where commits burn but the draw still consumes slots.
    /// </summary>
    public static RecipientInfo? PickRecipients(SortitionSnapshot parent, PoxParameters pox, ulong height, RewardCycleInfo? cycleStart)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(pox);
        var seed = RecipientPicker.SeedFor(parent.SortitionHash, parent.BurnHeaderHash);
        ValueList<PoxAddress> set;
        AnchorBlock anchor;
        if (cycleStart is not null)
        {
            if (cycleStart.Anchor is not { } a || !cycleStart.AnchorKnown || cycleStart.RewardSet is null || pox.IsInPreparePhase(height))
            {
                return null;
            }

            anchor = a;
            set = cycleStart.RewardSet.Slots;
        }
        else
        {
            if (parent.LastAnchor is not { } a)
            {
                return null;
            }

            anchor = a;
            set = parent.RemainingRewardSet;
        }

        if (set.Count == 0)
        {
            return null;
        }

        var chosen = RecipientPicker.ChooseTwo(seed, checked((uint)set.Count));
        return new RecipientInfo(anchor, chosen.Select(i => (set[(int)i], checked((ushort)i))).ToList());
    }

    private static (AnchorBlock? Anchor, ValueList<PoxAddress> Remaining, ValueList<PoxAddress> Payouts) NextRewardState(
        SortitionSnapshot parent, RewardCycleInfo? cycleStart, RecipientInfo? recipients)
    {
        if (cycleStart is not null)
        {
            if (cycleStart.Anchor is null || !cycleStart.AnchorKnown || cycleStart.RewardSet is null || cycleStart.RewardSet.Slots.Count == 0 || recipients is null)
            {
                var kept = cycleStart.AnchorKnown && cycleStart.RewardSet is { } rs ? rs.Slots : default;
                return (cycleStart.Anchor, kept, default);
            }

            // First block of the cycle: order-preserving removal, larger index first.
            var set = cycleStart.RewardSet.Slots.ToList();
            var payouts = new List<PoxAddress>();
            foreach (var (address, index) in recipients.Recipients.OrderByDescending(r => r.Index))
            {
                payouts.Add(address);
                set.RemoveAt(index);
            }

            return (cycleStart.Anchor, new ValueList<PoxAddress>(set), new ValueList<PoxAddress>(payouts));
        }

        if (recipients is null)
        {
            return (parent.LastAnchor, parent.RemainingRewardSet, default);
        }

        // Later blocks: swap-remove, larger index first, following earlier swaps.
        var list = parent.RemainingRewardSet.ToList();
        var length = list.Count;
        var remapped = new Dictionary<int, PoxAddress>();
        foreach (int index in recipients.Recipients.Select(r => r.Index).OrderByDescending(i => i))
        {
            if (index >= length)
            {
                throw new InvalidOperationException("recipient index beyond the reward set");
            }

            if (index + 1 == length)
            {
                length--;
                continue;
            }

            var replacement = length - 1;
            var replaceWith = remapped.Remove(replacement, out var swapped) ? swapped : list[replacement];
            remapped[index] = replaceWith;
            length--;
        }

        var next = list.Take(length).ToList();
        foreach (var (index, address) in remapped)
        {
            next[index] = address;
        }

        return (parent.LastAnchor, new ValueList<PoxAddress>(next), new ValueList<PoxAddress>(recipients.Recipients.Select(r => r.Address)));
    }

    private readonly record struct CommitVerdict(SortitionRejection? Rejection, MissedCommit? Missed);

    /// <summary>stacks-core LeaderBlockCommitOp::check for epoch 2.1: burn, modulus/missed, PoX outputs, then the common checks.</summary>
    private static CommitVerdict CheckCommit(ISortitionView view, SortitionSnapshot parent, LeaderBlockCommitOp op, PoxParameters pox, RecipientInfo? recipients, Dictionary<uint, bool> descent)
    {
        var h = op.BlockHeight;
        SortitionRejection Reject(SortitionRejectionCode code, string detail) => new(code, op.Txid, op.Vtxindex, detail);

        if (op.BurnFee == 0)
        {
            return new(Reject(SortitionRejectionCode.CommitZeroBurn, "burn fee is 0"), null);
        }

        var missDistance = (ulong)BurnOpChecks.MissDistance(op);
        if (missDistance != 0)
        {
            if (missDistance > h - pox.FirstBlockHeight || missDistance > 1)
            {
                return new(Reject(SortitionRejectionCode.CommitBadModulus, $"missed its target block by {missDistance}"), null);
            }

            var intended = view.GetSnapshotAtHeight(h - 1);
            if (intended is null)
            {
                return new(Reject(SortitionRejectionCode.CommitBadModulus, "no intended sortition"), null);
            }

            var missedInfo = parent.LastAnchor is { } anchor
                ? new RecipientInfo(anchor, intended.Payouts.Select((a, i) => (a, (ushort)i)).ToList())
                : null;
            var pox1 = CheckPox(view, op, pox, missedInfo, descent);
            if (pox1 is not null)
            {
                return new(Reject(pox1.Value.Code, "missed commit: " + pox1.Value.Detail), null);
            }

            return new(Reject(SortitionRejectionCode.CommitMissed, $"missed by one; intended sortition {intended.SortitionId}"), new MissedCommit(op.Txid, op.Input, intended.SortitionId));
        }

        if (CheckPox(view, op, pox, recipients, descent) is { } bad)
        {
            return new(Reject(bad.Code, bad.Detail), null);
        }

        var blockHash = new StacksBlockHash(op.BlockHeaderHash);
        if (view.IsBlockCommitted(blockHash))
        {
            return new(Reject(SortitionRejectionCode.CommitDuplicateBlock, $"block {blockHash} already committed in this fork"), null);
        }

        if (op.KeyBlockPtr >= h || view.GetLeaderKey(op.KeyBlockPtr, op.KeyVtxindex) is null)
        {
            return new(Reject(SortitionRejectionCode.CommitNoLeaderKey, $"no leader key at {op.KeyBlockPtr},{op.KeyVtxindex}"), null);
        }

        if (op.ParentBlockPtr == h)
        {
            return new(Reject(SortitionRejectionCode.CommitNoParent, "parent in the same block"), null);
        }

        if (!op.BuildsOnGenesis && (op.ParentBlockPtr > h || view.GetCommit(op.ParentBlockPtr, op.ParentVtxindex) is null))
        {
            return new(Reject(SortitionRejectionCode.CommitNoParent, $"no accepted commit at {op.ParentBlockPtr},{op.ParentVtxindex}"), null);
        }

        if (!BurnOpChecks.HasEpochMarker(op, Epoch))
        {
            return new(Reject(SortitionRejectionCode.CommitBadEpochMarker, $"memo {op.Memo:x2} below marker {Epoch.CommitMemoMarker():x2}"), null);
        }

        return new(null, null);
    }

    private static (SortitionRejectionCode Code, string Detail)? CheckPox(ISortitionView view, LeaderBlockCommitOp op, PoxParameters pox, RecipientInfo? info, Dictionary<uint, bool> descent)
    {
        var allBurn = op.CommitOutputs.All(o => o.IsBurn);
        if (info is null)
        {
            return allBurn ? null : (SortitionRejectionCode.CommitBadOutputs, "no reward recipients: every commit output must burn");
        }

        if (pox.IsInPreparePhase(op.BlockHeight))
        {
            return op.CommitOutputs.Count == 1 && allBurn ? null : (SortitionRejectionCode.CommitBadOutputs, "prepare phase: exactly one burn output");
        }

        if (info.Recipients.All(r => r.Address.IsBurn))
        {
            return allBurn ? null : (SortitionRejectionCode.CommitBadOutputs, "recipients are burns: every commit output must burn");
        }

        if (!descent.TryGetValue(op.ParentBlockPtr, out var descended))
        {
            descended = DescendsFrom(view, op.ParentBlockPtr, info.Anchor);
            descent[op.ParentBlockPtr] = descended;
        }

        if (allBurn)
        {
            return descended ? (SortitionRejectionCode.CommitMustPayRecipients, $"parent descends from anchor {info.Anchor.BlockHash}: must pay the reward set") : null;
        }

        var expected = info.Recipients.Select(r => r.Address.ToBurnchainRepr()).ToList();
        if (expected.Count == 1)
        {
            expected.Add(TestnetBurnRepr);
        }

        if (op.CommitOutputs.Count != expected.Count)
        {
            return (SortitionRejectionCode.CommitBadOutputs, $"expected {expected.Count} PoX outputs, found {op.CommitOutputs.Count}");
        }

        foreach (var output in op.CommitOutputs)
        {
            var repr = output.ToBurnchainRepr();
            var at = expected.IndexOf(repr);
            if (at < 0)
            {
                return (SortitionRejectionCode.CommitBadOutputs, $"output {repr} is not an expected recipient ({string.Join(", ", expected)})");
            }

            expected.RemoveAt(at);
        }

        return descended ? null : (SortitionRejectionCode.CommitNotAnchorDescendant, $"pays PoX but does not descend from anchor {info.Anchor.BlockHash}");
    }

    /// <summary>
    /// stacks-core descended_from: from the sortition at the commit's parent height, follow winners'
    /// parent pointers while at or above the anchor's height; a non-sortition stops the walk.
    /// </summary>
    public static bool DescendsFrom(ISortitionView view, ulong parentHeight, AnchorBlock anchor)
    {
        ArgumentNullException.ThrowIfNull(view);
        var sn = view.GetSnapshotAtHeight(parentHeight);
        while (sn is not null && sn.BurnHeight >= anchor.BurnHeight)
        {
            if (!sn.Sortition)
            {
                return false;
            }

            if (sn.WinningBlockHash == anchor.BlockHash)
            {
                return true;
            }

            var winner = view.GetWinner(sn);
            if (winner is null || winner.Op.BuildsOnGenesis)
            {
                return false;
            }

            sn = view.GetSnapshotAtHeight(winner.Op.ParentBlockPtr);
        }

        return false;
    }
}
