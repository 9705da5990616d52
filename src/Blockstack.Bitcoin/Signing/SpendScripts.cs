using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Verification;

namespace Blockstack.Bitcoin.Signing;

/// <summary>
/// The output script and address that pay a public key through each <see cref="SpendTemplate"/>.
/// Taproot outputs use the BIP86 tweak (key path only, no script tree):
/// Q = P + hash_TapTweak(P)·G.
/// </summary>
public static class SpendScripts
{
    public const string TapTweakTag = "TapTweak";

    /// <summary>
    /// The scriptPubKey for <paramref name="publicKey"/> (SEC1, 33 or 65 bytes; for taproot also
    /// a 32-byte x-only key). Segwit templates need a compressed key.
    /// </summary>
    public static byte[] GetScriptPubKey(ISecp256k1 secp, SpendTemplate template, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(secp);
        if (template != SpendTemplate.PayToTaprootKeyPath || publicKey.Length != 32)
        {
            if (!secp.IsValidPublicKey(publicKey) || publicKey[0] is not (2 or 3 or 4))
            {
                throw new ArgumentException("not a valid SEC1 public key", nameof(publicKey));
            }
        }

        if (SpendTemplates.IsWitness(template) && template != SpendTemplate.PayToTaprootKeyPath && publicKey.Length != 33)
        {
            throw new ArgumentException("segwit v0 outputs need a compressed key", nameof(publicKey));
        }

        return template switch
        {
            SpendTemplate.PayToPubKey => [.. StandardScripts.Push(publicKey), (byte)Opcode.OP_CHECKSIG],
            SpendTemplate.PayToPubKeyHash => StandardScripts.PayToPubKeyHash(Hashes.Hash160(publicKey)),
            SpendTemplate.PayToWitnessPubKeyHash => StandardScripts.PayToWitnessPubKeyHash(Hashes.Hash160(publicKey)),
            SpendTemplate.PayToScriptHashWitnessPubKeyHash => StandardScripts.PayToScriptHash(Hashes.Hash160(GetP2shRedeemScript(publicKey))),
            SpendTemplate.PayToTaprootKeyPath => StandardScripts.PayToTaproot(GetTaprootOutputKey(secp, publicKey.Length == 32 ? publicKey : publicKey[1..33])),
            _ => throw new ArgumentOutOfRangeException(nameof(template), template, "no script for this template"),
        };
    }

    /// <summary>The scriptPubKey for the public key of <paramref name="privateKey"/> (compressed unless told).</summary>
    public static byte[] GetScriptPubKeyForPrivateKey(ISecp256k1 secp, SpendTemplate template, ReadOnlySpan<byte> privateKey, bool compressed = true)
    {
        ArgumentNullException.ThrowIfNull(secp);
        return GetScriptPubKey(secp, template, secp.GetPublicKey(privateKey, compressed));
    }

    /// <summary>The address of the output; P2PK has none and throws.</summary>
    public static string GetAddress(ISecp256k1 secp, SpendTemplate template, ReadOnlySpan<byte> publicKey, BitcoinNetwork network)
    {
        var script = GetScriptPubKey(secp, template, publicKey);
        return BitcoinAddress.TryEncode(script, network, out var address)
            ? address
            : throw new ArgumentException($"{template} outputs have no address", nameof(template));
    }

    /// <summary>The P2SH-P2WPKH redeem script: the v0 keyhash program of a compressed key.</summary>
    public static byte[] GetP2shRedeemScript(ReadOnlySpan<byte> compressedPublicKey) =>
        StandardScripts.PayToWitnessPubKeyHash(Hashes.Hash160(compressedPublicKey));

    /// <summary>BIP86 tweak of an x-only internal key: hash_TapTweak(P) with no script tree.</summary>
    public static byte[] GetTaprootTweak(ReadOnlySpan<byte> xOnlyInternalKey) => Hashes.TaggedHash(TapTweakTag, xOnlyInternalKey);

    /// <summary>The BIP86 output key (x-only) for an x-only internal key.</summary>
    public static byte[] GetTaprootOutputKey(ISecp256k1 secp, ReadOnlySpan<byte> xOnlyInternalKey)
    {
        ArgumentNullException.ThrowIfNull(secp);
        var outputKey = new byte[32];
        if (!secp.TryTweakXOnlyPublicKey(xOnlyInternalKey, GetTaprootTweak(xOnlyInternalKey), outputKey, out _))
        {
            throw new ArgumentException("not a valid x-only key", nameof(xOnlyInternalKey));
        }

        return outputKey;
    }
}
