using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Utilities;

namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// <see cref="ISecp256k1"/> on BouncyCastle's EC arithmetic (its specialised secp256k1 field).
/// Stateless: the curve, generator and fixed-point tables are built once and shared.
/// Public keys are parsed the way libsecp256k1 parses them (02/03 compressed, 04 uncompressed,
/// and 06/07 hybrid with a matching parity bit, which consensus accepts without STRICTENC).
/// Schnorr messages may be of any length, as BIP340 allows; Bitcoin always passes 32 bytes.
/// Invalid private keys passed to the signing and derivation methods are a caller bug and throw
/// <see cref="ArgumentException"/>; everything that parses keys or signatures returns false/null.
/// BouncyCastle's big-integer arithmetic is not constant-time: fine for verification and for a
/// node's own keys on a machine it controls, not hardened against local timing side channels.
/// </summary>
public sealed class BouncySecp256k1 : ISecp256k1
{
    private const int ScalarSize = 32;

    private static readonly ECCurve Curve;
    private static readonly ECPoint G;
    private static readonly BigInteger N;
    private static readonly BigInteger HalfN;
    private static readonly BigInteger P;
    private static readonly FixedPointCombMultiplier BaseMultiplier = new();

    static BouncySecp256k1()
    {
        var parameters = CustomNamedCurves.GetByName("secp256k1");
        Curve = parameters.Curve;
        G = parameters.G;
        N = parameters.N;
        HalfN = N.ShiftRight(1);
        P = Curve.Field.Characteristic;
        // Build the generator's comb table now rather than on the first signature.
        _ = BaseMultiplier.Multiply(G, BigInteger.One);
    }

    private BouncySecp256k1()
    {
    }

    /// <summary>The one instance; the class holds no state.</summary>
    public static BouncySecp256k1 Instance { get; } = new();

    public bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey) =>
        privateKey.Length == ScalarSize && IsScalarInRange(ToInteger(privateKey));

    public byte[] GetPublicKey(ReadOnlySpan<byte> privateKey, bool compressed) =>
        MultiplyG(RequirePrivateKey(privateKey)).GetEncoded(compressed);

    public bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => TryDecodePoint(publicKey, out _);

    public byte[]? NormalizePublicKey(ReadOnlySpan<byte> publicKey, bool compressed) =>
        TryDecodePoint(publicKey, out var point) ? point.GetEncoded(compressed) : null;

    public EcdsaSignature SignEcdsa(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> hash32)
    {
        var d = RequirePrivateKey(privateKey);
        RequireLength(hash32, ScalarSize, nameof(hash32));
        var hash = hash32.ToArray();
        var e = ToInteger(hash32);
        var nonces = new HMacDsaKCalculator(new Sha256Digest());
        nonces.Init(N, d, hash);
        while (true)
        {
            var k = nonces.NextK();
            var r = MultiplyG(k);
            var rx = r.AffineXCoord.ToBigInteger();
            var rScalar = rx.Mod(N);
            if (rScalar.SignValue == 0)
            {
                continue;
            }

            var s = k.ModInverse(N).Multiply(e.Add(d.Multiply(rScalar))).Mod(N);
            if (s.SignValue == 0)
            {
                continue;
            }

            var recoveryId = (r.AffineYCoord.TestBitZero() ? 1 : 0) | (rx.CompareTo(N) >= 0 ? 2 : 0);
            if (s.CompareTo(HalfN) > 0)
            {
                s = N.Subtract(s);
                recoveryId ^= 1;
            }

            return new EcdsaSignature(ToHash(rScalar), ToHash(s), recoveryId);
        }
    }

    public bool VerifyEcdsa(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash32, EcdsaSignature signature, bool requireLowS = false)
    {
        if (hash32.Length != ScalarSize || !TryDecodePoint(publicKey, out var q))
        {
            return false;
        }

        var r = ToInteger(signature.R);
        var s = ToInteger(signature.S);
        if (!IsScalarInRange(r) || !IsScalarInRange(s) || (requireLowS && s.CompareTo(HalfN) > 0))
        {
            return false;
        }

        var w = s.ModInverse(N);
        var u1 = ToInteger(hash32).Multiply(w).Mod(N);
        var u2 = r.Multiply(w).Mod(N);
        var point = ECAlgorithms.SumOfTwoMultiplies(G, u1, q, u2).Normalize();
        return !point.IsInfinity && point.AffineXCoord.ToBigInteger().Mod(N).Equals(r);
    }

    public byte[]? RecoverPublicKey(ReadOnlySpan<byte> hash32, EcdsaSignature signature, int recoveryId, bool compressed)
    {
        if (hash32.Length != ScalarSize || recoveryId is < 0 or > 3)
        {
            return null;
        }

        var r = ToInteger(signature.R);
        var s = ToInteger(signature.S);
        if (!IsScalarInRange(r) || !IsScalarInRange(s))
        {
            return null;
        }

        var x = (recoveryId & 2) != 0 ? r.Add(N) : r;
        if (!TryLiftX(x, (recoveryId & 1) != 0, out var bigR))
        {
            return null;
        }

        // Q = r⁻¹ (s·R − e·G)
        var rInverse = r.ModInverse(N);
        var u1 = ToInteger(hash32).Negate().Multiply(rInverse).Mod(N);
        var u2 = s.Multiply(rInverse).Mod(N);
        var q = ECAlgorithms.SumOfTwoMultiplies(G, u1, bigR, u2).Normalize();
        return q.IsInfinity ? null : q.GetEncoded(compressed);
    }

    public byte[] SignSchnorr(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> auxRand32)
    {
        var secret = RequirePrivateKey(privateKey);
        RequireLength(auxRand32, ScalarSize, nameof(auxRand32));
        var p = MultiplyG(secret);
        var d = p.AffineYCoord.TestBitZero() ? N.Subtract(secret) : secret;
        Span<byte> px = stackalloc byte[ScalarSize];
        WriteScalar(p.AffineXCoord.ToBigInteger(), px);

        // t = bytes(d) xor hash_BIP0340/aux(a); rand = hash_BIP0340/nonce(t || bytes(P) || m)
        Span<byte> t = stackalloc byte[ScalarSize];
        Hashes.TaggedHash("BIP0340/aux", auxRand32, t);
        Span<byte> dBytes = stackalloc byte[ScalarSize];
        WriteScalar(d, dBytes);
        for (var i = 0; i < ScalarSize; i++)
        {
            t[i] ^= dBytes[i];
        }

        var nonceInput = new byte[ScalarSize * 2 + message32.Length];
        t.CopyTo(nonceInput);
        px.CopyTo(nonceInput.AsSpan(ScalarSize));
        message32.CopyTo(nonceInput.AsSpan(ScalarSize * 2));
        Span<byte> rand = stackalloc byte[ScalarSize];
        Hashes.TaggedHash("BIP0340/nonce", nonceInput, rand);
        var kPrime = ToInteger(rand).Mod(N);
        if (kPrime.SignValue == 0)
        {
            throw new InvalidOperationException("BIP340 nonce is zero (probability 2^-256)");
        }

        var bigR = MultiplyG(kPrime);
        var k = bigR.AffineYCoord.TestBitZero() ? N.Subtract(kPrime) : kPrime;
        var signature = new byte[ScalarSize * 2];
        WriteScalar(bigR.AffineXCoord.ToBigInteger(), signature.AsSpan(0, ScalarSize));
        var e = Challenge(signature.AsSpan(0, ScalarSize), px, message32);
        WriteScalar(k.Add(e.Multiply(d)).Mod(N), signature.AsSpan(ScalarSize));
        return signature;
    }

    public bool VerifySchnorr(ReadOnlySpan<byte> xOnlyPublicKey, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> signature64)
    {
        if (xOnlyPublicKey.Length != ScalarSize || signature64.Length != ScalarSize * 2)
        {
            return false;
        }

        if (!TryLiftX(ToInteger(xOnlyPublicKey), false, out var p))
        {
            return false;
        }

        var r = ToInteger(signature64[..ScalarSize]);
        var s = ToInteger(signature64[ScalarSize..]);
        if (r.CompareTo(P) >= 0 || s.CompareTo(N) >= 0)
        {
            return false;
        }

        var e = Challenge(signature64[..ScalarSize], xOnlyPublicKey, message32);
        // R = s·G − e·P
        var bigR = ECAlgorithms.SumOfTwoMultiplies(G, s, p, N.Subtract(e).Mod(N)).Normalize();
        return !bigR.IsInfinity
            && !bigR.AffineYCoord.TestBitZero()
            && bigR.AffineXCoord.ToBigInteger().Equals(r);
    }

    public bool TryTweakXOnlyPublicKey(ReadOnlySpan<byte> xOnlyInternalKey, ReadOnlySpan<byte> tweak32, Span<byte> outputKey32, out bool outputKeyOddY)
    {
        outputKeyOddY = false;
        if (xOnlyInternalKey.Length != ScalarSize || tweak32.Length != ScalarSize || outputKey32.Length < ScalarSize)
        {
            return false;
        }

        var t = ToInteger(tweak32);
        if (t.CompareTo(N) >= 0 || !TryLiftX(ToInteger(xOnlyInternalKey), false, out var p))
        {
            return false;
        }

        var q = p.Add(MultiplyG(t)).Normalize();
        if (q.IsInfinity)
        {
            return false;
        }

        WriteScalar(q.AffineXCoord.ToBigInteger(), outputKey32[..ScalarSize]);
        outputKeyOddY = q.AffineYCoord.TestBitZero();
        return true;
    }

    public bool TryTweakPrivateKey(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> tweak32, Span<byte> tweakedKey32)
    {
        if (privateKey.Length != ScalarSize || tweak32.Length != ScalarSize || tweakedKey32.Length < ScalarSize)
        {
            return false;
        }

        var d = ToInteger(privateKey);
        var t = ToInteger(tweak32);
        if (!IsScalarInRange(d) || t.CompareTo(N) >= 0)
        {
            return false;
        }

        if (MultiplyG(d).AffineYCoord.TestBitZero())
        {
            d = N.Subtract(d);
        }

        var tweaked = d.Add(t).Mod(N);
        if (tweaked.SignValue == 0)
        {
            return false;
        }

        WriteScalar(tweaked, tweakedKey32[..ScalarSize]);
        return true;
    }

    private static BigInteger Challenge(ReadOnlySpan<byte> rx, ReadOnlySpan<byte> px, ReadOnlySpan<byte> message)
    {
        var input = new byte[ScalarSize * 2 + message.Length];
        rx.CopyTo(input);
        px.CopyTo(input.AsSpan(ScalarSize));
        message.CopyTo(input.AsSpan(ScalarSize * 2));
        Span<byte> hash = stackalloc byte[ScalarSize];
        Hashes.TaggedHash("BIP0340/challenge", input, hash);
        return ToInteger(hash).Mod(N);
    }

    private static ECPoint MultiplyG(BigInteger k) => BaseMultiplier.Multiply(G, k).Normalize();

    private static BigInteger RequirePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        RequireLength(privateKey, ScalarSize, nameof(privateKey));
        var d = ToInteger(privateKey);
        if (!IsScalarInRange(d))
        {
            throw new ArgumentException("private key is not in [1, n-1]", nameof(privateKey));
        }

        return d;
    }

    private static void RequireLength(ReadOnlySpan<byte> bytes, int length, string name)
    {
        if (bytes.Length != length)
        {
            throw new ArgumentException($"expected {length} bytes, got {bytes.Length}", name);
        }
    }

    private static bool IsScalarInRange(BigInteger value) => value.SignValue > 0 && value.CompareTo(N) < 0;

    private static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) => new(1, bigEndian);

    private static BigInteger ToInteger(Hash256 bigEndian)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        bigEndian.WriteTo(bytes);
        return ToInteger(bytes);
    }

    private static Hash256 ToHash(BigInteger value)
    {
        Span<byte> bytes = stackalloc byte[ScalarSize];
        WriteScalar(value, bytes);
        return new Hash256(bytes);
    }

    private static void WriteScalar(BigInteger value, Span<byte> destination) =>
        BigIntegers.AsUnsignedByteArray(value, destination[..ScalarSize]);

    /// <summary>The point with this x and the requested y parity; false if x ≥ p or x³+7 is not a square.</summary>
    private static bool TryLiftX(BigInteger x, bool oddY, out ECPoint point)
    {
        point = Curve.Infinity;
        if (x.CompareTo(P) >= 0)
        {
            return false;
        }

        var fx = Curve.FromBigInteger(x);
        var y = fx.Square().Multiply(fx).Add(Curve.B).Sqrt();
        if (y is null)
        {
            return false;
        }

        if (y.TestBitZero() != oddY)
        {
            y = y.Negate();
        }

        point = Curve.CreatePoint(x, y.ToBigInteger());
        return true;
    }

    private static bool TryDecodePoint(ReadOnlySpan<byte> encoded, out ECPoint point)
    {
        point = Curve.Infinity;
        if (encoded.Length == 33 && encoded[0] is 0x02 or 0x03)
        {
            return TryLiftX(ToInteger(encoded[1..]), encoded[0] == 0x03, out point);
        }

        if (encoded.Length != 65 || encoded[0] is not (0x04 or 0x06 or 0x07))
        {
            return false;
        }

        var x = ToInteger(encoded[1..33]);
        var y = ToInteger(encoded[33..]);
        if (x.CompareTo(P) >= 0 || y.CompareTo(P) >= 0)
        {
            return false;
        }

        if (encoded[0] != 0x04 && y.TestBit(0) != (encoded[0] == 0x07))
        {
            return false;
        }

        var fx = Curve.FromBigInteger(x);
        var fy = Curve.FromBigInteger(y);
        if (!fy.Square().Equals(fx.Square().Multiply(fx).Add(Curve.B)))
        {
            return false;
        }

        point = Curve.CreatePoint(x, y);
        return true;
    }
}
