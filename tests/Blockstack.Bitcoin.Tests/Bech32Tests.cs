using System.Text;
using System.Text.Json;
using Blockstack.Bitcoin.Addresses;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

public class Bech32Tests
{
    [VectorTheory]
    [Trait("Category", "Vector")]
    [InlineData("bech32", Bech32Variant.Bech32)]
    [InlineData("bech32m", Bech32Variant.Bech32m)]
    public void TryDecode_BipValidStrings_DecodeWithTheirVariantAndReencode(string section, Bech32Variant variant)
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bech32_vectors.json"));
        var valid = json.RootElement.GetProperty(section).GetProperty("valid").EnumerateArray().ToList();
        Assert.NotEmpty(valid);
        foreach (var entry in valid)
        {
            var text = entry.GetProperty("string").GetString()!;

            Assert.True(Bech32.TryDecode(text, out var hrp, out var data, out var decodedVariant), text);
            Assert.Equal(variant, decodedVariant);
            Assert.Equal(text.ToLowerInvariant(), Bech32.Encode(hrp, data, variant));
        }
    }

    [VectorTheory]
    [Trait("Category", "Vector")]
    [InlineData("bech32")]
    [InlineData("bech32m")]
    public void TryDecode_BipInvalidStrings_ReturnFalse(string section)
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bech32_vectors.json"));
        var invalid = json.RootElement.GetProperty(section).GetProperty("invalid").EnumerateArray().ToList();
        Assert.NotEmpty(invalid);
        foreach (var entry in invalid)
        {
            var text = entry.TryGetProperty("bytes_hex", out var raw)
                ? Encoding.Latin1.GetString(Convert.FromHexString(raw.GetString()!))
                : entry.GetProperty("string").GetString()!;

            Assert.False(Bech32.TryDecode(text, out _, out _, out _), $"{text}: {entry.GetProperty("reason").GetString()}");
        }
    }

    [VectorFact]
    [Trait("Category", "Vector")]
    public void TryDecode_ValidStringsOfOneVariant_AreNotTheOther()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bech32_vectors.json"));
        foreach (var (section, other) in new[] { ("bech32", Bech32Variant.Bech32m), ("bech32m", Bech32Variant.Bech32) })
        {
            foreach (var entry in json.RootElement.GetProperty(section).GetProperty("valid").EnumerateArray())
            {
                Assert.True(Bech32.TryDecode(entry.GetProperty("string").GetString(), out _, out _, out var variant));
                Assert.NotEqual(other, variant);
            }
        }
    }

    [VectorFact]
    [Trait("Category", "Vector")]
    public void SegwitAddresses_Bip350Valid_DecodeAndEncode()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bech32_vectors.json"));
        var valid = json.RootElement.GetProperty("segwit_addresses").GetProperty("valid").EnumerateArray().ToList();
        Assert.Equal(8, valid.Count);
        foreach (var entry in valid)
        {
            var address = entry.GetProperty("address").GetString()!;
            var script = entry.GetProperty("scriptPubKey").GetString()!;
            var network = NetworkForHrp(address);

            Assert.True(BitcoinAddress.TryDecode(address, network, out var decoded, out var error), $"{address}: {error}");
            Assert.Equal(script, Convert.ToHexStringLower(decoded));
            Assert.True(BitcoinAddress.TryEncode(decoded, network, out var encoded));
            Assert.Equal(address.ToLowerInvariant(), encoded);
        }
    }

    [VectorFact]
    [Trait("Category", "Vector")]
    public void SegwitAddresses_Bip350Invalid_RefusedOnEveryNetwork()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bech32_vectors.json"));
        var invalid = json.RootElement.GetProperty("segwit_addresses").GetProperty("invalid").EnumerateArray().ToList();
        Assert.Equal(15, invalid.Count);
        foreach (var entry in invalid)
        {
            var address = entry.GetProperty("address").GetString()!;
            foreach (var network in BitcoinNetwork.All)
            {
                Assert.False(BitcoinAddress.TryDecode(address, network, out _, out _), $"{address} on {network}: {entry.GetProperty("reason").GetString()}");
            }
        }
    }

    [VectorFact]
    [Trait("Category", "Vector")]
    public void SegwitAddresses_Bip173Original_FollowBip350()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bech32_vectors.json"));
        var section = json.RootElement.GetProperty("segwit_addresses_bip173_original");
        var rejected = 0;
        foreach (var entry in section.GetProperty("valid").EnumerateArray())
        {
            var address = entry.GetProperty("address").GetString()!;
            var validNow = entry.GetProperty("valid_under_bip350").GetBoolean();
            var network = NetworkForHrp(address);

            var decoded = BitcoinAddress.TryDecode(address, network, out var script, out _);

            Assert.Equal(validNow, decoded);
            if (validNow)
            {
                Assert.Equal(entry.GetProperty("scriptPubKey").GetString(), Convert.ToHexStringLower(script));
            }
            else
            {
                rejected++;
            }
        }

        Assert.True(rejected >= 3);
        foreach (var entry in section.GetProperty("invalid").EnumerateArray())
        {
            var address = entry.GetProperty("address").GetString()!;
            foreach (var network in BitcoinNetwork.All)
            {
                Assert.False(BitcoinAddress.TryDecode(address, network, out _, out _), address);
            }
        }
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("A12uEL5L")] // mixed case
    [InlineData("a12UEL5L")]
    [InlineData("1qqqqqq")] // empty HRP
    [InlineData("a1qqqqq")] // checksum too short
    [InlineData("")]
    public void TryDecode_MalformedStrings_ReturnFalse(string text) => Assert.False(Bech32.TryDecode(text, out _, out _, out _));

    [Fact]
    [Trait("Category", "Unit")]
    public void TryDecode_OverNinetyCharacters_ReturnsFalseUnlessLimitRaised()
    {
        var data = new byte[90];
        var text = Bech32.Encode("a", data, Bech32Variant.Bech32m);
        Assert.Equal(98, text.Length);
        Assert.False(Bech32.TryDecode(text, out _, out _, out _));
        Assert.True(Bech32.TryDecode(text, out _, out var decoded, out _, maxLength: 100));
        Assert.Equal(data, decoded);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Encode_RandomData_RoundTripsInBothVariantsAndCases()
    {
        var random = new Random(12);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            Assert.True(Bech32.TryConvertBits(bytes, 8, 5, true, out var data5));
            var variant = i % 2 == 0 ? Bech32Variant.Bech32 : Bech32Variant.Bech32m;
            var hrp = i % 3 == 0 ? "bc" : "tb";

            var text = Bech32.Encode(hrp, data5, variant);

            foreach (var form in new[] { text, text.ToUpperInvariant() })
            {
                Assert.True(Bech32.TryDecode(form, out var decodedHrp, out var decoded, out var decodedVariant));
                Assert.Equal(hrp, decodedHrp);
                Assert.Equal(variant, decodedVariant);
                Assert.True(Bech32.TryConvertBits(decoded, 5, 8, false, out var back));
                Assert.Equal(bytes, back);
            }

            // Changing one data character is always caught (the BCH code detects any 4 errors).
            var chars = text.ToCharArray();
            var at = random.Next(hrp.Length + 1, chars.Length);
            chars[at] = chars[at] == 'q' ? 'p' : 'q';
            Assert.False(Bech32.TryDecode(new string(chars), out _, out _, out _));
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void TryConvertBits_NonZeroOrExcessPadding_ReturnsFalse()
    {
        Assert.False(Bech32.TryConvertBits([0x1f], 5, 8, false, out _)); // 5 leftover bits, too many
        Assert.False(Bech32.TryConvertBits([0, 1], 5, 8, false, out _)); // nonzero 2 leftover bits
        Assert.True(Bech32.TryConvertBits([0, 0], 5, 8, false, out var ok));
        Assert.Equal([0], ok);
        Assert.False(Bech32.TryConvertBits([32], 5, 8, true, out _)); // value out of range
    }

    private static BitcoinNetwork NetworkForHrp(string address) =>
        address.ToLowerInvariant() switch
        {
            var a when a.StartsWith("bc1", StringComparison.Ordinal) => BitcoinNetwork.Mainnet,
            var a when a.StartsWith("tb1", StringComparison.Ordinal) => BitcoinNetwork.Testnet,
            var a when a.StartsWith("bcrt1", StringComparison.Ordinal) => BitcoinNetwork.Regtest,
            _ => BitcoinNetwork.Mainnet,
        };
}
