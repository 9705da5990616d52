using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Blockstack.Bitcoin;

/// <summary>
/// A 32-byte hash held by value (four 64-bit words), so ids compare and hash without allocation.
/// Bytes are kept in internal (wire) order; <see cref="ToDisplayString"/> reverses them the way
/// Bitcoin prints txids and block hashes.
/// </summary>
public readonly record struct Hash256
{
    public const int Size = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    public static Hash256 Zero => default;

    public Hash256(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a Hash256 is {Size} bytes, not {bytes.Length}", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    public bool IsZero => (_a | _b | _c | _d) == 0;

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Hex of the bytes in internal order.</summary>
    public string ToHex() => Convert.ToHexStringLower(ToArray());

    /// <summary>Hex of the bytes reversed (Bitcoin's display order for txids and block hashes).</summary>
    public string ToDisplayString()
    {
        var bytes = ToArray();
        bytes.AsSpan().Reverse();
        return Convert.ToHexStringLower(bytes);
    }

    public override string ToString() => ToHex();

    public static Hash256 FromHex(string hex) => new(Convert.FromHexString(hex));

    public static Hash256 FromDisplayString(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        bytes.AsSpan().Reverse();
        return new Hash256(bytes);
    }

    /// <summary>Parses 64 hex digits in display (reversed) order without throwing.</summary>
    public static bool TryParseDisplay(string? hex, [NotNullWhen(true)] out Hash256? value)
    {
        value = null;
        if (hex is null || hex.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        bytes.Reverse();
        value = new Hash256(bytes);
        return true;
    }
}

/// <summary>A transaction id: SHA-256d of the transaction without witness data.</summary>
public readonly record struct Txid(Hash256 Hash)
{
    public override string ToString() => Hash.ToDisplayString();

    public static Txid Parse(string displayHex) => new(Hash256.FromDisplayString(displayHex));
}

/// <summary>A block hash: SHA-256d of the 80-byte header.</summary>
public readonly record struct BlockHash(Hash256 Hash)
{
    public override string ToString() => Hash.ToDisplayString();

    public static BlockHash Parse(string displayHex) => new(Hash256.FromDisplayString(displayHex));
}
