namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// An ECDSA signature as its two 32-byte big-endian scalars r and s, with the recovery id when it
/// is known (signing produces it; a DER signature does not carry one, so it is -1 there).
/// </summary>
public readonly record struct EcdsaSignature(Hash256 R, Hash256 S, int RecoveryId = -1);
