using System.Text.Json;
using Blockstack.Bitcoin.Addresses;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

/// <summary>Bitcoin Core's key_io vectors: addresses, scriptPubKeys and WIF secrets per chain.</summary>
[Trait("Category", "Vector")]
public class KeyIoTests
{
    [VectorFact]
    public void KeyIoValid_AllVectors_DecodeAndEncode()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "key_io_valid.json"));
        var count = 0;
        foreach (var test in json.RootElement.EnumerateArray())
        {
            if (test.GetArrayLength() == 1)
            {
                continue; // comment
            }

            var text = test[0].GetString()!;
            var hex = test[1].GetString()!;
            var meta = test[2];
            var network = BitcoinNetwork.FromName(meta.GetProperty("chain").GetString()!);
            var caseFlip = meta.TryGetProperty("tryCaseFlip", out var flip) && flip.GetBoolean();

            if (meta.GetProperty("isPrivkey").GetBoolean())
            {
                var compressed = meta.GetProperty("isCompressed").GetBoolean();
                Assert.True(Wif.TryDecode(text, network, out var secret, out var decodedCompressed), text);
                Assert.Equal(hex, Convert.ToHexStringLower(secret));
                Assert.Equal(compressed, decodedCompressed);
                Assert.Equal(text, Wif.Encode(secret, compressed, network));
                Assert.False(BitcoinAddress.TryDecode(text, network, out _, out _), text);
            }
            else
            {
                Assert.True(BitcoinAddress.TryDecode(text, network, out var script, out var error), $"{text}: {error}");
                Assert.Equal(hex, Convert.ToHexStringLower(script));
                Assert.True(BitcoinAddress.TryEncode(script, network, out var encoded), text);
                Assert.Equal(text, encoded);
                Assert.False(Wif.TryDecode(text, network, out _, out _), text);

                // Core: the case-flipped string decodes exactly when tryCaseFlip is set.
                var flipped = FlipCase(text);
                Assert.Equal(caseFlip, BitcoinAddress.TryDecode(flipped, network, out var flippedScript, out _));
                if (caseFlip)
                {
                    Assert.Equal(script, flippedScript);
                }
            }

            count++;
        }

        Assert.Equal(70, count);
    }

    [VectorFact]
    public void KeyIoInvalid_AllVectors_AreNeitherAddressNorKeyOnAnyNetwork()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "key_io_invalid.json"));
        var count = 0;
        foreach (var test in json.RootElement.EnumerateArray())
        {
            var text = test[0].GetString()!;
            foreach (var network in BitcoinNetwork.All)
            {
                Assert.False(BitcoinAddress.TryDecode(text, network, out _, out _), $"{text} decoded as an address on {network}");
                Assert.False(Wif.TryDecode(text, network, out _, out _), $"{text} decoded as a key on {network}");
            }

            count++;
        }

        Assert.True(count >= 50, $"only {count} invalid vectors");
    }

    private static string FlipCase(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c)
                    : char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c)
                    : c;
            }
        });
}
