using System.Security.Cryptography;
using System.Text;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Pox;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;

namespace Blockstack.Chain.Tests;

/// <summary>
/// The chain wired to the real sortition layer: synthetic burn blocks (as the watcher would deliver
/// them) go into a <see cref="BurnchainIndex"/> and a <see cref="SortitionStore"/> whose reward sets
/// come from the chain (<see cref="ChainRewardSetProvider"/>); the coordinator reads sortitions
/// through <see cref="SortitionStoreView"/>. One miner registers a VRF key at burn height 1 and then,
/// per tenure, builds a Stacks block on the chain tip, commits its hash in the next burn block
/// (paying the expected recipients, or burning) and proves VRF over the tip's sortition hash.
/// </summary>
internal sealed class PoxHarness : IDisposable
{
    public static readonly PoxAddress BurnAddress = PoxAddress.Legacy(false, false, Hash160Bytes.Zero);
    private readonly VrfPrivateKey _vrf = new(SHA256.HashData("pox-harness-miner"u8));
    private readonly List<(ulong Height, Txid Txid, bool Single)> _history = [];
    private (ulong Height, uint Vtxindex) _keyPtr;

    public PoxHarness(IReadOnlyList<GenesisBalance> genesis, IKeyValueStore<ChainColumn>? store = null)
    {
        Miner = TestKey.FromSeed(1000);
        Parameters = ChainParameters.Regtest with { GenesisBalances = genesis };
        ChainStore = new ChainStore(store ?? new MemoryStore<ChainColumn>());
        Contracts = NativeContractRegistry.WithPox(Parameters);
        Sortitions = SortitionStore.InMemory(Pox, new ChainRewardSetProvider(ChainStore, Parameters, Contracts));
        View = new SortitionStoreView(Sortitions, Index);
        Coordinator = new ChainCoordinator(ChainStore, Parameters, View, Contracts);
    }

    public static PoxParameters Pox { get; } = PoxParameters.For(BurnchainParameters.Regtest());

    public TestKey Miner { get; }

    public ChainParameters Parameters { get; }

    public ChainStore ChainStore { get; }

    public NativeContractRegistry Contracts { get; }

    public BurnchainIndex Index { get; } = BurnchainIndex.InMemory();

    public SortitionStore Sortitions { get; }

    public SortitionStoreView View { get; }

    public ChainCoordinator Coordinator { get; }

    /// <summary>Burn height the next burn block gets.</summary>
    public ulong NextBurnHeight => Sortitions.Tip is { } tip ? tip.BurnHeight + 1 : Pox.FirstBlockHeight;

    /// <summary>Commit outputs of each burn block with a commit, by height.</summary>
    public Dictionary<ulong, IReadOnlyList<PoxAddress>> CommitOutputs { get; } = [];

    public static Hash256 H(params object[] parts) => new(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('/', parts))));

    /// <summary>Applies a burn block with <paramref name="ops"/> (built for its height and hash) to the index and the sortition store.</summary>
    public SortitionResult BurnBlock(Func<ulong, BlockHash, IEnumerable<BurnOperation>>? ops = null)
    {
        var height = NextBurnHeight;
        var hash = new BlockHash(H("burn", height));
        var header = new BurnBlockHeader(height, hash, Sortitions.Tip?.BurnHeaderHash ?? default, (uint)(1_600_000_000 + height));
        var list = ops is null ? [] : ops(height, hash).Select(o => new BurnOperationRef(o)).ToList();
        var block = new BurnBlock(header, new ValueList<BurnOperationRef>(list));
        Index.Apply(block);
        return Sortitions.Apply(block);
    }

    /// <summary>Burn blocks 0 (first) and 1 (the miner's key).</summary>
    public void Start()
    {
        BurnBlock();
        var key = VrfPublicKeyBytes.FromHex(_vrf.PublicKey.ToHex());
        BurnBlock((height, hash) =>
        {
            _keyPtr = (height, 1);
            return [new LeaderKeyRegisterOp(default, key, ByteString.Empty, new Txid(H("key", height)), 1, height, hash)];
        });
    }

    /// <summary>One tenure: a Stacks block with a coinbase and <paramref name="txs"/> on the chain tip, committed in the next burn block, then processed.</summary>
    public BlockOutcome Mine(IReadOnlyList<StacksTransaction>? txs = null)
    {
        var (block, commit) = Build(txs);
        var result = BurnBlock((height, hash) => [commit(height, hash)]);
        Assert.True(result.Snapshot.Sortition, $"no sortition at burn height {result.Snapshot.BurnHeight}");
        Assert.Equal(block.BlockHash, result.Snapshot.WinningBlockHash);
        var outcome = Coordinator.ProcessBlock(block, result.Snapshot.ConsensusHash);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.ToString());
        return outcome;
    }

    /// <summary>
    /// The next tenure's Stacks block (state root computed as if elected at the next burn height)
    /// and its commit; throws when the block does not apply.
    /// </summary>
    public (StacksBlock Block, Func<ulong, BlockHash, LeaderBlockCommitOp> Commit) Build(IReadOnlyList<StacksTransaction>? txs = null)
    {
        var tip = Sortitions.Tip!;
        var height = tip.BurnHeight + 1;
        var parent = Coordinator.Tip;
        var parentFacts = parent.IsGenesis ? null : View.GetSortition(parent.ConsensusHash);
        var proof = EcVrf.Prove(_vrf, tip.SortitionHash.Hash.ToArray());
        var coinbase = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(TestChain.Signer.SingleSigCondition(Miner.Key, Coordinator.State.GetAccount(Miner.Address).Nonce, 0), null),
            AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
        var all = new List<StacksTransaction> { TestChain.Signer.SignOrigin(coinbase, Miner.Key) };
        all.AddRange(txs ?? []);
        var header = new StacksBlockHeader(
            1, parentFacts?.TotalBurn ?? 0, parent.Height + 1, proof,
            parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
            MerkleTree.TransactionRoot(all.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
        var block = new StacksBlock(header, all);

        // The facts the coming sortition will have, as far as the state root depends on them.
        ulong missed = 0;
        for (var s = tip; !s.IsFirst && !s.Sortition; s = Sortitions.GetSnapshot(s.ParentSortitionId)!)
        {
            missed++;
        }

        var facts = new SortitionFacts(default, height, default, _vrf.PublicKey, tip.SortitionHash.Hash, parent.ConsensusHash, 0, missed);
        var ops = tip.IsFirst ? [] : View.GetBurnOperations(tip.ConsensusHash).Where(o => o.BurnHeight + SortitionStoreView.BurnOperationWindow > height).ToList();
        if (!Coordinator.TryComputeStateRoot(parent.Id, block, facts, ops, out var root, out var why))
        {
            throw new InvalidOperationException("block does not apply: " + why);
        }

        block = block with { Header = header with { StateIndexRoot = new Hash256(root.ToArray()) } };
        var (parentPtr, parentVtx) = parent.IsGenesis ? (0u, (ushort)0) : ((uint)parent.BurnHeight, (ushort)1);
        var recipients = Sortitions.GetNextBlockRecipients();
        return (block, (h, hash) => Commit(block.BlockHash, proof, parentPtr, parentVtx, recipients, h, hash));
    }

    private LeaderBlockCommitOp Commit(StacksBlockHash blockHash, VrfProof proof, uint parentPtr, ushort parentVtx, RecipientInfo? recipients, ulong height, BlockHash hash)
    {
        List<PoxAddress> outs = Pox.IsInPreparePhase(height) ? [BurnAddress]
            : recipients is null ? [BurnAddress, BurnAddress]
            : [.. recipients.Recipients.Select(r => r.Address)];
        if (outs.Count == 1 && !Pox.IsInPreparePhase(height))
        {
            outs.Add(BurnAddress);
        }

        CommitOutputs[height] = outs;
        var txid = new Txid(H("commit", height));
        var input = _history.Count == 0
            ? new OutPoint(new Txid(H("fund")), 0)
            : new OutPoint(_history[^1].Txid, _history[^1].Single ? 2u : 3u);
        _history.Add((height, txid, outs.Count == 1));
        return new LeaderBlockCommitOp(
            blockHash.Hash, proof.Seed, parentPtr, parentVtx, (uint)_keyPtr.Height, (ushort)_keyPtr.Vtxindex,
            6, (byte)((height - 1) % 5), 10_000, 0, new ValueList<PoxAddress>(outs), input, null, txid, 1, height, hash);
    }

    public void Dispose()
    {
        Sortitions.Dispose();
        Index.Dispose();
        ChainStore.Store.Dispose();
    }
}
