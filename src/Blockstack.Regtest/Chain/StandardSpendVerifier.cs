using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Sighash;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Regtest.Chain;

/// <summary>
/// Glue until the shared spend verifier lands on main: checks spends of the standard single-key
/// templates — P2PKH, P2WPKH, P2SH-P2WPKH, P2TR key path — and of P2A anchors, with real
/// signatures, answering with bitcoind's script error texts. Other templates are refused.
/// </summary>
public sealed class StandardSpendVerifier : IScriptVerifier
{
    public const string EvalFalse = "Script evaluated without error but finished with a false/empty top stack element";
    public const string EqualVerify = "Script failed an OP_EQUALVERIFY operation";
    public const string WitnessMismatch = "Witness program hash mismatch";
    public const string WitnessEmpty = "Witness program was passed an empty witness";
    public const string WitnessUnexpected = "Witness provided for non-witness script";
    public const string WitnessMalleatedP2sh = "Witness requires only-redeemscript scriptSig";
    public const string SigDer = "Non-canonical DER signature";
    public const string SchnorrSig = "Invalid Schnorr signature";
    public const string SchnorrSize = "Invalid Schnorr signature size";
    public const string SchnorrHashType = "Invalid Schnorr signature hash type";

    private readonly ISecp256k1 _secp;

    public StandardSpendVerifier(ISecp256k1? secp = null) => _secp = secp ?? BouncySecp256k1.Instance;

    public string? VerifyInput(Transaction transaction, int inputIndex, IReadOnlyList<TxOut> spentOutputs)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(spentOutputs);
        var input = transaction.Inputs[inputIndex];
        var prevOut = spentOutputs[inputIndex];
        var script = prevOut.ScriptPubKey.Span;
        var type = StandardScripts.Solve(script, out var solutions);
        switch (type)
        {
            case ScriptType.PubKeyHash:
                if (input.HasWitness)
                {
                    return WitnessUnexpected;
                }

                return VerifyP2pkh(transaction, inputIndex, input.ScriptSig.Span, solutions[0]);
            case ScriptType.WitnessV0KeyHash:
                if (!input.ScriptSig.IsEmpty)
                {
                    return "Witness requires empty scriptSig";
                }

                return VerifyP2wpkh(transaction, inputIndex, input, solutions[0], prevOut.Value, spentOutputs);
            case ScriptType.ScriptHash:
                return VerifyP2shP2wpkh(transaction, inputIndex, input, solutions[0], prevOut.Value, spentOutputs);
            case ScriptType.WitnessV1Taproot:
                return VerifyTaprootKeyPath(transaction, inputIndex, input, solutions[0], spentOutputs);
            case ScriptType.Anchor:
                return input.ScriptSig.IsEmpty && !input.HasWitness ? null : EvalFalse;
            default:
                return "unsupported script type " + StandardScripts.GetName(type) + " (the regtest verifier checks P2PKH, P2WPKH, P2SH-P2WPKH, P2TR key path and P2A)";
        }
    }

    private string? VerifyP2pkh(Transaction tx, int index, ReadOnlySpan<byte> scriptSig, byte[] keyHash)
    {
        if (!TryReadTwoPushes(scriptSig, out var sig, out var pub))
        {
            return EvalFalse;
        }

        if (!Hashes.Hash160(pub).AsSpan().SequenceEqual(keyHash))
        {
            return EqualVerify;
        }

        if (sig.Length == 0)
        {
            return EvalFalse;
        }

        if (!DerSignature.IsValidSignatureEncoding(sig))
        {
            return SigDer;
        }

        var hash = LegacySighash.Compute(tx, index, BitcoinAddress.P2pkh(keyHash), sig[^1]);
        return CheckEcdsa(pub, sig, hash) ? null : EvalFalse;
    }

    private string? VerifyP2wpkh(Transaction tx, int index, TxIn input, byte[] keyHash, long amount, IReadOnlyList<TxOut> spent)
    {
        var witness = input.Witness;
        if (witness.Count == 0)
        {
            return WitnessEmpty;
        }

        if (witness.Count != 2)
        {
            return WitnessMismatch;
        }

        var sig = witness[0].Span;
        var pub = witness[1].Span;
        if (!Hashes.Hash160(pub).AsSpan().SequenceEqual(keyHash))
        {
            return EqualVerify;
        }

        if (sig.Length == 0)
        {
            return EvalFalse;
        }

        if (!DerSignature.IsValidSignatureEncoding(sig))
        {
            return SigDer;
        }

        if (pub.Length != 33)
        {
            return "Using non-compressed keys in segwit";
        }

        var data = new PrecomputedTransactionData(tx, spent);
        var hash = SegwitV0Sighash.Compute(data, index, BitcoinAddress.P2pkh(keyHash), amount, sig[^1]);
        return CheckEcdsa(pub, sig, hash) ? null : EvalFalse;
    }

    private string? VerifyP2shP2wpkh(Transaction tx, int index, TxIn input, byte[] scriptHash, long amount, IReadOnlyList<TxOut> spent)
    {
        var scriptSig = input.ScriptSig.Span;
        if (scriptSig.Length < 2 || scriptSig[0] != scriptSig.Length - 1)
        {
            return input.HasWitness ? WitnessMalleatedP2sh : EvalFalse;
        }

        var redeem = scriptSig[1..];
        if (!Hashes.Hash160(redeem).AsSpan().SequenceEqual(scriptHash))
        {
            return EvalFalse;
        }

        if (StandardScripts.Solve(redeem, out var inner) != ScriptType.WitnessV0KeyHash)
        {
            return "unsupported P2SH redeem script (the regtest verifier checks P2SH-P2WPKH only)";
        }

        return VerifyP2wpkh(tx, index, input, inner[0], amount, spent);
    }

    private string? VerifyTaprootKeyPath(Transaction tx, int index, TxIn input, byte[] outputKey, IReadOnlyList<TxOut> spent)
    {
        if (!input.ScriptSig.IsEmpty)
        {
            return "Witness requires empty scriptSig";
        }

        var witness = input.Witness;
        if (witness.Count == 0)
        {
            return WitnessEmpty;
        }

        ReadOnlySpan<byte> annex = default;
        var count = witness.Count;
        if (count >= 2 && witness[^1].Length > 0 && witness[^1].Span[0] == 0x50)
        {
            annex = witness[^1].Span;
            count--;
        }

        if (count != 1)
        {
            return "unsupported taproot script path (the regtest verifier checks key path spends)";
        }

        var sig = witness[0].Span;
        byte hashType = SighashType.Default;
        if (sig.Length == 65)
        {
            hashType = sig[64];
            if (hashType == SighashType.Default)
            {
                return SchnorrHashType;
            }

            sig = sig[..64];
        }
        else if (sig.Length != 64)
        {
            return SchnorrSize;
        }

        var data = new PrecomputedTransactionData(tx, spent);
        if (!TaprootSighash.TryCompute(data, index, hashType, out var hash, annex))
        {
            return SchnorrHashType;
        }

        return _secp.VerifySchnorr(outputKey, hash.ToArray(), sig) ? null : SchnorrSig;
    }

    private bool CheckEcdsa(ReadOnlySpan<byte> pub, ReadOnlySpan<byte> sigWithHashType, Hash256 hash) =>
        EcdsaSignature.TryParseDer(sigWithHashType[..^1], out var signature)
        && _secp.VerifyEcdsa(pub, hash.ToArray(), signature);

    private static bool TryReadTwoPushes(ReadOnlySpan<byte> script, out ReadOnlySpan<byte> first, out ReadOnlySpan<byte> second)
    {
        first = default;
        second = default;
        var reader = new ScriptReader(script);
        if (!reader.TryReadOp(out var op1, out var data1) || op1 > Opcode.OP_PUSHDATA4
            || !reader.TryReadOp(out var op2, out var data2) || op2 > Opcode.OP_PUSHDATA4 || !reader.IsEnd)
        {
            return false;
        }

        first = data1;
        second = data2;
        return true;
    }
}
