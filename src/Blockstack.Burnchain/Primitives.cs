using System.Buffers.Binary;
using System.Numerics;
using Blockstack.Bitcoin;

namespace Blockstack.Burnchain;

/// <summary>A 20-byte hash (Hash160 of a key or script, or 20 raw bytes an address carries), held by value.</summary>
public readonly record struct Hash160Bytes
{
    public const int Size = 20;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly uint _c;

    public Hash160Bytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a Hash160 is {Size} bytes, not {bytes.Length}", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    public static Hash160Bytes Zero => default;

    public bool IsZero => (_a | _b | _c) == 0;

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

    public override string ToString() => Convert.ToHexStringLower(ToArray());

    public static Hash160Bytes FromHex(string hex) => new(Convert.FromHexString(hex));
}

/// <summary>
/// A Stacks address as (c32 version, hash160), not yet rendered as c32check text (that lives in
/// Blockstack.Stacks). Versions: 22 mainnet single-sig, 20 mainnet multi-sig, 26 testnet
/// single-sig, 21 testnet multi-sig.
/// </summary>
public readonly record struct StacksAddressValue(byte Version, Hash160Bytes Hash)
{
    public const byte MainnetSingleSig = 22;
    public const byte MainnetMultiSig = 20;
    public const byte TestnetSingleSig = 26;
    public const byte TestnetMultiSig = 21;

    public bool IsMainnet => Version is MainnetSingleSig or MainnetMultiSig;

    /// <summary>The Stacks version for a legacy Bitcoin output: p2pkh→22/26, p2sh→20/21.</summary>
    public static byte VersionFor(bool isScriptHash, bool mainnet) => (isScriptHash, mainnet) switch
    {
        (false, true) => MainnetSingleSig,
        (true, true) => MainnetMultiSig,
        (false, false) => TestnetSingleSig,
        (true, false) => TestnetMultiSig,
    };

    /// <summary>The same address as <see cref="Stacks.StacksAddress"/> (the c32 renderer's type).</summary>
    public Stacks.StacksAddress ToStacksAddress() => new(Version, new Stacks.Hash160(Hash.ToArray()));

    /// <summary>The c32check text (<c>SP…</c>, <c>ST…</c>, <c>SM…</c>, <c>SN…</c>).</summary>
    public string ToC32() => Version < 32
        ? ToStacksAddress().ToString()
        : throw new InvalidOperationException($"version {Version} has no c32 character");

    /// <summary>From a parsed <see cref="Stacks.StacksAddress"/>.</summary>
    public static StacksAddressValue FromStacksAddress(Stacks.StacksAddress address) =>
        new(address.Version, new Hash160Bytes(address.Hash.ToArray()));

    /// <summary>Renders as c32check, as Stacks shows addresses (equality stays (version, hash)).</summary>
    public override string ToString() => Version < 32 ? ToC32() : $"{Version:x2}-{Hash}";
}

/// <summary>A Stacks consensus hash (20 bytes, as carried in a LeaderKeyRegister payload).</summary>
public readonly record struct ConsensusHash(Hash160Bytes Bytes)
{
    public const int Size = 20;

    public override string ToString() => Bytes.ToString();

    public static ConsensusHash FromHex(string hex) => new(Hash160Bytes.FromHex(hex));
}

/// <summary>
/// A 32-byte VRF public key as registered on the burnchain: a compressed edwards25519 point. A
/// value of this type always decompresses (see <see cref="TryCreate"/>).
/// </summary>
public readonly record struct VrfPublicKeyBytes
{
    public const int Size = 32;

    private readonly Hash256 _bytes;

    private VrfPublicKeyBytes(Hash256 bytes)
    {
        _bytes = bytes;
    }

    public byte[] ToArray() => _bytes.ToArray();

    public void WriteTo(Span<byte> destination) => _bytes.WriteTo(destination);

    public override string ToString() => _bytes.ToHex();

    /// <summary>False when the bytes are not 32 long or do not decompress to a curve point.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out VrfPublicKeyBytes key)
    {
        key = default;
        if (bytes.Length != Size || !Ed25519Points.Decompresses(bytes))
        {
            return false;
        }

        key = new VrfPublicKeyBytes(new Hash256(bytes));
        return true;
    }

    public static VrfPublicKeyBytes FromHex(string hex) =>
        TryCreate(Convert.FromHexString(hex), out var key) ? key : throw new FormatException("not a valid VRF public key");
}

/// <summary>
/// Edwards25519 point decompression, as curve25519-dalek's <c>CompressedEdwardsY::decompress</c>
/// accepts: y from the low 255 bits (reduced mod p), x² = (y²−1)/(d·y²+1) must be a square. The
/// sign bit is not checked against x = 0 (dalek does not either).
/// </summary>
internal static class Ed25519Points
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger D = Mod(-121665 * BigInteger.ModPow(121666, P - 2, P));
    private static readonly BigInteger HalfPMinus1 = (P - 1) / 2;

    public static bool Decompresses(ReadOnlySpan<byte> compressed)
    {
        Span<byte> y = stackalloc byte[32];
        compressed.CopyTo(y);
        y[31] &= 0x7f;
        var yy = Mod(new BigInteger(y, isUnsigned: true, isBigEndian: false));
        var y2 = yy * yy % P;
        var u = Mod(y2 - 1);
        var v = Mod((D * y2) + 1);
        var x2 = u * BigInteger.ModPow(v, P - 2, P) % P;
        if (x2.IsZero)
        {
            return true;
        }

        return BigInteger.ModPow(x2, HalfPMinus1, P).IsOne;
    }

    private static BigInteger Mod(BigInteger a)
    {
        var r = a % P;
        return r.Sign < 0 ? r + P : r;
    }
}

/// <summary>Burnchain id byte-order helpers: Stacks hashes burnchain ids in Bitcoin display order.</summary>
public static class BurnchainIds
{
    /// <summary>The txid's 32 bytes in display order (byte-reverse of SHA256d), as Stacks stores and hashes it.</summary>
    public static byte[] ToDisplayBytes(this Txid txid)
    {
        var bytes = txid.Hash.ToArray();
        bytes.AsSpan().Reverse();
        return bytes;
    }

    /// <summary>The block hash's 32 bytes in display order, as Stacks' BurnchainHeaderHash holds it.</summary>
    public static byte[] ToDisplayBytes(this BlockHash hash)
    {
        var bytes = hash.Hash.ToArray();
        bytes.AsSpan().Reverse();
        return bytes;
    }

    public static Txid TxidFromDisplayBytes(ReadOnlySpan<byte> bytes)
    {
        Span<byte> copy = stackalloc byte[32];
        bytes.CopyTo(copy);
        copy.Reverse();
        return new Txid(new Hash256(copy));
    }

    public static BlockHash BlockHashFromDisplayBytes(ReadOnlySpan<byte> bytes)
    {
        Span<byte> copy = stackalloc byte[32];
        bytes.CopyTo(copy);
        copy.Reverse();
        return new BlockHash(new Hash256(copy));
    }
}
