namespace Blockstack.Bitcoin.Transactions;

/// <summary>A transaction output: a value in satoshis and the scriptPubKey that locks it.</summary>
public readonly struct TxOut
{
    public TxOut(long value, ReadOnlyMemory<byte> scriptPubKey)
    {
        Value = value;
        ScriptPubKey = scriptPubKey;
    }

    /// <summary>The value in satoshis. Signed on the wire; a negative value fails CheckTransaction.</summary>
    public long Value { get; }

    public ReadOnlyMemory<byte> ScriptPubKey { get; }

    public int SerializedSize => 8 + Serialization.CompactSize.GetVarBytesSize(ScriptPubKey.Length);

    public void Write(ref Serialization.SpanWriter writer)
    {
        writer.WriteInt64LittleEndian(Value);
        writer.WriteVarBytes(ScriptPubKey.Span);
    }
}
