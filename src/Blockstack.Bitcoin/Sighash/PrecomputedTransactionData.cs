using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Sighash;

/// <summary>
/// The per-transaction hashes that BIP143 and BIP341 signature hashes share across inputs,
/// computed once. The BIP341 ones (single SHA-256) need the outputs every input spends; the
/// BIP143 ones are their SHA-256d forms.
/// </summary>
public sealed class PrecomputedTransactionData
{
    public PrecomputedTransactionData(Transaction transaction, IReadOnlyList<TxOut>? spentOutputs = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (spentOutputs is not null && spentOutputs.Count != transaction.Inputs.Count)
        {
            throw new ArgumentException("one spent output is needed per input", nameof(spentOutputs));
        }

        Transaction = transaction;
        SpentOutputs = spentOutputs;
        using var h = new HashWriter();
        foreach (var input in transaction.InputSpan)
        {
            h.WriteOutPoint(input.PrevOut);
        }

        ShaPrevouts = h.GetSha256();
        foreach (var input in transaction.InputSpan)
        {
            h.WriteUInt32(input.Sequence);
        }

        ShaSequences = h.GetSha256();
        foreach (var output in transaction.OutputSpan)
        {
            h.WriteOutput(output);
        }

        ShaOutputs = h.GetSha256();
        HashPrevouts = Sha256(ShaPrevouts);
        HashSequence = Sha256(ShaSequences);
        HashOutputs = Sha256(ShaOutputs);

        if (spentOutputs is not null)
        {
            foreach (var spent in spentOutputs)
            {
                h.WriteInt64(spent.Value);
            }

            ShaAmounts = h.GetSha256();
            foreach (var spent in spentOutputs)
            {
                h.WriteVarBytes(spent.ScriptPubKey.Span);
            }

            ShaScriptPubKeys = h.GetSha256();
        }
    }

    public Transaction Transaction { get; }

    public IReadOnlyList<TxOut>? SpentOutputs { get; }

    /// <summary>BIP143 hashPrevouts: SHA-256d of all outpoints.</summary>
    public Hash256 HashPrevouts { get; }

    /// <summary>BIP143 hashSequence: SHA-256d of all sequences.</summary>
    public Hash256 HashSequence { get; }

    /// <summary>BIP143 hashOutputs: SHA-256d of all outputs.</summary>
    public Hash256 HashOutputs { get; }

    /// <summary>BIP341 sha_prevouts (single SHA-256).</summary>
    public Hash256 ShaPrevouts { get; }

    public Hash256 ShaSequences { get; }

    public Hash256 ShaOutputs { get; }

    /// <summary>BIP341 sha_amounts; zero when spent outputs were not given.</summary>
    public Hash256 ShaAmounts { get; }

    /// <summary>BIP341 sha_scriptpubkeys; zero when spent outputs were not given.</summary>
    public Hash256 ShaScriptPubKeys { get; }

    private static Hash256 Sha256(Hash256 value)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        value.WriteTo(bytes);
        System.Security.Cryptography.SHA256.HashData(bytes, bytes);
        return new Hash256(bytes);
    }
}
