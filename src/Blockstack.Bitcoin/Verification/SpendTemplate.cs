using Blockstack.Bitcoin.Scripts;

namespace Blockstack.Bitcoin.Verification;

/// <summary>The spend shapes this library verifies and signs without a general script interpreter.</summary>
public enum SpendTemplate
{
    /// <summary>Anything else: bare multisig, P2WSH, taproot script path, custom scripts, ...</summary>
    Unsupported,

    /// <summary>P2PK: scriptSig <c>&lt;sig&gt;</c> against <c>&lt;pubkey&gt; OP_CHECKSIG</c>.</summary>
    PayToPubKey,

    /// <summary>P2PKH: scriptSig <c>&lt;sig&gt; &lt;pubkey&gt;</c>, compressed or uncompressed key.</summary>
    PayToPubKeyHash,

    /// <summary>Native P2WPKH: empty scriptSig, witness <c>[sig, pubkey]</c>.</summary>
    PayToWitnessPubKeyHash,

    /// <summary>P2SH-wrapped P2WPKH: scriptSig pushes the v0 keyhash program, witness <c>[sig, pubkey]</c>.</summary>
    PayToScriptHashWitnessPubKeyHash,

    /// <summary>P2TR key path: empty scriptSig, witness <c>[schnorr sig]</c> and an optional annex.</summary>
    PayToTaprootKeyPath,
}

/// <summary>Recognizes a template from the output being spent.</summary>
public static class SpendTemplates
{
    /// <summary>
    /// The template an output script calls for. A P2SH output is reported as
    /// <see cref="SpendTemplate.PayToScriptHashWitnessPubKeyHash"/> because that is the only
    /// P2SH form supported; the redeem script decides whether that holds.
    /// </summary>
    public static SpendTemplate FromScriptPubKey(ReadOnlySpan<byte> scriptPubKey) => StandardScripts.Classify(scriptPubKey) switch
    {
        ScriptType.PubKey => SpendTemplate.PayToPubKey,
        ScriptType.PubKeyHash => SpendTemplate.PayToPubKeyHash,
        ScriptType.WitnessV0KeyHash => SpendTemplate.PayToWitnessPubKeyHash,
        ScriptType.ScriptHash => SpendTemplate.PayToScriptHashWitnessPubKeyHash,
        ScriptType.WitnessV1Taproot => SpendTemplate.PayToTaprootKeyPath,
        _ => SpendTemplate.Unsupported,
    };

    /// <summary>True for the templates whose signature commits to the spent amount (BIP143, BIP341).</summary>
    public static bool IsWitness(SpendTemplate template) => template is SpendTemplate.PayToWitnessPubKeyHash
        or SpendTemplate.PayToScriptHashWitnessPubKeyHash or SpendTemplate.PayToTaprootKeyPath;
}
