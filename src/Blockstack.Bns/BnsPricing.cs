namespace Blockstack.Bns;

/// <summary>
/// A Clarity runtime error (overflow, underflow, division by zero): the call aborts with no
/// <c>err</c> value, its writes are dropped and the fee is still charged (spec/bns.md §8).
/// </summary>
public sealed class ClarityRuntimeException(string kind) : Exception(kind)
{
    public ClarityRuntimeException()
        : this("RuntimeError")
    {
    }

    public ClarityRuntimeException(string message, Exception innerException)
        : this(message) => _ = innerException;

    /// <summary>ArithmeticOverflow, ArithmeticUnderflow, DivisionByZero, Panic.</summary>
    public string Kind => Message;
}

/// <summary>Clarity <c>uint</c> arithmetic: every failure is a runtime error, never a wrap.</summary>
internal static class ClarityMath
{
    public static UInt128 Add(UInt128 a, UInt128 b) =>
        UInt128.MaxValue - a < b ? throw new ClarityRuntimeException("ArithmeticOverflow") : a + b;

    public static UInt128 Sub(UInt128 a, UInt128 b) =>
        a < b ? throw new ClarityRuntimeException("ArithmeticUnderflow") : a - b;

    public static UInt128 Mul(UInt128 a, UInt128 b) =>
        a != 0 && b > UInt128.MaxValue / a ? throw new ClarityRuntimeException("ArithmeticOverflow") : a * b;

    public static UInt128 Div(UInt128 a, UInt128 b) =>
        b == 0 ? throw new ClarityRuntimeException("DivisionByZero") : a / b;

    /// <summary>Clarity 1 <c>pow</c> on uint: the exponent must fit a u32; overflow of the true result is an error.</summary>
    public static UInt128 Pow(UInt128 b, UInt128 e)
    {
        if (e > uint.MaxValue)
        {
            throw new ClarityRuntimeException("ArithmeticOverflow");
        }

        var exp = (uint)e;
        UInt128 result = 1;
        var square = b;
        while (exp > 0)
        {
            if ((exp & 1) == 1)
            {
                result = Mul(result, square);
            }

            exp >>= 1;
            if (exp > 0)
            {
                square = Mul(square, square);
            }
        }

        return result;
    }
}

/// <summary>Charset rules and price functions (spec/bns.md §2–§4), exact integer arithmetic.</summary>
public static class BnsPricing
{
    public static bool IsValidChar(byte c) => c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_';

    public static bool IsVowel(byte c) => c is (byte)'a' or (byte)'e' or (byte)'i' or (byte)'o' or (byte)'u' or (byte)'y';

    public static bool IsNonAlpha(byte c) => c is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_';

    /// <summary>The contract's <c>has-invalid-chars</c>: counts bad bytes, so an empty buffer passes.</summary>
    public static bool HasInvalidChars(ReadOnlySpan<byte> s)
    {
        foreach (var c in s)
        {
            if (!IsValidChar(c))
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasVowels(ReadOnlySpan<byte> s)
    {
        foreach (var c in s)
        {
            if (IsVowel(c))
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasNonAlpha(ReadOnlySpan<byte> s)
    {
        foreach (var c in s)
        {
            if (IsNonAlpha(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>get-namespace-price</c> without the blank check: the caller returns 1013 for length 0.</summary>
    public static UInt128 NamespacePrice(int namespaceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(namespaceLength, 1);
        return BnsConstants.NamespacePriceTable[Math.Min(7, namespaceLength - 1)];
    }

    /// <summary>
    /// <c>compute-name-price</c>: <c>((coeff · base^bucket) / max(nonalpha, novowel)) · 10</c>.
    /// Throws <see cref="ClarityRuntimeException"/> for an empty name, a zero divisor or overflow.
    /// </summary>
    public static UInt128 NamePrice(ReadOnlySpan<byte> name, PriceFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var index = ClarityMath.Sub((UInt128)name.Length, 1);
        var exponent = function.Buckets[(int)UInt128.Min(15, index)];
        var noVowel = HasVowels(name) ? UInt128.One : function.NoVowelDiscount;
        var nonAlpha = HasNonAlpha(name) ? function.NonAlphaDiscount : UInt128.One;
        var product = ClarityMath.Mul(function.Coeff, ClarityMath.Pow(function.Base, exponent));
        return ClarityMath.Mul(ClarityMath.Div(product, UInt128.Max(nonAlpha, noVowel)), 10);
    }
}
