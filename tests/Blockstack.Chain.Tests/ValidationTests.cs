using Blockstack.Bitcoin;
using Blockstack.Stacks;

namespace Blockstack.Chain.Tests;

[Trait("Category", "Unit")]
public class ValidationTests
{
    public static TheoryData<string> InvalidBlockClasses() => new(
        ChainErrorCodes.BlockBadStateRoot,
        ChainErrorCodes.BlockNotCommitted,
        ChainErrorCodes.BlockBadVrfProof,
        ChainErrorCodes.BlockBadHeight,
        ChainErrorCodes.BlockBadTotalBurn,
        ChainErrorCodes.BlockUnknownSortition,
        ChainErrorCodes.BlockConfirmsMicroblocks,
        StacksBlockRules.BadMerkleRoot,
        StacksBlockRules.BadCoinbase,
        ChainErrorCodes.TxBadNonce,
        ChainErrorCodes.TxInsufficientFunds,
        ChainErrorCodes.TxBadSignature,
        ChainErrorCodes.TxNoSuchContract,
        ChainErrorCodes.TxBadArguments);

    [Theory]
    [MemberData(nameof(InvalidBlockClasses))]
    public void ProcessBlock_InvalidBlock_RejectedWithCodeAndNoTrace(string code)
    {
        using var chain = new TestChain();
        chain.Mine([chain.Transfer(chain.Keys[0], chain.Keys[1].Address, 10, 0)]);
        var before = Dump(chain);
        var (a, b) = (chain.Keys[0], chain.Keys[1]);

        var (block, ch) = code switch
        {
            ChainErrorCodes.BlockBadStateRoot => Tampered(chain, blk => blk with { Header = blk.Header with { StateIndexRoot = TestChain.Hash256Of(5, 5) } }),
            ChainErrorCodes.BlockNotCommitted => NotCommitted(chain),
            ChainErrorCodes.BlockBadVrfProof => BadVrf(chain),
            ChainErrorCodes.BlockBadHeight => Tampered(chain, blk => blk with { Header = blk.Header with { TotalWork = 7 } }),
            ChainErrorCodes.BlockBadTotalBurn => Tampered(chain, blk => blk with { Header = blk.Header with { TotalBurn = 12345 } }),
            ChainErrorCodes.BlockUnknownSortition => (chain.Build().Block, new ConsensusHash(Hash160.Zero)),
            ChainErrorCodes.BlockConfirmsMicroblocks => Tampered(chain, blk => blk with { Header = blk.Header with { ParentMicroblockSequence = 1 } }),
            StacksBlockRules.BadMerkleRoot => Tampered(chain, blk => blk with { Header = blk.Header with { TxMerkleRoot = Hash256.Zero } }),
            StacksBlockRules.BadCoinbase => Tampered(chain, blk => blk with { Transactions = [.. blk.Transactions.Skip(1), blk.Transactions[0]] }, [chain.Transfer(a, b.Address, 1, 1)]),
            ChainErrorCodes.TxBadNonce => WithTx(chain, chain.Transfer(a, b.Address, 1, 5)),
            ChainErrorCodes.TxInsufficientFunds => WithTx(chain, chain.Transfer(a, b.Address, 2_000_000_000_000, 1)),
            ChainErrorCodes.TxBadSignature => WithTx(chain, chain.Transfer(a, b.Address, 1, 1) with { ChainId = StacksTransaction.TestnetChainId, AnchorMode = AnchorMode.OnChainOnly }),
            ChainErrorCodes.TxNoSuchContract => WithTx(chain, chain.Call(a, "nope", "f", [], 1)),
            ChainErrorCodes.TxBadArguments => WithTx(chain, chain.Call(a, "pox", "stack-stx", [new ClarityUInt(1)], 1)),
            _ => throw new ArgumentOutOfRangeException(nameof(code)),
        };

        var outcome = chain.Coordinator.ProcessBlock(block, ch);

        Assert.False(outcome.IsAccepted);
        Assert.Equal(code, outcome.Rejection!.Value.Code);
        Assert.Equal(before, Dump(chain));
    }

    private static (StacksBlock, ConsensusHash) Tampered(TestChain chain, Func<StacksBlock, StacksBlock> tamper, IReadOnlyList<StacksTransaction>? txs = null) =>
        chain.Build(txs, tamper: tamper);

    private static (StacksBlock, ConsensusHash) NotCommitted(TestChain chain)
    {
        var (block, ch) = chain.Build();
        chain.Sortitions.Sortitions[ch] = chain.Sortitions.Sortitions[ch] with { WinningBlockHash = new StacksBlockHash(TestChain.Hash256Of(9, 9)) };
        return (block, ch);
    }

    private static (StacksBlock, ConsensusHash) BadVrf(TestChain chain)
    {
        var (block, ch) = chain.Build();
        chain.Sortitions.Sortitions[ch] = chain.Sortitions.Sortitions[ch] with { VrfSeed = TestChain.Hash256Of(3, 3) };
        return (block, ch);
    }

    /// <summary>A block with an invalid transaction: built with a valid root first, then the tx is swapped in.</summary>
    private static (StacksBlock, ConsensusHash) WithTx(TestChain chain, StacksTransaction bad)
    {
        return chain.Build(tamper: blk =>
        {
            var txs = new List<StacksTransaction>(blk.Transactions) { bad };
            return blk with { Transactions = txs, Header = blk.Header with { TxMerkleRoot = MerkleTree.TransactionRoot(txs.Select(t => t.Txid)) } };
        });
    }

    private static string Dump(TestChain chain)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var column in Enum.GetValues<ChainColumn>())
        {
            foreach (var (k, v) in chain.Store.Prefix(column, []))
            {
                sb.Append(column).Append(':').Append(Convert.ToHexString(k)).Append('=').Append(Convert.ToHexString(v)).Append('\n');
            }
        }

        return sb.ToString();
    }
}
