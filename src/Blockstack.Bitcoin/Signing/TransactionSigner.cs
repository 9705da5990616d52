using System.Security.Cryptography;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Sighash;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;

namespace Blockstack.Bitcoin.Signing;

/// <summary>How the signer signs.</summary>
public sealed record SigningOptions
{
    public static SigningOptions Default { get; } = new();

    /// <summary>Hash type for every input; null means SIGHASH_ALL for ECDSA and SIGHASH_DEFAULT (64-byte signature) for taproot.</summary>
    public byte? HashType { get; init; }

    /// <summary>Per-input hash types, overriding <see cref="HashType"/> where not null.</summary>
    public IReadOnlyList<byte?>? InputHashTypes { get; init; }

    /// <summary>
    /// Fills BIP340's 32 bytes of auxiliary randomness for a taproot signature; null uses the
    /// system's cryptographic generator. A constant (such as all zeros) makes signatures
    /// deterministic, which BIP340 allows.
    /// </summary>
    public Action<Span<byte>>? AuxRandom { get; init; }
}

/// <summary>The signed transaction and, per input, null or why it was left unsigned.</summary>
public sealed class SigningResult
{
    public SigningResult(Transaction transaction, IReadOnlyList<string?> inputErrors)
    {
        Transaction = transaction;
        InputErrors = inputErrors;
    }

    /// <summary>The transaction with every input that could be signed signed; other inputs unchanged.</summary>
    public Transaction Transaction { get; }

    public IReadOnlyList<string?> InputErrors { get; }

    public bool IsComplete => InputErrors.All(e => e is null);
}

/// <summary>
/// Signs inputs that spend the <see cref="SpendTemplate"/> shapes: P2PK and P2PKH (compressed or
/// uncompressed key, whichever the output commits to), P2WPKH, P2SH-P2WPKH and BIP86 taproot key
/// path. ECDSA signatures are RFC 6979 and low S. Inputs without a key, or whose output is not
/// supported, keep their scriptSig and witness and are reported in the result.
/// </summary>
public sealed class TransactionSigner
{
    private readonly ISecp256k1 _secp;

    public TransactionSigner(ISecp256k1 secp)
    {
        ArgumentNullException.ThrowIfNull(secp);
        _secp = secp;
    }

    public SigningResult Sign(Transaction transaction, IReadOnlyList<TxOut> spentOutputs, ISigningKeySource keys, SigningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(spentOutputs);
        ArgumentNullException.ThrowIfNull(keys);
        options ??= SigningOptions.Default;
        if (spentOutputs.Count != transaction.Inputs.Count)
        {
            throw new ArgumentException("one spent output is needed per input", nameof(spentOutputs));
        }

        // Signature hashes do not cover other inputs' scriptSigs or any witness, so every input
        // is signed against the transaction as given and the results assembled at the end.
        var data = new PrecomputedTransactionData(transaction, spentOutputs);
        var inputs = new TxIn[transaction.Inputs.Count];
        var errors = new string?[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = transaction.Inputs[i];
            inputs[i] = input;
            if (!keys.TryGetPrivateKey(i, spentOutputs[i], out var key))
            {
                errors[i] = SpendErrors.NoKey;
                continue;
            }

            var hashType = options.InputHashTypes is { } perInput && i < perInput.Count && perInput[i] is { } own ? own : options.HashType;
            errors[i] = TrySignInput(data, i, key.Span, hashType, options, out var scriptSig, out var witness);
            if (errors[i] is null)
            {
                inputs[i] = new TxIn(input.PrevOut, scriptSig, input.Sequence, witness);
            }
        }

        return new SigningResult(new Transaction(transaction.Version, inputs, transaction.Outputs, transaction.LockTime), errors);
    }

    private string? TrySignInput(
        PrecomputedTransactionData data,
        int index,
        ReadOnlySpan<byte> privateKey,
        byte? requestedHashType,
        SigningOptions options,
        out byte[] scriptSig,
        out IReadOnlyList<ReadOnlyMemory<byte>>? witness)
    {
        scriptSig = [];
        witness = null;
        if (!_secp.IsValidPrivateKey(privateKey))
        {
            return SpendErrors.KeyMismatch;
        }

        var spent = data.SpentOutputs![index];
        var script = spent.ScriptPubKey.Span;
        var template = SpendTemplates.FromScriptPubKey(script);
        if (template == SpendTemplate.PayToTaprootKeyPath)
        {
            return SignTaproot(data, index, privateKey, script[2..], requestedHashType ?? SighashType.Default, options, out witness);
        }

        var hashType = requestedHashType ?? SighashType.All;
        if ((hashType & ~SighashType.AnyoneCanPay) is < SighashType.All or > SighashType.Single)
        {
            return SpendErrors.SigHashType;
        }

        if ((hashType & SighashType.OutputMask) == SighashType.Single && index >= data.Transaction.Outputs.Count)
        {
            return SpendErrors.SighashSingleWithoutOutput;
        }

        var compressed = _secp.GetPublicKey(privateKey, compressed: true);
        switch (template)
        {
            case SpendTemplate.PayToPubKey:
            case SpendTemplate.PayToPubKeyHash:
                {
                    var pubKey = MatchLegacyKey(template, script, privateKey, compressed);
                    if (pubKey is null)
                    {
                        return SpendErrors.KeyMismatch;
                    }

                    var sig = SignEcdsa(privateKey, LegacySighash.Compute(data.Transaction, index, script, hashType), hashType);
                    scriptSig = template == SpendTemplate.PayToPubKey
                        ? StandardScripts.Push(sig)
                        : [.. StandardScripts.Push(sig), .. StandardScripts.Push(pubKey)];
                    return null;
                }

            case SpendTemplate.PayToWitnessPubKeyHash:
            case SpendTemplate.PayToScriptHashWitnessPubKeyHash:
                {
                    var hash = Hashes.Hash160(compressed);
                    if (template == SpendTemplate.PayToWitnessPubKeyHash)
                    {
                        if (!script[2..].SequenceEqual(hash))
                        {
                            return SpendErrors.KeyMismatch;
                        }
                    }
                    else
                    {
                        var redeem = SpendScripts.GetP2shRedeemScript(compressed);
                        if (!script.Slice(2, 20).SequenceEqual(Hashes.Hash160(redeem)))
                        {
                            // Some other P2SH script, or another key's.
                            return SpendErrors.KeyMismatch;
                        }

                        scriptSig = StandardScripts.Push(redeem);
                    }

                    var scriptCode = StandardScripts.PayToPubKeyHash(hash);
                    var sig = SignEcdsa(privateKey, SegwitV0Sighash.Compute(data, index, scriptCode, spent.Value, hashType), hashType);
                    witness = [sig, compressed];
                    return null;
                }

            default:
                return SpendErrors.UnsupportedSpend;
        }
    }

    private byte[]? MatchLegacyKey(SpendTemplate template, ReadOnlySpan<byte> script, ReadOnlySpan<byte> privateKey, byte[] compressed)
    {
        var uncompressed = _secp.GetPublicKey(privateKey, compressed: false);
        foreach (var candidate in (byte[][])[compressed, uncompressed])
        {
            var matches = template == SpendTemplate.PayToPubKey
                ? script[1..^1].SequenceEqual(candidate)
                : script.Slice(3, 20).SequenceEqual(Hashes.Hash160(candidate));
            if (matches)
            {
                return candidate;
            }
        }

        return null;
    }

    private byte[] SignEcdsa(ReadOnlySpan<byte> privateKey, Hash256 sighash, int hashType)
    {
        Span<byte> message = stackalloc byte[Hash256.Size];
        sighash.WriteTo(message);
        var der = _secp.SignEcdsa(privateKey, message).NormalizeS().ToDer();
        return [.. der, (byte)hashType];
    }

    private string? SignTaproot(
        PrecomputedTransactionData data,
        int index,
        ReadOnlySpan<byte> privateKey,
        ReadOnlySpan<byte> outputKey,
        byte hashType,
        SigningOptions options,
        out IReadOnlyList<ReadOnlyMemory<byte>>? witness)
    {
        witness = null;
        var internalKey = _secp.GetPublicKey(privateKey, compressed: true).AsSpan(1);
        var tweak = SpendScripts.GetTaprootTweak(internalKey);
        if (!outputKey.SequenceEqual(SpendScripts.GetTaprootOutputKey(_secp, internalKey)))
        {
            return SpendErrors.KeyMismatch;
        }

        if (!TaprootSighash.IsValidHashType(hashType))
        {
            return SpendErrors.SigHashType;
        }

        if (!TaprootSighash.TryCompute(data, index, hashType, out var sighash))
        {
            return SpendErrors.SighashSingleWithoutOutput;
        }

        Span<byte> tweaked = stackalloc byte[32];
        if (!_secp.TryTweakPrivateKey(privateKey, tweak, tweaked))
        {
            return SpendErrors.KeyMismatch;
        }

        Span<byte> message = stackalloc byte[Hash256.Size];
        sighash.WriteTo(message);
        Span<byte> aux = stackalloc byte[32];
        if (options.AuxRandom is { } fill)
        {
            fill(aux);
        }
        else
        {
            RandomNumberGenerator.Fill(aux);
        }

        var sig = _secp.SignSchnorr(tweaked, message, aux);
        CryptographicOperations.ZeroMemory(tweaked);
        witness = hashType == SighashType.Default ? [sig] : [(byte[])[.. sig, hashType]];
        return null;
    }
}
