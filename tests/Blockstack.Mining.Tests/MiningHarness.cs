using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Chain;
using Blockstack.Pox;
using Blockstack.Regtest;
using Blockstack.Stacks;
using Blockstack.Storage;
using Microsoft.Extensions.Logging;

namespace Blockstack.Mining.Tests;

/// <summary>A Stacks account for transfers, funded at genesis.</summary>
internal sealed record StacksTestKey(StacksPrivateKey Key, StacksAddress Address)
{
    public static readonly StacksSigner Signer = new(Secp256k1.Default);

    public static StacksTestKey FromSeed(int seed)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(28), seed + 1);
        bytes[0] = 0x22;
        var key = new StacksPrivateKey(bytes, compressed: true);
        return new StacksTestKey(key, Signer.SingleSigCondition(key, 0, 0).Address(TransactionVersion.Testnet));
    }

    public StacksTransaction Transfer(ChainParameters parameters, StacksAddress to, ulong amount, ulong nonce, ulong fee = 1_000)
    {
        var tx = new StacksTransaction(
            parameters.TransactionVersion, parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(Key, nonce, fee), null),
            AnchorMode.Any, PostConditionMode.Allow, [], new TokenTransferPayload(new StandardPrincipal(to), amount, new byte[34]));
        return Signer.SignOrigin(tx, Key);
    }
}

/// <summary>A log sink that keeps the lines (tests assert that a skipped round was logged).</summary>
internal sealed class ListLogger : ILogger
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add($"{logLevel} {eventId.Id} {formatter(state, exception)}");
        }
    }
}

/// <summary>
/// The node around the miner, as the runtime wires it: the embedded regtest bitcoind over real
/// JSON-RPC, a <see cref="BurnchainWatcher"/> into a <see cref="BurnchainIndex"/>, the
/// <see cref="SortitionStore"/> fed by its events, and a <see cref="ChainCoordinator"/> with a
/// mempool (all stores in memory). <see cref="StepAsync"/> is the node loop: mine a burn block,
/// sync, run the sortition, and apply the winning Stacks block if a miner handed it over.
/// </summary>
internal sealed class MiningHarness : IAsyncDisposable
{
    public static readonly BurnchainParameters Burnchain = BurnchainParameters.Regtest();

    private readonly Channel<BurnchainEvent> _events = Channel.CreateUnbounded<BurnchainEvent>();
    private readonly List<string> _tempDirs = [];

    private MiningHarness(RegtestNode node, BitcoinRpcClient rpc, IReadOnlyList<StacksTestKey> accounts)
    {
        Node = node;
        Rpc = rpc;
        Accounts = accounts;
        Parameters = ChainParameters.Regtest with { GenesisBalances = [.. accounts.Select(a => new GenesisBalance(a.Address, 1_000_000_000_000))] };
        ChainStore = new ChainStore(new MemoryStore<ChainColumn>());
        Contracts = NativeContractRegistry.WithPox(Parameters);
        Sortitions = SortitionStore.InMemory(PoxParameters.For(Burnchain), new ChainRewardSetProvider(ChainStore, Parameters, Contracts));
        Coordinator = new ChainCoordinator(ChainStore, Parameters, new SortitionStoreView(Sortitions, Index), Contracts);
        Mempool = new Mempool(Parameters, Contracts);
        Coordinator.Mempool = Mempool;
        Watcher = new BurnchainWatcher(rpc, Index, Burnchain, events: _events.Writer);
        Sink = SHA256.HashData("sink"u8);
        var sinkScript = BitcoinAddress.WitnessProgram(0, Hashes.Hash160(Secp256k1.Default.GetPublicKey(Sink, compressed: true)));
        BitcoinAddress.TryEncode(sinkScript, BitcoinNetwork.Regtest, out var sinkAddress);
        SinkAddress = sinkAddress;
    }

    public RegtestNode Node { get; }

    public BitcoinRpcClient Rpc { get; }

    public IReadOnlyList<StacksTestKey> Accounts { get; }

    public ChainParameters Parameters { get; }

    public ChainStore ChainStore { get; }

    public NativeContractRegistry Contracts { get; }

    public BurnchainIndex Index { get; } = BurnchainIndex.InMemory();

    public SortitionStore Sortitions { get; }

    public ChainCoordinator Coordinator { get; }

    public Mempool Mempool { get; }

    public BurnchainWatcher Watcher { get; }

    public byte[] Sink { get; }

    public string SinkAddress { get; }

    /// <summary>Blocks the miners handed over, by hash (the node's staging area).</summary>
    public Dictionary<StacksBlockHash, StacksBlock> Staged { get; } = [];

    /// <summary>Each processed block's outcome, in order.</summary>
    public List<BlockOutcome> Processed { get; } = [];

    public static async Task<MiningHarness> StartAsync(CancellationToken ct, int accounts = 2)
    {
        var node = await RegtestNode.StartAsync(new RegtestOptions { InMemory = true, RpcPort = 0 }, cancellationToken: ct);
        var rpc = new BitcoinRpcClient(new BitcoinRpcOptions
        {
            Endpoint = node.Url,
            User = node.Credentials.User,
            Password = node.Credentials.Password,
            RequestTimeout = TimeSpan.FromSeconds(20),
            MaxAttempts = 3,
        });
        return new MiningHarness(node, rpc, [.. Enumerable.Range(0, accounts).Select(StacksTestKey.FromSeed)]);
    }

    /// <summary>A fresh state directory (deleted on dispose).</summary>
    public string NewStateDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "blockstack-miner-test-" + Guid.NewGuid().ToString("N"));
        _tempDirs.Add(dir);
        return dir;
    }

    /// <summary>Regtest options for a miner with a key made from <paramref name="name"/> (66 hex digits: compressed).</summary>
    public MinerOptions Options(string name, string addressType = "p2wpkh", ulong burn = 20_000, string? stateDirectory = null) => new()
    {
        BitcoinKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("btc/" + name))) + "01",
        AddressType = addressType,
        WalletName = "miner-" + name,
        BurnAmount = burn,
        BurnFeeCap = Math.Max(burn, 20_000),
        FeeRate = 10,
        RbfFeeIncrement = 5,
        MaxRbfPercent = 200,
        StateDirectory = stateDirectory ?? NewStateDirectory(),
    };

    public Miner NewMiner(MinerOptions options, ILogger? logger = null, IBitcoinRpc? rpc = null) =>
        new(options, rpc ?? Rpc, Burnchain, Index, Sortitions, Coordinator, Mempool, OnBlockAsync, logger);

    private ValueTask OnBlockAsync(StacksBlock block, ConsensusHash? consensusHash, CancellationToken ct)
    {
        Staged[block.BlockHash] = block;
        if (consensusHash is { } ch)
        {
            Process(block, ch);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Mines <paramref name="count"/> coinbases to <paramref name="address"/> (no sync).</summary>
    public async Task<List<BlockHash>> GenerateAsync(int count, string address, CancellationToken ct)
    {
        using var reply = await Rpc.CallAsync("generatetoaddress", [count, address], ct);
        return [.. reply.RootElement.EnumerateArray().Select(e => BlockHash.Parse(e.GetString()!))];
    }

    /// <summary>Funds each address with one coinbase, then matures them (100 more blocks), and syncs.</summary>
    public async Task FundAsync(CancellationToken ct, params string[] addresses)
    {
        foreach (var address in addresses)
        {
            await GenerateAsync(1, address, ct);
        }

        await GenerateAsync(100, SinkAddress, ct);
        await SyncAsync(ct);
    }

    /// <summary>The node loop for one burn block: mine it, sync, sortition, apply the winner if staged.</summary>
    public async Task<SortitionSnapshot> StepAsync(CancellationToken ct)
    {
        await GenerateAsync(1, SinkAddress, ct);
        await SyncAsync(ct);
        return Sortitions.Tip!;
    }

    /// <summary>Watcher sync, events into the sortition store, winners applied to the chain.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        await Watcher.SyncAsync(int.MaxValue, ct);
        while (_events.Reader.TryRead(out var e))
        {
            var result = Sortitions.Handle(e);
            if (e is BurnchainEvent.RolledBack)
            {
                Coordinator.ReevaluateTip();
                continue;
            }

            var snapshot = result!.Snapshot;
            if (snapshot.Sortition && !snapshot.IsFirst && Staged.TryGetValue(snapshot.WinningBlockHash, out var block))
            {
                Process(block, snapshot.ConsensusHash);
            }
        }

        var remote = await Rpc.GetBlockchainInfoAsync(ct);
        Assert.Equal(remote.Blocks, Sortitions.Tip!.BurnHeight);
    }

    private void Process(StacksBlock block, ConsensusHash consensusHash)
    {
        if (Coordinator.State.GetBlock(block.Header.IndexBlockHash(consensusHash)) is not null)
        {
            return;
        }

        var outcome = Coordinator.ProcessBlock(block, consensusHash);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.ToString());
        Processed.Add(outcome);
    }

    public async Task<List<Txid>> MempoolTxidsAsync(CancellationToken ct)
    {
        using var reply = await Rpc.CallAsync("getrawmempool", [], ct);
        return [.. reply.RootElement.EnumerateArray().Select(e => Txid.Parse(e.GetString()!))];
    }

    public async ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        await Node.DisposeAsync();
        Sortitions.Dispose();
        Index.Dispose();
        ChainStore.Store.Dispose();
        foreach (var dir in _tempDirs)
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
