using System.Buffers.Binary;

namespace Blockstack.Bitcoin.Serialization;

/// <summary>
/// Reads untrusted bytes front to back. Every read is a <c>TryRead</c> that returns false at the end
/// of the input instead of throwing, so parsers built on it never throw on malformed data and never
/// allocate for a length the input does not actually hold.
/// </summary>
public ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _data;

    public SpanReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public readonly bool IsEnd => Position == _data.Length;

    public readonly ReadOnlySpan<byte> Rest => _data[Position..];

    /// <summary>The bytes from <paramref name="start"/> up to the current position.</summary>
    public readonly ReadOnlySpan<byte> Since(int start) => _data[start..Position];

    public bool TryReadByte(out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return false;
        }

        value = _data[Position++];
        return true;
    }

    public readonly bool TryPeekByte(out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return false;
        }

        value = _data[Position];
        return true;
    }

    public bool TryReadBytes(int count, out ReadOnlySpan<byte> value)
    {
        if (count < 0 || Remaining < count)
        {
            value = default;
            return false;
        }

        value = _data.Slice(Position, count);
        Position += count;
        return true;
    }

    public bool TrySkip(int count) => TryReadBytes(count, out _);

    public bool TryReadUInt16LittleEndian(out ushort value)
    {
        if (!TryReadBytes(2, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        return true;
    }

    public bool TryReadUInt16BigEndian(out ushort value)
    {
        if (!TryReadBytes(2, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        return true;
    }

    public bool TryReadUInt32LittleEndian(out uint value)
    {
        if (!TryReadBytes(4, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        return true;
    }

    public bool TryReadUInt32BigEndian(out uint value)
    {
        if (!TryReadBytes(4, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return true;
    }

    public bool TryReadInt32LittleEndian(out int value)
    {
        if (!TryReadBytes(4, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        return true;
    }

    public bool TryReadUInt64LittleEndian(out ulong value)
    {
        if (!TryReadBytes(8, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return true;
    }

    public bool TryReadUInt64BigEndian(out ulong value)
    {
        if (!TryReadBytes(8, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return true;
    }

    public bool TryReadInt64LittleEndian(out long value)
    {
        if (!TryReadBytes(8, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return true;
    }

    public bool TryReadHash256(out Hash256 value)
    {
        if (!TryReadBytes(Hash256.Size, out var bytes))
        {
            value = default;
            return false;
        }

        value = new Hash256(bytes);
        return true;
    }

    /// <summary>
    /// Bitcoin's CompactSize. Non-canonical encodings (a value that fits a shorter form) are refused,
    /// as Bitcoin Core refuses them, and so is anything above <paramref name="max"/>.
    /// </summary>
    public bool TryReadCompactSize(out ulong value, ulong max = CompactSize.MaxSize)
    {
        value = 0;
        if (!TryReadByte(out var first))
        {
            return false;
        }

        switch (first)
        {
            case < 0xfd:
                value = first;
                break;
            case 0xfd:
                if (!TryReadUInt16LittleEndian(out var v16) || v16 < 0xfd)
                {
                    return false;
                }

                value = v16;
                break;
            case 0xfe:
                if (!TryReadUInt32LittleEndian(out var v32) || v32 <= 0xffff)
                {
                    return false;
                }

                value = v32;
                break;
            default:
                if (!TryReadUInt64LittleEndian(out var v64) || v64 <= 0xffff_ffff)
                {
                    return false;
                }

                value = v64;
                break;
        }

        return value <= max;
    }

    /// <summary>A CompactSize length followed by that many bytes.</summary>
    public bool TryReadVarBytes(out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadCompactSize(out var length, (ulong)Remaining) && TryReadBytes((int)length, out value);
    }
}
