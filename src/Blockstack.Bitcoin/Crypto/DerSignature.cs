namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// Strict DER encoding of ECDSA signatures (BIP66), reader and writer side by side:
/// <c>0x30 len 0x02 lenR R 0x02 lenS S</c>, each integer minimal, positive and at most 33 bytes.
/// The parser never throws.
/// </summary>
public static class DerSignature
{
    /// <summary>Largest strict DER signature without the sighash byte.</summary>
    public const int MaxLength = 72;

    /// <summary>Smallest strict DER signature without the sighash byte.</summary>
    public const int MinLength = 8;

    /// <summary>
    /// BIP66's check on a signature as it appears in a script: strict DER followed by one sighash
    /// byte (which is not inspected). The same rules, in the same order, as Bitcoin Core's
    /// <c>IsValidSignatureEncoding</c>; r and s are not range-checked against n here.
    /// </summary>
    public static bool IsValidSignatureEncoding(ReadOnlySpan<byte> signatureWithHashType)
    {
        var sig = signatureWithHashType;
        // Minimum and maximum size constraints.
        if (sig.Length < MinLength + 1 || sig.Length > MaxLength + 1)
        {
            return false;
        }

        // A compound structure whose length covers everything but the sighash byte.
        if (sig[0] != 0x30 || sig[1] != sig.Length - 3)
        {
            return false;
        }

        // The length of R, and that S's length byte lies inside the signature.
        int lenR = sig[3];
        if (5 + lenR >= sig.Length)
        {
            return false;
        }

        // The lengths of R and S account for the whole signature.
        int lenS = sig[5 + lenR];
        if (lenR + lenS + 7 != sig.Length)
        {
            return false;
        }

        // R: an INTEGER, not empty, not negative, no needless leading zero byte.
        if (sig[2] != 0x02 || lenR == 0 || (sig[4] & 0x80) != 0)
        {
            return false;
        }

        if (lenR > 1 && sig[4] == 0x00 && (sig[5] & 0x80) == 0)
        {
            return false;
        }

        // S: the same rules.
        if (sig[lenR + 4] != 0x02 || lenS == 0 || (sig[lenR + 6] & 0x80) != 0)
        {
            return false;
        }

        return lenS <= 1 || sig[lenR + 6] != 0x00 || (sig[lenR + 7] & 0x80) != 0;
    }

    /// <summary>
    /// Parses a strict DER signature (no sighash byte). False unless the encoding passes BIP66 and
    /// both r and s are in [1, n-1]. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> der, out EcdsaSignature signature)
    {
        signature = default;
        if (der.Length is < MinLength or > MaxLength)
        {
            return false;
        }

        // Reuse the BIP66 check verbatim by appending a placeholder sighash byte.
        Span<byte> withHashType = stackalloc byte[der.Length + 1];
        der.CopyTo(withHashType);
        withHashType[^1] = 0x01;
        if (!IsValidSignatureEncoding(withHashType))
        {
            return false;
        }

        int lenR = der[3];
        int lenS = der[5 + lenR];
        Span<byte> r = stackalloc byte[CurveOrder.Size];
        Span<byte> s = stackalloc byte[CurveOrder.Size];
        if (!TryReadScalar(der.Slice(4, lenR), r) || !TryReadScalar(der.Slice(6 + lenR, lenS), s))
        {
            return false;
        }

        if (!CurveOrder.IsInRange(r) || !CurveOrder.IsInRange(s))
        {
            return false;
        }

        signature = new EcdsaSignature(new Hash256(r), new Hash256(s));
        return true;
    }

    /// <summary>The exact length of <see cref="Encode(EcdsaSignature)"/>'s output.</summary>
    public static int GetEncodedLength(EcdsaSignature signature)
    {
        Span<byte> r = stackalloc byte[CurveOrder.Size];
        Span<byte> s = stackalloc byte[CurveOrder.Size];
        signature.R.WriteTo(r);
        signature.S.WriteTo(s);
        return 6 + IntegerLength(r) + IntegerLength(s);
    }

    /// <summary>Strict (minimal) DER encoding of r and s, without a sighash byte.</summary>
    public static byte[] Encode(EcdsaSignature signature)
    {
        Span<byte> r = stackalloc byte[CurveOrder.Size];
        Span<byte> s = stackalloc byte[CurveOrder.Size];
        signature.R.WriteTo(r);
        signature.S.WriteTo(s);
        var lenR = IntegerLength(r);
        var lenS = IntegerLength(s);
        var der = new byte[6 + lenR + lenS];
        der[0] = 0x30;
        der[1] = (byte)(4 + lenR + lenS);
        var offset = WriteInteger(r, lenR, der, 2);
        WriteInteger(s, lenS, der, offset);
        return der;
    }

    /// <summary>Content length of a DER INTEGER holding this unsigned big-endian value.</summary>
    private static int IntegerLength(ReadOnlySpan<byte> value)
    {
        var first = value.IndexOfAnyExcept((byte)0);
        if (first < 0)
        {
            return 1;
        }

        return value.Length - first + ((value[first] & 0x80) != 0 ? 1 : 0);
    }

    private static int WriteInteger(ReadOnlySpan<byte> value, int length, byte[] destination, int offset)
    {
        destination[offset] = 0x02;
        destination[offset + 1] = (byte)length;
        var body = destination.AsSpan(offset + 2, length);
        body.Clear();
        var first = value.IndexOfAnyExcept((byte)0);
        if (first >= 0)
        {
            value[first..].CopyTo(body[(length - (value.Length - first))..]);
        }

        return offset + 2 + length;
    }

    /// <summary>Left-pads a positive DER INTEGER body into 32 bytes; false if it does not fit.</summary>
    private static bool TryReadScalar(ReadOnlySpan<byte> body, Span<byte> scalar)
    {
        var first = body.IndexOfAnyExcept((byte)0);
        var significant = first < 0 ? [] : body[first..];
        if (significant.Length > scalar.Length)
        {
            return false;
        }

        scalar.Clear();
        significant.CopyTo(scalar[(scalar.Length - significant.Length)..]);
        return true;
    }
}
