using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Bitcoin.Transactions;

/// <summary>A reference to an output of an earlier transaction: its txid and output index.</summary>
public readonly record struct OutPoint(Txid Txid, uint Index)
{
    public const int SerializedSize = Hash256.Size + 4;

    /// <summary>The null outpoint (zero hash, index 0xffffffff) that a coinbase input spends.</summary>
    public static OutPoint Null => new(default, uint.MaxValue);

    public bool IsNull => Index == uint.MaxValue && Txid.Hash.IsZero;

    public static bool TryRead(ref SpanReader reader, out OutPoint value)
    {
        if (reader.TryReadHash256(out var hash) && reader.TryReadUInt32LittleEndian(out var index))
        {
            value = new OutPoint(new Txid(hash), index);
            return true;
        }

        value = default;
        return false;
    }

    public void Write(ref SpanWriter writer)
    {
        writer.WriteHash256(Txid.Hash);
        writer.WriteUInt32LittleEndian(Index);
    }

    public override string ToString() => $"{Txid}:{Index}";
}
