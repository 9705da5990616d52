using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Sighash;

/// <summary>
/// The original signature hash (Bitcoin Core's <c>SignatureHash</c> for SigVersion::BASE): the
/// transaction re-serialized with the scriptCode (OP_CODESEPARATORs removed) in the signed input,
/// blanked scripts elsewhere, outputs and sequences pruned per the hash type, then the hash type as
/// 4 bytes, hashed with SHA-256d.
/// </summary>
public static class LegacySighash
{
    /// <summary>The uint256 value 1, returned for SIGHASH_SINGLE without a matching output (and a bad index).</summary>
    public static Hash256 One { get; } = new([1, .. new byte[31]]);

    public static Hash256 Compute(Transaction transaction, int inputIndex, ReadOnlySpan<byte> scriptCode, int hashType)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var inputs = transaction.InputSpan;
        var outputs = transaction.OutputSpan;
        if (inputIndex < 0 || inputIndex >= inputs.Length)
        {
            return One;
        }

        var baseType = hashType & SighashType.OutputMask;
        var anyoneCanPay = (hashType & SighashType.AnyoneCanPay) != 0;
        var hashNone = baseType == SighashType.None;
        var hashSingle = baseType == SighashType.Single;
        if (hashSingle && inputIndex >= outputs.Length)
        {
            // The historical bug: the "hash" signed is the number one.
            return One;
        }

        using var h = new HashWriter();
        h.WriteInt32(transaction.Version);
        h.WriteCompactSize(anyoneCanPay ? 1UL : (ulong)inputs.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            if (anyoneCanPay && i != inputIndex)
            {
                continue;
            }

            var input = inputs[i];
            h.WriteOutPoint(input.PrevOut);
            if (i == inputIndex)
            {
                WriteScriptCode(h, scriptCode);
            }
            else
            {
                h.WriteCompactSize(0);
            }

            h.WriteUInt32(i != inputIndex && (hashNone || hashSingle) ? 0 : input.Sequence);
        }

        var outputCount = hashNone ? 0 : hashSingle ? inputIndex + 1 : outputs.Length;
        h.WriteCompactSize((ulong)outputCount);
        for (var i = 0; i < outputCount; i++)
        {
            if (hashSingle && i != inputIndex)
            {
                // A "null" output: value -1, empty script.
                h.WriteInt64(-1);
                h.WriteCompactSize(0);
            }
            else
            {
                h.WriteOutput(outputs[i]);
            }
        }

        h.WriteUInt32(transaction.LockTime);
        h.WriteInt32(hashType);
        return h.GetSha256d();
    }

    /// <summary>
    /// The script with every OP_CODESEPARATOR removed, length-prefixed as Core writes it: the length
    /// counts the whole script less the separators; the bytes stop where parsing stops.
    /// </summary>
    private static void WriteScriptCode(HashWriter h, ReadOnlySpan<byte> script)
    {
        var separators = 0;
        var counter = new ScriptReader(script);
        while (counter.TryReadOp(out var opcode, out _))
        {
            if (opcode == Opcode.OP_CODESEPARATOR)
            {
                separators++;
            }
        }

        h.WriteCompactSize((ulong)(script.Length - separators));
        var reader = new ScriptReader(script);
        var start = 0;
        while (reader.TryReadOp(out var opcode, out _))
        {
            if (opcode == Opcode.OP_CODESEPARATOR)
            {
                h.Write(script[start..(reader.Position - 1)]);
                start = reader.Position;
            }
        }

        if (start != script.Length)
        {
            h.Write(script[start..reader.Position]);
        }
    }
}
