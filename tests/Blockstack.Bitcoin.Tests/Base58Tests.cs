using System.Text.Json;
using Blockstack.Bitcoin.Addresses;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

public class Base58Tests
{
    [VectorFact]
    [Trait("Category", "Vector")]
    public void EncodeDecode_CoreVectors_RoundTrip()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "base58_encode_decode.json"));
        var count = 0;
        foreach (var test in json.RootElement.EnumerateArray())
        {
            var bytes = Convert.FromHexString(test[0].GetString()!);
            var text = test[1].GetString()!;

            Assert.Equal(text, Base58.Encode(bytes));
            Assert.True(Base58.TryDecode(text, out var decoded));
            Assert.Equal(bytes, decoded);
            count++;
        }

        Assert.True(count >= 10);
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("0OIl")]
    [InlineData("3SEo3LWLoPntC ")]
    [InlineData(" 3SEo3LWLoPntC")]
    [InlineData("abc\u00e9")]
    [InlineData("abc\0")]
    public void TryDecode_InvalidCharacters_ReturnsFalse(string text) => Assert.False(Base58.TryDecode(text, out _));

    [Fact]
    [Trait("Category", "Unit")]
    public void TryDecode_Null_ReturnsFalse() => Assert.False(Base58.TryDecode(null, out _));

    [Fact]
    [Trait("Category", "Unit")]
    public void EncodeCheck_RandomPayloads_RoundTripAndKeepLeadingZeros()
    {
        var random = new Random(10);
        for (var i = 0; i < 300; i++)
        {
            var payload = new byte[random.Next(0, 60)];
            random.NextBytes(payload);
            payload.AsSpan(0, Math.Min(payload.Length, random.Next(4))).Clear();

            var text = Base58.EncodeCheck(payload);

            Assert.True(Base58.TryDecodeCheck(text, out var decoded));
            Assert.Equal(payload, decoded);
            Assert.True(Base58.TryDecode(Base58.Encode(payload), out var plain));
            Assert.Equal(payload, plain);
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void TryDecodeCheck_CorruptedCharacter_ReturnsFalse()
    {
        var random = new Random(11);
        const string alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        for (var i = 0; i < 200; i++)
        {
            var payload = new byte[21];
            random.NextBytes(payload);
            var chars = Base58.EncodeCheck(payload).ToCharArray();
            var at = random.Next(chars.Length);
            var replacement = alphabet[random.Next(alphabet.Length)];
            if (replacement == chars[at])
            {
                continue;
            }

            chars[at] = replacement;
            Assert.False(Base58.TryDecodeCheck(new string(chars), out _));
        }
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("111")]
    [InlineData("111111")] // four zero "checksum" bytes that do not match
    public void TryDecodeCheck_BadOrShort_ReturnsFalse(string text) => Assert.False(Base58.TryDecodeCheck(text, out _));
}
