namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// The secp256k1 group order n as 32 big-endian bytes, with the byte-level comparisons that key and
/// signature checks need without reaching for big-integer arithmetic.
/// </summary>
internal static class CurveOrder
{
    public const int Size = 32;

    private static readonly byte[] N = Convert.FromHexString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    private static readonly byte[] HalfN = Convert.FromHexString("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");

    public static ReadOnlySpan<byte> Order => N;

    /// <summary>True when the 32 big-endian bytes are a scalar in [1, n-1].</summary>
    public static bool IsInRange(ReadOnlySpan<byte> scalar) =>
        scalar.Length == Size && scalar.IndexOfAnyExcept((byte)0) >= 0 && scalar.SequenceCompareTo(N) < 0;

    /// <summary>True when the 32 big-endian bytes are at most n/2.</summary>
    public static bool IsLow(ReadOnlySpan<byte> scalar) => scalar.SequenceCompareTo(HalfN) <= 0;

    /// <summary>Writes n − s (for s in [1, n-1]) big-endian into <paramref name="destination"/>.</summary>
    public static void Negate(ReadOnlySpan<byte> scalar, Span<byte> destination)
    {
        var borrow = 0;
        for (var i = Size - 1; i >= 0; i--)
        {
            var difference = N[i] - scalar[i] - borrow;
            borrow = difference < 0 ? 1 : 0;
            destination[i] = unchecked((byte)difference);
        }
    }
}
