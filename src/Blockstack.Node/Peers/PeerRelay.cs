using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Peers;

/// <summary>
/// Sends every item the node newly takes (<see cref="IPeerNode.ItemAccepted"/>) to every connected
/// peer except the one it came from (docs/peer-sync.md). The node's event only queues the item;
/// a relay loop decides where it goes and each peer has its own bounded queue, drained by one
/// push at a time (when full, the oldest waiting item is dropped), so a slow peer never holds the
/// node up. A bounded memory of (kind, id, peer) sends an item to each peer at most once and
/// remembers who sent it to us, so echoes stop. Blocks fetched by the downloader while catching
/// up are not relayed unless their sortition is among the newest burn blocks.
/// </summary>
public sealed class PeerRelay : IDisposable
{
    private readonly IPeerNode _node;
    private readonly Func<IReadOnlyList<PeerConnection>> _peers;
    private readonly Func<string, bool> _fetchedByDownloader;
    private readonly PeerSyncOptions _sync;
    private readonly ILogger _logger;
    private readonly TaskTracker _tasks;
    private readonly Channel<PeerItem> _intake;
    private readonly BoundedKeySet<(PeerItemKind, string, string)> _sent;
    private readonly Lock _lock = new();
    private readonly Dictionary<PeerConnection, Channel<PeerItem>> _queues = [];
    private long _pushed;
    private long _dropped;

    public PeerRelay(
        IPeerNode node,
        Func<IReadOnlyList<PeerConnection>> peers,
        Func<string, bool>? fetchedByDownloader = null,
        PeerSyncOptions? sync = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(peers);
        _node = node;
        _peers = peers;
        _fetchedByDownloader = fetchedByDownloader ?? (_ => false);
        _sync = sync ?? new PeerSyncOptions();
        _logger = logger ?? NullLogger.Instance;
        _tasks = new TaskTracker(_logger);
        _intake = Channel.CreateBounded<PeerItem>(new BoundedChannelOptions(Math.Max(16, _sync.RelayQueueCapacity * 4))
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _sent = new BoundedKeySet<(PeerItemKind, string, string)>(Math.Max(16, _sync.RelayMemory));
    }

    /// <summary>Pushes answered by peers (any answer).</summary>
    public long Pushed => Interlocked.Read(ref _pushed);

    /// <summary>Items dropped from a full peer queue.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _node.ItemAccepted += OnItemAccepted;
        try
        {
            await foreach (var item in _intake.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    Fan(item, cancellationToken);
                }
#pragma warning disable CA1031 // One item that cannot be relayed must not stop the relay.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    PeerSyncLog.TaskFailed(_logger, e, "relay");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            _node.ItemAccepted -= OnItemAccepted;
            lock (_lock)
            {
                foreach (var queue in _queues.Values)
                {
                    queue.Writer.TryComplete();
                }

                _queues.Clear();
            }

            await _tasks.WhenAllAsync();
        }
    }

    /// <summary>Remembers that the peer <paramref name="peerNodeId"/> holds this item (it sent it, or said it had it).</summary>
    public void MarkKnown(PeerItemKind kind, string id, string peerNodeId) => _sent.TryAdd(Key(kind, id, peerNodeId));

    /// <summary>Stops pushing to a peer that went away.</summary>
    public void Detach(PeerConnection peer)
    {
        lock (_lock)
        {
            if (_queues.Remove(peer, out var queue))
            {
                queue.Writer.TryComplete();
            }
        }
    }

    public void Dispose() => _intake.Writer.TryComplete();

    private static (PeerItemKind, string, string) Key(PeerItemKind kind, string id, string nodeId) => (kind, id.ToLowerInvariant(), nodeId);

    /// <summary>Runs on the node's thread: only queues.</summary>
    private void OnItemAccepted(PeerItem item)
    {
        if (item is not null)
        {
            _intake.Writer.TryWrite(item);
        }
    }

    private void Fan(PeerItem item, CancellationToken cancellationToken)
    {
        var from = item.From?.NodeId;
        if (from is not null)
        {
            MarkKnown(item.Kind, item.Id, from);
        }

        if (item.Kind == PeerItemKind.Block && from is not null && _fetchedByDownloader(item.Id) && !IsRecent(item.ConsensusHash))
        {
            // A historic block fetched while catching up: peers that need it fetch it by inventory.
            return;
        }

        foreach (var peer in _peers())
        {
            var id = peer.Identity?.NodeId;
            if (id is null || !peer.IsOpen || id == from || !_sent.TryAdd(Key(item.Kind, item.Id, id)))
            {
                continue;
            }

            var queue = QueueOf(peer, cancellationToken);
            if (!queue.Writer.TryWrite(item))
            {
                continue;
            }

            if (queue.Reader.Count >= _sync.RelayQueueCapacity)
            {
                PeerSyncLog.RelayQueueFull(_logger, peer);
            }
        }
    }

    private bool IsRecent(string consensusHash)
    {
        if (string.IsNullOrEmpty(consensusHash))
        {
            return true;
        }

        var tips = _node.GetTips();
        var recent = (ulong)Math.Max(1, _sync.RelayRecentBurnBlocks);
        var start = tips.BurnHeight >= recent ? tips.BurnHeight - recent + 1 : 0;
        return _node.GetInventory(start, (int)recent).Any(e => string.Equals(e.ConsensusHash, consensusHash, StringComparison.OrdinalIgnoreCase));
    }

    private Channel<PeerItem> QueueOf(PeerConnection peer, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_queues.TryGetValue(peer, out var queue))
            {
                return queue;
            }

            queue = Channel.CreateBounded<PeerItem>(
                new BoundedChannelOptions(Math.Max(1, _sync.RelayQueueCapacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _dropped));
            _queues[peer] = queue;
            peer.Lost += (p, _) => Detach(p);
            _tasks.Start("relay pump", () => PumpAsync(peer, queue, cancellationToken));
            return queue;
        }
    }

    private async Task PumpAsync(PeerConnection peer, Channel<PeerItem> queue, CancellationToken cancellationToken)
    {
        await foreach (var item in queue.Reader.ReadAllAsync(cancellationToken))
        {
            if (!peer.IsOpen)
            {
                Detach(peer);
                return;
            }

            var result = item.Kind switch
            {
                PeerItemKind.Block => await peer.PushBlockAsync(item.Bytes, item.ConsensusHash, cancellationToken),
                PeerItemKind.Transaction => await peer.PushTransactionAsync(item.Bytes, cancellationToken),
                _ => await peer.PushZonefileAsync(item.Id, item.Bytes, cancellationToken),
            };
            if (!result.IsOk)
            {
                continue;
            }

            Interlocked.Increment(ref _pushed);
            var answer = result.Value!;

            // Neither accepted nor duplicate: the peer refused it. The answer does not say whether
            // it found the item invalid (it bans us then) or refused it for a benign reason, so
            // both are logged at Warning; this node bans nobody for it.
            if (!answer.Accepted && !answer.Duplicate)
            {
                PeerSyncLog.PushInvalid(_logger, peer, item.Kind, item.Id, answer.Code, answer.Message);
            }
        }
    }
}
