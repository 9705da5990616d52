using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Chain;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;

namespace Blockstack.Bns.Tests;

/// <summary>An in-memory sortition layer: winners registered by the test.</summary>
internal sealed class TestSortitions : ISortitionView
{
    public Dictionary<ConsensusHash, SortitionFacts> Sortitions { get; } = [];

    public HashSet<ConsensusHash> NonCanonical { get; } = [];

    public SortitionFacts? GetSortition(ConsensusHash consensusHash) => Sortitions.GetValueOrDefault(consensusHash);

    public bool IsCanonical(ConsensusHash consensusHash) => !NonCanonical.Contains(consensusHash);

    public IReadOnlyList<BurnStxOperation> GetBurnOperations(ConsensusHash consensusHash) => [];
}

/// <summary>A test key with its testnet address.</summary>
internal sealed record ChainKey(StacksPrivateKey Key, StacksAddress Address)
{
    public StandardPrincipal Principal => new(Address);

    public static ChainKey FromSeed(int seed)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(28), seed + 1);
        bytes[0] = 0x22;
        var key = new StacksPrivateKey(bytes, compressed: true);
        var cond = BnsTestChain.Signer.SingleSigCondition(key, 0, 0);
        return new ChainKey(key, cond.Address(TransactionVersion.Testnet));
    }
}

/// <summary>
/// A regtest chain with the native <c>bns</c> contract: a coordinator over a store, a fake sortition
/// layer, signed contract-call transactions and a block builder that computes the state root.
/// </summary>
internal sealed class BnsTestChain : IDisposable
{
    public static readonly StacksSigner Signer = new(BouncySecp256k1.Instance);
    private static readonly VrfPrivateKey VrfKey = new(Enumerable.Repeat((byte)7, 32).ToArray());
    private readonly Dictionary<StacksAddress, ulong> _nonces = [];
    private int _counter;

    public BnsTestChain(IReadOnlyList<ulong>? balances = null, IKeyValueStore<ChainColumn>? store = null)
    {
        balances ??= [100_000_000_000_000, 100_000_000_000_000, 100_000_000_000_000, 100_000_000_000_000];
        Keys = [.. balances.Select((_, i) => ChainKey.FromSeed(i))];
        Miner = ChainKey.FromSeed(1000);
        Parameters = ChainParameters.Regtest with
        {
            GenesisBalances = [.. Keys.Select((k, i) => new GenesisBalance(k.Address, balances[i]))],
        };
        Store = store ?? new MemoryStore<ChainColumn>();
        ChainStore = new ChainStore(Store);
        Contracts = NativeContractRegistry.WithPox(Parameters, new BnsNativeContract());
        Coordinator = new ChainCoordinator(ChainStore, Parameters, Sortitions, Contracts);
    }

    public List<ChainKey> Keys { get; }

    public ChainKey Miner { get; }

    public ChainParameters Parameters { get; }

    public IKeyValueStore<ChainColumn> Store { get; }

    public ChainStore ChainStore { get; }

    public NativeContractRegistry Contracts { get; }

    public TestSortitions Sortitions { get; } = new();

    public ChainCoordinator Coordinator { get; }

    public BlockRecord Tip => Coordinator.Tip;

    public ulong NonceAt(StacksBlockId block, StacksAddress address) =>
        Coordinator.State.GetAccountAt(block, new StandardPrincipal(address))!.Value.Nonce;

    /// <summary>A signed call to the boot <c>bns</c> contract with the sender's nonce at <paramref name="parent"/> (default: tip) plus <paramref name="offset"/>.</summary>
    public StacksTransaction Call(ChainKey from, string function, IReadOnlyList<ClarityValue> args, ulong offset = 0, ulong fee = 0, BlockRecord? parent = null)
    {
        var nonce = NonceAt((parent ?? Tip).Id, from.Address) + offset;
        var tx = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(from.Key, nonce, fee), null),
            AnchorMode.Any, PostConditionMode.Allow, [], new ContractCallPayload(Parameters.BootAddress, BnsNativeContract.ContractName, function, args));
        return Signer.SignOrigin(tx, from.Key);
    }

    private StacksTransaction Coinbase(ulong nonce)
    {
        var tx = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(Miner.Key, nonce, 0), null),
            AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
        return Signer.SignOrigin(tx, Miner.Key);
    }

    /// <summary>Builds a block on <paramref name="parent"/> (default: tip); null with the rejection when it does not apply.</summary>
    public (StacksBlock Block, ConsensusHash ConsensusHash)? TryBuild(IReadOnlyList<StacksTransaction>? txs, BlockRecord? parent, out ChainRejection rejection)
    {
        parent ??= Tip;
        var burnHeight = (ulong)++_counter;
        var all = new List<StacksTransaction> { Coinbase(NonceAt(parent.Id, Miner.Address)) };
        all.AddRange(txs ?? []);
        var seed = Hash256Of(_counter, 0xAA);
        var ch = new ConsensusHash(new Hash160(Hash256Of(_counter, 0xCC).ToArray().AsSpan(0, 20)));
        var parentSortition = parent.IsGenesis ? null : Sortitions.GetSortition(parent.ConsensusHash);
        var header = new StacksBlockHeader(
            1, parentSortition?.TotalBurn ?? 0, parent.Height + 1, EcVrf.Prove(VrfKey, seed.ToArray()),
            parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
            MerkleTree.TransactionRoot(all.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
        var facts = new SortitionFacts(ch, burnHeight, default, VrfKey.PublicKey, seed, parent.ConsensusHash, burnHeight * 1000, 0);
        var block = new StacksBlock(header, all);
        if (!Coordinator.TryComputeStateRoot(parent.Id, block, facts, [], out var root, out rejection))
        {
            return null;
        }

        block = block with { Header = header with { StateIndexRoot = new Hash256(root.ToArray()) } };
        Sortitions.Sortitions[ch] = facts with { WinningBlockHash = block.BlockHash };
        return (block, ch);
    }

    /// <summary>Builds and processes a block; asserts acceptance.</summary>
    public BlockOutcome Mine(IReadOnlyList<StacksTransaction>? txs = null, BlockRecord? parent = null)
    {
        var built = TryBuild(txs, parent, out var why) ?? throw new InvalidOperationException("test block does not apply: " + why);
        var outcome = Coordinator.ProcessBlock(built.Block, built.ConsensusHash);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.ToString());
        return outcome;
    }

    /// <summary>Mines one block with one call and returns its receipt.</summary>
    public TransactionReceipt Tx(ChainKey from, string function, params ClarityValue[] args)
    {
        var tx = Call(from, function, args);
        var outcome = Mine([tx]);
        return outcome.Receipts.Single(r => r.Txid == tx.Txid);
    }

    public static Hash256 Hash256Of(int n, byte tag)
    {
        var b = new byte[32];
        b[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(28), n);
        return new Hash256(Hashes.Sha512t256(b));
    }

    public void Dispose() => Store.Dispose();
}
