using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Sighash;

/// <summary>The BIP143 signature hash for segwit version 0 inputs.</summary>
public static class SegwitV0Sighash
{
    public static Hash256 Compute(PrecomputedTransactionData data, int inputIndex, ReadOnlySpan<byte> scriptCode, long amount, int hashType)
    {
        using var h = new HashWriter();
        WritePreimage(h, data, inputIndex, scriptCode, amount, hashType);
        return h.GetSha256d();
    }

    public static Hash256 Compute(Transaction transaction, int inputIndex, ReadOnlySpan<byte> scriptCode, long amount, int hashType) =>
        Compute(new PrecomputedTransactionData(transaction), inputIndex, scriptCode, amount, hashType);

    /// <summary>The message that is hashed (for tests and debugging).</summary>
    public static byte[] GetPreimage(PrecomputedTransactionData data, int inputIndex, ReadOnlySpan<byte> scriptCode, long amount, int hashType)
    {
        using var h = new HashWriter(record: true);
        WritePreimage(h, data, inputIndex, scriptCode, amount, hashType);
        return h.ToArray();
    }

    private static void WritePreimage(HashWriter h, PrecomputedTransactionData data, int inputIndex, ReadOnlySpan<byte> scriptCode, long amount, int hashType)
    {
        ArgumentNullException.ThrowIfNull(data);
        var tx = data.Transaction;
        ArgumentOutOfRangeException.ThrowIfNegative(inputIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(inputIndex, tx.InputSpan.Length);
        var baseType = hashType & SighashType.OutputMask;
        var anyoneCanPay = (hashType & SighashType.AnyoneCanPay) != 0;
        var hashPrevouts = anyoneCanPay ? Hash256.Zero : data.HashPrevouts;
        var hashSequence = anyoneCanPay || baseType == SighashType.Single || baseType == SighashType.None
            ? Hash256.Zero
            : data.HashSequence;
        Hash256 hashOutputs;
        if (baseType != SighashType.Single && baseType != SighashType.None)
        {
            hashOutputs = data.HashOutputs;
        }
        else if (baseType == SighashType.Single && inputIndex < tx.OutputSpan.Length)
        {
            using var single = new HashWriter();
            single.WriteOutput(tx.OutputSpan[inputIndex]);
            hashOutputs = single.GetSha256d();
        }
        else
        {
            hashOutputs = Hash256.Zero;
        }

        var input = tx.InputSpan[inputIndex];
        h.WriteInt32(tx.Version);
        h.WriteHash(hashPrevouts);
        h.WriteHash(hashSequence);
        h.WriteOutPoint(input.PrevOut);
        h.WriteVarBytes(scriptCode);
        h.WriteInt64(amount);
        h.WriteUInt32(input.Sequence);
        h.WriteHash(hashOutputs);
        h.WriteUInt32(tx.LockTime);
        h.WriteInt32(hashType);
    }
}
