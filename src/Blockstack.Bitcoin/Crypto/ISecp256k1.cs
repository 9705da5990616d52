namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// secp256k1 operations the node needs, behind one interface so the backend can change
/// (BouncyCastle now; a native libsecp256k1 later) without touching callers.
/// All keys and hashes are raw bytes: private keys 32 bytes big-endian, public keys SEC1
/// (33 bytes compressed, 65 uncompressed), x-only keys 32 bytes, message hashes 32 bytes.
/// Methods that take untrusted input return false / null instead of throwing.
/// </summary>
public interface ISecp256k1
{
    /// <summary>True when the 32 bytes are a scalar in [1, n-1].</summary>
    bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey);

    /// <summary>The SEC1 public key of a valid private key.</summary>
    byte[] GetPublicKey(ReadOnlySpan<byte> privateKey, bool compressed);

    /// <summary>True when the bytes are a valid SEC1 encoding of a point on the curve.</summary>
    bool IsValidPublicKey(ReadOnlySpan<byte> publicKey);

    /// <summary>Re-encodes a valid SEC1 public key compressed or uncompressed; null if invalid.</summary>
    byte[]? NormalizePublicKey(ReadOnlySpan<byte> publicKey, bool compressed);

    /// <summary>
    /// ECDSA with RFC 6979 deterministic nonces, S normalized to the lower half (Bitcoin's rule).
    /// Returns the signature and the recovery id (0..3).
    /// </summary>
    EcdsaSignature SignEcdsa(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> hash32);

    /// <summary>Verifies an ECDSA signature. High S is accepted unless <paramref name="requireLowS"/>.</summary>
    bool VerifyEcdsa(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash32, EcdsaSignature signature, bool requireLowS = false);

    /// <summary>Recovers the signer's public key from a signature and recovery id; null if none.</summary>
    byte[]? RecoverPublicKey(ReadOnlySpan<byte> hash32, EcdsaSignature signature, int recoveryId, bool compressed);

    /// <summary>BIP340 Schnorr signature (64 bytes) over a 32-byte message with 32 bytes of aux randomness.</summary>
    byte[] SignSchnorr(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> auxRand32);

    /// <summary>BIP340 verification against a 32-byte x-only public key.</summary>
    bool VerifySchnorr(ReadOnlySpan<byte> xOnlyPublicKey, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> signature64);

    /// <summary>
    /// BIP341 output key: Q = P + t·G where P is lift_x(internal key). Writes Q's x coordinate and
    /// returns its parity; false if the tweak is out of range or the key is invalid.
    /// </summary>
    bool TryTweakXOnlyPublicKey(ReadOnlySpan<byte> xOnlyInternalKey, ReadOnlySpan<byte> tweak32, Span<byte> outputKey32, out bool outputKeyOddY);

    /// <summary>
    /// BIP341 key-path secret: negate the key if its point has odd Y, then add the tweak.
    /// False if the result is zero or the tweak is out of range.
    /// </summary>
    bool TryTweakPrivateKey(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> tweak32, Span<byte> tweakedKey32);
}
