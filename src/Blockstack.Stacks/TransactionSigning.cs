using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Stacks;

/// <summary>
/// The sighash chain: initial sighash (txid of the transaction with the origin cleared and any
/// sponsor replaced by the sentinel), then per signature presign = H(cur || flag || fee || nonce)
/// and postsign = H(presign || key encoding || signature), H = SHA-512/256.
/// </summary>
public static class StacksSighash
{
    public static Hash256 Initial(StacksTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return (transaction with { Auth = transaction.Auth.ForInitialSighash() }).Txid.Hash;
    }

    public static Hash256 Presign(Hash256 current, AuthType flag, ulong fee, ulong nonce)
    {
        Span<byte> buffer = stackalloc byte[32 + 1 + 8 + 8];
        current.WriteTo(buffer);
        buffer[32] = (byte)flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer[33..], fee);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer[41..], nonce);
        Span<byte> h = stackalloc byte[32];
        Hashes.Sha512t256(buffer, h);
        return new Hash256(h);
    }

    public static Hash256 Postsign(Hash256 presign, KeyEncoding encoding, MessageSignature signature)
    {
        Span<byte> buffer = stackalloc byte[32 + 1 + MessageSignature.Size];
        presign.WriteTo(buffer);
        buffer[32] = (byte)encoding;
        signature.WriteTo(buffer[33..]);
        Span<byte> h = stackalloc byte[32];
        Hashes.Sha512t256(buffer, h);
        return new Hash256(h);
    }
}

/// <summary>Signs transactions and verifies their signatures over a secp256k1 backend.</summary>
public sealed class StacksSigner
{
    private readonly ISecp256k1 _curve;

    public StacksSigner(ISecp256k1 curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        _curve = curve;
    }

    /// <summary>A single-sig spending condition (nonce, fee, unsigned) for a key.</summary>
    public SingleSigSpendingCondition SingleSigCondition(StacksPrivateKey key, ulong nonce, ulong fee, HashMode mode = HashMode.P2pkh)
    {
        ArgumentNullException.ThrowIfNull(key);
        var pub = key.PublicKey(_curve);
        var hash = StacksAddressHash.FromPublicKeys(mode, 1, [pub]);
        return new SingleSigSpendingCondition(mode, hash, nonce, fee, key.KeyEncoding, MessageSignature.Empty);
    }

    /// <summary>An unsigned multi-sig condition over the public keys (SEC1, in signing order).</summary>
    public static MultiSigSpendingCondition MultiSigCondition(IReadOnlyList<byte[]> publicKeys, ushort required, ulong nonce, ulong fee, HashMode mode = HashMode.P2sh)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        var hash = StacksAddressHash.FromPublicKeys(mode, required, publicKeys);
        return new MultiSigSpendingCondition(mode, hash, nonce, fee, [], required);
    }

    /// <summary>Signs the origin of a single-sig transaction (flag 0x04 even when sponsored).</summary>
    public StacksTransaction SignOrigin(StacksTransaction transaction, StacksPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Auth.Origin is not SingleSigSpendingCondition origin)
        {
            throw new InvalidOperationException("the origin is multi-sig; use SignOriginMultiSig");
        }

        var presign = StacksSighash.Presign(StacksSighash.Initial(transaction), AuthType.Standard, origin.Fee, origin.Nonce);
        var signed = origin with { Signature = Sign(key, presign) };
        return transaction with { Auth = transaction.Auth with { Origin = signed } };
    }

    /// <summary>
    /// Signs a multi-sig origin: for each public key in order, a signature field when its private key
    /// is given, else a public-key field. <paramref name="keys"/> is aligned with the public keys.
    /// </summary>
    public StacksTransaction SignOriginMultiSig(StacksTransaction transaction, IReadOnlyList<byte[]> publicKeys, IReadOnlyList<StacksPrivateKey?> keys)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(publicKeys);
        ArgumentNullException.ThrowIfNull(keys);
        if (transaction.Auth.Origin is not MultiSigSpendingCondition origin)
        {
            throw new InvalidOperationException("the origin is single-sig; use SignOrigin");
        }

        var cur = StacksSighash.Initial(transaction);
        var fields = new List<TransactionAuthField>();
        for (var i = 0; i < publicKeys.Count; i++)
        {
            var encoding = publicKeys[i].Length == 33 ? KeyEncoding.Compressed : KeyEncoding.Uncompressed;
            if (keys[i] is { } key)
            {
                var presign = StacksSighash.Presign(cur, AuthType.Standard, origin.Fee, origin.Nonce);
                var sig = Sign(key, presign);
                fields.Add(TransactionAuthField.ForSignature(sig, encoding));
                cur = StacksSighash.Postsign(presign, encoding, sig);
            }
            else
            {
                var compressed = _curve.NormalizePublicKey(publicKeys[i], compressed: true)
                    ?? throw new ArgumentException($"public key {i} is not a valid point", nameof(publicKeys));
                fields.Add(TransactionAuthField.ForPublicKey(compressed, encoding));
            }
        }

        return transaction with { Auth = transaction.Auth with { Origin = origin with { Fields = fields } } };
    }

    /// <summary>Signs the sponsor condition (flag 0x05), chained from the origin's final sighash.</summary>
    public StacksTransaction SignSponsor(StacksTransaction transaction, StacksPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Auth.Sponsor is not SingleSigSpendingCondition sponsor)
        {
            throw new InvalidOperationException("the transaction has no single-sig sponsor");
        }

        var cur = StacksSighash.Initial(transaction);
        if (!TryVerifyCondition(transaction.Auth.Origin, AuthType.Standard, ref cur, out var error))
        {
            throw new InvalidOperationException("the origin must be signed before the sponsor: " + error);
        }

        var presign = StacksSighash.Presign(cur, AuthType.Sponsored, sponsor.Fee, sponsor.Nonce);
        var signed = sponsor with { Signature = Sign(key, presign) };
        return transaction with { Auth = transaction.Auth with { Sponsor = signed } };
    }

    /// <summary>True when every required signature (origin, then sponsor) verifies; else the first failure.</summary>
    public bool Verify(StacksTransaction transaction, out StacksError error)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var cur = StacksSighash.Initial(transaction);
        if (!TryVerifyCondition(transaction.Auth.Origin, AuthType.Standard, ref cur, out error))
        {
            return false;
        }

        return transaction.Auth.Sponsor is null || TryVerifyCondition(transaction.Auth.Sponsor, AuthType.Sponsored, ref cur, out error);
    }

    public bool Verify(StacksTransaction transaction) => Verify(transaction, out _);

    private MessageSignature Sign(StacksPrivateKey key, Hash256 presign)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sig = _curve.SignEcdsa(key.Key, presign.ToArray());
        if (sig.RecoveryId is < 0 or > 3)
        {
            throw new InvalidOperationException("the secp256k1 backend gave no recovery id");
        }

        return new MessageSignature((byte)sig.RecoveryId, sig.R, sig.S);
    }

    private bool TryVerifyCondition(SpendingCondition condition, AuthType flag, ref Hash256 cur, out StacksError error)
    {
        switch (condition)
        {
            case SingleSigSpendingCondition single:
                {
                    var presign = StacksSighash.Presign(cur, flag, single.Fee, single.Nonce);
                    if (!TryRecover(presign, single.Signature, single.KeyEncoding, out var key, out error))
                    {
                        return false;
                    }

                    if (StacksAddressHash.FromPublicKeys(single.HashMode, 1, [key]) != single.Signer)
                    {
                        error = new StacksError(StacksErrorCodes.SigSignerMismatch, "the signature's key does not hash to the signer");
                        return false;
                    }

                    cur = StacksSighash.Postsign(presign, single.KeyEncoding, single.Signature);
                    return true;
                }

            case MultiSigSpendingCondition multi:
                {
                    var keys = new List<byte[]>(multi.Fields.Count);
                    var signatures = 0;
                    foreach (var field in multi.Fields)
                    {
                        if (multi.HashMode == HashMode.P2wsh && field.KeyEncoding == KeyEncoding.Uncompressed)
                        {
                            error = new StacksError(StacksErrorCodes.TxBadKeyEncoding, "P2WSH forbids uncompressed keys");
                            return false;
                        }

                        if (field.IsSignature)
                        {
                            var presign = StacksSighash.Presign(cur, flag, multi.Fee, multi.Nonce);
                            if (!TryRecover(presign, field.Signature, field.KeyEncoding, out var key, out error))
                            {
                                return false;
                            }

                            keys.Add(key);
                            signatures++;
                            cur = StacksSighash.Postsign(presign, field.KeyEncoding, field.Signature);
                        }
                        else
                        {
                            var key = _curve.NormalizePublicKey(field.PublicKey, field.KeyEncoding == KeyEncoding.Compressed);
                            if (key is null)
                            {
                                error = new StacksError(StacksErrorCodes.SigBadPublicKey, "an auth-field public key is not a valid point");
                                return false;
                            }

                            keys.Add(key);
                        }
                    }

                    if (signatures != multi.SignaturesRequired)
                    {
                        error = new StacksError(StacksErrorCodes.TxBadSignatureCount, $"{signatures} signatures given, {multi.SignaturesRequired} required");
                        return false;
                    }

                    if (StacksAddressHash.FromPublicKeys(multi.HashMode, multi.SignaturesRequired, keys) != multi.Signer)
                    {
                        error = new StacksError(StacksErrorCodes.SigSignerMismatch, "the multi-sig keys do not hash to the signer");
                        return false;
                    }

                    error = default;
                    return true;
                }

            default:
                throw new InvalidOperationException("unknown spending condition");
        }
    }

    private bool TryRecover(Hash256 presign, MessageSignature signature, KeyEncoding encoding, out byte[] key, out StacksError error)
    {
        key = [];
        if (signature.RecoveryId > 3)
        {
            error = new StacksError(StacksErrorCodes.TxBadRecoveryId, $"recovery id {signature.RecoveryId} is above 3");
            return false;
        }

        var recovered = _curve.RecoverPublicKey(presign.ToArray(), new EcdsaSignature(signature.R, signature.S, signature.RecoveryId), signature.RecoveryId, encoding == KeyEncoding.Compressed);
        if (recovered is null)
        {
            error = new StacksError(StacksErrorCodes.SigUnrecoverable, "no public key recovers from the signature");
            return false;
        }

        key = recovered;
        error = default;
        return true;
    }
}
