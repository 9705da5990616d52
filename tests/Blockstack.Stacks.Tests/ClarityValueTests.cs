using System.Text;
using Blockstack.TestKit;
using static Blockstack.Stacks.Tests.VectorData;

namespace Blockstack.Stacks.Tests;

[Trait("Category", "Vector")]
public class ClarityValueVectorTests
{
    [VectorFact]
    public void Deserialize_Vectors_RoundTripOrFail()
    {
        var cases = Cases("clarity_values.json").ToList();
        Assert.Equal(15, cases.Count);
        foreach (var c in cases)
        {
            var hex = Str(c, "hex");
            var ok = ClarityValue.TryDeserializeHex(hex, out var value, out var error);
            Assert.Equal(c.GetProperty("ok").GetBoolean(), ok);
            if (!ok)
            {
                Assert.Equal(StacksErrorCodes.ClarityBadTypePrefix, error.Code);
                continue;
            }

            Assert.Equal(hex, value!.ToHex());
            Assert.Equal(c.GetProperty("serialized_size").GetInt32(), value.Serialize().Length);
            Assert.True(ClarityValue.TryDeserializeHex("0x" + hex, out var again, out _));
            Assert.Equal(hex, again!.ToHex());
            var expected = Str(c, "value");
            if (expected.StartsWith('(') || expected is "none" or "true" or "false" || c.GetProperty("type").GetString() == "int")
            {
                Assert.Equal(expected, value.ToRepr());
            }
        }
    }
}

[Trait("Category", "Unit")]
public class ClarityValueTests
{
    private static readonly StacksAddress Addr = StacksAddress.Parse("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7");

    public static TheoryData<string> Values() =>
    [
        new ClarityInt(Int128.MinValue).ToHex(),
        new ClarityUInt(UInt128.MaxValue).ToHex(),
        new ClarityBuffer([]).ToHex(),
        new ClarityStringAscii("hello world\n").ToHex(),
        new ClarityStringUtf8("héllo 🌍").ToHex(),
        new ClarityPrincipal(new ContractPrincipal(Addr, "c")).ToHex(),
        new ClarityList([]).ToHex(),
        new ClarityTuple([new("z", ClarityBool.True), new("a", new ClarityList([ClarityOptional.None, new ClarityResponse(false, new ClarityUInt(3))]))]).ToHex(),
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void Serialize_Values_RoundTrip(string hex)
    {
        Assert.True(ClarityValue.TryDeserializeHex(hex, out var v, out var e), e.ToString());
        Assert.Equal(hex, v.ToHex());
    }

    [Fact]
    public void Tuple_Serialize_SortsKeys()
    {
        var t = new ClarityTuple([new("foobar", ClarityBool.True), new("baz", ClarityOptional.None)]);
        Assert.Equal("0c000000020362617a0906666f6f62617203", t.ToHex());
    }

    [Fact]
    public void Deserialize_UnsortedTuple_AcceptedAndSorted()
    {
        Assert.True(ClarityValue.TryDeserializeHex("0c0000000206666f6f626172030362617a09", out var v, out _));
        Assert.Equal("0c000000020362617a0906666f6f62617203", v.ToHex());
    }

    [Theory]
    [InlineData("0c000000020362617a090362617a09", StacksErrorCodes.ClarityDuplicateTupleKey)]
    [InlineData("0e00000002c328", StacksErrorCodes.ClarityBadUtf8)]
    [InlineData("0e00000003eda080", StacksErrorCodes.ClarityBadUtf8)]
    [InlineData("0d0000000161", null)]
    [InlineData("0d0000000101", StacksErrorCodes.ClarityBadAscii)]
    [InlineData("0b00100001", StacksErrorCodes.ClarityTooLarge)]
    [InlineData("0bffffffff", StacksErrorCodes.ClarityTooLarge)]
    [InlineData("0b0000ffff03", StacksErrorCodes.Truncated)]
    [InlineData("02000000ff00", StacksErrorCodes.Truncated)]
    [InlineData("0300", StacksErrorCodes.TrailingBytes)]
    [InlineData("", StacksErrorCodes.Truncated)]
    [InlineData("060011deadbeef11ababffff11deadbeef11ababffff0431626364", StacksErrorCodes.BadContractName)]
    [InlineData("052011deadbeef11ababffff11deadbeef11ababffff", StacksErrorCodes.C32BadVersion)]
    [InlineData("0c000000010120", StacksErrorCodes.BadClarityName)]
    public void Deserialize_Malformed_GivesCode(string hex, string? code)
    {
        var ok = ClarityValue.TryDeserializeHex(hex, out _, out var error);
        Assert.Equal(code is null, ok);
        if (code is not null)
        {
            Assert.Equal(code, error.Code);
        }
    }

    [Fact]
    public void Deserialize_DeepNesting_RefusedAtLimit()
    {
        static string Nest(int depth) => string.Concat(Enumerable.Repeat("0a", depth)) + "03";
        Assert.True(ClarityValue.TryDeserializeHex(Nest(ClarityLimits.MaxDepth - 1), out _, out _));
        Assert.False(ClarityValue.TryDeserializeHex(Nest(ClarityLimits.MaxDepth), out _, out var e));
        Assert.Equal(StacksErrorCodes.ClarityTooDeep, e.Code);
        Assert.False(ClarityValue.TryDeserializeHex(Nest(100_000), out _, out e));
        Assert.Equal(StacksErrorCodes.ClarityTooDeep, e.Code);
        Assert.True(ClarityValue.TryDeserialize(Convert.FromHexString(Nest(15)), out _, out _, ClarityLimits.TransactionArgumentMaxDepth));
        Assert.False(ClarityValue.TryDeserialize(Convert.FromHexString(Nest(16)), out _, out _, ClarityLimits.TransactionArgumentMaxDepth));
    }

    [Fact]
    public void Deserialize_RandomBytes_NeverThrows()
    {
        var rng = new Random(11);
        for (var i = 0; i < 20_000; i++)
        {
            var b = new byte[rng.Next(0, 40)];
            rng.NextBytes(b);
            if (b.Length > 0)
            {
                b[0] %= 16;
            }

            if (ClarityValue.TryDeserialize(b, out var v, out _))
            {
                Assert.Equal(v.Serialize().Length, b.Length);
            }
        }
    }

    [Fact]
    public void ToRepr_StringsAndPrincipal_ClaritySyntax()
    {
        Assert.Equal("\"a\\\"b\"", new ClarityStringAscii("a\"b").ToRepr());
        Assert.Equal("u\"\\u{e9}\"", new ClarityStringUtf8("é").ToRepr());
        Assert.Equal("'" + Addr, new ClarityPrincipal(new StandardPrincipal(Addr)).ToRepr());
        Assert.Equal(Encoding.ASCII.GetBytes("ab"), ((ClarityStringAscii)ClarityValueFromHex("0d000000026162")).Value.Select(c => (byte)c));
    }

    private static ClarityValue ClarityValueFromHex(string hex) =>
        ClarityValue.TryDeserializeHex(hex, out var v, out var e) ? v : throw new InvalidOperationException(e.ToString());
}
