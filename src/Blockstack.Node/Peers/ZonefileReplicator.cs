using Blockstack.Bitcoin.Crypto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Peers;

/// <summary>
/// Replicates zonefiles whose hash is on chain but whose content this node lacks, like Stacks'
/// Atlas (docs/peer-sync.md): every <see cref="PeerSyncOptions.ZonefileInterval"/> and on each burn
/// tip change it takes <see cref="IPeerNode.GetMissingZonefileHashes"/>, asks connected peers with
/// GetZonefiles (at most their limit per call; a hash goes first to peers not yet asked for it),
/// checks that each content hashes (hash160) to the hash asked for — else the sender is banned —
/// and offers it to the node. A hash no peer had is asked again later, the delay doubling per
/// miss up to <see cref="PeerSyncOptions.ZonefileRetryMax"/>.
/// </summary>
public sealed class ZonefileReplicator : IDisposable
{
    private readonly IPeerNode _node;
    private readonly PeerBook _book;
    private readonly Func<IReadOnlyList<PeerConnection>> _peers;
    private readonly PeerSyncOptions _sync;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WakeSignal _wake = new();
    private readonly Dictionary<string, HashState> _states = new(StringComparer.Ordinal);
    private long _stored;

    public ZonefileReplicator(
        IPeerNode node,
        PeerBook book,
        Func<IReadOnlyList<PeerConnection>> peers,
        PeerSyncOptions? sync = null,
        ILogger? logger = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(peers);
        _node = node;
        _book = book;
        _peers = peers;
        _sync = sync ?? new PeerSyncOptions();
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Zonefiles fetched from peers and stored by the node so far.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    public void Wake() => _wake.Set();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _node.BurnTipChanged += Wake;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var again = false;
                try
                {
                    again = await RoundAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
#pragma warning disable CA1031 // The node may fail a read while shutting down; the next round tries again.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    PeerSyncLog.TaskFailed(_logger, e, "zonefile replication round");
                }

                if (again)
                {
                    continue;
                }

                try
                {
                    await _wake.WaitAsync(_sync.ZonefileInterval, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _node.BurnTipChanged -= Wake;
        }
    }

    public void Dispose() => _wake.Dispose();

    /// <summary>One round; true when another should follow at once (misses that other peers may have, or more hashes waiting).</summary>
    private async Task<bool> RoundAsync(CancellationToken cancellationToken)
    {
        var wanted = _node.GetMissingZonefileHashes(Math.Max(1, _sync.ZonefilesPerRound))
            .Select(h => Convert.ToHexStringLower(h))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var now = _time.GetUtcNow();
        var wantedSet = wanted.ToHashSet(StringComparer.Ordinal);
        foreach (var hash in _states.Keys.Where(h => !wantedSet.Contains(h)).ToList())
        {
            _states.Remove(hash);
        }

        var peers = _peers().Where(p => p.IsOpen && p.Identity is not null).ToList();
        if (wanted.Count == 0 || peers.Count == 0)
        {
            return false;
        }

        // Assign each due hash to one peer: one not asked yet, else the one asked longest ago.
        var batches = peers.ToDictionary(p => p, _ => new List<string>());
        foreach (var hash in wanted)
        {
            if (!_states.TryGetValue(hash, out var state))
            {
                state = new HashState();
                _states[hash] = state;
            }

            if (state.NextAttempt > now)
            {
                continue;
            }

            var peer = peers
                .Where(p => batches[p].Count < p.Limits.MaxZonefilesPerRequest)
                .OrderBy(p => state.Asked.TryGetValue(p.Identity!.NodeId, out var at) ? at : DateTimeOffset.MinValue)
                .ThenBy(p => batches[p].Count)
                .FirstOrDefault();
            if (peer is not null)
            {
                batches[peer].Add(hash);
            }
        }

        var calls = batches.Where(b => b.Value.Count > 0).Select(b => AskAsync(b.Key, b.Value, cancellationToken)).ToList();
        var outcomes = await Task.WhenAll(calls);
        var stored = 0;
        var missed = 0;
        var elsewhere = 0;
        now = _time.GetUtcNow();
        foreach (var (peer, asked, got) in outcomes)
        {
            foreach (var hash in asked)
            {
                if (got.Contains(hash))
                {
                    _states.Remove(hash);
                    stored++;
                    continue;
                }

                missed++;
                var state = _states[hash];
                state.Asked[peer.Identity!.NodeId] = now;
                var untried = peers.Any(p => p.IsOpen && !state.Asked.ContainsKey(p.Identity!.NodeId));
                if (untried)
                {
                    // Another peer may have it: ask it in the next round, at once.
                    elsewhere++;
                    continue;
                }

                state.Misses++;
                var delay = TimeSpan.FromTicks(Math.Min(
                    _sync.ZonefileRetryMax.Ticks,
                    _sync.ZonefileRetryInitial.Ticks * (1L << Math.Min(state.Misses - 1, 20))));
                state.NextAttempt = now + delay;
            }
        }

        PeerSyncLog.ZonefileRound(_logger, stored, missed, wanted.Count - stored);
        return elsewhere > 0 || (stored > 0 && wanted.Count >= _sync.ZonefilesPerRound);
    }

    private async Task<(PeerConnection Peer, List<string> Asked, HashSet<string> Got)> AskAsync(PeerConnection peer, List<string> hashes, CancellationToken cancellationToken)
    {
        var identity = peer.Identity!;
        var got = new HashSet<string>(StringComparer.Ordinal);
        var asked = hashes.ToHashSet(StringComparer.Ordinal);
        var result = await peer.GetZonefilesAsync(hashes, cancellationToken);
        foreach (var data in result.Value ?? [])
        {
            var hash = data.Hash.ToLowerInvariant();
            if (!asked.Contains(hash))
            {
                Ban(identity, $"sent zonefile {data.Hash}, which was not asked for");
                break;
            }

            var actual = Convert.ToHexStringLower(Hashes.Hash160(data.Content.Span));
            if (actual != hash)
            {
                Ban(identity, $"sent content hashing to {actual} as zonefile {hash}");
                break;
            }

            OfferResult offer;
            try
            {
                offer = _node.OfferZonefile(data.Content.Memory, identity);
            }
#pragma warning disable CA1031 // The node may be shutting down: the zonefile is asked again later.
            catch (Exception e)
#pragma warning restore CA1031
            {
                PeerSyncLog.TaskFailed(_logger, e, "offer zonefile");
                continue;
            }

            if (offer.Status == OfferStatus.Invalid)
            {
                Ban(identity, $"sent invalid zonefile {hash}: {offer.Code} {offer.Message}");
                break;
            }

            if (offer.Status is OfferStatus.Accepted or OfferStatus.Duplicate)
            {
                got.Add(hash);
                if (offer.Status == OfferStatus.Accepted)
                {
                    Interlocked.Increment(ref _stored);
                }
            }
        }

        return (peer, hashes, got);
    }

    private void Ban(PeerIdentity peer, string reason)
    {
        PeerSyncLog.Banning(_logger, peer, reason);
        _book.Ban(peer, reason);
    }

    private sealed class HashState
    {
        public DateTimeOffset NextAttempt { get; set; } = DateTimeOffset.MinValue;

        public int Misses { get; set; }

        /// <summary>Node id → when that peer was last asked and did not have it.</summary>
        public Dictionary<string, DateTimeOffset> Asked { get; } = new(StringComparer.Ordinal);
    }
}
