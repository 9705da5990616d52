using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;

namespace Blockstack.Chain.Tests;

/// <summary>An in-memory sortition layer: winners registered by the test.</summary>
internal sealed class FakeSortitions : ISortitionView
{
    public Dictionary<ConsensusHash, SortitionFacts> Sortitions { get; } = [];

    public HashSet<ConsensusHash> NonCanonical { get; } = [];

    public Dictionary<ConsensusHash, List<BurnStxOperation>> Ops { get; } = [];

    public SortitionFacts? GetSortition(ConsensusHash consensusHash) => Sortitions.GetValueOrDefault(consensusHash);

    public bool IsCanonical(ConsensusHash consensusHash) => !NonCanonical.Contains(consensusHash);

    public IReadOnlyList<BurnStxOperation> GetBurnOperations(ConsensusHash consensusHash) => Ops.TryGetValue(consensusHash, out var l) ? l : [];
}

/// <summary>A test key with its testnet address.</summary>
internal sealed record TestKey(StacksPrivateKey Key, StacksAddress Address)
{
    public StandardPrincipal Principal => new(Address);

    public static TestKey FromSeed(int seed)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(28), seed + 1);
        bytes[0] = 0x11;
        var key = new StacksPrivateKey(bytes, compressed: true);
        var signer = new StacksSigner(BouncySecp256k1.Instance);
        var cond = signer.SingleSigCondition(key, 0, 0);
        return new TestKey(key, cond.Address(TransactionVersion.Testnet));
    }
}

/// <summary>
/// A chain under test: a coordinator over a store, a fake sortition layer, and a block builder that
/// computes the state root, commits the block hash in a new sortition and proves the VRF.
/// </summary>
internal sealed class TestChain : IDisposable
{
    public static readonly StacksSigner Signer = new(BouncySecp256k1.Instance);
    private static readonly VrfPrivateKey VrfKey = new(Enumerable.Repeat((byte)7, 32).ToArray());
    private int _counter;

    public TestChain(IKeyValueStore<ChainColumn>? store = null, ChainParameters? parameters = null, int accounts = 4, ulong balance = 1_000_000_000_000)
    {
        Keys = Enumerable.Range(0, accounts).Select(TestKey.FromSeed).ToList();
        Miner = TestKey.FromSeed(1000);
        Parameters = parameters ?? ChainParameters.Regtest with
        {
            GenesisBalances = Keys.Select(k => new GenesisBalance(k.Address, balance)).ToList(),
        };
        Store = store ?? new MemoryStore<ChainColumn>();
        ChainStore = new ChainStore(Store);
        Contracts = NativeContractRegistry.WithPox(Parameters);
        Coordinator = new ChainCoordinator(ChainStore, Parameters, Sortitions, Contracts);
    }

    public List<TestKey> Keys { get; }

    public TestKey Miner { get; }

    public ChainParameters Parameters { get; }

    public IKeyValueStore<ChainColumn> Store { get; }

    public ChainStore ChainStore { get; }

    public NativeContractRegistry Contracts { get; }

    public FakeSortitions Sortitions { get; } = new();

    public ChainCoordinator Coordinator { get; set; }

    public ulong NextBurnHeight { get; set; } = 1;

    public BlockRecord Tip => Coordinator.Tip;

    public ulong NonceAt(StacksBlockId block, TestKey key) => Coordinator.State.GetAccountAt(block, key.Principal)!.Value.Nonce;

    public StacksTransaction Transfer(TestKey from, StacksAddress to, ulong amount, ulong nonce, ulong fee = 1000, PostConditionMode mode = PostConditionMode.Allow)
    {
        var tx = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(from.Key, nonce, fee), null),
            AnchorMode.Any, mode, [], new TokenTransferPayload(new StandardPrincipal(to), amount, new byte[34]));
        return Signer.SignOrigin(tx, from.Key);
    }

    public StacksTransaction Call(TestKey from, string contract, string function, IReadOnlyList<ClarityValue> args, ulong nonce, ulong fee = 1000, IReadOnlyList<PostCondition>? postConditions = null, PostConditionMode mode = PostConditionMode.Allow)
    {
        var tx = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(from.Key, nonce, fee), null),
            AnchorMode.Any, mode, postConditions ?? [], new ContractCallPayload(Parameters.BootAddress, contract, function, args));
        return Signer.SignOrigin(tx, from.Key);
    }

    public StacksTransaction Coinbase(ulong nonce, TestKey? miner = null)
    {
        miner ??= Miner;
        var tx = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(miner.Key, nonce, 0), null),
            AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
        return Signer.SignOrigin(tx, miner.Key);
    }

    /// <summary>
    /// Builds a valid block on <paramref name="parent"/> (default: the tip) holding a coinbase and
    /// <paramref name="txs"/>, and registers its winning sortition. Returns the block and its consensus hash.
    /// </summary>
    public (StacksBlock Block, ConsensusHash ConsensusHash) Build(IReadOnlyList<StacksTransaction>? txs = null, BlockRecord? parent = null, ulong missed = 0, List<BurnStxOperation>? ops = null, Func<StacksBlock, StacksBlock>? tamper = null)
    {
        parent ??= Tip;
        var burnHeight = NextBurnHeight++;
        var coinbase = Coinbase(NonceAt(parent.Id, Miner));
        var all = new List<StacksTransaction> { coinbase };
        all.AddRange(txs ?? []);
        var seed = Hash256Of(++_counter, 0xAA);
        var ch = new ConsensusHash(new Hash160(Hash256Of(_counter, 0xCC).ToArray().AsSpan(0, 20)));
        var parentSortition = parent.IsGenesis ? null : Sortitions.GetSortition(parent.ConsensusHash);
        var header = new StacksBlockHeader(
            1, parentSortition?.TotalBurn ?? 0, parent.Height + 1, EcVrf.Prove(VrfKey, seed.ToArray()),
            parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
            MerkleTree.TransactionRoot(all.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
        var facts = new SortitionFacts(ch, burnHeight, default, VrfKey.PublicKey, seed, parent.ConsensusHash, burnHeight * 1000, missed);
        var block = new StacksBlock(header, all);
        var opList = ops ?? [];
        if (!Coordinator.TryComputeStateRoot(parent.Id, block, facts, opList, out var root, out var why))
        {
            throw new InvalidOperationException("test block does not apply: " + why);
        }

        block = block with { Header = header with { StateIndexRoot = new Hash256(root.ToArray()) } };
        if (tamper is not null)
        {
            block = tamper(block);
        }

        Sortitions.Sortitions[ch] = facts with { WinningBlockHash = block.BlockHash };
        Sortitions.Ops[ch] = opList;
        return (block, ch);
    }

    /// <summary>Builds and processes a block; asserts acceptance.</summary>
    public BlockOutcome Mine(IReadOnlyList<StacksTransaction>? txs = null, BlockRecord? parent = null, ulong missed = 0, List<BurnStxOperation>? ops = null)
    {
        var (block, ch) = Build(txs, parent, missed, ops);
        var outcome = Coordinator.ProcessBlock(block, ch);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.ToString());
        return outcome;
    }

    public TrieRootSnapshot Roots() => new(ChainStore.AllBlocks(Store).OrderBy(b => b.Sequence).Select(b => (b.Id, b.StateRoot.ToString())).ToList());

    /// <summary>Σ balances (unlocked + locked) + immature rewards, and the supply record, at a block.</summary>
    public (UInt128 Held, UInt128 Liquid) Conservation(StacksBlockId block) =>
        Coordinator.State.WithState(block, view =>
        {
            UInt128 held = 0;
            foreach (var (key, value) in ChainStore.Trie.Enumerate(Store, view.Root))
            {
                if (key[0] == StateKeys.AccountPrefix)
                {
                    held += Account.Decode(value).Total;
                }
                else if (key[0] == StateKeys.MaturingRewardPrefix)
                {
                    held += BlockProcessor.DecodeReward(value).Amount;
                }
            }

            return (held, view.GetSupply().Liquid);
        });

    public static Hash256 Hash256Of(int n, byte tag)
    {
        var b = new byte[32];
        b[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(28), n);
        return new Hash256(Hashes.Sha512t256(b));
    }

    public void Dispose() => Store.Dispose();
}

internal sealed record TrieRootSnapshot(IReadOnlyList<(StacksBlockId Id, string Root)> Roots);
