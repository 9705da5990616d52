using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin.Serialization;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Blocks;

/// <summary>A block: header and transactions (the first being the coinbase). Immutable.</summary>
public sealed class Block
{
    private readonly Transaction[] _transactions;

    public Block(BlockHeader header, IReadOnlyList<Transaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        Header = header;
        _transactions = [.. transactions];
    }

    private Block(BlockHeader header, Transaction[] transactions)
    {
        Header = header;
        _transactions = transactions;
    }

    public BlockHeader Header { get; }

    public BlockHash Hash => Header.Hash;

    public IReadOnlyList<Transaction> Transactions => _transactions;

    public ReadOnlySpan<Transaction> TransactionSpan => _transactions;

    /// <summary>Serialized size with witness data.</summary>
    public int TotalSize => GetSerializedSize(withWitness: true);

    /// <summary>Serialized size without witness data (the pre-segwit size).</summary>
    public int BaseSize => GetSerializedSize(withWitness: false);

    /// <summary>BIP141 block weight: base size × 3 + total size.</summary>
    public int Weight => checked((BaseSize * (Transaction.WitnessScaleFactor - 1)) + TotalSize);

    public int GetSerializedSize(bool withWitness = true)
    {
        var size = BlockHeader.Size + CompactSize.GetSize((ulong)_transactions.Length);
        foreach (var tx in _transactions)
        {
            size = checked(size + tx.GetSerializedSize(withWitness));
        }

        return size;
    }

    public int Serialize(Span<byte> destination, bool withWitness = true)
    {
        var size = GetSerializedSize(withWitness);
        if (destination.Length < size)
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes; the block needs {size}", nameof(destination));
        }

        var writer = new SpanWriter(destination);
        Header.Write(ref writer);
        writer.WriteCompactSize((ulong)_transactions.Length);
        foreach (var tx in _transactions)
        {
            tx.Write(ref writer, withWitness);
        }

        return writer.Position;
    }

    public byte[] ToBytes(bool withWitness = true)
    {
        var bytes = new byte[GetSerializedSize(withWitness)];
        Serialize(bytes, withWitness);
        return bytes;
    }

    /// <summary>Parses a whole block; trailing bytes are an error. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Block? block, out string error)
    {
        block = null;
        var reader = new SpanReader(data);
        if (!BlockHeader.TryRead(ref reader, out var header))
        {
            error = "block-truncated-header";
            return false;
        }

        if (!reader.TryReadCompactSize(out var count) || count > (ulong)(reader.Remaining / Transaction.MinSize))
        {
            error = "block-bad-tx-count";
            return false;
        }

        var transactions = new Transaction[(int)count];
        for (var i = 0; i < transactions.Length; i++)
        {
            if (!Transaction.TryRead(ref reader, out var tx, out var txError))
            {
                error = $"block-bad-tx: {i}: {txError}";
                return false;
            }

            transactions[i] = tx;
        }

        if (!reader.IsEnd)
        {
            error = "block-trailing-bytes";
            return false;
        }

        block = new Block(header, transactions);
        error = string.Empty;
        return true;
    }
}
