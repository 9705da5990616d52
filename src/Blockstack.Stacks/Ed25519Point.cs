using System.Numerics;

namespace Blockstack.Stacks.Vrf;

/// <summary>
/// Arithmetic on edwards25519 (-x² + y² = 1 + d·x²·y² over p = 2^255 - 19) in extended coordinates
/// with <see cref="BigInteger"/>. Written for correctness, not speed or constant time: it verifies
/// public data (VRF proofs); proving with a secret key here is for tests and tools.
/// </summary>
internal readonly struct Ed25519Point
{
    public static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    public static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    public static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger D2 = Mod(2 * D);
    private static readonly BigInteger SqrtM1 = BigInteger.ModPow(2, (P - 1) / 4, P);

    public static readonly Ed25519Point Identity = new(0, 1, 1, 0);
    public static readonly Ed25519Point Base = CreateBase();

    private readonly BigInteger _x;
    private readonly BigInteger _y;
    private readonly BigInteger _z;
    private readonly BigInteger _t;

    private Ed25519Point(BigInteger x, BigInteger y, BigInteger z, BigInteger t)
    {
        _x = x;
        _y = y;
        _z = z;
        _t = t;
    }

    public static BigInteger Mod(BigInteger a)
    {
        var r = a % P;
        return r.Sign < 0 ? r + P : r;
    }

    public static BigInteger Inverse(BigInteger a) => BigInteger.ModPow(Mod(a), P - 2, P);

    public static BigInteger FromLittleEndian(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    /// <summary>Writes a non-negative integer below 2^256 as 32 little-endian bytes.</summary>
    public static void ToLittleEndian(BigInteger value, Span<byte> destination)
    {
        destination[..32].Clear();
        if (!value.TryWriteBytes(destination[..32], out _, isUnsigned: true, isBigEndian: false))
        {
            throw new ArgumentOutOfRangeException(nameof(value));
        }
    }

    /// <summary>
    /// Decompresses like curve25519-dalek: y is the low 255 bits (taken mod p, so y ≥ p is not
    /// refused), x is the square root with the parity of the sign bit, and x = 0 with the sign bit
    /// set is accepted. <paramref name="canonical"/> tells whether the encoding is the one
    /// <see cref="Compress"/> would produce.
    /// </summary>
    public static bool TryDecompress(ReadOnlySpan<byte> bytes, out Ed25519Point point, out bool canonical)
    {
        point = default;
        canonical = false;
        if (bytes.Length != 32)
        {
            return false;
        }

        Span<byte> buf = stackalloc byte[32];
        bytes.CopyTo(buf);
        var sign = (buf[31] & 0x80) != 0;
        buf[31] &= 0x7f;
        var yRaw = FromLittleEndian(buf);
        var y = Mod(yRaw);
        var yy = y * y % P;
        var u = Mod(yy - 1);
        var v = Mod(D * yy + 1);

        // x = u·v³·(u·v⁷)^((p-5)/8), then fix up by sqrt(-1) if needed.
        var v3 = v * v % P * v % P;
        var v7 = v3 * v3 % P * v % P;
        var x = u * v3 % P * BigInteger.ModPow(u * v7 % P, (P - 5) / 8, P) % P;
        var vxx = v * x % P * x % P;
        if (vxx != u)
        {
            if (vxx == Mod(-u))
            {
                x = x * SqrtM1 % P;
            }
            else
            {
                return false;
            }
        }

        if (!x.IsEven)
        {
            x = P - x;
        }

        if (sign)
        {
            x = Mod(-x);
        }

        canonical = yRaw < P && !(x.IsZero && sign);
        point = new Ed25519Point(x, y, 1, x * y % P);
        return true;
    }

    public byte[] Compress()
    {
        var zi = Inverse(_z);
        var x = _x * zi % P;
        var y = _y * zi % P;
        var bytes = new byte[32];
        ToLittleEndian(y, bytes);
        if (!x.IsEven)
        {
            bytes[31] |= 0x80;
        }

        return bytes;
    }

    public bool IsIdentity => _x.IsZero && _y == _z;

    public bool IsSmallOrder => MulByCofactor().IsIdentity;

    public Ed25519Point MulByCofactor() => Double().Double().Double();

    public Ed25519Point Add(Ed25519Point q)
    {
        var a = Mod((_y - _x) * (q._y - q._x));
        var b = (_y + _x) * (q._y + q._x) % P;
        var c = _t * D2 % P * q._t % P;
        var d = 2 * _z * q._z % P;
        var e = Mod(b - a);
        var f = Mod(d - c);
        var g = (d + c) % P;
        var h = (b + a) % P;
        return new Ed25519Point(e * f % P, g * h % P, f * g % P, e * h % P);
    }

    public Ed25519Point Double() => Add(this);

    public Ed25519Point Negate() => new(Mod(-_x), _y, _z, Mod(-_t));

    public Ed25519Point Subtract(Ed25519Point q) => Add(q.Negate());

    public Ed25519Point Multiply(BigInteger scalar)
    {
        if (scalar.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scalar));
        }

        var result = Identity;
        var addend = this;
        while (!scalar.IsZero)
        {
            if (!scalar.IsEven)
            {
                result = result.Add(addend);
            }

            addend = addend.Double();
            scalar >>= 1;
        }

        return result;
    }

    private static Ed25519Point CreateBase()
    {
        var y = Mod(4 * Inverse(5));
        Span<byte> bytes = stackalloc byte[32];
        ToLittleEndian(y, bytes);
        return TryDecompress(bytes, out var b, out _) ? b : throw new InvalidOperationException("base point");
    }
}
