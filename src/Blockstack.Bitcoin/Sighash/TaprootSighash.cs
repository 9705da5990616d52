using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Sighash;

/// <summary>The script-path extension of a BIP341 signature message (BIP342, ext_flag 1).</summary>
public readonly record struct TapscriptExtension(Hash256 TapLeafHash, uint CodeSeparatorPosition = uint.MaxValue)
{
    public const byte KeyVersion = 0x00;
}

/// <summary>
/// The BIP341 signature hash: <c>TapSighash</c> tagged hash of epoch 0 and SigMsg. Key-path
/// spends use ext_flag 0; passing a <see cref="TapscriptExtension"/> gives the BIP342
/// script-path form (ext_flag 1).
/// </summary>
public static class TaprootSighash
{
    public const string Tag = "TapSighash";

    /// <summary>True for the hash types BIP341 defines: 0x00–0x03 and 0x81–0x83.</summary>
    public static bool IsValidHashType(byte hashType) => hashType is <= 0x03 or (>= 0x81 and <= 0x83);

    /// <summary>
    /// Computes the hash; false (not an exception) for an undefined hash type or SIGHASH_SINGLE
    /// without a matching output, the cases where BIP341 says the signature is invalid.
    /// </summary>
    public static bool TryCompute(
        PrecomputedTransactionData data,
        int inputIndex,
        byte hashType,
        out Hash256 sighash,
        ReadOnlySpan<byte> annex = default,
        TapscriptExtension? extension = null)
    {
        sighash = default;
        if (!TryGetMessage(data, inputIndex, hashType, out var message, annex, extension))
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[Hash256.Size];
        Hashes.TaggedHash(Tag, message, hash);
        sighash = new Hash256(hash);
        return true;
    }

    /// <summary>The tagged message: epoch byte 0x00 followed by SigMsg (and the extension).</summary>
    public static bool TryGetMessage(
        PrecomputedTransactionData data,
        int inputIndex,
        byte hashType,
        out byte[] message,
        ReadOnlySpan<byte> annex = default,
        TapscriptExtension? extension = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        message = [];
        var tx = data.Transaction;
        var spent = data.SpentOutputs ?? throw new ArgumentException("BIP341 needs the spent outputs of every input", nameof(data));
        if (inputIndex < 0 || inputIndex >= tx.InputSpan.Length || !IsValidHashType(hashType))
        {
            return false;
        }

        var outputType = hashType & 0x03;
        if (outputType == SighashType.Default)
        {
            outputType = SighashType.All;
        }

        var anyoneCanPay = (hashType & SighashType.AnyoneCanPay) != 0;
        if (outputType == SighashType.Single && inputIndex >= tx.OutputSpan.Length)
        {
            return false;
        }

        using var h = new HashWriter(record: true);
        h.WriteByte(0x00); // epoch
        h.WriteByte(hashType);
        h.WriteInt32(tx.Version);
        h.WriteUInt32(tx.LockTime);
        if (!anyoneCanPay)
        {
            h.WriteHash(data.ShaPrevouts);
            h.WriteHash(data.ShaAmounts);
            h.WriteHash(data.ShaScriptPubKeys);
            h.WriteHash(data.ShaSequences);
        }

        if (outputType == SighashType.All)
        {
            h.WriteHash(data.ShaOutputs);
        }

        var extFlag = extension is null ? 0 : 1;
        var annexPresent = !annex.IsEmpty;
        h.WriteByte((byte)((extFlag * 2) + (annexPresent ? 1 : 0)));
        if (anyoneCanPay)
        {
            var input = tx.InputSpan[inputIndex];
            h.WriteOutPoint(input.PrevOut);
            h.WriteOutput(spent[inputIndex]);
            h.WriteUInt32(input.Sequence);
        }
        else
        {
            h.WriteUInt32((uint)inputIndex);
        }

        if (annexPresent)
        {
            using var annexHash = new HashWriter();
            annexHash.WriteVarBytes(annex);
            h.WriteHash(annexHash.GetSha256());
        }

        if (outputType == SighashType.Single)
        {
            using var single = new HashWriter();
            single.WriteOutput(tx.OutputSpan[inputIndex]);
            h.WriteHash(single.GetSha256());
        }

        if (extension is { } ext)
        {
            h.WriteHash(ext.TapLeafHash);
            h.WriteByte(TapscriptExtension.KeyVersion);
            h.WriteUInt32(ext.CodeSeparatorPosition);
        }

        message = h.ToArray();
        return true;
    }
}
