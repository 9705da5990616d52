namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// An ECDSA signature as its two 32-byte big-endian scalars r and s, with the recovery id when it
/// is known (signing produces it; a DER signature does not carry one, so it is -1 there).
/// </summary>
public readonly record struct EcdsaSignature(Hash256 R, Hash256 S, int RecoveryId = -1)
{
    /// <summary>Size of the compact form r || s.</summary>
    public const int CompactSize = 64;

    /// <summary>True when s ≤ n/2, the form Bitcoin's standardness (and LOW_S) requires.</summary>
    public bool IsLowS
    {
        get
        {
            Span<byte> s = stackalloc byte[CurveOrder.Size];
            S.WriteTo(s);
            return CurveOrder.IsLow(s);
        }
    }

    /// <summary>
    /// The same signature with s replaced by n − s when s is high (both verify); a known recovery
    /// id flips its parity bit, because the nonce point is negated.
    /// </summary>
    public EcdsaSignature NormalizeS()
    {
        Span<byte> s = stackalloc byte[CurveOrder.Size];
        S.WriteTo(s);
        if (CurveOrder.IsLow(s))
        {
            return this;
        }

        CurveOrder.Negate(s, s);
        return new EcdsaSignature(R, new Hash256(s), RecoveryId < 0 ? RecoveryId : RecoveryId ^ 1);
    }

    /// <summary>Strict DER (BIP66), without a sighash byte.</summary>
    public byte[] ToDer() => DerSignature.Encode(this);

    /// <summary>Parses strict DER (no sighash byte); never throws. See <see cref="DerSignature.TryParse"/>.</summary>
    public static bool TryParseDer(ReadOnlySpan<byte> der, out EcdsaSignature signature) =>
        DerSignature.TryParse(der, out signature);

    /// <summary>Writes r || s (64 bytes).</summary>
    public void WriteCompact(Span<byte> destination)
    {
        R.WriteTo(destination[..Hash256.Size]);
        S.WriteTo(destination.Slice(Hash256.Size, Hash256.Size));
    }

    /// <summary>r || s (64 bytes).</summary>
    public byte[] ToCompact()
    {
        var bytes = new byte[CompactSize];
        WriteCompact(bytes);
        return bytes;
    }

    /// <summary>Reads r || s; false unless 64 bytes with r and s both in [1, n-1]. Never throws.</summary>
    public static bool TryParseCompact(ReadOnlySpan<byte> compact, out EcdsaSignature signature, int recoveryId = -1)
    {
        signature = default;
        if (compact.Length != CompactSize
            || !CurveOrder.IsInRange(compact[..Hash256.Size])
            || !CurveOrder.IsInRange(compact[Hash256.Size..]))
        {
            return false;
        }

        signature = new EcdsaSignature(new Hash256(compact[..Hash256.Size]), new Hash256(compact[Hash256.Size..]), recoveryId);
        return true;
    }
}
