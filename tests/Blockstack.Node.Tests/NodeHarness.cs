using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Chain;
using Blockstack.Node.Runtime;
using Blockstack.Pox;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;

namespace Blockstack.Node.Tests;

/// <summary>A test key with its testnet address.</summary>
internal sealed record TestKey(StacksPrivateKey Key, StacksAddress Address)
{
    public static readonly StacksSigner Signer = new(BouncySecp256k1.Instance);

    public StandardPrincipal Principal => new(Address);

    public static TestKey FromSeed(int seed)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(28), seed + 1);
        bytes[0] = 0x22;
        var key = new StacksPrivateKey(bytes, compressed: true);
        return new TestKey(key, Signer.SingleSigCondition(key, 0, 0).Address(TransactionVersion.Testnet));
    }
}

/// <summary>
/// Real in-memory stores wired as the node wires them: synthetic burn blocks go into a
/// <see cref="BurnchainIndex"/> and a <see cref="SortitionStore"/> (reward sets from the chain); a
/// miner registers a VRF key, then each tenure builds a Stacks block on the tip, commits it in the
/// next burn block and the coordinator processes it. The mempool follows the tip.
/// </summary>
internal sealed class NodeHarness : IDisposable
{
    private static readonly PoxAddress BurnAddress = PoxAddress.Legacy(false, false, Hash160Bytes.Zero);
    private readonly VrfPrivateKey _vrf = new(SHA256.HashData("node-harness-miner"u8));
    private readonly List<(Txid Txid, bool Single)> _history = [];
    private (ulong Height, uint Vtxindex) _keyPtr;

    public NodeHarness()
    {
        Accounts = Enumerable.Range(0, 3).Select(TestKey.FromSeed).ToList();
        Miner = TestKey.FromSeed(1000);
        Parameters = ChainParameters.Regtest with { GenesisBalances = Accounts.Select(a => new GenesisBalance(a.Address, 1_000_000_000_000)).ToList() };
        ChainStore = new ChainStore(new MemoryStore<ChainColumn>());
        Contracts = NativeContractRegistry.WithPox(Parameters);
        Sortitions = SortitionStore.InMemory(Pox, new ChainRewardSetProvider(ChainStore, Parameters, Contracts));
        View = new SortitionStoreView(Sortitions, Index);
        Mempool = new Mempool(Parameters, Contracts);
        Coordinator = new ChainCoordinator(ChainStore, Parameters, View, Contracts) { Mempool = Mempool };
    }

    public static PoxParameters Pox { get; } = PoxParameters.For(BurnchainParameters.Regtest());

    public List<TestKey> Accounts { get; }

    public TestKey Miner { get; }

    public ChainParameters Parameters { get; }

    public ChainStore ChainStore { get; }

    public NativeContractRegistry Contracts { get; }

    public BurnchainIndex Index { get; } = BurnchainIndex.InMemory();

    public SortitionStore Sortitions { get; }

    public SortitionStoreView View { get; }

    public Mempool Mempool { get; }

    public ChainCoordinator Coordinator { get; }

    public ulong NextBurnHeight => Sortitions.Tip is { } tip ? tip.BurnHeight + 1 : Pox.FirstBlockHeight;

    public static Hash256 H(params object[] parts) => new(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('/', parts))));

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

    public StacksTransaction Transfer(TestKey from, StacksAddress to, ulong amount, ulong nonce, ulong fee = 1000)
    {
        var tx = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(TestKey.Signer.SingleSigCondition(from.Key, nonce, fee), null),
            AnchorMode.Any, PostConditionMode.Allow, [], new TokenTransferPayload(new StandardPrincipal(to), amount, new byte[34]));
        return TestKey.Signer.SignOrigin(tx, from.Key);
    }

    /// <summary>One tenure: a block with a coinbase and <paramref name="txs"/>, committed in the next burn block, then processed.</summary>
    public BlockOutcome Mine(IReadOnlyList<StacksTransaction>? txs = null)
    {
        var tip = Sortitions.Tip!;
        var height = tip.BurnHeight + 1;
        var parent = Coordinator.Tip;
        var parentFacts = parent.IsGenesis ? null : View.GetSortition(parent.ConsensusHash);
        var proof = EcVrf.Prove(_vrf, tip.SortitionHash.Hash.ToArray());
        var coinbase = new StacksTransaction(
            Parameters.TransactionVersion, Parameters.ChainId,
            new TransactionAuth(TestKey.Signer.SingleSigCondition(Miner.Key, Coordinator.State.GetAccount(Miner.Address).Nonce, 0), null),
            AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
        var all = new List<StacksTransaction> { TestKey.Signer.SignOrigin(coinbase, Miner.Key) };
        all.AddRange(txs ?? []);
        var header = new StacksBlockHeader(
            1, parentFacts?.TotalBurn ?? 0, parent.Height + 1, proof,
            parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
            MerkleTree.TransactionRoot(all.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
        var block = new StacksBlock(header, all);
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
        var result = BurnBlock((h, hash) => [Commit(block.BlockHash, proof, parentPtr, parentVtx, recipients, h, hash)]);
        Assert.True(result.Snapshot.Sortition, $"no sortition at burn height {result.Snapshot.BurnHeight}");
        var outcome = Coordinator.ProcessBlock(block, result.Snapshot.ConsensusHash);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.ToString());
        return outcome;
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

        var txid = new Txid(H("commit", height));
        var input = _history.Count == 0 ? new OutPoint(new Txid(H("fund")), 0) : new OutPoint(_history[^1].Txid, _history[^1].Single ? 2u : 3u);
        _history.Add((txid, outs.Count == 1));
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

/// <summary>An <see cref="INodeBackend"/> over the harness's real stores; sync and shutdown are set by the test.</summary>
internal sealed class TestBackend : INodeBackend
{
    private readonly NodeHarness _h;
    private readonly Lock _gate = new();
    private readonly List<Channel<BlockRecord>> _watchers = [];

    public TestBackend(NodeHarness harness)
    {
        _h = harness;
        _h.Coordinator.TipChanged += (_, change) =>
        {
            lock (_gate)
            {
                foreach (var w in _watchers)
                {
                    foreach (var b in change.Connected)
                    {
                        w.Writer.TryWrite(b);
                    }
                }
            }
        };
    }

    public bool Synced { get; set; } = true;

    public bool IsShuttingDown { get; set; }

    public Dictionary<StacksTxid, string> Dropped { get; } = [];

    public string Network => "regtest";

    public ChainParameters ChainParameters => _h.Parameters;

    public ChainState Chain => _h.Coordinator.State;

    public SortitionStore Sortitions => _h.Sortitions;

    public BurnchainIndex Burnchain => _h.Index;

    public NodeSyncStatus GetSyncStatus()
    {
        var tip = _h.Sortitions.Tip;
        var height = tip?.BurnHeight ?? 0;
        return new NodeSyncStatus(height, height, tip?.BurnHeaderHash.ToString(), height, Synced ? 100 : 50, Synced, 0);
    }

    public SubmitOutcome SubmitTransaction(ReadOnlySpan<byte> raw)
    {
        if (!StacksTransaction.TryDecode(raw, out var tx, out var error))
        {
            return new SubmitOutcome(null, error.Code, error.Message);
        }

        return _h.Mempool.TryAdd(tx, Chain) is { } rejection
            ? new SubmitOutcome(null, rejection.Code, rejection.Message)
            : new SubmitOutcome(tx.Txid, null, null);
    }

    public MempoolEntry? GetPending(StacksTxid txid) => _h.Mempool.Snapshot().FirstOrDefault(e => e.Txid == txid);

    public string? GetDroppedReason(StacksTxid txid) => Dropped.GetValueOrDefault(txid);

    public async IAsyncEnumerable<BlockRecord> WatchCanonicalBlocks([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<BlockRecord>();
        lock (_gate)
        {
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var b in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return b;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }
}
