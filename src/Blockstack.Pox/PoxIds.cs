using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Burnchain;

namespace Blockstack.Pox;

/// <summary>A sortition id: SHA-512/256(burn header hash (display order) || ASCII PoX id); the first snapshot uses the burn header hash itself.</summary>
public readonly record struct SortitionId(Hash256 Hash)
{
    public static SortitionId Of(BlockHash burnHeaderHash, PoxId poxId)
    {
        var bits = Encoding.ASCII.GetBytes(poxId.Bits);
        var data = new byte[32 + bits.Length];
        burnHeaderHash.ToDisplayBytes().CopyTo(data, 0);
        bits.CopyTo(data, 32);
        return new SortitionId(new Hash256(Hashes.Sha512t256(data)));
    }

    /// <summary>The id of the first snapshot: the first burn block's hash (display order bytes).</summary>
    public static SortitionId Stubbed(BlockHash burnHeaderHash) => new(new Hash256(burnHeaderHash.ToDisplayBytes()));

    public override string ToString() => Hash.ToHex();
}

/// <summary>
/// The PoX fork bit vector: one character per reward cycle since genesis, '1' when the cycle had no
/// anchor block or its anchor block is known, '0' when an anchor was selected but is unknown.
/// Starts as "1".
/// </summary>
public readonly record struct PoxId
{
    private readonly string? _bits;

    private PoxId(string bits)
    {
        _bits = bits;
    }

    public static PoxId Initial => new("1");

    public string Bits => _bits ?? "1";

    public int Length => Bits.Length;

    public PoxId Extend(bool anchorKnownOrAbsent) => new(Bits + (anchorKnownOrAbsent ? '1' : '0'));

    /// <summary>Parses a '0'/'1' string; false on anything else.</summary>
    public static bool TryParse(string? bits, out PoxId id)
    {
        id = default;
        if (string.IsNullOrEmpty(bits) || bits.Any(c => c is not ('0' or '1')))
        {
            return false;
        }

        id = new PoxId(bits);
        return true;
    }

    public override string ToString() => Bits;
}

/// <summary>The rolling sortition hash (SHA-256 chain over burn header hashes and winners' VRF seeds).</summary>
public readonly record struct SortitionHash(Hash256 Hash)
{
    public static SortitionHash Initial => default;

    /// <summary>SHA256(this || burn header hash in display order).</summary>
    public SortitionHash MixBurnHeader(BlockHash burnHeaderHash) => new(Sha256Pair(Hash, new Hash256(burnHeaderHash.ToDisplayBytes())));

    /// <summary>SHA256(this || seed).</summary>
    public SortitionHash MixVrfSeed(Hash256 seed) => new(Sha256Pair(Hash, seed));

    /// <summary>The hash read as a little-endian 256-bit number (bytes 0..8 are the least significant word).</summary>
    public UInt256 ToUInt256() => UInt256.FromLittleEndian(Hash.ToArray());

    public override string ToString() => Hash.ToHex();

    private static Hash256 Sha256Pair(Hash256 a, Hash256 b)
    {
        Span<byte> data = stackalloc byte[64];
        a.WriteTo(data);
        b.WriteTo(data[32..]);
        Span<byte> output = stackalloc byte[32];
        Hashes.Sha256(data, output);
        return new Hash256(output);
    }
}

/// <summary>SHA-256 over the txids (display order) of a sortition's accepted operations.</summary>
public readonly record struct OpsHash(Hash256 Hash)
{
    public override string ToString() => Hash.ToHex();
}

/// <summary>An unsigned 256-bit integer held by value (four 64-bit words, least significant first).</summary>
public readonly record struct UInt256 : IComparable<UInt256>
{
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    public UInt256(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    public static UInt256 Zero => default;

    public static UInt256 MaxValue => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    public static UInt256 FromLittleEndian(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));

    /// <summary>The value of a non-negative integer below 2^256.</summary>
    public static UInt256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value.GetByteCount(isUnsigned: true) > 32)
        {
            throw new OverflowException("value does not fit in 256 bits");
        }

        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return FromLittleEndian(bytes);
    }

    public BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[32];
        WriteLittleEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    public void WriteLittleEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _w3);
    }

    public int CompareTo(UInt256 other)
    {
        var c = _w3.CompareTo(other._w3);
        if (c != 0)
        {
            return c;
        }

        c = _w2.CompareTo(other._w2);
        if (c != 0)
        {
            return c;
        }

        c = _w1.CompareTo(other._w1);
        return c != 0 ? c : _w0.CompareTo(other._w0);
    }

    public static bool operator <(UInt256 left, UInt256 right) => left.CompareTo(right) < 0;

    public static bool operator >(UInt256 left, UInt256 right) => left.CompareTo(right) > 0;

    public static bool operator <=(UInt256 left, UInt256 right) => left.CompareTo(right) <= 0;

    public static bool operator >=(UInt256 left, UInt256 right) => left.CompareTo(right) >= 0;

    /// <summary>Big-endian hex, as a number reads.</summary>
    public override string ToString() => $"{_w3:x16}{_w2:x16}{_w1:x16}{_w0:x16}";
}
