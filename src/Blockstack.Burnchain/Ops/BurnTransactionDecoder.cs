using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Burnchain.Ops;

/// <summary>How a Bitcoin transaction fared at the framing layer (consensus.md §1.1).</summary>
public enum BurnTxDecodeStatus
{
    /// <summary>No OP_RETURN with this network's magic at output 0: not a Stacks transaction.</summary>
    NotCandidate,

    /// <summary>A Stacks transaction whose inputs or outputs the epoch does not accept.</summary>
    Rejected,

    /// <summary>A candidate ready for the operation parsers.</summary>
    Candidate,
}

/// <summary>
/// Turns a Bitcoin transaction into a <see cref="BurnchainTransaction"/> when output 0 is
/// <c>OP_RETURN &lt;magic opcode data&gt;</c> (exactly one push, longer than 2 bytes). Pure: the
/// result depends only on the transaction, its index, the parameters and the epoch.
/// </summary>
public static class BurnTransactionDecoder
{
    public static BurnTxDecodeStatus Decode(
        Transaction tx,
        uint vtxindex,
        BurnchainParameters parameters,
        StacksEpoch epoch,
        out BurnchainTransaction? candidate,
        out BurnOpRejection? rejection)
    {
        candidate = null;
        rejection = null;
        if (tx.Outputs.Count == 0 || !TryGetPayload(tx.OutputSpan[0].ScriptPubKey.Span, parameters, out var opcode, out var data))
        {
            return BurnTxDecodeStatus.NotCandidate;
        }

        var legacyOnly = !epoch.IsAtLeast21();
        var outputs = new List<BurnchainOutput>(tx.Outputs.Count - 1);
        for (var i = 1; i < tx.Outputs.Count; i++)
        {
            var output = tx.OutputSpan[i];
            if (!PoxAddress.TryFromScript(output.ScriptPubKey.Span, parameters.IsMainnet, legacyOnly, out var address))
            {
                rejection = new BurnOpRejection(BurnOpRejectionCode.BadOutput, tx.Txid, vtxindex, opcode, $"vout {i} is not a supported address");
                return BurnTxDecodeStatus.Rejected;
            }

            outputs.Add(new BurnchainOutput(address, checked((ulong)output.Value)));
        }

        var inputs = new List<BurnchainInput>(tx.Inputs.Count);
        for (var i = 0; i < tx.Inputs.Count; i++)
        {
            var input = tx.InputSpan[i];
            if (legacyOnly && !IsStructuredInput(input))
            {
                rejection = new BurnOpRejection(BurnOpRejectionCode.BadInput, tx.Txid, vtxindex, opcode, $"input {i} is not a structured spend");
                return BurnTxDecodeStatus.Rejected;
            }

            inputs.Add(new BurnchainInput(
                input.PrevOut,
                new ByteString(input.ScriptSig.Span),
                new ValueList<ByteString>(input.Witness.Select(w => new ByteString(w.Span)))));
        }

        candidate = new BurnchainTransaction(
            tx.Txid,
            vtxindex,
            opcode,
            new ByteString(data),
            checked((ulong)tx.OutputSpan[0].Value),
            new ValueList<BurnchainInput>(inputs),
            new ValueList<BurnchainOutput>(outputs));
        return BurnTxDecodeStatus.Candidate;
    }

    /// <summary>
    /// Output 0 is exactly <c>OP_RETURN push</c>, the push longer than 2 bytes and starting with
    /// the magic; yields the opcode and the payload after it.
    /// </summary>
    public static bool TryGetPayload(ReadOnlySpan<byte> script, BurnchainParameters parameters, out byte opcode, out ReadOnlySpan<byte> data)
    {
        opcode = 0;
        data = default;
        if (script.Length <= 2 || script[0] != (byte)Opcode.OP_RETURN)
        {
            return false;
        }

        var reader = new ScriptReader(script[1..]);
        if (!reader.TryReadOp(out var op, out var push) || op > Opcode.OP_PUSHDATA4 || !reader.IsEnd)
        {
            return false;
        }

        if (push.Length <= 2 || push[0] != parameters.Magic0 || push[1] != parameters.Magic1)
        {
            return false;
        }

        opcode = push[2];
        data = push[3..];
        return true;
    }

    // Pre-2.1 approximation of stacks-core's "structured" inputs: a non-empty, push-only scriptSig
    // (p2pkh, p2sh multisig, p2sh-wrapped segwit). Native segwit inputs have an empty scriptSig.
    private static bool IsStructuredInput(TxIn input) =>
        input.ScriptSig.Length > 0 && Script.IsPushOnly(input.ScriptSig.Span);
}
