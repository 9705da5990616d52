namespace Blockstack.Node.Cluster.Tests;

/// <summary>The exact test used on the miners' win shares, against hand-computed binomial values.</summary>
[Trait("Category", "Unit")]
public sealed class WinShareTestTests
{
    [Fact]
    public void Distribution_FairCoinTenTimes_IsTheBinomial()
    {
        var dist = WinShareTest.Distribution(Enumerable.Repeat(0.5, 10).ToArray());

        Assert.Equal(11, dist.Length);
        Assert.Equal(252.0 / 1024, dist[5], 12);
        Assert.Equal(1.0 / 1024, dist[10], 12);
        Assert.Equal(1.0, dist.Sum(), 12);
    }

    [Fact]
    public void Distribution_UnequalProbabilities_MatchesHandComputation()
    {
        // Two trials, 0.2 and 0.7: P(0) = 0.8 * 0.3, P(1) = 0.2 * 0.3 + 0.8 * 0.7, P(2) = 0.2 * 0.7.
        var dist = WinShareTest.Distribution([0.2, 0.7]);

        Assert.Equal(0.24, dist[0], 12);
        Assert.Equal(0.62, dist[1], 12);
        Assert.Equal(0.14, dist[2], 12);
    }

    [Theory]
    [InlineData(5, 1.0)]
    [InlineData(8, 112.0 / 1024)]
    [InlineData(2, 112.0 / 1024)]
    [InlineData(0, 2.0 / 1024)]
    public void TwoSidedPValue_FairCoinTenTimes_SumsTheTailsAtMostAsLikely(int observed, double expected) =>
        Assert.Equal(expected, WinShareTest.TwoSidedPValue(Enumerable.Repeat(0.5, 10).ToArray(), observed), 12);

    [Fact]
    public void TwoSidedPValue_ThreeToOneBudgets_RefusesEvenSharesAndAcceptsTheExpectedOnes()
    {
        var p = Enumerable.Repeat(0.75, 40).ToArray();

        Assert.True(WinShareTest.TwoSidedPValue(p, 30) > 0.5);
        Assert.True(WinShareTest.TwoSidedPValue(p, 20) < WinShareTest.Alpha);
        Assert.True(WinShareTest.TwoSidedPValue(p, 40) < WinShareTest.Alpha);
    }

    [Fact]
    public void TwoSidedPValue_BadInput_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WinShareTest.TwoSidedPValue([0.5], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => WinShareTest.Distribution([1.5]));
    }
}
