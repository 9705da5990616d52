using Blockstack.Bns;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Chain;
using Blockstack.Mining;
using Blockstack.Node.Config;
using Blockstack.Node.Peers;
using Blockstack.Node.Runtime;
using Blockstack.Stacks;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Hosting;

/// <summary>
/// The real <see cref="NodeRuntimeFactory"/>: the runtime (watcher → sortition → chain) with the
/// native <c>bns</c> contract, the persisted BNS index following the chain, and, when
/// <c>[miner] enabled</c>, the miner run after every processed burn block.
/// </summary>
public static partial class RuntimeComposition
{
    public static async Task<NodeRuntimeParts> CreateAsync(NodeConfig config, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggers);
        if (!NodeNetwork.TryForName(config.Node.Network, out var network))
        {
            throw new ArgumentException($"unknown network '{config.Node.Network}'");
        }

        if (config.GenesisAccounts.Count > 0)
        {
            network = network.WithGenesis([.. config.GenesisAccounts.Select(a => new GenesisBalance(StacksAddress.Parse(a.Address), a.Ustx))]);
        }

        var rpc = new BitcoinRpcClient(BurnchainProbe.RpcOptions(config.Burnchain), logger: loggers.CreateLogger<BitcoinRpcClient>());
        NodeRuntime? runtime = null;
        BnsChainIndex? bns = null;
        try
        {
            runtime = NodeRuntime.Open(new NodeRuntimeOptions
            {
                DataDirectory = config.Node.DataDir,
                Network = network,
                Rpc = rpc,
                Watcher = new BurnchainWatcherOptions { PollInterval = config.Burnchain.PollInterval, StableConfirmations = config.Burnchain.StableConfirmations },
                NativeContracts = [new BnsNativeContract()],
                LoggerFactory = loggers,
            });
            bns = BnsChainIndex.Open(Path.Combine(config.Node.DataDir, network.Name, "bns"), runtime.Coordinator);
            var index = bns;
            var node = runtime;
            runtime.BurnBlockProcessed += (_, _) => FollowSyncState(node, index);

            var peerOptions = config.P2p.ToPeerOptions();
            var book = new PeerBook(peerOptions);
            var peers = new PeerComposition(peerOptions, book, new RuntimePeerNode(runtime, bns, loggers.CreateLogger<RuntimePeerNode>()), () => node.IsShuttingDown);
            runtime.PeerCount = () => book.Count;

            peers.Client = (p, ct) => RunPeerNetworkAsync(p, loggers, ct);

            Miner? miner = null;
            if (config.Miner.Enabled)
            {
                miner = CreateMiner(config, rpc, runtime, loggers);
                await miner.InitializeAsync(cancellationToken).ConfigureAwait(false);
                var m = miner;
                runtime.AddRoundHandler(new DelegateRoundHandler(async ct => await m.RunRoundAsync(ct).ConfigureAwait(false)));
            }

            return new NodeRuntimeParts(runtime, ct => RunAsync(node, index, peers, ct), new Lifetime(runtime, bns, rpc, peers))
            {
                Bns = bns,
                Peers = peers,
                MempoolSize = () => node.Mempool.Count,
                Miner = miner?.Metrics,
            };
        }
        catch
        {
            bns?.Dispose();
            if (runtime is not null)
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
            }

            rpc.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the runtime, and keeps BnsService's state in step with the node's sync status: on every
    /// processed burn block, and every 250 ms besides (a node restarted at the burnchain's tip is
    /// synced before any new burn block arrives). The peer network's client side runs beside it
    /// (<see cref="PeerComposition.RunAsync"/>); the p2p listener is started by the host.
    /// </summary>
    private static async Task RunAsync(NodeRuntime runtime, BnsChainIndex bns, PeerComposition peers, CancellationToken cancellationToken)
    {
        var run = runtime.RunAsync(cancellationToken);
        var network = peers.RunAsync(cancellationToken);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (!run.IsCompleted && await tick.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                FollowSyncState(runtime, bns);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await network.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client side's normal way out.
            }
        }
    }

    /// <summary>
    /// The client side of the peer network: dials the bootstrap peers and dials back peers that
    /// handshake with this node, downloads blocks, relays items and replicates zonefiles. Started
    /// once the p2p listener is bound, so peers are told its real address. A failure of it is a bug:
    /// it is logged and the node goes on without peers rather than stopping.
    /// </summary>
    private static async Task RunPeerNetworkAsync(PeerComposition peers, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var network = new PeerNetwork(peers.Node, peers.Book, peers.Options, loggers: loggers);
        peers.Book.InboundHandshake += network.OnInboundHandshake;
        try
        {
            await network.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPeerNetworkFailed(loggers.CreateLogger<PeerNetwork>(), e);
        }
        finally
        {
            peers.Book.InboundHandshake -= network.OnInboundHandshake;
        }
    }

    private static void FollowSyncState(NodeRuntime runtime, BnsChainIndex bns)
    {
        var state = runtime.IsShuttingDown ? BnsServiceState.ShuttingDown
            : runtime.GetSyncStatus().Synced ? BnsServiceState.Synced : BnsServiceState.Syncing;
        if (bns.State != state && bns.State != BnsServiceState.ShuttingDown)
        {
            bns.State = state;
        }
    }

    private static Miner CreateMiner(NodeConfig config, BitcoinRpcClient rpc, NodeRuntime runtime, ILoggerFactory loggers)
    {
        var options = new MinerOptions
        {
            BitcoinKey = config.Miner.BtcKey ?? throw new ArgumentException("miner.btc_key is required when the miner is enabled"),
            AddressType = config.Miner.AddressType == MinerAddressType.P2wpkh ? "p2wpkh" : "p2pkh",
            WalletName = config.Burnchain.WalletName ?? "blockstack-miner",
            BurnAmount = (ulong)config.Miner.BurnAmount,
            BurnFeeCap = (ulong)config.Miner.BurnFeeCap,
            FeeRate = (ulong)config.Miner.SatoshisPerByte,
            RbfFeeIncrement = (ulong)config.Miner.RbfFeeIncrement,
            MaxRbfPercent = (ulong)config.Miner.MaxRbf,
            MaxBlockTransactions = config.Miner.MaxBlockTransactions,
            StateDirectory = Path.Combine(config.Node.DataDir, runtime.Network, "miner"),
        };
        var problems = options.Validate(runtime.NetworkParameters.Burnchain);
        if (problems.Count > 0)
        {
            throw new ArgumentException("miner: " + string.Join("; ", problems));
        }

        var log = loggers.CreateLogger<Miner>();
        return new Miner(
            options,
            rpc,
            runtime.NetworkParameters.Burnchain,
            runtime.Burnchain,
            runtime.Sortitions,
            runtime.Coordinator,
            runtime.Mempool,
            (block, _, _) =>
            {
                if (runtime.StageBlock(block) is { } rejection)
                {
                    LogStagingRefused(log, block.BlockHash.ToString(), rejection.Code, rejection.Message);
                }

                return ValueTask.CompletedTask;
            },
            log);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "peer network: stopped by an unexpected failure; the node runs on without peers")]
    private static partial void LogPeerNetworkFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "miner: the node refused its own block {Block}: {Code}: {Reason}")]
    private static partial void LogStagingRefused(ILogger logger, string block, string code, string reason);

    private sealed class Lifetime(NodeRuntime runtime, BnsChainIndex bns, BitcoinRpcClient rpc, PeerComposition peers) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            bns.State = BnsServiceState.ShuttingDown;
            peers.Dispose();
            await runtime.DisposeAsync().ConfigureAwait(false);
            bns.Dispose();
            rpc.Dispose();
        }
    }
}
