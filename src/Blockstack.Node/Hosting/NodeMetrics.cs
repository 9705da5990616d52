using System.Collections.Concurrent;
using Blockstack.Node.Runtime;
using Grpc.Core;
using Prometheus;

namespace Blockstack.Node.Hosting;

/// <summary>
/// The node's Prometheus metrics, in a registry of their own (no static default registry).
/// Heights and sync progress are read from the backend at each scrape; counters are bumped by
/// the host (gRPC requests, canonical blocks seen).
/// </summary>
public sealed class NodeMetrics
{
    public const string Prefix = "blockstack_node_";

    private readonly Gauge _burnHeight;
    private readonly Gauge _stableBurnHeight;
    private readonly Gauge _stacksTipHeight;
    private readonly Gauge _mempoolSize;
    private readonly Gauge _syncProgress;
    private readonly Gauge _synced;
    private readonly Counter _grpcRequests;
    private readonly ConcurrentDictionary<(string Method, StatusCode Code), Counter.Child> _grpcChildren = new();
    private readonly Counter _blocksProcessed;
    private readonly Gauge _minerCommits;
    private readonly Gauge _minerRbfs;
    private readonly Gauge _minerBlocksWon;
    private readonly Gauge _minerKeyRegistrations;
    private readonly Gauge _minerSkipped;

    public NodeMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _burnHeight = factory.CreateGauge(Prefix + "burn_block_height", "Height of the last burn block the node processed.");
        _stableBurnHeight = factory.CreateGauge(Prefix + "stable_burn_block_height", "Highest processed burn block with the stable number of confirmations.");
        _stacksTipHeight = factory.CreateGauge(Prefix + "stacks_tip_height", "Height of the canonical Stacks tip.");
        _mempoolSize = factory.CreateGauge(Prefix + "mempool_size", "Transactions in the mempool.");
        _syncProgress = factory.CreateGauge(Prefix + "sync_progress_percent", "Burn blocks processed over burn blocks known, 0..100.");
        _synced = factory.CreateGauge(Prefix + "synced", "1 once the node follows the burnchain tip, else 0.");
        _grpcRequests = factory.CreateCounter(Prefix + "grpc_requests_total", "gRPC calls answered, by method and status code.", "method", "code");
        _blocksProcessed = factory.CreateCounter(Prefix + "blocks_processed_total", "Stacks blocks that became canonical while this process ran.");
        _minerCommits = factory.CreateGauge(Prefix + "miner_commits_sent_total", "Block commits the miner sent (not counting replacements).");
        _minerRbfs = factory.CreateGauge(Prefix + "miner_rbf_sent_total", "Block commits the miner replaced by fee.");
        _minerBlocksWon = factory.CreateGauge(Prefix + "miner_blocks_won_total", "Sortitions the miner won.");
        _minerKeyRegistrations = factory.CreateGauge(Prefix + "miner_key_registrations_total", "VRF key registrations the miner sent.");
        _minerSkipped = factory.CreateGauge(Prefix + "miner_rounds_skipped_total", "Miner rounds that did nothing, with a logged reason.");
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Reads the mempool size at each scrape (set by the composition; 0 until then).</summary>
    public Func<int>? MempoolSize { get; set; }

    /// <summary>The miner's counters, exported at each scrape when the node mines.</summary>
    public Blockstack.Mining.MinerMetrics? Miner { get; set; }

    /// <summary>Refreshes the gauges from <paramref name="backend"/> before each scrape.</summary>
    public void Track(INodeBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Registry.AddBeforeCollectCallback(() => Refresh(backend));
    }

    public void Refresh(INodeBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var sync = backend.GetSyncStatus();
        _burnHeight.Set(sync.BurnHeight);
        _stableBurnHeight.Set(sync.StableBurnHeight ?? 0);
        _syncProgress.Set(sync.ProgressPercent);
        _synced.Set(sync.Synced ? 1 : 0);
        _stacksTipHeight.Set(backend.Chain.Tip.Height);
        _mempoolSize.Set(MempoolSize?.Invoke() ?? 0);
        if (Miner is { } miner)
        {
            _minerCommits.Set(miner.CommitsSent);
            _minerRbfs.Set(miner.RbfsSent);
            _minerBlocksWon.Set(miner.BlocksWon);
            _minerKeyRegistrations.Set(miner.KeyRegistrationsSent);
            _minerSkipped.Set(miner.RoundsSkipped);
        }
    }

    /// <summary>Counts one gRPC call; the labelled counter of each (method, code) is looked up once and kept.</summary>
    public void GrpcRequest(string method, StatusCode code) =>
        _grpcChildren.GetOrAdd((method, code), static (key, counter) => counter.WithLabels(key.Method, key.Code.ToString()), _grpcRequests).Inc();

    public void BlockProcessed() => _blocksProcessed.Inc();
}
