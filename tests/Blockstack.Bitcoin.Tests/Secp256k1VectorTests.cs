using System.Text.Json;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

/// <summary>Signing and key tweaking against the BIP143 and BIP341 published examples.</summary>
[Trait("Category", "Vector")]
public class Secp256k1VectorTests
{
    private static readonly BouncySecp256k1 Secp = BouncySecp256k1.Instance;

    [VectorFact]
    public void SignEcdsa_Bip143Examples_ReproduceSignaturesByteForByte()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip143_vectors.json"));
        var vectors = json.RootElement.GetProperty("vectors").EnumerateArray().ToList();
        Assert.Equal(2, vectors.Count);
        foreach (var vector in vectors)
        {
            var inputIndex = vector.GetProperty("input_index").GetInt32();
            var input = vector.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("index").GetInt32() == inputIndex);
            var privateKey = Convert.FromHexString(input.GetProperty("private_key").GetString()!);
            var publicKey = Convert.FromHexString(input.GetProperty("public_key").GetString()!);
            var sigHash = Convert.FromHexString(vector.GetProperty("sigHash").GetString()!);
            var expected = vector.GetProperty("signature").GetString()!;

            var signature = Secp.SignEcdsa(privateKey, sigHash);

            Assert.Equal(expected, Convert.ToHexStringLower([.. signature.ToDer(), 0x01]));
            Assert.Equal(publicKey, Secp.GetPublicKey(privateKey, true));
            Assert.True(Secp.VerifyEcdsa(publicKey, sigHash, signature, requireLowS: true));
            Assert.Equal(publicKey, Secp.RecoverPublicKey(sigHash, signature, signature.RecoveryId, true));
            var der = Convert.FromHexString(expected)[..^1];
            Assert.True(DerSignature.IsValidSignatureEncoding(Convert.FromHexString(expected)));
            Assert.True(EcdsaSignature.TryParseDer(der, out var parsed));
            Assert.True(Secp.VerifyEcdsa(publicKey, sigHash, parsed));
        }
    }

    [VectorFact]
    public void TweakXOnlyPublicKey_Bip341ScriptPubKeyCases_MatchTweakedKeyAndAddress()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip341_wallet_vectors.json"));
        var cases = json.RootElement.GetProperty("scriptPubKey").EnumerateArray().ToList();
        Assert.Equal(7, cases.Count);
        foreach (var test in cases)
        {
            var internalKey = Convert.FromHexString(test.GetProperty("given").GetProperty("internalPubkey").GetString()!);
            var intermediary = test.GetProperty("intermediary");
            var tweak = Convert.FromHexString(intermediary.GetProperty("tweak").GetString()!);
            var merkleRoot = intermediary.GetProperty("merkleRoot");
            var expected = test.GetProperty("expected");

            Assert.Equal(tweak, TapTweak(internalKey, merkleRoot.ValueKind == JsonValueKind.Null ? null : Convert.FromHexString(merkleRoot.GetString()!)));
            var outputKey = new byte[32];
            Assert.True(Secp.TryTweakXOnlyPublicKey(internalKey, tweak, outputKey, out var oddY));
            Assert.Equal(intermediary.GetProperty("tweakedPubkey").GetString(), Convert.ToHexStringLower(outputKey));

            var script = BitcoinAddress.WitnessProgram(1, outputKey);
            Assert.Equal(expected.GetProperty("scriptPubKey").GetString(), Convert.ToHexStringLower(script));
            Assert.True(BitcoinAddress.TryEncode(script, BitcoinNetwork.Mainnet, out var address));
            Assert.Equal(expected.GetProperty("bip350Address").GetString(), address);

            // The control blocks' first byte carries the output key's parity (BIP341).
            if (expected.TryGetProperty("scriptPathControlBlocks", out var controlBlocks))
            {
                foreach (var block in controlBlocks.EnumerateArray())
                {
                    Assert.Equal(oddY, (Convert.FromHexString(block.GetString()!)[0] & 1) == 1);
                }
            }
        }
    }

    [VectorFact]
    public void TweakPrivateKey_Bip341KeyPathInputs_SignaturesVerifyAgainstOutputKey()
    {
        using var json = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip341_wallet_vectors.json"));
        var spending = json.RootElement.GetProperty("keyPathSpending")[0];
        var utxos = spending.GetProperty("given").GetProperty("utxosSpent").EnumerateArray().ToList();
        var inputs = spending.GetProperty("inputSpending").EnumerateArray().ToList();
        Assert.Equal(7, inputs.Count);
        foreach (var input in inputs)
        {
            var given = input.GetProperty("given");
            var intermediary = input.GetProperty("intermediary");
            var privateKey = Convert.FromHexString(given.GetProperty("internalPrivkey").GetString()!);
            var merkleRoot = given.GetProperty("merkleRoot");
            var sigHash = Convert.FromHexString(intermediary.GetProperty("sigHash").GetString()!);
            var internalKey = Secp.GetPublicKey(privateKey, true)[1..];
            Assert.Equal(intermediary.GetProperty("internalPubkey").GetString(), Convert.ToHexStringLower(internalKey));

            var tweak = TapTweak(internalKey, merkleRoot.ValueKind == JsonValueKind.Null ? null : Convert.FromHexString(merkleRoot.GetString()!));
            Assert.Equal(intermediary.GetProperty("tweak").GetString(), Convert.ToHexStringLower(tweak));

            var tweakedKey = new byte[32];
            Assert.True(Secp.TryTweakPrivateKey(privateKey, tweak, tweakedKey));
            Assert.Equal(intermediary.GetProperty("tweakedPrivkey").GetString(), Convert.ToHexStringLower(tweakedKey));

            var outputKey = new byte[32];
            Assert.True(Secp.TryTweakXOnlyPublicKey(internalKey, tweak, outputKey, out _));
            var spent = utxos[given.GetProperty("txinIndex").GetInt32()].GetProperty("scriptPubKey").GetString()!;
            Assert.Equal(spent, "5120" + Convert.ToHexStringLower(outputKey));

            var ours = Secp.SignSchnorr(tweakedKey, sigHash, new byte[32]);
            Assert.True(Secp.VerifySchnorr(outputKey, sigHash, ours));

            // The vector's witness signature, with a sighash byte appended unless SIGHASH_DEFAULT.
            var witness = Convert.FromHexString(input.GetProperty("expected").GetProperty("witness")[0].GetString()!);
            var hashType = given.GetProperty("hashType").GetInt32();
            Assert.Equal(hashType == 0 ? 64 : 65, witness.Length);
            Assert.True(Secp.VerifySchnorr(outputKey, sigHash, witness.AsSpan(0, 64)));
            Assert.False(Secp.VerifySchnorr(internalKey, sigHash, witness.AsSpan(0, 64)));
        }
    }

    private static byte[] TapTweak(byte[] internalKey, byte[]? merkleRoot) =>
        Hashes.TaggedHash("TapTweak", merkleRoot is null ? internalKey : [.. internalKey, .. merkleRoot]);
}
