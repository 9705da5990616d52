using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Peers;

/// <summary>
/// The client side of the peer network (docs/peer-sync.md): keeps outbound connections to the
/// bootstrap peers and to peers that handshook with this node (dial-back), re-dials dropped or
/// unreachable ones with a doubling backoff, probes idle connections, respects
/// <see cref="PeerOptions.MaxPeers"/> through the <see cref="PeerBook"/>, never dials itself or a
/// banned peer, and drops the connections of peers the book bans. It runs the
/// <see cref="BlockDownloader"/>, the <see cref="PeerRelay"/> and the
/// <see cref="ZonefileReplicator"/> over those connections.
/// </summary>
public sealed class PeerNetwork : IDisposable
{
    /// <summary>How often the dial loop looks at its targets without being woken.</summary>
    private static readonly TimeSpan DialTick = TimeSpan.FromMilliseconds(250);

    private readonly IPeerNode _node;
    private readonly PeerBook _book;
    private readonly PeerOptions _options;
    private readonly PeerSyncOptions _sync;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TaskTracker _tasks;
    private readonly WakeSignal _wake = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<PeerAddress, DialTarget> _targets = [];
    private readonly Dictionary<string, PeerConnection> _connections = new(StringComparer.Ordinal);
    private readonly HashSet<PeerConnection> _probing = [];
    private readonly PeerAddress? _self;
    private int _running;

    public PeerNetwork(
        IPeerNode node,
        PeerBook book,
        PeerOptions? options = null,
        ILoggerFactory? loggers = null,
        PeerSyncOptions? sync = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(book);
        _node = node;
        _book = book;
        _options = options ?? book.Options;
        _sync = sync ?? new PeerSyncOptions();
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<PeerNetwork>();
        _time = time ?? TimeProvider.System;
        _tasks = new TaskTracker(_logger);
        _self = PeerAddress.TryParse(_options.AdvertisedAddress, out var self, out _) ? self : null;
        Downloader = new BlockDownloader(node, book, () => ConnectedPeers, _options, _sync, loggers.CreateLogger<BlockDownloader>(), _time);
        Relay = new PeerRelay(node, () => ConnectedPeers, Downloader.WasFetched, _sync, loggers.CreateLogger<PeerRelay>());
        Zonefiles = new ZonefileReplicator(node, book, () => ConnectedPeers, _sync, loggers.CreateLogger<ZonefileReplicator>(), _time);
        foreach (var text in _options.BootstrapPeers)
        {
            if (PeerAddress.TryParse(text, out var address, out _))
            {
                AddTarget(address, bootstrap: true, nodeId: null);
            }
        }
    }

    public PeerBook Book => _book;

    public BlockDownloader Downloader { get; }

    public PeerRelay Relay { get; }

    public ZonefileReplicator Zonefiles { get; }

    /// <summary>Open outbound connections, one per peer.</summary>
    public IReadOnlyList<PeerConnection> ConnectedPeers
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections.Values.Where(c => c.IsOpen)];
            }
        }
    }

    /// <summary>Addresses this network dials or keeps connected.</summary>
    public IReadOnlyList<PeerAddress> Targets
    {
        get
        {
            lock (_lock)
            {
                return [.. _targets.Keys];
            }
        }
    }

    /// <summary>Raised after a handshake succeeded and the peer was admitted.</summary>
    public event Action<PeerConnection>? PeerConnected;

    /// <summary>Raised when a connection was lost or dropped (ban).</summary>
    public event Action<PeerConnection, string>? PeerLost;

    /// <summary>Dials <paramref name="address"/> and keeps it connected like a bootstrap peer.</summary>
    public void AddPeer(PeerAddress address)
    {
        AddTarget(address, bootstrap: true, nodeId: null);
        _wake.Set();
    }

    /// <summary>
    /// A peer handshook with this node's server: dial it back at its listen address, unless this
    /// node already has a connection to it. Hook: <c>book.InboundHandshake += network.OnInboundHandshake</c>.
    /// </summary>
    public void OnInboundHandshake(PeerIdentity peer)
    {
        if (peer is null || string.IsNullOrEmpty(peer.ListenAddress) || !PeerAddress.TryParse(peer.ListenAddress, out var address, out _))
        {
            return;
        }

        lock (_lock)
        {
            if (_connections.ContainsKey(peer.NodeId))
            {
                return;
            }
        }

        AddTarget(address, bootstrap: false, nodeId: peer.NodeId);
        _wake.Set();
    }

    /// <summary>Runs dialling, keep-alive, block download, relay and zonefile replication until cancelled; then closes every connection.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("the peer network is already running");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = stop.Token;
        _book.PeerBanned += OnPeerBanned;
        _tasks.Start("block downloader", () => Downloader.RunAsync(ct));
        _tasks.Start("relay", () => Relay.RunAsync(ct));
        _tasks.Start("zonefile replicator", () => Zonefiles.RunAsync(ct));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Tick(ct);
                try
                {
                    await _wake.WaitAsync(DialTick, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _book.PeerBanned -= OnPeerBanned;
            await stop.CancelAsync();
            List<PeerConnection> open;
            lock (_lock)
            {
                open = [.. _connections.Values];
                _connections.Clear();
                foreach (var target in _targets.Values)
                {
                    target.Connection = null;
                }
            }

            await _tasks.WhenAllAsync();
            foreach (var connection in open)
            {
                _book.Remove(connection.Identity!.NodeId, PeerDirection.Outbound);
                connection.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }

        Downloader.Dispose();
        Relay.Dispose();
        Zonefiles.Dispose();
        _wake.Dispose();
    }

    private void AddTarget(PeerAddress address, bool bootstrap, string? nodeId)
    {
        if (address == _self)
        {
            return;
        }

        lock (_lock)
        {
            if (_targets.TryGetValue(address, out var target))
            {
                target.NodeId ??= nodeId;
                if (target.Connection is null && !target.Dialing && !target.BannedUntil.HasValue)
                {
                    target.NextAttempt = DateTimeOffset.MinValue;
                }

                return;
            }

            _targets[address] = new DialTarget(address, bootstrap) { NodeId = nodeId, Backoff = _sync.DialBackoffInitial };
        }
    }

    private void Tick(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var dials = new List<DialTarget>();
        var probes = new List<PeerConnection>();
        lock (_lock)
        {
            foreach (var target in _targets.Values)
            {
                if (target.Connection is not null || target.Dialing || target.NextAttempt > now)
                {
                    continue;
                }

                if (target.BannedUntil is { } until && until > now)
                {
                    continue;
                }

                target.BannedUntil = null;
                if (_book.IsBanned(target.Address.ToString()) || (target.NodeId is not null && _book.IsBanned(target.NodeId)))
                {
                    target.NextAttempt = now + _sync.DialBackoffMax;
                    continue;
                }

                if (!HasRoomFor(target))
                {
                    target.NextAttempt = now + _sync.DialBackoffInitial;
                    continue;
                }

                target.Dialing = true;
                dials.Add(target);
            }

            foreach (var connection in _connections.Values)
            {
                if (connection.IsOpen && now - connection.LastSuccess >= _sync.KeepAliveInterval && _probing.Add(connection))
                {
                    probes.Add(connection);
                }
            }
        }

        foreach (var target in dials)
        {
            _tasks.Start("dial", () => DialAsync(target, ct));
        }

        foreach (var connection in probes)
        {
            _tasks.Start("keep-alive", async () =>
            {
                try
                {
                    await connection.ProbeAsync(ct);
                }
                finally
                {
                    lock (_lock)
                    {
                        _probing.Remove(connection);
                    }
                }
            });
        }
    }

    /// <summary>Under the lock: the book has room for one more peer, or the target's peer is already counted.</summary>
    private bool HasRoomFor(DialTarget target)
    {
        if (_book.Count < _options.MaxPeers)
        {
            return true;
        }

        return target.NodeId is { } id && _book.Peers.Any(p => p.Identity.NodeId == id);
    }

    private async Task DialAsync(DialTarget target, CancellationToken ct)
    {
        var connection = new PeerConnection(target.Address, _node, _book.NodeId, _options, _logger, _time);
        PeerCallResult<PeerIdentity> result;
        try
        {
            result = await connection.OpenAsync(ct);
        }
        catch
        {
            connection.Dispose();
            lock (_lock)
            {
                target.Dialing = false;
            }

            throw;
        }

        var status = result.Status;
        var error = result.Error;
        var connected = false;
        lock (_lock)
        {
            target.Dialing = false;
            if (result.IsOk && !ct.IsCancellationRequested)
            {
                var identity = result.Value!;
                target.NodeId = identity.NodeId;
                if (_connections.ContainsKey(identity.NodeId))
                {
                    // Already connected to this node through another address.
                    status = PeerCallStatus.Rejected;
                    error = $"already connected to {identity}";
                }
                else
                {
                    switch (_book.TryAddOutbound(identity))
                    {
                        case PeerAdmission.Admitted:
                            _connections[identity.NodeId] = connection;
                            target.Connection = connection;
                            target.Failures = 0;
                            target.Backoff = _sync.DialBackoffInitial;
                            connection.Lost += OnLost;
                            connected = true;
                            break;
                        case PeerAdmission.Self:
                            status = PeerCallStatus.Self;
                            error = $"{target.Address} is this node";
                            break;
                        case PeerAdmission.Banned:
                            status = PeerCallStatus.Banned;
                            error = $"{identity} is banned";
                            break;
                        default:
                            status = PeerCallStatus.Full;
                            error = $"already {_options.MaxPeers} peers (max_peers)";
                            break;
                    }
                }
            }
            else if (result.IsOk)
            {
                status = PeerCallStatus.Failed;
                error = "stopping";
            }

            if (!connected)
            {
                Reschedule(target, status);
            }
        }

        if (!connected)
        {
            connection.Dispose();
            if (status is PeerCallStatus.Rejected or PeerCallStatus.Self)
            {
                PeerSyncLog.DialRefused(_logger, target.Address, error);
            }
            else
            {
                PeerSyncLog.DialFailed(_logger, target.Address, status, error, target.Backoff);
            }

            return;
        }

        var tips = connection.RemoteTips;
        var peer = connection.Identity!;
        PeerSyncLog.PeerConnected(_logger, peer, target.Address, peer.UserAgent, tips?.BurnHeight ?? 0, tips?.StacksTipHeight ?? 0);
        PeerConnected?.Invoke(connection);
        Downloader.Wake();
        Zonefiles.Wake();
    }

    /// <summary>Under the lock: when to dial a target again after a failed dial or a lost connection.</summary>
    private void Reschedule(DialTarget target, PeerCallStatus status)
    {
        var now = _time.GetUtcNow();
        if (status == PeerCallStatus.Self || (!target.Bootstrap && status == PeerCallStatus.Rejected))
        {
            _targets.Remove(target.Address);
            return;
        }

        target.Failures++;
        if (!target.Bootstrap && target.Failures > _sync.MaxDialBackAttempts)
        {
            _targets.Remove(target.Address);
            return;
        }

        var delay = status is PeerCallStatus.Rejected or PeerCallStatus.Banned ? _sync.DialBackoffMax : target.Backoff;
        target.NextAttempt = now + delay;
        target.Backoff = TimeSpan.FromTicks(Math.Min(_sync.DialBackoffMax.Ticks, target.Backoff.Ticks * 2));
    }

    private void OnLost(PeerConnection connection, string reason)
    {
        if (!Forget(connection, bannedFor: null))
        {
            return;
        }

        PeerSyncLog.PeerLost(_logger, connection, reason);
        PeerLost?.Invoke(connection, reason);
        _wake.Set();
    }

    private void OnPeerBanned(PeerIdentity peer, string reason)
    {
        PeerSyncLog.PeerBanned(_logger, peer, reason);
        List<PeerConnection> dropped;
        lock (_lock)
        {
            dropped = [.. _connections.Values.Where(c => c.Identity!.NodeId == peer.NodeId || string.Equals(c.Address.ToString(), peer.ListenAddress, StringComparison.OrdinalIgnoreCase))];
        }

        foreach (var connection in dropped)
        {
            if (Forget(connection, bannedFor: _options.BanDuration))
            {
                PeerLost?.Invoke(connection, $"banned: {reason}");
            }
        }
    }

    /// <summary>Removes a connection (once), frees its book entry and schedules its target; false when already forgotten.</summary>
    private bool Forget(PeerConnection connection, TimeSpan? bannedFor)
    {
        lock (_lock)
        {
            var id = connection.Identity!.NodeId;
            if (!_connections.TryGetValue(id, out var known) || known != connection)
            {
                return false;
            }

            _connections.Remove(id);
            _book.Remove(id, PeerDirection.Outbound);
            foreach (var target in _targets.Values.Where(t => t.Connection == connection).ToList())
            {
                target.Connection = null;
                if (bannedFor is { } ban)
                {
                    target.BannedUntil = _time.GetUtcNow() + ban;
                }
                else
                {
                    Reschedule(target, connection.LostStatus);
                }
            }
        }

        Relay.Detach(connection);
        connection.MarkLost("dropped");
        _tasks.Start("close connection", () =>
        {
            connection.Dispose();
            return Task.CompletedTask;
        });
        return true;
    }

    private sealed class DialTarget(PeerAddress address, bool bootstrap)
    {
        public PeerAddress Address { get; } = address;

        /// <summary>Bootstrap peers are re-dialled forever; peers learned from a handshake up to <see cref="PeerSyncOptions.MaxDialBackAttempts"/> failures.</summary>
        public bool Bootstrap { get; } = bootstrap;

        /// <summary>The node id last seen at this address, when known.</summary>
        public string? NodeId { get; set; }

        public PeerConnection? Connection { get; set; }

        public bool Dialing { get; set; }

        public DateTimeOffset NextAttempt { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset? BannedUntil { get; set; }

        public TimeSpan Backoff { get; set; }

        public int Failures { get; set; }
    }
}
