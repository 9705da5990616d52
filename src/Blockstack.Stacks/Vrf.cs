using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Stacks.Vrf;

/// <summary>A VRF public key: a 32-byte compressed edwards25519 point that decompresses.</summary>
public sealed record VrfPublicKey
{
    public const int Size = 32;

    private readonly byte[] _bytes;

    private VrfPublicKey(byte[] bytes, Ed25519Point point)
    {
        _bytes = bytes;
        Point = point;
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    internal Ed25519Point Point { get; }

    public string ToHex() => Convert.ToHexStringLower(_bytes);

    public override string ToString() => ToHex();

    public bool Equals(VrfPublicKey? other) => other is not null && other._bytes.AsSpan().SequenceEqual(_bytes);

    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    /// <summary>Valid when 32 bytes decompress to a curve point (the reference node's only test).</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out VrfPublicKey? key, out StacksError error)
    {
        key = null;
        if (bytes.Length != Size)
        {
            error = new StacksError(StacksErrorCodes.VrfBadPublicKey, $"a VRF public key is 32 bytes, not {bytes.Length}");
            return false;
        }

        if (!Ed25519Point.TryDecompress(bytes, out var point, out _))
        {
            error = new StacksError(StacksErrorCodes.VrfBadPublicKey, "the VRF public key is not a curve point");
            return false;
        }

        key = new VrfPublicKey(bytes.ToArray(), point);
        error = default;
        return true;
    }

    internal static VrfPublicKey FromPoint(Ed25519Point point) => new(point.Compress(), point);
}

/// <summary>A VRF private key: a 32-byte ed25519 seed.</summary>
public sealed class VrfPrivateKey
{
    private readonly byte[] _seed;

    public VrfPrivateKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("a VRF private key is 32 bytes", nameof(seed));
        }

        _seed = seed.ToArray();
        var h = SHA512.HashData(_seed);
        h[0] &= 248;
        h[31] &= 127;
        h[31] |= 64;
        Scalar = Ed25519Point.FromLittleEndian(h.AsSpan(0, 32)) % Ed25519Point.L;
        Truncated = h[32..];
        PublicKey = VrfPublicKey.FromPoint(Ed25519Point.Base.Multiply(Scalar));
    }

    public VrfPublicKey PublicKey { get; }

    internal BigInteger Scalar { get; }

    internal byte[] Truncated { get; }

    public static VrfPrivateKey Generate() => new(RandomNumberGenerator.GetBytes(32));

    public string ToHex() => Convert.ToHexStringLower(_seed);

    public override string ToString() => "VrfPrivateKey(****)";
}

/// <summary>An 80-byte proof: Γ (32, compressed point), c (16, little-endian), s (32, little-endian scalar).</summary>
public sealed record VrfProof
{
    public const int Size = 80;

    private readonly byte[] _bytes;

    private VrfProof(byte[] bytes, Ed25519Point gamma, BigInteger c, BigInteger s)
    {
        _bytes = bytes;
        Gamma = gamma;
        C = c;
        S = s;
    }

    internal Ed25519Point Gamma { get; }

    internal BigInteger C { get; }

    internal BigInteger S { get; }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public byte[] ToArray() => (byte[])_bytes.Clone();

    public string ToHex() => Convert.ToHexStringLower(_bytes);

    public override string ToString() => ToHex();

    /// <summary>The VRF seed the proof yields: SHA-512/256 of its 80 bytes.</summary>
    public Hash256 Seed => new(Hashes.Sha512t256(_bytes));

    public bool Equals(VrfProof? other) => other is not null && other._bytes.AsSpan().SequenceEqual(_bytes);

    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    /// <summary>
    /// Decodes a proof. Refused: a length other than 80, Γ not a point, Γ of small order, a
    /// non-canonical Γ encoding (y ≥ p, or x = 0 with the sign bit), s not below the group order.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out VrfProof? proof, out StacksError error)
    {
        proof = null;
        if (bytes.Length != Size)
        {
            error = new StacksError(StacksErrorCodes.VrfBadLength, $"a VRF proof is 80 bytes, not {bytes.Length}");
            return false;
        }

        if (!Ed25519Point.TryDecompress(bytes[..32], out var gamma, out var canonical))
        {
            error = new StacksError(StacksErrorCodes.VrfBadPoint, "the proof's Gamma is not a curve point");
            return false;
        }

        if (!canonical)
        {
            error = new StacksError(StacksErrorCodes.VrfNonCanonicalPoint, "the proof's Gamma is not canonically encoded");
            return false;
        }

        if (gamma.IsSmallOrder)
        {
            error = new StacksError(StacksErrorCodes.VrfSmallOrderPoint, "the proof's Gamma has small order");
            return false;
        }

        var c = Ed25519Point.FromLittleEndian(bytes[32..48]);
        var s = Ed25519Point.FromLittleEndian(bytes[48..80]);
        if (s >= Ed25519Point.L)
        {
            error = new StacksError(StacksErrorCodes.VrfNonCanonicalScalar, "the proof's s is not below the group order");
            return false;
        }

        proof = new VrfProof(bytes.ToArray(), gamma, c, s);
        error = default;
        return true;
    }

    internal static VrfProof Create(Ed25519Point gamma, ReadOnlySpan<byte> c16, BigInteger s)
    {
        var bytes = new byte[Size];
        gamma.Compress().CopyTo(bytes, 0);
        c16.CopyTo(bytes.AsSpan(32));
        Ed25519Point.ToLittleEndian(s, bytes.AsSpan(48));
        return new VrfProof(bytes, gamma, Ed25519Point.FromLittleEndian(c16), s);
    }
}

/// <summary>
/// ECVRF-EDWARDS25519-SHA512-TAI exactly as the Stacks node computes it (draft-irtf-cfrg-vrf-03
/// shape, suite byte 3): try-and-increment hash-to-curve with the node's counter encoding, a
/// 16-byte challenge, and an 80-byte proof.
/// </summary>
public static class EcVrf
{
    private const byte Suite = 0x03;

    public static VrfProof Prove(VrfPrivateKey key, ReadOnlySpan<byte> alpha)
    {
        ArgumentNullException.ThrowIfNull(key);
        var h = HashToCurve(key.PublicKey.Bytes, alpha);
        var gamma = h.Multiply(key.Scalar);
        var hBytes = h.Compress();
        var kHash = SHA512.HashData([.. key.Truncated, .. hBytes]);
        var k = Ed25519Point.FromLittleEndian(kHash) % Ed25519Point.L;
        var c16 = HashPoints(h, gamma, Ed25519Point.Base.Multiply(k), h.Multiply(k));
        var c = Ed25519Point.FromLittleEndian(c16);
        var s = (k + c * key.Scalar) % Ed25519Point.L;
        return VrfProof.Create(gamma, c16, s);
    }

    /// <summary>True when the proof is valid for the key and message.</summary>
    public static bool Verify(VrfPublicKey publicKey, VrfProof proof, ReadOnlySpan<byte> alpha)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(proof);
        if (proof.Gamma.IsSmallOrder)
        {
            return false;
        }

        var h = HashToCurve(publicKey.Bytes, alpha);
        var u = Ed25519Point.Base.Multiply(proof.S).Subtract(publicKey.Point.Multiply(proof.C));
        var v = h.Multiply(proof.S).Subtract(proof.Gamma.Multiply(proof.C));
        var c16 = HashPoints(h, proof.Gamma, u, v);
        return Ed25519Point.FromLittleEndian(c16) == proof.C;
    }

    /// <summary>
    /// SHA512(03 01 || Y || alpha || ctr) for ctr = 0, 1, ... until the first 32 bytes decompress;
    /// the point times the cofactor 8. The counter is written as one zero byte for 0; otherwise byte
    /// i of its little-endian form is written only while ctr &gt; 2^(8i), so ctr = 1 writes nothing.
    /// </summary>
    internal static Ed25519Point HashToCurve(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> alpha)
    {
        var prefix = new byte[2 + publicKey.Length + alpha.Length];
        prefix[0] = Suite;
        prefix[1] = 0x01;
        publicKey.CopyTo(prefix.AsSpan(2));
        alpha.CopyTo(prefix.AsSpan(2 + publicKey.Length));
        for (ulong ctr = 0; ; ctr = checked(ctr + 1))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            hash.AppendData(prefix);
            if (ctr == 0)
            {
                hash.AppendData([0]);
            }
            else
            {
                for (var i = 0; i < 8; i++)
                {
                    if (ctr > 1UL << (8 * i))
                    {
                        hash.AppendData([(byte)(ctr >> (8 * i))]);
                    }
                }
            }

            var digest = hash.GetHashAndReset();
            if (Ed25519Point.TryDecompress(digest.AsSpan(0, 32), out var point, out _))
            {
                return point.MulByCofactor();
            }
        }
    }

    private static byte[] HashPoints(Ed25519Point p1, Ed25519Point p2, Ed25519Point p3, Ed25519Point p4)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData([Suite, 0x02]);
        hash.AppendData(p1.Compress());
        hash.AppendData(p2.Compress());
        hash.AppendData(p3.Compress());
        hash.AppendData(p4.Compress());
        return hash.GetHashAndReset()[..16];
    }
}
