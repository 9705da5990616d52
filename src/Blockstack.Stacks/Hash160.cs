using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Stacks;

/// <summary>A 20-byte hash (RIPEMD-160 of SHA-256, or any 20 bytes an address carries), held by value.</summary>
public readonly record struct Hash160
{
    public const int Size = 20;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly uint _c;

    public Hash160(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a Hash160 is {Size} bytes, not {bytes.Length}", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    public static Hash160 Zero => default;

    public bool IsZero => (_a | _b | _c) == 0;

    /// <summary>RIPEMD-160(SHA-256(data)).</summary>
    public static Hash160 Of(ReadOnlySpan<byte> data)
    {
        Span<byte> h = stackalloc byte[Size];
        Hashes.Hash160(data, h);
        return new Hash160(h);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public string ToHex() => Convert.ToHexStringLower(ToArray());

    public override string ToString() => ToHex();

    public static Hash160 FromHex(string hex) => new(Convert.FromHexString(hex));

    public static bool TryParseHex(string? hex, [NotNullWhen(true)] out Hash160? value)
    {
        value = null;
        if (hex is null)
        {
            return false;
        }

        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        value = new Hash160(bytes);
        return true;
    }
}
