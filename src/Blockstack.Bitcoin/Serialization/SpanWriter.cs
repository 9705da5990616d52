using System.Buffers.Binary;

namespace Blockstack.Bitcoin.Serialization;

/// <summary>
/// Writes into a span sized in advance from the type's exact serialized length. Writing past the
/// end is a bug in the length computation and throws.
/// </summary>
public ref struct SpanWriter
{
    private readonly Span<byte> _buffer;

    public SpanWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly Span<byte> Written => _buffer[..Position];

    public void WriteByte(byte value) => _buffer[Position++] = value;

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[Position..]);
        Position += value.Length;
    }

    public void WriteUInt16LittleEndian(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

    public void WriteUInt16BigEndian(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void WriteUInt32LittleEndian(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    public void WriteUInt32BigEndian(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void WriteInt32LittleEndian(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void WriteUInt64LittleEndian(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

    public void WriteUInt64BigEndian(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);

    public void WriteInt64LittleEndian(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void WriteHash256(Hash256 value) => value.WriteTo(Take(Hash256.Size));

    public void WriteCompactSize(ulong value)
    {
        switch (value)
        {
            case < 0xfd:
                WriteByte((byte)value);
                break;
            case <= 0xffff:
                WriteByte(0xfd);
                WriteUInt16LittleEndian((ushort)value);
                break;
            case <= 0xffff_ffff:
                WriteByte(0xfe);
                WriteUInt32LittleEndian((uint)value);
                break;
            default:
                WriteByte(0xff);
                WriteUInt64LittleEndian(value);
                break;
        }
    }

    public void WriteVarBytes(ReadOnlySpan<byte> value)
    {
        WriteCompactSize((ulong)value.Length);
        WriteBytes(value);
    }

    private Span<byte> Take(int size)
    {
        var span = _buffer.Slice(Position, size);
        Position += size;
        return span;
    }
}

public static class CompactSize
{
    /// <summary>Bitcoin Core's MAX_SIZE: no CompactSize above this is accepted.</summary>
    public const ulong MaxSize = 0x0200_0000;

    public static int GetSize(ulong value) => value switch
    {
        < 0xfd => 1,
        <= 0xffff => 3,
        <= 0xffff_ffff => 5,
        _ => 9,
    };

    public static int GetVarBytesSize(int length) => GetSize((ulong)length) + length;
}
