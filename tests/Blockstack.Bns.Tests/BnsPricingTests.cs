namespace Blockstack.Bns.Tests;

[Trait("Category", "Unit")]
public class BnsPricingTests
{
    [Theory]
    [InlineData("alice", 160_000)]
    [InlineData("bcd", 640_000)]
    [InlineData("al1ce", 40_000)]
    [InlineData("y", 40_960_000)] // y is a vowel: no discount; bucket 7 → 250·4^7·10
    [InlineData("abcdefghijklmnopqrstu", 10_000)] // length 21 uses bucket 16 (index 15)
    public void NamePrice_SpecWorkedExamples_MatchExactly(string name, long expected)
    {
        Assert.Equal((UInt128)expected, BnsPricing.NamePrice(Buff.FromAscii(name).Span, BnsHarness.Example));
    }

    [Fact]
    public void NamePrice_BtcNamespace_IsTwoStx()
    {
        var btc = new PriceFunction([.. Enumerable.Repeat((UInt128)1, 16)], 1000, 200, 1, 1);
        Assert.Equal((UInt128)2_000_000, BnsPricing.NamePrice("satoshi"u8, btc));
    }

    [Fact]
    public void NamePrice_DiscountsDoNotMultiply_LargerDivisorWins()
    {
        var f = BnsHarness.Example with { NonAlphaDiscount = 2, NoVowelDiscount = 5 };
        // "b2" has a digit and no vowel: divisor max(2,5) = 5; bucket 6 → 250·4096/5·10
        Assert.Equal((UInt128)2_048_000, BnsPricing.NamePrice("b2"u8, f));
    }

    [Fact]
    public void NamePrice_BothDiscountsZeroForNonAlphaNoVowel_DivisionByZeroRuntimeError()
    {
        var f = BnsHarness.Example with { NonAlphaDiscount = 0, NoVowelDiscount = 0 };
        var e = Assert.Throws<ClarityRuntimeException>(() => BnsPricing.NamePrice("b2"u8, f));
        Assert.Equal("DivisionByZero", e.Kind);
        Assert.Equal((UInt128)10_240_000, BnsPricing.NamePrice("a2"u8, f)); // max(0, 1) = 1
    }

    [Fact]
    public void NamePrice_EmptyName_UnderflowRuntimeError()
    {
        Assert.Equal("ArithmeticUnderflow", Assert.Throws<ClarityRuntimeException>(() => BnsPricing.NamePrice([], BnsHarness.Example)).Kind);
    }

    [Fact]
    public void NamePrice_PowOverflow_RuntimeError()
    {
        var f = BnsHarness.Example with { Base = 1UL << 32, Buckets = [.. Enumerable.Repeat((UInt128)4, 16)] };
        Assert.Equal("ArithmeticOverflow", Assert.Throws<ClarityRuntimeException>(() => BnsPricing.NamePrice("a"u8, f)).Kind);
    }

    [Theory]
    [InlineData(1, 640_000_000_000)]
    [InlineData(2, 64_000_000_000)]
    [InlineData(3, 64_000_000_000)]
    [InlineData(4, 6_400_000_000)]
    [InlineData(7, 6_400_000_000)]
    [InlineData(8, 640_000_000)]
    [InlineData(20, 640_000_000)]
    public void NamespacePrice_ByLength_MatchesTable(int length, long expected)
    {
        Assert.Equal((UInt128)expected, BnsPricing.NamespacePrice(length));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("abc-09_z", false)]
    [InlineData("Abc", true)]
    [InlineData("a.b", true)]
    [InlineData("a+b", true)]
    public void HasInvalidChars_Charset_AsContract(string text, bool invalid)
    {
        Assert.Equal(invalid, BnsPricing.HasInvalidChars(Buff.FromAscii(text).Span));
    }
}
