using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Chain;
using Blockstack.Pox;
using Blockstack.Stacks;
using Blockstack.Storage;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Runtime;

/// <summary>
/// The node's single writer (docs/architecture.md): the burnchain watcher commits each burn block
/// to the <see cref="BurnchainIndex"/> and hands it to this loop, which runs the sortition, applies
/// the elected Stacks block when it is staged, rolls sortitions back on burnchain reorgs and
/// re-evaluates the Stacks tip. Every write to the sortition store, the chain store, the staging
/// store and the mempool happens under one lock, on the loop or in <see cref="SubmitTransaction"/> /
/// <see cref="StageBlock"/>; readers (gRPC, the miner) read the stores concurrently.
/// </summary>
public sealed class NodeRuntime : INodeBackend, IAsyncDisposable
{
    /// <summary>Staging rejection code: too many blocks are waiting.</summary>
    public const string StagingFull = "staging-full";

    /// <summary>Rejection code while the node shuts down.</summary>
    public const string ShuttingDown = "node-shutting-down";

    private const int BurnEventCapacity = 256;

    private readonly Lock _gate = new();
    private readonly NodeRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly ChainStore _chainStore;
    private readonly Channel<BurnchainEvent> _burnEvents = Channel.CreateBounded<BurnchainEvent>(new BoundedChannelOptions(BurnEventCapacity) { SingleReader = true, SingleWriter = true });
    private readonly Channel<StacksBlockHash> _stagedQueue = Channel.CreateUnbounded<StacksBlockHash>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<INodeRoundHandler> _roundHandlers = [];
    private readonly List<ChannelWriter<BlockRecord>> _subscribers = [];
    private readonly BoundedReasons<StacksTxid> _dropped;
    private readonly BoundedReasons<StacksBlockHash> _stagingRejections = new(1024);
    private readonly List<Action> _notifications = [];
    private readonly List<BlockRecord> _acceptedSinceCheck = [];
    private readonly CancellationTokenSource _disposeCts = new();
    private int _stagedCount;
    private long _bitcoindHeight = -1;
    private volatile bool _synced;
    private volatile bool _shuttingDown;
    private bool _disposed;
    private long _lastProgressLog = long.MinValue;
    private Task? _runTask;

    private NodeRuntime(NodeRuntimeOptions options, BurnchainIndex burnchain, ChainStore chainStore, SortitionStore sortitions, StagingStore staging, NativeContractRegistry contracts)
    {
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<NodeRuntime>();
        _chainStore = chainStore;
        _dropped = new BoundedReasons<StacksTxid>(options.DroppedTransactionMemory);
        NetworkParameters = options.Network;
        Burnchain = burnchain;
        Sortitions = sortitions;
        Staging = staging;
        Contracts = contracts;
        SortitionView = new SortitionStoreView(sortitions, burnchain);
        Coordinator = new ChainCoordinator(chainStore, options.Network.Chain, SortitionView, contracts, options.LoggerFactory.CreateLogger<ChainCoordinator>());
        Mempool = new Mempool(options.Network.Chain, contracts);
        Coordinator.TipChanged += OnTipChanged;
        Watcher = new BurnchainWatcher(
            new ObservedBitcoinRpc(options.Rpc, OnBitcoindInfo),
            burnchain,
            options.Network.Burnchain,
            options.Watcher,
            _burnEvents.Writer,
            options.Time,
            options.LoggerFactory.CreateLogger<BurnchainWatcher>())
        {
            BeforeCommit = options.TestHooks?.WatcherBeforeCommit,
        };
    }

    public string Network => NetworkParameters.Name;

    public NodeNetwork NetworkParameters { get; }

    public ChainParameters ChainParameters => NetworkParameters.Chain;

    public ChainState Chain => Coordinator.State;

    public SortitionStore Sortitions { get; }

    public BurnchainIndex Burnchain { get; }

    /// <summary>The chain's writer. Only the runtime calls its mutating methods; the miner uses <see cref="ChainCoordinator.TryComputeStateRoot"/>.</summary>
    public ChainCoordinator Coordinator { get; }

    /// <summary>The chain's view of the sortitions (facts of a winning sortition, burn operation window).</summary>
    public SortitionStoreView SortitionView { get; }

    public NativeContractRegistry Contracts { get; }

    public Mempool Mempool { get; }

    public StagingStore Staging { get; }

    public BurnchainWatcher Watcher { get; }

    public bool IsShuttingDown => _shuttingDown;

    /// <summary>Raised on the loop after each burn block is fully processed (sortition, staged winner).</summary>
    public event EventHandler<BurnBlockProcessedEventArgs>? BurnBlockProcessed;

    /// <summary>Raised on the loop after each Stacks block is committed.</summary>
    public event EventHandler<StacksBlockAcceptedEventArgs>? StacksBlockAccepted;

    /// <summary>
    /// Raised once for every transaction newly admitted to the mempool by <see cref="SubmitTransaction"/> or <see cref="SubmitTransactionFrom"/>,
    /// on the submitting thread after the admission (outside the writer's lock).
    /// </summary>
    public event EventHandler<TransactionAdmittedEventArgs>? TransactionAdmitted;

    /// <summary>
    /// Raised once for every block newly put in staging by <see cref="StageBlock"/> (not for one
    /// already staged), on the staging thread after the write (outside the writer's lock).
    /// </summary>
    public event EventHandler<BlockStagedEventArgs>? BlockStaged;

    /// <summary>
    /// Raised on the loop when a staged block fails validation against the sortition that elected it
    /// (it is dropped from staging). Not raised for benign drops (expired, waiting for a parent).
    /// </summary>
    public event EventHandler<StagedBlockRejectedEventArgs>? StagedBlockRejected;

    /// <summary>Connected peers, for <see cref="GetSyncStatus"/> (set by the host once the peer network exists).</summary>
    public Func<int>? PeerCount { get; set; }

    /// <summary>
    /// Opens (or creates) the stores under <c>&lt;DataDirectory&gt;/&lt;network&gt;/</c> and reconciles
    /// them after a crash: sortitions the index never committed are rolled back, burn blocks the
    /// index committed but the sortition store did not are replayed, and staged blocks whose
    /// sortitions won are applied.
    /// </summary>
    public static NodeRuntime Open(NodeRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var network = options.Network;
        var hooks = options.TestHooks;
        var disposables = new List<IDisposable>();
        try
        {
            var contracts = NativeContractRegistry.WithPox(network.Chain, [.. options.NativeContracts]);
            BurnchainIndex burnchain;
            ChainStore chainStore;
            IKeyValueStore<SortitionColumn> sortitionKv;
            StagingStore staging;
            if (options.InMemory)
            {
                burnchain = BurnchainIndex.InMemory();
                disposables.Add(burnchain);
                chainStore = new ChainStore(new MemoryStore<ChainColumn>());
                disposables.Add(chainStore.Store);
                sortitionKv = new MemoryStore<SortitionColumn>();
                disposables.Add(sortitionKv);
                staging = StagingStore.InMemory();
                disposables.Add(staging);
            }
            else
            {
                var root = Path.Combine(options.DataDirectory!, network.Name);
                Directory.CreateDirectory(root);
                burnchain = BurnchainIndex.Open(Path.Combine(root, "burnchain"), options.Rocks);
                disposables.Add(burnchain);
                chainStore = ChainStore.OpenRocks(Path.Combine(root, "chain"), options.Rocks);
                disposables.Add(chainStore.Store);
                sortitionKv = RocksStore.Open<SortitionColumn>(Path.Combine(root, "sortition"), SortitionStore.Schema, options.Rocks);
                disposables.Add(sortitionKv);
                staging = StagingStore.Open(Path.Combine(root, "staging"), options.Rocks);
                disposables.Add(staging);
            }

            var sortitions = new SortitionStore(
                sortitionKv,
                network.Pox,
                new ChainRewardSetProvider(chainStore, network.Chain, contracts),
                options.LoggerFactory.CreateLogger<SortitionStore>(),
                ownsStore: true)
            {
                BeforeCommit = hooks?.SortitionBeforeCommit,
            };
            var runtime = new NodeRuntime(options, burnchain, chainStore, sortitions, staging, contracts);
            runtime.Reconcile();
            return runtime;
        }
        catch
        {
            for (var i = disposables.Count - 1; i >= 0; i--)
            {
                disposables[i].Dispose();
            }

            throw;
        }
    }

    /// <summary>Adds work to run on the loop after each processed burn block once synced (see <see cref="INodeRoundHandler"/>).</summary>
    public void AddRoundHandler(INodeRoundHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_roundHandlers)
        {
            _roundHandlers.Add(handler);
        }
    }

    /// <summary>
    /// Runs the watcher and the writer loop until <paramref name="cancellationToken"/> is cancelled
    /// (or the runtime is disposed). On cancellation <see cref="IsShuttingDown"/> turns true first,
    /// the watcher stops, the burn events already committed to the index are processed, and the
    /// method returns; a failure of either (a bug, a corrupt store) is rethrown after both stopped.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_runTask is not null)
            {
                throw new InvalidOperationException("the node runtime is already running");
            }

            _runTask = RunCoreAsync(cancellationToken);
            return _runTask;
        }
    }

    public NodeSyncStatus GetSyncStatus()
    {
        var first = NetworkParameters.Burnchain.FirstBlockHeight;
        var tip = Sortitions.Tip;
        var processed = tip?.BurnHeight ?? 0;
        var bitcoind = Interlocked.Read(ref _bitcoindHeight);
        var known = bitcoind < 0 ? processed : (ulong)bitcoind;
        double percent;
        if (tip is null)
        {
            percent = 0;
        }
        else if (known <= processed)
        {
            percent = 100;
        }
        else
        {
            percent = Math.Round(100.0 * (processed - first + 1) / (known - first + 1), 2);
        }

        ulong? stable = Watcher.StableHeight is { } s && tip is not null ? Math.Min(s, processed) : null;
        return new NodeSyncStatus(processed, stable, tip?.BurnHeaderHash.ToString(), known, percent, _synced, PeerCount?.Invoke() ?? 0);
    }

    /// <summary>Decodes the raw transaction and admits it to the mempool against the canonical tip (serialized with the loop).</summary>
    public SubmitOutcome SubmitTransaction(ReadOnlySpan<byte> raw) => SubmitTransactionFrom(raw, null);

    /// <summary>
    /// As <see cref="SubmitTransaction"/>; <paramref name="origin"/> (who sent it: null for a local
    /// client) is passed to <see cref="TransactionAdmitted"/> when the transaction is admitted.
    /// </summary>
    public SubmitOutcome SubmitTransactionFrom(ReadOnlySpan<byte> raw, object? origin)
    {
        var outcome = SubmitCore(raw, out var admitted);
        if (admitted is not null)
        {
            Raise(TransactionAdmitted, new TransactionAdmittedEventArgs(admitted, raw.ToArray(), origin));
        }

        return outcome;
    }

    private SubmitOutcome SubmitCore(ReadOnlySpan<byte> raw, out StacksTransaction? admitted)
    {
        admitted = null;
        if (_shuttingDown)
        {
            return new SubmitOutcome(null, ShuttingDown, "the node is shutting down");
        }

        if (!StacksTransaction.TryDecode(raw, out var tx, out var error))
        {
            return new SubmitOutcome(null, ChainErrorCodes.TxUndecodable, $"{error.Code}: {error.Message}");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var before = Mempool.Count;
            var snapshot = before >= ChainParameters.MempoolCapacity || Mempool.Snapshot().Any(e => e.Sender == tx.OriginAddress && e.Nonce == tx.Auth.Origin.Nonce)
                ? Mempool.Snapshot()
                : null;
            if (Mempool.TryAdd(tx, Chain) is { } rejection)
            {
                return new SubmitOutcome(null, rejection.Code, rejection.Message);
            }

            if (snapshot is not null)
            {
                foreach (var e in snapshot)
                {
                    if (!Mempool.Contains(e.Txid))
                    {
                        var reason = e.Sender == tx.OriginAddress && e.Nonce == tx.Auth.Origin.Nonce
                            ? $"mempool-replaced-by-fee: replaced by {tx.Txid}"
                            : "mempool-evicted: the mempool was full and its fee rate was the lowest";
                        RecordDropped(e.Txid, reason);
                    }
                }
            }

            admitted = tx;
            return new SubmitOutcome(tx.Txid, null, null);
        }
    }

    /// <remarks>
    /// Taken under the writer's gate, so that a transaction leaving the mempool on a tip change is
    /// seen either as pending or with its drop reason, never as neither.
    /// </remarks>
    public MempoolEntry? GetPending(StacksTxid txid)
    {
        lock (_gate)
        {
            return Mempool.Contains(txid) ? Mempool.Snapshot().FirstOrDefault(e => e.Txid == txid) : null;
        }
    }

    public string? GetDroppedReason(StacksTxid txid) => _dropped.Get(txid);

    /// <summary>Why a staged block was refused or dropped from staging (bounded memory), or null.</summary>
    public string? GetStagingRejection(StacksBlockHash hash) => _stagingRejections.Get(hash);

    /// <summary>
    /// Stages a block for its sortition (thread-safe, persisted). A block whose sortition already
    /// won is processed by the loop at once; otherwise it waits for its sortition (or its parent).
    /// Returns null when staged (or already staged), or why it was refused.
    /// </summary>
    /// <param name="block">The block.</param>
    /// <param name="origin">Who sent it (a peer), or null for the node's own miner: passed to <see cref="BlockStaged"/> when the block is newly staged.</param>
    public ChainRejection? StageBlock(StacksBlock block, object? origin = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (_shuttingDown)
        {
            return new ChainRejection(ShuttingDown, "the node is shutting down");
        }

        var hash = block.BlockHash;
        var bytes = block.Serialize();
        if (BlockProcessor.CheckContextFree(ChainParameters, block, bytes.Length) is { } bad)
        {
            _stagingRejections.Set(hash, $"{bad.Code}: {bad.Message}");
            return bad;
        }

        var added = false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!Staging.Contains(hash))
            {
                if (_stagedCount >= _options.StagingCapacity)
                {
                    return new ChainRejection(StagingFull, $"{_stagedCount} blocks are already waiting in staging");
                }

                Staging.Put(new StagedBlock(hash, block, Sortitions.Tip?.BurnHeight ?? 0, 0));
                _stagedCount++;
                added = true;
            }
        }

        _stagedQueue.Writer.TryWrite(hash);
        if (added)
        {
            Raise(BlockStaged, new BlockStagedEventArgs(block, bytes, origin));
        }

        return null;
    }

    public async IAsyncEnumerable<BlockRecord> WatchCanonicalBlocks([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<BlockRecord>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_subscribers)
        {
            if (_disposed)
            {
                yield break;
            }

            _subscribers.Add(channel.Writer);
        }

        try
        {
            await foreach (var block in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return block;
            }
        }
        finally
        {
            lock (_subscribers)
            {
                _subscribers.Remove(channel.Writer);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _shuttingDown = true;
        Task? run;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            run = _runTask;
        }

        await _disposeCts.CancelAsync().ConfigureAwait(false);
        if (run is not null)
        {
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // RunAsync's caller observes its failure; disposal only needs it stopped.
            }
        }

        lock (_gate)
        {
            _disposed = true;
            Staging.Dispose();
            Sortitions.Dispose();
            _chainStore.Store.Dispose();
            Burnchain.Dispose();
        }

        lock (_subscribers)
        {
            foreach (var s in _subscribers)
            {
                s.TryComplete();
            }

            _subscribers.Clear();
        }

        _disposeCts.Dispose();
    }

    // ----- the loop -----

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposeCts.Token);
        using var registration = stop.Token.Register(() => _shuttingDown = true);
        using var watcherStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var watcher = Watcher.RunAsync(watcherStop.Token);
        var failed = false;
        try
        {
            await LoopAsync(watcher, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            _shuttingDown = true;
            await watcherStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await watcher.ConfigureAwait(false);
            }
            catch (Exception) when (failed)
            {
                // The loop's failure is the one reported.
            }

            if (!failed)
            {
                // The watcher has stopped: what it committed and queued is processed now, so the
                // stores agree at close (reconciliation at open would do the same).
                while (_burnEvents.Reader.TryRead(out var e))
                {
                    HandleBurnEvent(e);
                    Notify();
                }

                while (_stagedQueue.Reader.TryRead(out var hash))
                {
                    HandleStaged(hash);
                    Notify();
                }
            }

            NodeRuntimeLog.Stopped(_logger, Sortitions.Tip?.BurnHeight ?? 0, Coordinator.Tip.Height);
        }
    }

    private async Task LoopAsync(Task watcher, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_burnEvents.Reader.TryRead(out var burnEvent))
            {
                var applied = HandleBurnEvent(burnEvent);
                Notify();
                if (applied && _synced && _burnEvents.Reader.Count == 0)
                {
                    await RunRoundHandlersAsync(cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (_stagedQueue.Reader.TryRead(out var staged))
            {
                HandleStaged(staged);
                Notify();
                continue;
            }

            if (watcher.IsCompleted)
            {
                // The watcher ends only by cancellation (handled above) or by failing.
                await watcher.ConfigureAwait(false);
                throw new InvalidOperationException("the burnchain watcher stopped");
            }

            var burnReady = _burnEvents.Reader.WaitToReadAsync(cancellationToken).AsTask();
            var stagedReady = _stagedQueue.Reader.WaitToReadAsync(cancellationToken).AsTask();
            await Task.WhenAny(burnReady, stagedReady, watcher).ConfigureAwait(false);
        }
    }

    private async Task RunRoundHandlersAsync(CancellationToken cancellationToken)
    {
        INodeRoundHandler[] handlers;
        lock (_roundHandlers)
        {
            handlers = [.. _roundHandlers];
        }

        foreach (var handler in handlers)
        {
            try
            {
                await handler.RunRoundAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                NodeRuntimeLog.RoundHandlerFailed(_logger, e);
            }
        }
    }

    /// <summary>
    /// Sortition for one watcher event, then the Stacks side. Returns true for an applied burn block.
    /// Events the sortition store already reflects (after a catch-up from the index) are skipped;
    /// an event that does not fit the sortition tip makes the store catch up with the index.
    /// </summary>
    private bool HandleBurnEvent(BurnchainEvent burnchainEvent)
    {
        lock (_gate)
        {
            var tip = Sortitions.Tip;
            switch (burnchainEvent)
            {
                case BurnchainEvent.Applied a when Sortitions.GetSnapshotByBurnHash(a.Block.Header.Hash) is not null:
                    return false;
                case BurnchainEvent.Applied a when tip is null || tip.BurnHeaderHash == a.Block.Header.ParentHash:
                    var result = Sortitions.Apply(a.Block);
                    AfterSortition(result.Snapshot, result.Commits.Count);
                    break;
                case BurnchainEvent.RolledBack r when tip is not null && tip.BurnHeaderHash == r.Block.Hash:
                    Sortitions.RollBackTo(r.Block);
                    NodeRuntimeLog.BurnBlockRolledBack(_logger, r.Block.Height, r.Block.Hash);
                    Coordinator.ReevaluateTip();
                    break;
                case BurnchainEvent.RolledBack r when Sortitions.GetSnapshotByBurnHash(r.Block.Hash) is null:
                    return false;
                case BurnchainEvent.Applied or BurnchainEvent.RolledBack:
                    CatchUpWithIndex();
                    Coordinator.ReevaluateTip();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(burnchainEvent));
            }

            ResolveLateAnchors();
            return burnchainEvent is BurnchainEvent.Applied;
        }
    }

    private void HandleStaged(StacksBlockHash hash)
    {
        lock (_gate)
        {
            if (_disposed || Staging.Get(hash) is not { } staged)
            {
                return;
            }

            if (Sortitions.GetWinningSortition(hash) is { } won && TryProcess(staged, won))
            {
                RetryWaiting();
            }

            ResolveLateAnchors();
        }
    }

    /// <summary>
    /// Under the gate: a reward cycle whose start was evaluated while its anchor block was unknown
    /// (PoX-id bit 0) is evaluated again once that block is accepted: the sortitions from the
    /// cycle's first rewarded block on are rolled back and replayed from the burnchain index, and
    /// the Stacks blocks they elect are applied again from staging. Without this, when a block
    /// arrives would decide the node's PoX fork (a fresh node and a running one would differ).
    /// </summary>
    private void ResolveLateAnchors(bool scanAllCycles = false)
    {
        var pox = NetworkParameters.Pox;
        if (scanAllCycles && Sortitions.Tip is not null)
        {
            // At open: an anchor accepted just before a crash, before the re-evaluation committed.
            _acceptedSinceCheck.Insert(0, Coordinator.Tip with { BurnHeight = pox.FirstBlockHeight });
        }

        while (_acceptedSinceCheck.Count > 0)
        {
            var record = _acceptedSinceCheck[0];
            _acceptedSinceCheck.RemoveAt(0);
            if (Sortitions.Tip is not { } tip || record.BurnHeight < pox.FirstBlockHeight)
            {
                continue;
            }

            for (var cycle = pox.CycleOf(record.BurnHeight); cycle <= pox.CycleOf(tip.BurnHeight); cycle++)
            {
                if (Sortitions.GetRewardCycle(cycle) is { AnchorKnown: false, Anchor: { } anchor } && Chain.GetBlock(anchor.BlockId) is not null)
                {
                    var start = pox.FirstRewardBlockOf(cycle);
                    NodeRuntimeLog.LateAnchor(_logger, record.Id, cycle, start);
                    while (Sortitions.Tip is { } s && s.BurnHeight >= start)
                    {
                        Sortitions.RollBackTo(new BurnBlockHeader(s.BurnHeight, s.BurnHeaderHash, s.ParentBurnHeaderHash, s.Timestamp));
                    }

                    CatchUpWithIndex();
                    Coordinator.ReevaluateTip();
                    RetryWaiting();
                }
            }
        }
    }

    /// <summary>
    /// Under the gate: brings the sortition store to the burnchain index's canonical chain (the
    /// source of truth): sortitions the index does not hold are rolled back, index blocks above the
    /// sortition tip are applied (with their staged winners). Returns (rolled back, replayed).
    /// </summary>
    private (int RolledBack, int Replayed) CatchUpWithIndex()
    {
        var rolledBack = 0;
        while (Sortitions.Tip is { } s && Burnchain.GetCanonicalHeader(s.BurnHeight) is var h && (h is null || h.Value.Hash != s.BurnHeaderHash))
        {
            Sortitions.RollBackTo(new BurnBlockHeader(s.BurnHeight, s.BurnHeaderHash, s.ParentBurnHeaderHash, s.Timestamp));
            rolledBack++;
        }

        var replayed = 0;
        if (Burnchain.Tip is { } indexTip)
        {
            var next = Sortitions.Tip is { } tip ? tip.BurnHeight + 1 : NetworkParameters.Burnchain.FirstBlockHeight;
            for (var height = next; height <= indexTip.Height; height++)
            {
                var block = Burnchain.GetBlock(height) ?? throw new InvalidDataException($"the burnchain index has no block at {height} below its tip {indexTip}");
                var result = Sortitions.Apply(block);
                AfterSortition(result.Snapshot, result.Commits.Count);
                replayed++;
            }
        }

        return (rolledBack, replayed);
    }

    // Under the gate: the Stacks side of a new sortition, logs, staging upkeep, events.
    private void AfterSortition(SortitionSnapshot snapshot, int commits)
    {
        if (snapshot is { Sortition: true, IsFirst: false })
        {
            NodeRuntimeLog.BurnBlockWithWinner(_logger, snapshot.BurnHeight, snapshot.BurnHeaderHash, snapshot.WinningBlockHash, commits);
            if (Staging.Get(snapshot.WinningBlockHash) is { } staged && TryProcess(staged, snapshot))
            {
                RetryWaiting();
            }
        }
        else
        {
            NodeRuntimeLog.BurnBlockNoSortition(_logger, snapshot.BurnHeight, snapshot.BurnHeaderHash, commits);
        }

        PruneStaging(snapshot.BurnHeight);
        UpdateSynced();
        LogProgress(snapshot.BurnHeight);
        var synced = _synced;
        _notifications.Add(() => BurnBlockProcessed?.Invoke(this, new BurnBlockProcessedEventArgs(snapshot, commits, synced)));
    }

    /// <summary>Under the gate: offers a staged block to the chain under the sortition it won. True when accepted.</summary>
    private bool TryProcess(StagedBlock staged, SortitionSnapshot won)
    {
        if (staged.LastWonBurnHeight < won.BurnHeight)
        {
            Staging.Put(staged with { LastWonBurnHeight = won.BurnHeight });
        }

        var id = staged.Block.Header.IndexBlockHash(won.ConsensusHash);
        if (Chain.GetBlock(id) is not null)
        {
            return false;
        }

        var outcome = Coordinator.ProcessBlock(staged.Block, won.ConsensusHash);
        if (outcome.Block is { } record)
        {
            NodeRuntimeLog.StacksBlockAccepted(_logger, record.Height, record.Id, staged.Block.Transactions.Count, record.BurnHeight);
            _acceptedSinceCheck.Add(record);
            var args = new StacksBlockAcceptedEventArgs(record, staged.Block.Transactions.Count, outcome.BecameTip);
            _notifications.Add(() => StacksBlockAccepted?.Invoke(this, args));
            return true;
        }

        var rejection = outcome.Rejection!.Value;
        if (rejection.Code is ChainErrorCodes.BlockUnknownParent or ChainErrorCodes.BlockUnknownSortition or ChainErrorCodes.BlockAlreadyProcessed)
        {
            // Waits: the parent may arrive later (it is retried after every accepted block).
            return false;
        }

        // Invalid for this sortition. A block hash is committed once per fork, so it cannot win
        // elsewhere on this fork; drop it (it left no trace in the chain store).
        NodeRuntimeLog.StagedBlockRejected(_logger, staged.Hash, rejection.Code, rejection.Message);
        _stagingRejections.Set(staged.Hash, $"{rejection.Code}: {rejection.Message}");
        var rejected = new StagedBlockRejectedEventArgs(staged.Hash, won.ConsensusHash, rejection.Code, rejection.Message);
        _notifications.Add(() => StagedBlockRejected?.Invoke(this, rejected));
        Staging.Delete(staged.Hash);
        _stagedCount--;
        return false;
    }

    /// <summary>Under the gate: retries staged blocks whose sortition won but which are not applied, until no more progress.</summary>
    private void RetryWaiting()
    {
        bool progress;
        do
        {
            progress = false;
            // Only blocks that won a sortition and are not in the chain yet are read in full.
            foreach (var entry in Staging.Entries())
            {
                if (Sortitions.GetWinningSortition(entry.Hash) is { } won
                    && Chain.GetBlock(StacksBlockId.Of(entry.Hash, won.ConsensusHash)) is null
                    && Staging.Get(entry.Hash) is { } staged
                    && TryProcess(staged, won))
                {
                    progress = true;
                }
            }
        }
        while (progress);
    }

    private void PruneStaging(ulong burnHeight)
    {
        foreach (var staged in Staging.Entries())
        {
            var relevant = Math.Max(staged.StagedAtBurnHeight, staged.LastWonBurnHeight);
            if (burnHeight > relevant + _options.StagingRetentionBurnBlocks)
            {
                var reason = staged.LastWonBurnHeight == 0 ? "never won a sortition" : $"last won at burn {staged.LastWonBurnHeight}";
                NodeRuntimeLog.StagedBlockDropped(_logger, staged.Hash, reason);
                if (staged.LastWonBurnHeight == 0)
                {
                    _stagingRejections.Set(staged.Hash, "staging-expired: " + reason);
                }

                Staging.Delete(staged.Hash);
                _stagedCount--;
            }
        }
    }

    /// <summary>Raises an event outside the gate; a failing subscriber is logged, never the caller's problem.</summary>
    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        if (handler is null)
        {
            return;
        }

        // Each subscriber on its own: one that throws does not keep the others from hearing it.
        foreach (var subscriber in handler.GetInvocationList())
        {
            try
            {
                ((EventHandler<T>)subscriber)(this, args);
            }
            catch (Exception e)
            {
                NodeRuntimeLog.SubscriberFailed(_logger, e);
            }
        }
    }

    /// <summary>Runs the events collected under the gate, outside it.</summary>
    private void Notify()
    {
        Action[] pending;
        lock (_gate)
        {
            pending = [.. _notifications];
            _notifications.Clear();
        }

        foreach (var n in pending)
        {
            try
            {
                n();
            }
            catch (Exception e)
            {
                NodeRuntimeLog.SubscriberFailed(_logger, e);
            }
        }
    }

    // ----- restart reconciliation -----

    private void Reconcile()
    {
        lock (_gate)
        {
            // 1. Sortitions the index does not hold on its canonical chain (the index rolled back,
            //    the sortition store had not yet) go; 2. burn blocks the index committed that the
            //    sortition store never handled are replayed.
            var (rolledBack, replayed) = CatchUpWithIndex();
            if (rolledBack > 0)
            {
                NodeRuntimeLog.ReconcileRolledBack(_logger, rolledBack);
            }

            if (replayed > 0)
            {
                NodeRuntimeLog.ReconcileReplayed(_logger, replayed);
            }

            // 3. The chain tip against the canonical sortitions, then staged blocks that already won.
            Coordinator.ReevaluateTip();
            RetryWaiting();
            ResolveLateAnchors(scanAllCycles: true);
            _stagedCount = Staging.Count;
            _notifications.Clear();
            var chainTip = Coordinator.Tip;
            NodeRuntimeLog.Opened(_logger, Network, Sortitions.Tip?.BurnHeight ?? 0, chainTip.Height, chainTip.Id, _stagedCount);
        }
    }

    // ----- sync status -----

    private void OnBitcoindInfo(BlockchainInfo info)
    {
        Interlocked.Exchange(ref _bitcoindHeight, (long)info.Blocks);
        UpdateSynced(info);
    }

    private void UpdateSynced(BlockchainInfo? info = null)
    {
        var bitcoind = Interlocked.Read(ref _bitcoindHeight);
        if (bitcoind < 0 || Sortitions.Tip is not { } tip)
        {
            return;
        }

        var caughtUp = tip.BurnHeight > (ulong)bitcoind
            || (tip.BurnHeight == (ulong)bitcoind && (info is null || info.BestBlockHash == tip.BurnHeaderHash));
        if (!_synced && caughtUp && Burnchain.Tip?.Hash == tip.BurnHeaderHash)
        {
            _synced = true;
            NodeRuntimeLog.Synced(_logger, tip.BurnHeight);
        }
        else if (_synced && (ulong)bitcoind > tip.BurnHeight + _options.SyncedLagThreshold)
        {
            _synced = false;
            NodeRuntimeLog.FellBehind(_logger, tip.BurnHeight, (ulong)bitcoind);
        }
    }

    private void LogProgress(ulong burnHeight)
    {
        if (_synced || !_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var now = _options.Time.GetTimestamp();
        if (_lastProgressLog != long.MinValue && _options.Time.GetElapsedTime(_lastProgressLog, now) < _options.ProgressLogInterval)
        {
            return;
        }

        _lastProgressLog = now;
        var status = GetSyncStatus();
        NodeRuntimeLog.SyncProgress(_logger, status.ProgressPercent, burnHeight, status.BitcoindHeight);
    }

    // ----- mempool and canonical-block subscribers -----

    private void OnTipChanged(object? sender, TipChange change)
    {
        // Raised by the coordinator on the writer's thread, under the gate.
        var before = Mempool.Snapshot();
        Mempool.OnTipChanged(change, Chain);
        if (before.Count > 0)
        {
            var mined = new HashSet<StacksTxid>();
            foreach (var block in change.Connected)
            {
                if (Chain.GetBlockBody(block.Id) is { } body)
                {
                    mined.UnionWith(body.Transactions.Select(t => t.Txid));
                }
            }

            foreach (var e in before)
            {
                if (!mined.Contains(e.Txid) && !Mempool.Contains(e.Txid))
                {
                    RecordDropped(e.Txid, "mempool-nonce-used: a block confirmed another transaction with the same sender and nonce");
                }
            }
        }

        lock (_subscribers)
        {
            foreach (var s in _subscribers)
            {
                foreach (var block in change.Connected)
                {
                    s.TryWrite(block);
                }
            }
        }
    }

    private void RecordDropped(StacksTxid txid, string reason)
    {
        NodeRuntimeLog.TransactionDropped(_logger, txid, reason);
        _dropped.Set(txid, reason);
    }
}

/// <summary>A thread-safe map that remembers the last <c>capacity</c> keys set (oldest forgotten first).</summary>
internal sealed class BoundedReasons<TKey>(int capacity)
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, string> _map = [];
    private readonly Queue<TKey> _order = new();

    public void Set(TKey key, string reason)
    {
        if (capacity == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_map.TryAdd(key, reason))
            {
                _order.Enqueue(key);
                while (_order.Count > capacity)
                {
                    _map.Remove(_order.Dequeue());
                }
            }
            else
            {
                _map[key] = reason;
            }
        }
    }

    public string? Get(TKey key)
    {
        lock (_lock)
        {
            return _map.GetValueOrDefault(key);
        }
    }
}
