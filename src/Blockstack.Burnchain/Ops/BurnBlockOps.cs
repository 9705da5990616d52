using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;

namespace Blockstack.Burnchain.Ops;

/// <summary>A burn block's header and the operations it carries, in vtxindex order.</summary>
public sealed record BurnBlock(BurnBlockHeader Header, ValueList<BurnOperationRef> Operations)
{
    public IReadOnlyList<BurnOperation> Ops => [.. Operations.Select(o => o.Operation)];
}

/// <summary>An equatable holder for an operation, so a <see cref="ValueList{T}"/> of them compares by value.</summary>
public readonly record struct BurnOperationRef(BurnOperation Operation)
{
    public static implicit operator BurnOperation(BurnOperationRef r) => r.Operation;

    public BurnOperation ToBurnOperation() => Operation;
}

/// <summary>What <see cref="BurnBlockProcessor"/> found in one block: operations and rejections.</summary>
public sealed record BurnBlockResult(BurnBlock Block, IReadOnlyList<BurnOpRejection> Rejections);

/// <summary>
/// Turns a Bitcoin block into its ordered Stacks operations. PreStx ops of the block are found
/// first, so a StackStx/TransferStx/DelegateStx may use a PreStx anywhere in the same block or
/// any earlier block (via the lookup passed in), as stacks-core does.
/// </summary>
public static class BurnBlockProcessor
{
    public static BurnBlockResult Process(Block block, ulong height, BurnchainParameters parameters, IPreStxLookup earlier)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(parameters);
        var header = new BurnBlockHeader(height, block.Hash, block.Header.PrevBlock, block.Header.Time);
        var context = BurnOpContext.For(parameters, header);
        var candidates = new List<BurnchainTransaction>();
        var rejections = new List<BurnOpRejection>();
        var txs = block.TransactionSpan;
        for (var i = 0; i < txs.Length; i++)
        {
            switch (BurnTransactionDecoder.Decode(txs[i], (uint)i, parameters, context.Epoch, out var candidate, out var rejection))
            {
                case BurnTxDecodeStatus.Candidate:
                    candidates.Add(candidate!);
                    break;
                case BurnTxDecodeStatus.Rejected:
                    rejections.Add(rejection!);
                    break;
            }
        }

        var results = new BurnOpParseResult[candidates.Count];
        var local = new Dictionary<Txid, PreStxOp>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates[i].Opcode == (byte)BurnOpcode.PreStx)
            {
                results[i] = BurnOpParser.ParsePreStx(candidates[i], context);
                if (results[i].Operation is PreStxOp pre)
                {
                    local[pre.Txid] = pre;
                }
            }
        }

        var lookup = new BlockPreStxLookup(local, earlier);
        var ops = new List<BurnOperationRef>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var result = candidates[i].Opcode == (byte)BurnOpcode.PreStx ? results[i] : BurnOpParser.Parse(candidates[i], context, lookup);
            if (result.Operation is not null)
            {
                ops.Add(new BurnOperationRef(result.Operation));
            }
            else if (result.Rejection is not null)
            {
                rejections.Add(result.Rejection);
            }
        }

        rejections.Sort((a, b) => a.Vtxindex.CompareTo(b.Vtxindex));
        return new BurnBlockResult(new BurnBlock(header, new ValueList<BurnOperationRef>(ops)), rejections);
    }

    private sealed class BlockPreStxLookup(Dictionary<Txid, PreStxOp> local, IPreStxLookup earlier) : IPreStxLookup
    {
        public PreStxOp? FindPreStx(Txid txid) => local.TryGetValue(txid, out var op) ? op : earlier.FindPreStx(txid);
    }
}

/// <summary>A lookup that knows no PreStx (for blocks judged on their own).</summary>
public sealed class NoPreStx : IPreStxLookup
{
    public PreStxOp? FindPreStx(Txid txid) => null;
}
