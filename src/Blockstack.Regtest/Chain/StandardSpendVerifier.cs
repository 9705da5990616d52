using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;

namespace Blockstack.Regtest.Chain;

/// <summary>
/// The regtest chain's script check: the shared <see cref="SpendVerifier"/> (P2PK, P2PKH, P2WPKH,
/// P2SH-P2WPKH, P2TR key path) under consensus rules, plus P2A anchors, answering with the script
/// error texts bitcoind puts in its reject reasons. Other templates are refused: there is no full
/// script interpreter.
/// </summary>
public sealed class StandardSpendVerifier : IScriptVerifier
{
    public const string EvalFalse = "Script evaluated without error but finished with a false/empty top stack element";
    public const string EqualVerify = "Script failed an OP_EQUALVERIFY operation";

    private readonly SpendVerifier _verifier;

    public StandardSpendVerifier(ISecp256k1? secp = null) =>
        _verifier = new SpendVerifier(secp ?? Secp256k1.Default, SpendVerifierOptions.Consensus);

    public string? VerifyInput(Transaction transaction, int inputIndex, IReadOnlyList<TxOut> spentOutputs)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(spentOutputs);
        var prevOut = spentOutputs[inputIndex];
        if (Script.IsPayToAnchor(prevOut.ScriptPubKey.Span))
        {
            var input = transaction.Inputs[inputIndex];
            return input.ScriptSig.IsEmpty && !input.HasWitness ? null : EvalFalse;
        }

        var result = _verifier.VerifyInput(transaction, inputIndex, spentOutputs);
        return result.IsValid ? null : CoreText(result, prevOut.ScriptPubKey.Span);
    }

    // bitcoind's ScriptErrorString for the error each code stands for.
    private static string CoreText(SpendResult result, ReadOnlySpan<byte> spentScript) => result.Error switch
    {
        SpendErrors.ScriptSigMismatch => EvalFalse,
        SpendErrors.PubKeyHashMismatch or SpendErrors.WitnessProgramMismatch => EqualVerify,
        SpendErrors.ScriptHashMismatch => EvalFalse,
        SpendErrors.PubKeyType => "Public key is neither compressed or uncompressed",
        SpendErrors.WitnessUnexpected => "Witness provided for non-witness script",
        SpendErrors.WitnessMismatch => "Witness program hash mismatch",
        SpendErrors.SigDer => "Non-canonical DER signature",
        SpendErrors.SigHighS => "Non-canonical signature: S value is unnecessarily high",
        SpendErrors.SigHashType when result.Template == SpendTemplate.PayToTaprootKeyPath => "Invalid Schnorr signature hash type",
        SpendErrors.SigHashType => "Signature hash type missing or not understood",
        SpendErrors.SigSize => "Invalid Schnorr signature size",
        SpendErrors.SigInvalid when result.Template == SpendTemplate.PayToTaprootKeyPath => "Invalid Schnorr signature",
        SpendErrors.SigInvalid => EvalFalse,
        SpendErrors.UnsupportedSpend => "unsupported script type " + StandardScripts.GetName(StandardScripts.Classify(spentScript)) +
            " (the regtest verifier checks P2PK, P2PKH, P2WPKH, P2SH-P2WPKH, P2TR key path and P2A)",
        var other => other ?? EvalFalse,
    };
}
