namespace Blockstack.Bitcoin.Verification;

/// <summary>
/// The stable reason codes of <see cref="SpendVerifier"/> and the signer. In brackets, the
/// Bitcoin Core script error each one corresponds to.
/// </summary>
public static class SpendErrors
{
    /// <summary>The spent output is not one of the supported templates (no interpreter here).</summary>
    public const string UnsupportedSpend = "unsupported-spend";

    /// <summary>The input index is outside the transaction.</summary>
    public const string InputIndexOutOfRange = "input-index-out-of-range";

    /// <summary>The number of spent outputs differs from the number of inputs.</summary>
    public const string SpentOutputsMismatch = "spent-outputs-mismatch";

    /// <summary>The scriptSig is not the exact form the template needs [SIG_PUSHONLY, WITNESS_MALLEATED(_P2SH), EVAL_FALSE].</summary>
    public const string ScriptSigMismatch = "script-sig-mismatch";

    /// <summary>P2PKH: the key does not hash to the output's hash [EQUALVERIFY].</summary>
    public const string PubKeyHashMismatch = "pubkey-hash-mismatch";

    /// <summary>P2PK: the output's key is not a valid public key encoding [PUBKEYTYPE].</summary>
    public const string PubKeyType = "pubkey-type";

    /// <summary>P2SH: the pushed redeem script does not hash to the output's hash [EVAL_FALSE].</summary>
    public const string ScriptHashMismatch = "script-hash-mismatch";

    /// <summary>A legacy input carries witness data [WITNESS_UNEXPECTED].</summary>
    public const string WitnessUnexpected = "witness-unexpected";

    /// <summary>The witness stack has the wrong number of items for the template [WITNESS_PROGRAM_MISMATCH, WITNESS_PROGRAM_WITNESS_EMPTY].</summary>
    public const string WitnessMismatch = "witness-mismatch";

    /// <summary>P2WPKH: the witness key does not hash to the program [EQUALVERIFY].</summary>
    public const string WitnessProgramMismatch = "witness-program-mismatch";

    /// <summary>The signature is not strict DER [SIG_DER].</summary>
    public const string SigDer = "sig-der";

    /// <summary>Undefined hash type, or SIGHASH_SINGLE without an output in taproot [SIG_HASHTYPE, SCHNORR_SIG_HASHTYPE].</summary>
    public const string SigHashType = "sig-hashtype";

    /// <summary>S above n/2 when low S is required [SIG_HIGH_S].</summary>
    public const string SigHighS = "sig-high-s";

    /// <summary>A Schnorr signature that is neither 64 nor 65 bytes [SCHNORR_SIG_SIZE].</summary>
    public const string SigSize = "sig-size";

    /// <summary>The signature does not verify (or is empty) [EVAL_FALSE, SCHNORR_SIG].</summary>
    public const string SigInvalid = "sig-invalid";

    /// <summary>Signer: no private key for the input.</summary>
    public const string NoKey = "no-key";

    /// <summary>Signer: the key given does not match the output being spent.</summary>
    public const string KeyMismatch = "key-mismatch";

    /// <summary>Signer: legacy SIGHASH_SINGLE without a matching output would sign the constant 1.</summary>
    public const string SighashSingleWithoutOutput = "sighash-single-without-output";
}
