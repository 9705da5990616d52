using System.Security.Cryptography;

namespace Blockstack.Node.Peers;

/// <summary>Who a peer says it is in its handshake.</summary>
public sealed record PeerIdentity(string NodeId, string ListenAddress, string UserAgent)
{
    public override string ToString() => ListenAddress.Length > 0 ? $"{ListenAddress} ({ShortId})" : ShortId;

    private string ShortId => NodeId.Length > 12 ? NodeId[..12] : NodeId;
}

public enum PeerDirection
{
    /// <summary>The peer called our Handshake; it holds a session token.</summary>
    Inbound,

    /// <summary>We called the peer's Handshake.</summary>
    Outbound,
}

public enum PeerAdmission
{
    Admitted,

    /// <summary>The node id is this node's own.</summary>
    Self,
    Banned,

    /// <summary>Already <see cref="PeerOptions.MaxPeers"/> peers.</summary>
    Full,
}

public sealed record PeerEntry(PeerIdentity Identity, PeerDirection Direction, string? SessionToken, DateTimeOffset Since);

public sealed record PeerBan(string Key, DateTimeOffset Until, string Reason);

/// <summary>What a session token stands for.</summary>
public enum PeerSessionStatus
{
    /// <summary>An open session of a peer in good standing.</summary>
    Open,

    /// <summary>No such session (never opened, dropped, or its ban expired).</summary>
    Unknown,

    /// <summary>The session of a peer banned since: its calls are refused until the ban ends.</summary>
    Banned,
}

/// <summary>
/// The node's table of peers (thread-safe): inbound sessions, outbound connections and bans. A
/// peer counts once however many directions it is connected in; a ban covers its node id and its
/// listen address, drops every entry of it and lasts <see cref="PeerOptions.BanDuration"/>.
/// </summary>
public sealed class PeerBook
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly List<PeerEntry> _entries = [];
    private readonly Dictionary<string, PeerBan> _bans = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PeerIdentity> _bannedSessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private string _listenAddress;

    public PeerBook(PeerOptions options, TimeProvider? time = null, string? nodeId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _time = time ?? TimeProvider.System;
        NodeId = nodeId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _listenAddress = options.AdvertisedAddress;
    }

    /// <summary>This node's random id for this run (hex, 32 bytes).</summary>
    public string NodeId { get; }

    /// <summary>
    /// host:port this node tells peers to dial it back at (handshakes in both directions):
    /// <see cref="PeerOptions.AdvertisedAddress"/> at first; once the p2p listener is bound, its real
    /// endpoint (port 0 resolved) unless <c>advertise</c> names another; "" when it does not listen.
    /// </summary>
    public string ListenAddress
    {
        get => Volatile.Read(ref _listenAddress);
        set => Volatile.Write(ref _listenAddress, value ?? "");
    }

    public PeerOptions Options { get; }

    /// <summary>Raised (outside the lock) when a peer is banned, so its connections can be dropped.</summary>
    public event Action<PeerIdentity, string>? PeerBanned;

    /// <summary>
    /// Raised (outside the lock) after a peer that called our Handshake was admitted, so the client
    /// side can dial it back at its listen address.
    /// </summary>
    public event Action<PeerIdentity>? InboundHandshake;

    /// <summary>Distinct peers connected in either direction.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                PruneIdleLocked();
                return DistinctCount();
            }
        }
    }

    public IReadOnlyList<PeerEntry> Peers
    {
        get
        {
            lock (_lock)
            {
                PruneIdleLocked();
                return [.. _entries];
            }
        }
    }

    /// <summary>Bans still in force.</summary>
    public IReadOnlyList<PeerBan> Bans
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                return [.. _bans.Values.Where(b => b.Until > now)];
            }
        }
    }

    /// <summary>True while a ban on this node id or listen address is in force.</summary>
    public bool IsBanned(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        lock (_lock)
        {
            return IsBannedLocked(key);
        }
    }

    public bool IsBanned(PeerIdentity peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_lock)
        {
            return IsBannedLocked(peer.NodeId) || IsBannedLocked(peer.ListenAddress);
        }
    }

    /// <summary>Bans the peer's node id and listen address and drops all its entries.</summary>
    public void Ban(PeerIdentity peer, string reason)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_lock)
        {
            var until = _time.GetUtcNow() + Options.BanDuration;
            foreach (var key in new[] { peer.NodeId, peer.ListenAddress })
            {
                if (!string.IsNullOrEmpty(key))
                {
                    _bans[key] = new PeerBan(key, until, reason);
                }
            }

            foreach (var e in _entries)
            {
                if (e.SessionToken is { } token && IsOf(e, peer) && _bannedSessions.Count < MaxBannedSessions)
                {
                    _bannedSessions[token] = e.Identity;
                }
            }

            ForgetSessionsLocked(e => IsOf(e, peer));
            _entries.RemoveAll(e => IsOf(e, peer));
        }

        PeerBanned?.Invoke(peer, reason);
    }

    /// <summary>Admits a peer that called our Handshake; on success <paramref name="token"/> is its new session token.</summary>
    public PeerAdmission TryOpenInbound(PeerIdentity peer, out string token)
    {
        ArgumentNullException.ThrowIfNull(peer);
        token = "";
        lock (_lock)
        {
            PruneIdleLocked();
            if (peer.NodeId != NodeId && !IsBannedLocked(peer.NodeId) && !IsBannedLocked(peer.ListenAddress))
            {
                // A peer handshaking again (or restarted under a new node id at the same listen
                // address) replaces its old session; it is not counted twice, and is never refused
                // for want of room it holds itself.
                foreach (var e in _entries)
                {
                    if (e.Direction == PeerDirection.Inbound && e.SessionToken is { } old && IsOf(e, peer))
                    {
                        _lastSeen.Remove(old);
                    }
                }

                _entries.RemoveAll(e => e.Direction == PeerDirection.Inbound && IsOf(e, peer));
            }

            var admission = AdmitLocked(peer);
            if (admission != PeerAdmission.Admitted)
            {
                return admission;
            }

            token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var now = _time.GetUtcNow();
            _entries.Add(new PeerEntry(peer, PeerDirection.Inbound, token, now));
            _lastSeen[token] = now;
        }

        InboundHandshake?.Invoke(peer);
        return PeerAdmission.Admitted;
    }

    /// <summary>The session behind <paramref name="token"/>: open (with its peer), unknown, or of a peer banned since.</summary>
    public PeerSessionStatus GetSession(string? token, out PeerIdentity? peer)
    {
        peer = null;
        if (string.IsNullOrEmpty(token))
        {
            return PeerSessionStatus.Unknown;
        }

        lock (_lock)
        {
            if (_bannedSessions.TryGetValue(token, out var banned))
            {
                if (IsBannedLocked(banned.NodeId) || IsBannedLocked(banned.ListenAddress))
                {
                    peer = banned;
                    return PeerSessionStatus.Banned;
                }

                _bannedSessions.Remove(token);
                return PeerSessionStatus.Unknown;
            }

            foreach (var e in _entries)
            {
                if (e.Direction == PeerDirection.Inbound && e.SessionToken == token)
                {
                    peer = e.Identity;
                    if (IsBannedLocked(e.Identity.NodeId) || IsBannedLocked(e.Identity.ListenAddress))
                    {
                        return PeerSessionStatus.Banned;
                    }

                    _lastSeen[token] = _time.GetUtcNow();
                    return PeerSessionStatus.Open;
                }
            }
        }

        return PeerSessionStatus.Unknown;
    }

    /// <summary>The peer holding this session token, or null (unknown token, or the peer is banned).</summary>
    public PeerIdentity? FindSession(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        lock (_lock)
        {
            foreach (var e in _entries)
            {
                if (e.Direction == PeerDirection.Inbound && e.SessionToken == token)
                {
                    if (IsBannedLocked(e.Identity.NodeId))
                    {
                        return null;
                    }

                    _lastSeen[token] = _time.GetUtcNow();
                    return e.Identity;
                }
            }
        }

        return null;
    }

    /// <summary>Records an outbound connection after a successful handshake with the peer.</summary>
    public PeerAdmission TryAddOutbound(PeerIdentity peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_lock)
        {
            var admission = AdmitLocked(peer);
            if (admission == PeerAdmission.Admitted)
            {
                _entries.RemoveAll(e => e.Direction == PeerDirection.Outbound && e.Identity.NodeId == peer.NodeId);
                _entries.Add(new PeerEntry(peer, PeerDirection.Outbound, null, _time.GetUtcNow()));
            }

            return admission;
        }
    }

    /// <summary>Forgets one direction of a peer (a dropped connection).</summary>
    public void Remove(string nodeId, PeerDirection direction)
    {
        lock (_lock)
        {
            ForgetSessionsLocked(e => e.Direction == direction && e.Identity.NodeId == nodeId);
            _entries.RemoveAll(e => e.Direction == direction && e.Identity.NodeId == nodeId);
        }
    }

    private const int MaxBannedSessions = 4096;

    private static bool IsOf(PeerEntry e, PeerIdentity peer) =>
        e.Identity.NodeId == peer.NodeId || (peer.ListenAddress.Length > 0 && string.Equals(e.Identity.ListenAddress, peer.ListenAddress, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Drops inbound sessions not used for <see cref="PeerOptions.InboundSessionIdleTimeout"/>: a
    /// connected peer calls at least every few seconds (its keep-alive), so such a peer is gone,
    /// and it must not keep its place among <see cref="PeerOptions.MaxPeers"/>.
    /// </summary>
    private void ForgetSessionsLocked(Predicate<PeerEntry> match)
    {
        foreach (var e in _entries)
        {
            if (e.SessionToken is { } token && match(e))
            {
                _lastSeen.Remove(token);
            }
        }
    }

    private void PruneIdleLocked()
    {
        var cutoff = _time.GetUtcNow() - Options.InboundSessionIdleTimeout;
        _entries.RemoveAll(e =>
        {
            if (e.Direction != PeerDirection.Inbound || e.SessionToken is not { } token || _lastSeen.GetValueOrDefault(token, e.Since) >= cutoff)
            {
                return false;
            }

            _lastSeen.Remove(token);
            return true;
        });
    }

    private PeerAdmission AdmitLocked(PeerIdentity peer)
    {
        if (peer.NodeId == NodeId)
        {
            return PeerAdmission.Self;
        }

        if (IsBannedLocked(peer.NodeId) || IsBannedLocked(peer.ListenAddress))
        {
            return PeerAdmission.Banned;
        }

        var known = _entries.Any(e => e.Identity.NodeId == peer.NodeId);
        return !known && DistinctCount() >= Options.MaxPeers ? PeerAdmission.Full : PeerAdmission.Admitted;
    }

    private bool IsBannedLocked(string key)
    {
        if (string.IsNullOrEmpty(key) || !_bans.TryGetValue(key, out var ban))
        {
            return false;
        }

        if (ban.Until > _time.GetUtcNow())
        {
            return true;
        }

        _bans.Remove(key);
        return false;
    }

    private int DistinctCount()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in _entries)
        {
            ids.Add(e.Identity.NodeId);
        }

        return ids.Count;
    }
}
