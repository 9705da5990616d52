using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;

namespace Blockstack.Chain.CrashHelper;

/// <summary>One block of the deterministic chain with what an uninterrupted run records for it.</summary>
public sealed record CrashStep(StacksBlock Block, SortitionFacts Facts, StacksBlockId Id, string StateRoot, IReadOnlyList<StacksTxid> Txids);

/// <summary>
/// A deterministic chain (same blocks in every process): <see cref="Accounts"/> funded at genesis,
/// each block a coinbase and <see cref="TransfersPerBlock"/> transfers between them. It is also the
/// sortition view the coordinator needs (every block wins its own sortition).
/// </summary>
public sealed class CrashChain : ISortitionView
{
    public const int Accounts = 16;
    public const int TransfersPerBlock = 4;
    private static readonly StacksSigner Signer = new(BouncySecp256k1.Instance);
    private static readonly VrfPrivateKey Vrf = new(Enumerable.Repeat((byte)9, 32).ToArray());
    private readonly Dictionary<ConsensusHash, SortitionFacts> _facts = [];

    private CrashChain(IReadOnlyList<StacksPrivateKey> keys, IReadOnlyList<StacksAddress> addresses)
    {
        Keys = keys;
        Addresses = addresses;
        Parameters = ChainParameters.Regtest with { GenesisBalances = addresses.Select(a => new GenesisBalance(a, 1_000_000_000_000)).ToList() };
    }

    public IReadOnlyList<StacksPrivateKey> Keys { get; }

    public IReadOnlyList<StacksAddress> Addresses { get; }

    public ChainParameters Parameters { get; }

    public List<CrashStep> Steps { get; } = [];

    public NativeContractRegistry Contracts() => NativeContractRegistry.WithPox(Parameters);

    public SortitionFacts? GetSortition(ConsensusHash consensusHash) => _facts.GetValueOrDefault(consensusHash);

    public bool IsCanonical(ConsensusHash consensusHash) => true;

    public IReadOnlyList<BurnStxOperation> GetBurnOperations(ConsensusHash consensusHash) => [];

    /// <summary>Builds <paramref name="blocks"/> blocks by applying them to an in-memory store.</summary>
    public static CrashChain Build(int blocks)
    {
        var keys = Enumerable.Range(0, Accounts + 1).Select(i => new StacksPrivateKey(Bytes(i, 0x11), compressed: true)).ToList();
        var addresses = keys.Select(k => Signer.SingleSigCondition(k, 0, 0).Address(TransactionVersion.Testnet)).ToList();
        var chain = new CrashChain(keys, addresses.Take(Accounts).ToList());
        using var memory = new MemoryStore<ChainColumn>();
        var coordinator = new ChainCoordinator(new ChainStore(memory), chain.Parameters, chain, chain.Contracts());
        var minerKey = keys[Accounts];
        for (var n = 0; n < blocks; n++)
        {
            var parent = coordinator.Tip;
            var state = coordinator.State;
            var txs = new List<StacksTransaction> { Sign(chain, minerKey, state.GetAccount(addresses[Accounts]).Nonce, 0, new CoinbasePayload(Hash256.Zero, null), AnchorMode.OnChainOnly) };
            for (var t = 0; t < TransfersPerBlock; t++)
            {
                var from = ((n * TransfersPerBlock) + t) % Accounts;
                var to = (from + 1 + (n % (Accounts - 1))) % Accounts;
                txs.Add(Sign(chain, keys[from], state.GetAccount(addresses[from]).Nonce, 1000, new TokenTransferPayload(new StandardPrincipal(addresses[to]), (ulong)(1000 + n), new byte[34]), AnchorMode.Any));
            }

            var seed = new Hash256(Bytes(n, 0xAA));
            var ch = new ConsensusHash(new Hash160(Bytes(n, 0xCC).AsSpan(0, 20)));
            var parentFacts = parent.IsGenesis ? null : chain.GetSortition(parent.ConsensusHash);
            var header = new StacksBlockHeader(
                1, parentFacts?.TotalBurn ?? 0, parent.Height + 1, EcVrf.Prove(Vrf, seed.ToArray()),
                parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
                MerkleTree.TransactionRoot(txs.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
            var facts = new SortitionFacts(ch, (ulong)n + 1, default, Vrf.PublicKey, seed, parent.ConsensusHash, ((ulong)n + 1) * 1000, 0);
            var block = new StacksBlock(header, txs);
            if (!coordinator.TryComputeStateRoot(parent.Id, block, facts, [], out var root, out var why))
            {
                throw new InvalidOperationException($"block {n} does not apply: {why}");
            }

            block = block with { Header = header with { StateIndexRoot = new Hash256(root.ToArray()) } };
            facts = facts with { WinningBlockHash = block.BlockHash };
            chain._facts[ch] = facts;
            var outcome = coordinator.ProcessBlock(block, ch);
            if (!outcome.IsAccepted)
            {
                throw new InvalidOperationException($"block {n} rejected: {outcome.Rejection}");
            }

            chain.Steps.Add(new CrashStep(block, facts, outcome.Block!.Id, outcome.Block.StateRoot.ToString(), txs.Select(t => t.Txid).ToList()));
        }

        return chain;
    }

    /// <summary>Applies the blocks after the store's tip; returns the final tip.</summary>
    public BlockRecord ApplyFromTip(ChainCoordinator coordinator, Action<int>? applied = null)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        for (var n = (int)coordinator.Tip.Height; n < Steps.Count; n++)
        {
            var outcome = coordinator.ProcessBlock(Steps[n].Block, Steps[n].Facts.ConsensusHash);
            if (!outcome.IsAccepted)
            {
                throw new InvalidOperationException($"block {n} rejected: {outcome.Rejection}");
            }

            applied?.Invoke(n);
        }

        return coordinator.Tip;
    }

    private static StacksTransaction Sign(CrashChain chain, StacksPrivateKey key, ulong nonce, ulong fee, TransactionPayload payload, AnchorMode mode)
    {
        var tx = new StacksTransaction(
            chain.Parameters.TransactionVersion, chain.Parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(key, nonce, fee), null),
            mode, PostConditionMode.Allow, [], payload);
        return Signer.SignOrigin(tx, key);
    }

    private static byte[] Bytes(int n, byte tag)
    {
        var b = new byte[32];
        b[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(28), n + 1);
        return Hashes.Sha512t256(b);
    }
}
