namespace Blockstack.Node.Cluster.Tests;

/// <summary>
/// The statistical check of the miners' win shares: each contested sortition is an independent
/// draw that the bigger miner wins with probability p_i (its share of the sortition's burns), so
/// its number of wins follows a Poisson-binomial distribution (a binomial one when every p_i is
/// the budget share). The exact two-sided p-value of an observed count is the probability of every
/// outcome no more likely than it; the test refuses the node's sortitions only below 0.001.
/// </summary>
internal static class WinShareTest
{
    /// <summary>The refusal threshold of the two-sided test.</summary>
    public const double Alpha = 0.001;

    /// <summary>P(k successes) for k = 0..n, trials independent with success probabilities <paramref name="p"/>.</summary>
    public static double[] Distribution(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var dist = new double[p.Count + 1];
        dist[0] = 1;
        for (var i = 0; i < p.Count; i++)
        {
            if (p[i] is < 0 or > 1 || double.IsNaN(p[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(p), $"probability {p[i]} is not in [0, 1]");
            }

            for (var k = i + 1; k >= 1; k--)
            {
                dist[k] = (dist[k] * (1 - p[i])) + (dist[k - 1] * p[i]);
            }

            dist[0] *= 1 - p[i];
        }

        return dist;
    }

    /// <summary>Exact two-sided p-value of <paramref name="observed"/> successes: the total probability of outcomes at most as likely.</summary>
    public static double TwoSidedPValue(IReadOnlyList<double> p, int observed)
    {
        var dist = Distribution(p);
        if (observed < 0 || observed >= dist.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(observed), $"{observed} successes of {p.Count} trials");
        }

        var limit = dist[observed] * (1 + 1e-9);
        return Math.Min(1, dist.Where(d => d <= limit).Sum());
    }
}
