using System.Numerics;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Ops;

namespace Blockstack.Pox;

/// <summary>One block of the commitment window: its accepted commits, the missed commits aimed at it, and whether it expected single-output commits.</summary>
public sealed record WindowRow(IReadOnlyList<LeaderBlockCommitOp> Commits, IReadOnlyList<MissedCommit> Missed, bool ExpectsSingleCommit);

/// <summary>
/// stacks-core's min/median burn distribution (consensus.md §2.1 step 3–4). Rows are oldest
/// first; the last row's commits are the candidates. Each candidate follows UTXO links backwards
/// from its oldest link found so far (links may skip blocks); a linked commit weighs its burn, a
/// linked missed commit 1, an absent link 1. Effective burn = min(median, latest).
/// </summary>
public static class BurnDistribution
{
    public static List<CommitEntry> Compute(IReadOnlyList<WindowRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var w = rows.Count;
        if (w == 0)
        {
            return [];
        }

        var candidates = rows[w - 1].Commits;
        var links = new (OutPoint Input, ulong Burn, bool Present)[candidates.Count][];
        for (var c = 0; c < candidates.Count; c++)
        {
            links[c] = new (OutPoint, ulong, bool)[w];
            links[c][0] = (candidates[c].Input, candidates[c].BurnFee, true);
        }

        for (var rel = w - 2; rel >= 0; rel--)
        {
            var commits = new Dictionary<Txid, LeaderBlockCommitOp>();
            foreach (var op in rows[rel].Commits)
            {
                commits.TryAdd(op.Txid, op);
            }

            var missed = new Dictionary<Txid, MissedCommit>();
            foreach (var m in rows[rel].Missed)
            {
                missed.TryAdd(m.Txid, m);
            }

            var expected = rows[rel].ExpectsSingleCommit ? 2u : 3u;
            for (var c = 0; c < candidates.Count; c++)
            {
                var end = OldestLink(links[c]);
                if (end.Input.Index != expected)
                {
                    continue;
                }

                if (commits.Remove(end.Input.Txid, out var linked))
                {
                    links[c][w - 1 - rel] = (linked.Input, linked.BurnFee, true);
                }
                else if (missed.Remove(end.Input.Txid, out var linkedMissed))
                {
                    links[c][w - 1 - rel] = (linkedMissed.Input, 1, true);
                }
            }
        }

        var result = new List<CommitEntry>(candidates.Count);
        var burns = new UInt128[w];
        for (var c = 0; c < candidates.Count; c++)
        {
            byte frequency = 0;
            for (var i = 0; i < w; i++)
            {
                burns[i] = links[c][i].Present ? links[c][i].Burn : 1;
                frequency += links[c][i].Present ? (byte)1 : (byte)0;
            }

            var latest = burns[0];
            var median = Median(burns);
            var effective = UInt128.Min(median, latest);
            result.Add(new CommitEntry(candidates[c], (ulong)effective, (ulong)median, frequency, UInt256.Zero, UInt256.Zero));
        }

        return result;
    }

    /// <summary>Middle of the sorted values; an even count averages the two middles with integer division.</summary>
    public static UInt128 Median(ReadOnlySpan<UInt128> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        return n % 2 == 0 ? (sorted[(n / 2) - 1] + sorted[n / 2]) / 2 : sorted[n / 2];
    }

    /// <summary>
    /// Fills the ranges: one candidate ⇒ [0, 2^256−1]; otherwise range_end = floor((2^256−1) ×
    /// cumulative / total) in 512-bit arithmetic. False when Σ burns overflows u64 (no sortition).
    /// </summary>
    public static bool TryAssignRanges(List<CommitEntry> samples, out ulong totalBurn)
    {
        ArgumentNullException.ThrowIfNull(samples);
        totalBurn = 0;
        foreach (var s in samples)
        {
            if (ulong.MaxValue - totalBurn < s.Burn)
            {
                totalBurn = 0;
                return false;
            }

            totalBurn += s.Burn;
        }

        if (samples.Count == 0)
        {
            return true;
        }

        if (samples.Count == 1)
        {
            samples[0] = samples[0] with { RangeStart = UInt256.Zero, RangeEnd = UInt256.MaxValue };
            return true;
        }

        if (totalBurn == 0)
        {
            return true;
        }

        var max = UInt256.MaxValue.ToBigInteger();
        var total = new BigInteger(totalBurn);
        var cumulative = BigInteger.Zero;
        var last = UInt256.Zero;
        for (var i = 0; i < samples.Count; i++)
        {
            cumulative += samples[i].Burn;
            var end = UInt256.FromBigInteger(max * cumulative / total);
            samples[i] = samples[i] with { RangeStart = last, RangeEnd = end };
            last = end;
        }

        return true;
    }

    /// <summary>
    /// The winner index: a single candidate always wins; otherwise the first i with
    /// start ≤ index &lt; end. Null when no range holds the index (only index = 2^256−1, where
    /// stacks-core would halt).
    /// </summary>
    public static int? Sample(IReadOnlyList<CommitEntry> samples, UInt256 index)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return null;
        }

        if (samples.Count == 1)
        {
            return 0;
        }

        for (var i = 0; i < samples.Count; i++)
        {
            if (samples[i].RangeStart <= index && index < samples[i].RangeEnd)
            {
                return i;
            }
        }

        return null;
    }

    private static (OutPoint Input, ulong Burn, bool Present) OldestLink((OutPoint Input, ulong Burn, bool Present)[] links)
    {
        for (var i = links.Length - 1; i >= 0; i--)
        {
            if (links[i].Present)
            {
                return links[i];
            }
        }

        return links[0];
    }
}
