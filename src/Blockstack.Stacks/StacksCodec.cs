using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Stacks;

/// <summary>
/// A growable big-endian writer for the Stacks wire format (all integers big-endian, vectors with
/// a u32 count, names with a u8 length).
/// </summary>
public sealed class StacksWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public StacksWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void WriteBytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteHash256(Hash256 value)
    {
        value.WriteTo(_buffer.GetSpan(Hash256.Size));
        _buffer.Advance(Hash256.Size);
    }

    public void WriteHash160(Hash160 value)
    {
        value.WriteTo(_buffer.GetSpan(Hash160.Size));
        _buffer.Advance(Hash160.Size);
    }

    public void WriteAddress(StacksAddress address)
    {
        WriteByte(address.Version);
        WriteHash160(address.Hash);
    }

    /// <summary>A guarded name: u8 length then ASCII.</summary>
    public void WriteName(string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        WriteByte(checked((byte)bytes.Length));
        WriteBytes(bytes);
    }
}

/// <summary>Readers for the small shared pieces of the wire format. None of them throws.</summary>
public static class StacksRead
{
    public static StacksError Truncated(string what) => new(StacksErrorCodes.Truncated, $"input ends inside {what}");

    public static bool TryAddress(ref SpanReader reader, out StacksAddress address, out StacksError error)
    {
        address = default;
        if (!reader.TryReadByte(out var version) || !reader.TryReadBytes(Hash160.Size, out var hash))
        {
            error = Truncated("an address");
            return false;
        }

        if (version >= 32)
        {
            error = new StacksError(StacksErrorCodes.C32BadVersion, $"address version {version} is not below 32");
            return false;
        }

        address = new StacksAddress(version, new Hash160(hash));
        error = default;
        return true;
    }

    public static bool TryHash160(ref SpanReader reader, out Hash160 hash, out StacksError error)
    {
        hash = default;
        if (!reader.TryReadBytes(Hash160.Size, out var bytes))
        {
            error = Truncated("a hash160");
            return false;
        }

        hash = new Hash160(bytes);
        error = default;
        return true;
    }

    public static bool TryContractName(ref SpanReader reader, out string name, out StacksError error) =>
        TryName(ref reader, contract: true, out name, out error);

    public static bool TryClarityName(ref SpanReader reader, out string name, out StacksError error) =>
        TryName(ref reader, contract: false, out name, out error);

    private static bool TryName(ref SpanReader reader, bool contract, out string name, out StacksError error)
    {
        name = string.Empty;
        var code = contract ? StacksErrorCodes.BadContractName : StacksErrorCodes.BadClarityName;
        if (!reader.TryReadByte(out var length) || !reader.TryReadBytes(length, out var bytes))
        {
            error = Truncated(contract ? "a contract name" : "a Clarity name");
            return false;
        }

        if (length > StacksNames.MaxLength)
        {
            error = new StacksError(code, $"name of {length} bytes is longer than {StacksNames.MaxLength}");
            return false;
        }

        foreach (var b in bytes)
        {
            if (b >= 0x80)
            {
                error = new StacksError(code, "name is not ASCII");
                return false;
            }
        }

        name = Encoding.ASCII.GetString(bytes);
        if (contract ? !StacksNames.IsValidContractName(name) : !StacksNames.IsValidClarityName(name))
        {
            error = new StacksError(code, $"'{name}' is not a valid {(contract ? "contract" : "Clarity")} name");
            return false;
        }

        error = default;
        return true;
    }
}
