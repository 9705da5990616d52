namespace Blockstack.Pox;

/// <summary>
/// PoX anchor-block selection (consensus.md §2.5; stacks-core get_chosen_pox_anchor): every
/// sortition winner in (prepare_begin, prepare_end] walks back along its parent pointers —
/// continuing with the winner of each parent's sortition, as stacks-core does — until it reaches a
/// height ≤ prepare_begin; the sortition there is the candidate it confirms. A candidate with at
/// least the anchor threshold of confirmations is the anchor.
/// </summary>
public static class AnchorSelector
{
    /// <param name="view">The fork ending at <paramref name="prepareEnd"/>.</param>
    /// <param name="prepareEnd">The mod-0 block: the parent of the cycle's first rewarded block.</param>
    /// <param name="pox">The network's PoX parameters.</param>
    public static AnchorBlock? Select(ISortitionView view, SortitionSnapshot prepareEnd, PoxParameters pox)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(prepareEnd);
        ArgumentNullException.ThrowIfNull(pox);
        var end = prepareEnd.BurnHeight;
        if (end <= pox.FirstBlockHeight)
        {
            return null;
        }

        var begin = end >= pox.PrepareLength ? end - pox.PrepareLength : 0;
        var confirmations = new SortedDictionary<ulong, uint>();
        for (var height = begin + 1; height <= end; height++)
        {
            var snapshot = view.GetSnapshotAtHeight(height);
            if (snapshot is null || !snapshot.Sortition || snapshot.IsFirst)
            {
                continue;
            }

            var cursor = snapshot;
            var found = true;
            while (cursor.BurnHeight > begin)
            {
                var winner = view.GetWinner(cursor);
                if (winner is null || winner.Op.BuildsOnGenesis)
                {
                    found = false;
                    break;
                }

                var parent = view.GetSnapshotAtHeight(winner.Op.ParentBlockPtr);
                if (parent is null || !parent.Sortition)
                {
                    found = false;
                    break;
                }

                cursor = parent;
            }

            if (found)
            {
                confirmations[cursor.BurnHeight] = confirmations.GetValueOrDefault(cursor.BurnHeight) + 1;
            }
        }

        AnchorBlock? anchor = null;
        foreach (var (height, count) in confirmations)
        {
            if (count < pox.AnchorThreshold)
            {
                continue;
            }

            if (anchor is not null)
            {
                throw new InvalidOperationException("two anchor candidates reached the threshold (threshold must exceed half the prepare phase)");
            }

            var sn = view.GetSnapshotAtHeight(height) ?? throw new InvalidOperationException($"no snapshot at {height}");
            anchor = new AnchorBlock(height, sn.SortitionId, sn.ConsensusHash, sn.WinningBlockHash, sn.WinningTxid);
        }

        return anchor;
    }
}
