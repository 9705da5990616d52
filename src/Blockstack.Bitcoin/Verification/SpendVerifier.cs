using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Sighash;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Verification;

/// <summary>
/// Verifies that an input spends its previous output, for the standard single-key templates
/// (<see cref="SpendTemplate"/>) only: the template's fixed script is checked directly instead of
/// being interpreted. Consensus rules apply as with Core's P2SH, DERSIG, STRICTENC, WITNESS and
/// TAPROOT flags; low S and compressed segwit keys are options. Bad input gives a reason, never an
/// exception. Stateless apart from its dependencies; safe to share between threads.
/// </summary>
public sealed class SpendVerifier
{
    private const int PubKeyHashSize = 20;
    private const int CompressedKeySize = 33;
    private const int SchnorrSize = 64;
    private const byte AnnexTag = 0x50;

    // What OP_1NEGATE (at 0) and OP_1..OP_16 (at n) push.
    private static readonly byte[] SmallNumbers = [0x81, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

    private readonly ISecp256k1 _secp;

    public SpendVerifier(ISecp256k1 secp, SpendVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secp);
        _secp = secp;
        Options = options ?? SpendVerifierOptions.Consensus;
    }

    public SpendVerifierOptions Options { get; }

    /// <summary>Verifies every input, computing the BIP143/BIP341 shared hashes once.</summary>
    public TransactionSpendResult VerifyTransaction(Transaction transaction, IReadOnlyList<TxOut> spentOutputs)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(spentOutputs);
        if (spentOutputs.Count != transaction.Inputs.Count)
        {
            return new TransactionSpendResult([], SpendErrors.SpentOutputsMismatch);
        }

        var data = new PrecomputedTransactionData(transaction, spentOutputs);
        var results = new SpendResult[transaction.Inputs.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = VerifyInput(data, i);
        }

        return new TransactionSpendResult(results);
    }

    /// <summary>Verifies input <paramref name="inputIndex"/>; <paramref name="spentOutputs"/> holds one output per input.</summary>
    public SpendResult VerifyInput(Transaction transaction, int inputIndex, IReadOnlyList<TxOut> spentOutputs)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(spentOutputs);
        if (spentOutputs.Count != transaction.Inputs.Count)
        {
            return SpendResult.Fail(SpendTemplate.Unsupported, SpendErrors.SpentOutputsMismatch);
        }

        return VerifyInput(new PrecomputedTransactionData(transaction, spentOutputs), inputIndex);
    }

    /// <summary>Verifies one input against precomputed data that includes the spent outputs.</summary>
    public SpendResult VerifyInput(PrecomputedTransactionData data, int inputIndex)
    {
        ArgumentNullException.ThrowIfNull(data);
        var tx = data.Transaction;
        if (data.SpentOutputs is not { } spentOutputs || spentOutputs.Count != tx.Inputs.Count)
        {
            return SpendResult.Fail(SpendTemplate.Unsupported, SpendErrors.SpentOutputsMismatch);
        }

        if (inputIndex < 0 || inputIndex >= tx.Inputs.Count)
        {
            return SpendResult.Fail(SpendTemplate.Unsupported, SpendErrors.InputIndexOutOfRange);
        }

        var input = tx.InputSpan[inputIndex];
        var spent = spentOutputs[inputIndex];
        var script = spent.ScriptPubKey.Span;
        var template = SpendTemplates.FromScriptPubKey(script);
        var error = template switch
        {
            SpendTemplate.PayToPubKey => VerifyPayToPubKey(data, inputIndex, input, script),
            SpendTemplate.PayToPubKeyHash => VerifyPayToPubKeyHash(data, inputIndex, input, script),
            SpendTemplate.PayToWitnessPubKeyHash => VerifyWitnessV0(data, inputIndex, input, spent, script[2..], requireEmptyScriptSig: true),
            SpendTemplate.PayToScriptHashWitnessPubKeyHash => VerifyP2shWitnessV0(data, inputIndex, input, spent, script),
            SpendTemplate.PayToTaprootKeyPath => VerifyTaprootKeyPath(data, inputIndex, input, script[2..]),
            _ => SpendErrors.UnsupportedSpend,
        };
        return new SpendResult(template, error);
    }

    private string? VerifyPayToPubKey(PrecomputedTransactionData data, int index, TxIn input, ReadOnlySpan<byte> script)
    {
        if (input.HasWitness)
        {
            return SpendErrors.WitnessUnexpected;
        }

        if (!TryReadPushes(input.ScriptSig.Span, out var sig, out _, out var count, out _) || count != 1)
        {
            return SpendErrors.ScriptSigMismatch;
        }

        return CheckEcdsa(sig, script[1..^1], script, data, index, amount: 0, segwit: false);
    }

    private string? VerifyPayToPubKeyHash(PrecomputedTransactionData data, int index, TxIn input, ReadOnlySpan<byte> script)
    {
        if (input.HasWitness)
        {
            return SpendErrors.WitnessUnexpected;
        }

        if (!TryReadPushes(input.ScriptSig.Span, out var sig, out var pubKey, out var count, out _) || count != 2)
        {
            return SpendErrors.ScriptSigMismatch;
        }

        Span<byte> hash = stackalloc byte[PubKeyHashSize];
        Hashes.Hash160(pubKey, hash);
        if (!hash.SequenceEqual(script.Slice(3, PubKeyHashSize)))
        {
            return SpendErrors.PubKeyHashMismatch;
        }

        return CheckEcdsa(sig, pubKey, script, data, index, amount: 0, segwit: false);
    }

    private string? VerifyP2shWitnessV0(PrecomputedTransactionData data, int index, TxIn input, TxOut spent, ReadOnlySpan<byte> script)
    {
        // BIP16: a push-only scriptSig whose last push is the redeem script.
        var scriptSig = input.ScriptSig.Span;
        if (!TryReadPushes(scriptSig, out _, out _, out var count, out var redeem) || count == 0)
        {
            return SpendErrors.ScriptSigMismatch;
        }

        Span<byte> hash = stackalloc byte[PubKeyHashSize];
        Hashes.Hash160(redeem, hash);
        if (!hash.SequenceEqual(script.Slice(2, PubKeyHashSize)))
        {
            return SpendErrors.ScriptHashMismatch;
        }

        if (StandardScripts.Classify(redeem) != ScriptType.WitnessV0KeyHash)
        {
            return SpendErrors.UnsupportedSpend;
        }

        // BIP141: nothing but the canonical push of the program, or the witness is malleable.
        if (count != 1 || scriptSig.Length != redeem.Length + 1 || scriptSig[0] != redeem.Length)
        {
            return SpendErrors.ScriptSigMismatch;
        }

        return VerifyWitnessV0(data, index, input, spent, redeem[2..], requireEmptyScriptSig: false);
    }

    private string? VerifyWitnessV0(PrecomputedTransactionData data, int index, TxIn input, TxOut spent, ReadOnlySpan<byte> program, bool requireEmptyScriptSig)
    {
        if (requireEmptyScriptSig && !input.ScriptSig.IsEmpty)
        {
            return SpendErrors.ScriptSigMismatch;
        }

        var witness = input.Witness;
        if (witness.Count != 2)
        {
            return SpendErrors.WitnessMismatch;
        }

        var pubKey = witness[1].Span;
        Span<byte> hash = stackalloc byte[PubKeyHashSize];
        Hashes.Hash160(pubKey, hash);
        if (!hash.SequenceEqual(program))
        {
            return SpendErrors.WitnessProgramMismatch;
        }

        var scriptCode = StandardScripts.PayToPubKeyHash(program);
        return CheckEcdsa(witness[0].Span, pubKey, scriptCode, data, index, spent.Value, segwit: true);
    }

    private string? VerifyTaprootKeyPath(PrecomputedTransactionData data, int index, TxIn input, ReadOnlySpan<byte> outputKey)
    {
        if (!input.ScriptSig.IsEmpty)
        {
            return SpendErrors.ScriptSigMismatch;
        }

        var witness = input.Witness;
        var count = witness.Count;
        if (count == 0)
        {
            return SpendErrors.WitnessMismatch;
        }

        ReadOnlySpan<byte> annex = default;
        if (count >= 2 && witness[count - 1].Length > 0 && witness[count - 1].Span[0] == AnnexTag)
        {
            annex = witness[count - 1].Span;
            count--;
        }

        if (count != 1)
        {
            // Script path: a control block and a tapscript, which need an interpreter.
            return SpendErrors.UnsupportedSpend;
        }

        var sig = witness[0].Span;
        byte hashType;
        if (sig.Length == SchnorrSize)
        {
            hashType = SighashType.Default;
        }
        else if (sig.Length == SchnorrSize + 1)
        {
            hashType = sig[SchnorrSize];
            if (hashType == SighashType.Default)
            {
                return SpendErrors.SigHashType;
            }
        }
        else
        {
            return SpendErrors.SigSize;
        }

        if (!TaprootSighash.TryCompute(data, index, hashType, out var sighash, annex))
        {
            return SpendErrors.SigHashType;
        }

        Span<byte> message = stackalloc byte[Hash256.Size];
        sighash.WriteTo(message);
        return _secp.VerifySchnorr(outputKey, message, sig[..SchnorrSize]) ? null : SpendErrors.SigInvalid;
    }

    /// <summary>Core's CHECKSIG for ECDSA: encoding checks in Core's order, then the signature.</summary>
    private string? CheckEcdsa(
        ReadOnlySpan<byte> sigWithHashType,
        ReadOnlySpan<byte> pubKey,
        ReadOnlySpan<byte> scriptCode,
        PrecomputedTransactionData data,
        int index,
        long amount,
        bool segwit)
    {
        if (sigWithHashType.IsEmpty)
        {
            return SpendErrors.SigInvalid;
        }

        if (!DerSignature.IsValidSignatureEncoding(sigWithHashType))
        {
            return SpendErrors.SigDer;
        }

        var parsed = DerSignature.TryParse(sigWithHashType[..^1], out var signature);
        if (Options.RequireLowS && parsed && !signature.IsLowS)
        {
            return SpendErrors.SigHighS;
        }

        int hashType = sigWithHashType[^1];
        if ((hashType & ~SighashType.AnyoneCanPay) is < SighashType.All or > SighashType.Single)
        {
            return SpendErrors.SigHashType;
        }

        if (!StandardScripts.IsValidPubKeySize(pubKey) || pubKey[0] is 6 or 7)
        {
            return SpendErrors.PubKeyType;
        }

        if (segwit && Options.RequireCompressedSegwitKeys && pubKey.Length != CompressedKeySize)
        {
            return SpendErrors.PubKeyType;
        }

        if (!parsed)
        {
            // Strict DER, but r or s is zero or not below n: no such signature verifies.
            return SpendErrors.SigInvalid;
        }

        var sighash = segwit
            ? SegwitV0Sighash.Compute(data, index, scriptCode, amount, hashType)
            : LegacySighash.Compute(data.Transaction, index, scriptCode, hashType);
        Span<byte> message = stackalloc byte[Hash256.Size];
        sighash.WriteTo(message);
        return _secp.VerifyEcdsa(pubKey, message, signature) ? null : SpendErrors.SigInvalid;
    }

    /// <summary>
    /// Reads a push-only scriptSig (data pushes, OP_1NEGATE and OP_1..OP_16, which push their
    /// number; minimal encoding is not required, as in consensus). Keeps the first two pushes and the last, and counts them all.
    /// </summary>
    private static bool TryReadPushes(
        ReadOnlySpan<byte> scriptSig,
        out ReadOnlySpan<byte> first,
        out ReadOnlySpan<byte> second,
        out int count,
        out ReadOnlySpan<byte> last)
    {
        first = default;
        second = default;
        last = default;
        count = 0;
        var reader = new ScriptReader(scriptSig);
        while (!reader.IsEnd)
        {
            if (!reader.TryReadOp(out var opcode, out var pushed) || opcode > Opcode.OP_16 || opcode == Opcode.OP_RESERVED)
            {
                return false;
            }

            if (opcode == Opcode.OP_1NEGATE)
            {
                pushed = SmallNumbers.AsSpan(0, 1);
            }
            else if (Script.IsSmallInteger(opcode))
            {
                pushed = SmallNumbers.AsSpan(Script.DecodeSmallInteger(opcode), 1);
            }

            if (count == 0)
            {
                first = pushed;
            }
            else if (count == 1)
            {
                second = pushed;
            }

            last = pushed;
            count++;
        }

        return true;
    }
}
