using Blockstack.Bitcoin.Serialization;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;

namespace Blockstack.Bitcoin.Signing;

/// <summary>
/// Virtual size (BIP141) of a transaction once signed, for fee estimation. The estimate is an
/// upper bound: ECDSA signatures are counted at their largest low-S size (72 bytes with the hash
/// type); a real one is 71 or 72 (or shorter, rarely).
/// </summary>
public static class SizeEstimator
{
    /// <summary>Largest low-S DER signature plus the hash type byte.</summary>
    public const int MaxEcdsaSignatureSize = 72;

    public const int CompressedKeySize = 33;
    public const int UncompressedKeySize = 65;

    /// <summary>
    /// Estimates the vsize of a transaction spending inputs of the given templates to the given
    /// outputs. <paramref name="compressedKeys"/> applies to P2PK/P2PKH; taproot signatures are 64
    /// bytes with SIGHASH_DEFAULT and 65 otherwise.
    /// </summary>
    public static int EstimateVirtualSize(
        IReadOnlyList<SpendTemplate> inputs,
        IReadOnlyList<TxOut> outputs,
        bool compressedKeys = true,
        bool taprootDefaultSighash = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var legacyKey = compressedKeys ? CompressedKeySize : UncompressedKeySize;
        var baseSize = 4 + CompactSize.GetSize((ulong)inputs.Count) + CompactSize.GetSize((ulong)outputs.Count) + 4;
        var witnessSize = 0;
        var anyWitness = false;
        foreach (var template in inputs)
        {
            var (scriptSig, witness) = template switch
            {
                SpendTemplate.PayToPubKey => (1 + MaxEcdsaSignatureSize, 0),
                SpendTemplate.PayToPubKeyHash => (1 + MaxEcdsaSignatureSize + 1 + legacyKey, 0),
                SpendTemplate.PayToWitnessPubKeyHash => (0, 1 + 1 + MaxEcdsaSignatureSize + 1 + CompressedKeySize),
                SpendTemplate.PayToScriptHashWitnessPubKeyHash => (1 + 22, 1 + 1 + MaxEcdsaSignatureSize + 1 + CompressedKeySize),
                SpendTemplate.PayToTaprootKeyPath => (0, 1 + 1 + (taprootDefaultSighash ? 64 : 65)),
                _ => throw new ArgumentException($"cannot estimate the size of a {template} input", nameof(inputs)),
            };
            baseSize += OutPoint.SerializedSize + CompactSize.GetVarBytesSize(scriptSig) + 4;
            anyWitness |= witness > 0;
            witnessSize += witness > 0 ? witness : 1;
        }

        foreach (var output in outputs)
        {
            baseSize += output.SerializedSize;
        }

        var weight = (baseSize * Transaction.WitnessScaleFactor) + (anyWitness ? 2 + witnessSize : 0);
        return (weight + Transaction.WitnessScaleFactor - 1) / Transaction.WitnessScaleFactor;
    }
}
