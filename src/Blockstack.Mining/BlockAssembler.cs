using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Chain;
using Blockstack.Pox;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Mining;

/// <summary>A Stacks block ready to be committed, with where its commit must point.</summary>
public sealed record AssembledBlock(
    StacksBlock Block,
    BlockRecord Parent,
    uint ParentBlockPtr,
    ushort ParentVtxindex,
    Hash256 NewSeed,
    int MempoolTransactions);

/// <summary>
/// Builds the next Stacks block on the canonical Stacks tip for the burn block after the
/// sortition tip: the coinbase signed with the miner's Stacks key, then mempool transactions by
/// fee rate (each sender's in nonce order) that apply cleanly, the VRF proof over the sortition
/// tip's hash, and the state root the chain computes for it. It only reads the stores.
/// </summary>
public sealed class BlockAssembler
{
    /// <summary>The block-size ceiling (2 MiB) minus room for the header and coinbase.</summary>
    public const int MaxBlockBytes = (2 * 1024 * 1024) - 4096;

    private readonly ChainCoordinator _chain;
    private readonly Mempool? _mempool;
    private readonly SortitionStore _sortitions;
    private readonly SortitionStoreView _view;
    private readonly StacksSigner _signer = new(Secp256k1.Default);
    private readonly int _maxTransactions;

    public BlockAssembler(ChainCoordinator chain, Mempool? mempool, SortitionStore sortitions, SortitionStoreView view, int maxTransactions)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(sortitions);
        ArgumentNullException.ThrowIfNull(view);
        _chain = chain;
        _mempool = mempool;
        _sortitions = sortitions;
        _view = view;
        _maxTransactions = maxTransactions;
    }

    /// <summary>Assembles the block for burn height <paramref name="tip"/> + 1, or says why it cannot.</summary>
    public bool TryAssemble(SortitionSnapshot tip, VrfPrivateKey vrfKey, StacksPrivateKey minerKey, out AssembledBlock? assembled, out string error)
    {
        ArgumentNullException.ThrowIfNull(tip);
        ArgumentNullException.ThrowIfNull(vrfKey);
        ArgumentNullException.ThrowIfNull(minerKey);
        assembled = null;
        var parameters = _chain.Parameters;
        var height = tip.BurnHeight + 1;
        var parent = _chain.Tip;
        uint parentPtr = 0;
        ushort parentVtx = 0;
        ulong parentBurn = 0;
        if (!parent.IsGenesis)
        {
            var parentSnapshot = _sortitions.GetSnapshotByConsensusHash(parent.ConsensusHash);
            var winner = parentSnapshot is null ? null : _sortitions.GetCommits(parentSnapshot.SortitionId).FirstOrDefault(c => c.Won);
            if (parentSnapshot is null || winner is null)
            {
                error = $"the Stacks tip {parent.Id} has no winning commit on the canonical sortition fork";
                return false;
            }

            parentPtr = checked((uint)winner.Op.BlockHeight);
            parentVtx = checked((ushort)winner.Op.Vtxindex);
            parentBurn = parentSnapshot.TotalBurn;
        }

        var proof = EcVrf.Prove(vrfKey, tip.SortitionHash.Hash.ToArray());
        var condition = _signer.SingleSigCondition(minerKey, 0, 0);
        var minerAddress = condition.Address(parameters.TransactionVersion);
        var nonce = _chain.State.GetAccountAt(parent.Id, new StandardPrincipal(minerAddress))?.Nonce ?? 0;
        var coinbase = _signer.SignOrigin(
            new StacksTransaction(
                parameters.TransactionVersion, parameters.ChainId,
                new TransactionAuth(_signer.SingleSigCondition(minerKey, nonce, 0), null),
                AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null)),
            minerKey);

        // Coinbases of burn blocks without a winner since the last sortition go to this block.
        ulong missed = 0;
        for (var s = tip; !s.IsFirst && !s.Sortition; s = _sortitions.GetSnapshot(s.ParentSortitionId)!)
        {
            missed++;
        }

        var facts = new SortitionFacts(default, height, default, vrfKey.PublicKey, tip.SortitionHash.Hash, parent.ConsensusHash, 0, missed);
        var ops = tip.IsFirst
            ? []
            : _view.GetBurnOperations(tip.ConsensusHash).Where(o => o.BurnHeight + SortitionStoreView.BurnOperationWindow > height).ToList();

        var candidates = OrderCandidates();
        while (true)
        {
            var txs = new List<StacksTransaction>(candidates.Count + 1) { coinbase };
            txs.AddRange(candidates.Select(c => c.Transaction));
            var header = new StacksBlockHeader(
                1, parentBurn, parent.Height + 1, proof,
                parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
                MerkleTree.TransactionRoot(txs.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
            var block = new StacksBlock(header, txs);
            if (_chain.TryComputeStateRoot(parent.Id, block, facts, ops, out var root, out var rejection))
            {
                block = block with { Header = header with { StateIndexRoot = new Hash256(root.ToArray()) } };
                assembled = new AssembledBlock(block, parent, parentPtr, parentVtx, proof.Seed, candidates.Count);
                error = string.Empty;
                return true;
            }

            // Drop the offending mempool transaction and its sender's later ones; a block that
            // fails without naming one (or on the coinbase) cannot be built.
            if (rejection.TransactionIndex is not { } index || index < 1 || index > candidates.Count)
            {
                error = "the block does not apply: " + rejection;
                return false;
            }

            var bad = candidates[index - 1];
            candidates = [.. candidates.Where(c => !(c.Sender == bad.Sender && c.Nonce >= bad.Nonce))];
        }
    }

    /// <summary>
    /// Mempool entries by fee rate, each sender's chain in nonce order: repeatedly take the
    /// sender whose next transaction pays the best rate, within the count and size limits.
    /// </summary>
    private List<MempoolEntry> OrderCandidates()
    {
        var result = new List<MempoolEntry>();
        if (_mempool is null || _maxTransactions == 0)
        {
            return result;
        }

        var queues = _mempool.Snapshot()
            .GroupBy(e => e.Sender)
            .Select(g => new Queue<MempoolEntry>(g.OrderBy(e => e.Nonce)))
            .ToList();
        var bytes = 0;
        while (result.Count < _maxTransactions && queues.Count > 0)
        {
            var best = queues[0];
            foreach (var q in queues)
            {
                var c = q.Peek().CompareFeeRate(best.Peek());
                if (c > 0 || (c == 0 && string.CompareOrdinal(q.Peek().Txid.Hash.ToHex(), best.Peek().Txid.Hash.ToHex()) < 0))
                {
                    best = q;
                }
            }

            var entry = best.Dequeue();
            if (best.Count == 0)
            {
                queues.Remove(best);
            }

            if (bytes + entry.Length > MaxBlockBytes)
            {
                queues.Remove(best);
                continue;
            }

            bytes += entry.Length;
            result.Add(entry);
        }

        return result;
    }
}
