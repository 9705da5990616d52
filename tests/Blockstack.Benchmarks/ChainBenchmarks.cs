using BenchmarkDotNet.Attributes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Chain;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;
using Blockstack.Storage.Trie;

namespace Blockstack.Benchmarks;

/// <summary>
/// Applying a block of 500 STX transfers between 1,000 funded accounts (in memory), with and without
/// signature verification: transfers per second = 500 / mean time. The state-root cost is the trie
/// Apply of the block's writes alone.
/// </summary>
[MemoryDiagnoser]
public class ChainBenchmarks : IDisposable
{
    private const int Transfers = 500;
    private ChainParameters _parameters = null!;
    private NativeContractRegistry _contracts = null!;
    private MemoryStore<ChainColumn> _store = null!;
    private ChainStore _chain = null!;
    private BlockRecord _genesis = null!;
    private SortitionFacts _facts = null!;
    private StacksBlock _block = null!;
    private List<KeyValuePair<byte[], byte[]?>> _writes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var signer = new StacksSigner(BouncySecp256k1.Instance);
        var keys = Enumerable.Range(1, 1000).Select(i =>
        {
            var b = new byte[32];
            b[0] = 0x22;
            b[31] = (byte)i;
            b[30] = (byte)(i >> 8);
            var k = new StacksPrivateKey(b, true);
            return (Key: k, Address: signer.SingleSigCondition(k, 0, 0).Address(TransactionVersion.Testnet));
        }).ToList();
        _parameters = ChainParameters.Regtest with { GenesisBalances = keys.Select(k => new GenesisBalance(k.Address, 1_000_000_000)).ToList() };
        _contracts = NativeContractRegistry.WithPox(_parameters);
        _store = new MemoryStore<ChainColumn>();
        _chain = new ChainStore(_store);
        var coordinator = new ChainCoordinator(_chain, _parameters, new NoSortitions(), _contracts);
        _genesis = coordinator.Tip;
        var txs = new List<StacksTransaction>();
        var miner = keys[0];
        var cb = new StacksTransaction(TransactionVersion.Testnet, _parameters.ChainId, new TransactionAuth(signer.SingleSigCondition(miner.Key, 0, 0), null), AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
        txs.Add(signer.SignOrigin(cb, miner.Key));
        for (var i = 1; i <= Transfers; i++)
        {
            var tx = new StacksTransaction(TransactionVersion.Testnet, _parameters.ChainId, new TransactionAuth(signer.SingleSigCondition(keys[i].Key, 0, 200), null), AnchorMode.Any, PostConditionMode.Allow, [], new TokenTransferPayload(new StandardPrincipal(keys[((i * 7) + 1) % 1000].Address), 1000, new byte[34]));
            txs.Add(signer.SignOrigin(tx, keys[i].Key));
        }

        _block = new StacksBlock(new StacksBlockHeader(1, 0, 1, EcVrf.Prove(new VrfPrivateKey(new byte[32]), new byte[32]), default, Hash256.Zero, 0, Hash256.Zero, Hash256.Zero, Hash160.Zero), txs);
        _facts = new SortitionFacts(default, 1, default, new VrfPrivateKey(new byte[32]).PublicKey, Hash256.Zero, default, 0, 0);
        var view = new StateView(_chain.Trie, _store, _genesis.StateRoot);
        var env = new BlockEnvironment(_parameters, _contracts, 1, 1, VerifySignatures: false);
        for (var i = 0; i < txs.Count; i++)
        {
            TransactionProcessor.TryApply(view, env, txs[i], i, out _, out _);
        }

        _writes = view.Writes.ToList();
    }

    [Benchmark]
    public TrieRoot ApplyBlockWithSignatures() => Apply(verify: true);

    [Benchmark]
    public TrieRoot ApplyBlockNoSignatures() => Apply(verify: false);

    [Benchmark]
    public TrieRoot StateRootOfBlockWrites()
    {
        using var batch = _store.CreateBatch();
        return _chain.Trie.Apply(_store, _genesis.StateRoot, _writes, batch);
    }

    private TrieRoot Apply(bool verify)
    {
        using var batch = _store.CreateBatch();
        var env = new BlockEnvironment(_parameters, _contracts, 1, 1, verify);
        if (!BlockProcessor.TryApply(_chain.Trie, _store, batch, env, _genesis, _facts, _block, [], checkStateRoot: false, out var app, out var why))
        {
            throw new InvalidOperationException(why.ToString());
        }

        return app!.StateRoot;
    }

    public void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class NoSortitions : ISortitionView
    {
        public SortitionFacts? GetSortition(ConsensusHash consensusHash) => null;

        public bool IsCanonical(ConsensusHash consensusHash) => true;

        public IReadOnlyList<BurnStxOperation> GetBurnOperations(ConsensusHash consensusHash) => [];
    }
}
