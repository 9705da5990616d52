using System.Threading.Channels;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Burnchain.Watcher;

/// <summary>What the watcher tells the layer above, in order.</summary>
public abstract record BurnchainEvent
{
    private BurnchainEvent()
    {
    }

    /// <summary>A block joined the canonical chain (and the index) with these operations.</summary>
    public sealed record Applied(BurnBlock Block) : BurnchainEvent;

    /// <summary>The canonical tip block left the chain (and the index); its parent is the new tip.</summary>
    public sealed record RolledBack(BurnBlockHeader Block) : BurnchainEvent;
}

/// <summary>The watcher's states (docs/burnchain.md).</summary>
public enum WatcherState
{
    Starting,
    Syncing,
    Reorganizing,
    Following,
    WaitingForBitcoind,
    Stopped,
    Failed,
}

/// <summary>Watcher settings; each default is stated here once.</summary>
public sealed record BurnchainWatcherOptions
{
    /// <summary>How often to ask bitcoind for a new tip once caught up. Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait after bitcoind could not be reached. Default 2 s.</summary>
    public TimeSpan OutageDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Confirmations after which a block counts as stable; null: the network's (7 mainnet/testnet, 1 regtest).</summary>
    public int? StableConfirmations { get; init; }
}

/// <summary>
/// Follows bitcoind block by block from the network's first burn block: fetches each block raw
/// (<c>getblock hash 0</c>), parses it with our own parser, detects reorgs by parent hash, rolls
/// back to the fork point and applies the new branch. Every applied or rolled-back block is one
/// atomic index batch, committed before its event is written to the channel. Single writer.
/// </summary>
public sealed class BurnchainWatcher
{
    private readonly IBitcoinRpc _rpc;
    private readonly BurnchainIndex _index;
    private readonly BurnchainParameters _parameters;
    private readonly BurnchainWatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelWriter<BurnchainEvent>? _events;

    public BurnchainWatcher(
        IBitcoinRpc rpc,
        BurnchainIndex index,
        BurnchainParameters parameters,
        BurnchainWatcherOptions? options = null,
        ChannelWriter<BurnchainEvent>? events = null,
        TimeProvider? time = null,
        ILogger<BurnchainWatcher>? logger = null)
    {
        _rpc = rpc;
        _index = index;
        _parameters = parameters;
        _options = options ?? new BurnchainWatcherOptions();
        _events = events;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public WatcherState State { get; private set; } = WatcherState.Starting;

    /// <summary>Called just before each batch commits (tests use it to simulate a crash there).</summary>
    public Action? BeforeCommit { get; init; }

    /// <summary>Time spent per stage since construction (RPC, parsing, storage), for benchmarks.</summary>
    public WatcherTimings Timings { get; } = new();

    public int StableConfirmations => _options.StableConfirmations ?? _parameters.StableConfirmations;

    /// <summary>The highest block with at least <see cref="StableConfirmations"/> confirmations, or null.</summary>
    public ulong? StableHeight
    {
        get
        {
            var tip = _index.Tip;
            if (tip is null || tip.Value.Height + 1 < (ulong)StableConfirmations + _parameters.FirstBlockHeight)
            {
                return null;
            }

            return tip.Value.Height + 1 - (ulong)StableConfirmations;
        }
    }

    /// <summary>Follows bitcoind until cancelled: sync, then poll; waits out bitcoind outages.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await SyncAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
                    SetState(WatcherState.Following);
                    await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is BitcoinRpcUnavailableException or BitcoinRpcException or BitcoinRpcAuthException)
                {
                    SetState(WatcherState.WaitingForBitcoind);
                    _logger.WaitingForBitcoind(e.Message, (long)_options.OutageDelay.TotalMilliseconds);
                    await Task.Delay(_options.OutageDelay, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch
        {
            SetState(WatcherState.Failed);
            throw;
        }

        SetState(WatcherState.Stopped);
    }

    /// <summary>
    /// One pass: reconcile with bitcoind's chain and apply up to <paramref name="maxBatches"/>
    /// blocks (roll-backs count too). Returns the number of batches committed.
    /// </summary>
    public async Task<int> SyncAsync(int maxBatches, CancellationToken cancellationToken)
    {
        var committed = 0;
        var info = await Timed(() => _rpc.GetBlockchainInfoAsync(cancellationToken)).ConfigureAwait(false);
        var remoteTip = info.Blocks;
        if (remoteTip < _parameters.FirstBlockHeight)
        {
            return 0;
        }

        var tip = _index.Tip;
        if (tip is null)
        {
            SetState(WatcherState.Syncing);
            var firstHash = await Timed(() => _rpc.GetBlockHashAsync(_parameters.FirstBlockHeight, cancellationToken)).ConfigureAwait(false);
            if (firstHash is null)
            {
                return 0;
            }

            if (firstHash.Value != _parameters.FirstBlockHash)
            {
                throw new InvalidOperationException(
                    $"bitcoind's block {_parameters.FirstBlockHeight} is {firstHash}, but {_parameters.Name} starts at {_parameters.FirstBlockHash}: wrong network?");
            }

            if (!await TryApplyAsync(_parameters.FirstBlockHeight, firstHash.Value, null, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            committed++;
        }
        else
        {
            var fork = await FindForkPointAsync(tip.Value, remoteTip, cancellationToken).ConfigureAwait(false);
            if (fork < tip.Value.Height)
            {
                SetState(WatcherState.Reorganizing);
                var depth = tip.Value.Height - fork;
                while (_index.Tip!.Value.Height > fork)
                {
                    if (committed >= maxBatches)
                    {
                        return committed;
                    }

                    var start = _time.GetTimestamp();
                    var removed = _index.RollBackTip(BeforeCommit);
                    Timings.AddStorage(_time.GetElapsedTime(start));
                    committed++;
                    _logger.BlockRolledBack(removed.Height, removed.Hash);
                    await EmitAsync(new BurnchainEvent.RolledBack(removed), cancellationToken).ConfigureAwait(false);
                }

                _logger.Reorg(fork, _index.Tip!.Value.Hash, depth);
            }
        }

        SetState(WatcherState.Syncing);
        while (committed < maxBatches)
        {
            var current = _index.Tip!.Value;
            var height = current.Height + 1;
            if (height > remoteTip)
            {
                break;
            }

            var hash = await Timed(() => _rpc.GetBlockHashAsync(height, cancellationToken)).ConfigureAwait(false);
            if (hash is null || !await TryApplyAsync(height, hash.Value, current, cancellationToken).ConfigureAwait(false))
            {
                // The chain moved under us (shorter, or a reorg mid-sync): the next pass reconciles.
                break;
            }

            committed++;
        }

        return committed;
    }

    // The highest height at or below our tip where bitcoind's active chain and the index agree.
    private async Task<ulong> FindForkPointAsync(BurnBlockHeader tip, ulong remoteTip, CancellationToken cancellationToken)
    {
        var height = Math.Min(tip.Height, remoteTip);
        while (true)
        {
            var ours = _index.GetCanonicalHeader(height)!.Value;
            var theirs = await Timed(() => _rpc.GetBlockHashAsync(height, cancellationToken)).ConfigureAwait(false);
            if (theirs == ours.Hash)
            {
                return height;
            }

            if (height == _parameters.FirstBlockHeight)
            {
                throw new InvalidOperationException($"bitcoind's chain does not contain the first burn block {_parameters.FirstBlockHash}");
            }

            height--;
        }
    }

    private async Task<bool> TryApplyAsync(ulong height, BlockHash hash, BurnBlockHeader? parent, CancellationToken cancellationToken)
    {
        var raw = await Timed(() => _rpc.GetRawBlockAsync(hash, cancellationToken)).ConfigureAwait(false);
        if (raw is null)
        {
            return false;
        }

        var start = _time.GetTimestamp();
        if (!Block.TryParse(raw, out var block, out var error) || block.Hash != hash)
        {
            _logger.BadBlock(height, hash, error ?? "hash mismatch");
            throw new BitcoinRpcException($"block {height} {hash} from bitcoind does not parse: {error}");
        }

        if (parent is { } p && block.Header.PrevBlock != p.Hash)
        {
            return false;
        }

        var result = BurnBlockProcessor.Process(block, height, _parameters, _index);
        Timings.AddParsing(_time.GetElapsedTime(start));
        foreach (var rejection in result.Rejections)
        {
            _logger.OpRejected(rejection.CodeText, height, hash, rejection.Txid, rejection.Vtxindex, rejection.Detail);
        }

        start = _time.GetTimestamp();
        _index.Apply(result.Block, BeforeCommit);
        Timings.AddStorage(_time.GetElapsedTime(start));
        _logger.BlockApplied(height, hash, result.Block.Operations.Count);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            foreach (var op in result.Block.Ops)
            {
                _logger.OpApplied(height, op.Txid, op.Vtxindex, BurnOpText.Describe(op, _parameters));
            }
        }

        await EmitAsync(new BurnchainEvent.Applied(result.Block), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask EmitAsync(BurnchainEvent e, CancellationToken cancellationToken)
    {
        if (_events is not null)
        {
            await _events.WriteAsync(e, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> Timed<T>(Func<Task<T>> call)
    {
        var start = _time.GetTimestamp();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            Timings.AddRpc(_time.GetElapsedTime(start));
        }
    }

    private void SetState(WatcherState state)
    {
        if (State != state)
        {
            State = state;
            _logger.StateChanged(state, _index.Tip?.Height ?? 0);
        }
    }
}

/// <summary>Accumulated time per stage (thread-safe).</summary>
public sealed class WatcherTimings
{
    private long _rpcTicks;
    private long _parsingTicks;
    private long _storageTicks;

    public TimeSpan Rpc => TimeSpan.FromTicks(Interlocked.Read(ref _rpcTicks));

    public TimeSpan Parsing => TimeSpan.FromTicks(Interlocked.Read(ref _parsingTicks));

    public TimeSpan Storage => TimeSpan.FromTicks(Interlocked.Read(ref _storageTicks));

    internal void AddRpc(TimeSpan t) => Interlocked.Add(ref _rpcTicks, t.Ticks);

    internal void AddParsing(TimeSpan t) => Interlocked.Add(ref _parsingTicks, t.Ticks);

    internal void AddStorage(TimeSpan t) => Interlocked.Add(ref _storageTicks, t.Ticks);
}
