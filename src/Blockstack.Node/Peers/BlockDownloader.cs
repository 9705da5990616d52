using System.Buffers.Binary;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Peers;

/// <summary>
/// Fetches the blocks of winning sortitions this node lacks (docs/peer-sync.md). On every burn
/// tip change and every <see cref="PeerSyncOptions.DownloadInterval"/> it walks the node's own
/// inventory from the oldest missing sortition, learns which connected peers hold those blocks
/// (their inventories, cached and refreshed while they lack a wanted block), and asks for them
/// with GetBlocks in batches of at most the peer's limit, spread over the peers that have them.
/// A block must hash to the hash asked for and must not be invalid, else its sender is banned; a
/// block not delivered is asked from another peer at once and from the same peer after
/// <see cref="PeerSyncOptions.BlockRetryDelay"/>. At most <see cref="PeerSyncOptions.DownloadWindow"/>
/// blocks are in flight or staged above the Stacks tip, except blocks older than every staged one
/// (the staged ones may be waiting for them).
/// </summary>
public sealed class BlockDownloader : IDisposable
{
    /// <summary>How long a delivered block counts as staged (for the window and against re-fetching) while the node has not applied it.</summary>
    private static readonly TimeSpan DeliveredMemory = TimeSpan.FromSeconds(60);

    /// <summary>Every this many rounds the inventory walk starts again from the bottom (a safety net for blocks dropped from staging).</summary>
    private const int FullRescanRounds = 30;

    /// <summary>Most inventory pages walked per round.</summary>
    private const int MaxPagesPerRound = 16;

    private readonly IPeerNode _node;
    private readonly PeerBook _book;
    private readonly Func<IReadOnlyList<PeerConnection>> _peers;
    private readonly PeerOptions _options;
    private readonly PeerSyncOptions _sync;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TaskTracker _tasks;
    private readonly WakeSignal _wake = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Want> _wants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PeerInventory> _inventories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _requestsPerPeer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Delivered> _delivered = new(StringComparer.Ordinal);
    private readonly BoundedKeySet<string> _fetched = new(4_096, StringComparer.Ordinal);
    private ulong _scanFrom;
    private string _scanAnchor = "";
    private int _rounds;
    private long _blocksFetched;
    private long _peersBanned;
    private int _lastReportedWanted = -1;

    public BlockDownloader(
        IPeerNode node,
        PeerBook book,
        Func<IReadOnlyList<PeerConnection>> peers,
        PeerOptions? options = null,
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
        _options = options ?? book.Options;
        _sync = sync ?? new PeerSyncOptions();
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _tasks = new TaskTracker(_logger);
    }

    /// <summary>Blocks fetched from peers and accepted by the node so far.</summary>
    public long BlocksFetched => Interlocked.Read(ref _blocksFetched);

    /// <summary>Peers this downloader banned for invalid data.</summary>
    public long PeersBanned => Interlocked.Read(ref _peersBanned);

    /// <summary>Rounds run so far (each walks the inventory and schedules requests).</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    /// <summary>Winning sortitions whose block the node lacked at the last walk.</summary>
    public int Wanted
    {
        get
        {
            lock (_lock)
            {
                return _wants.Count;
            }
        }
    }

    /// <summary>The Stacks block hash (hex) of a block: SHA-512/256 of its header; null when too short to hold one.</summary>
    public static string? HashOf(ReadOnlySpan<byte> block) =>
        block.Length < StacksBlockHeader.Size ? null : Convert.ToHexStringLower(Hashes.Sha512t256(block[..StacksBlockHeader.Size]));

    /// <summary>True when this downloader fetched the block recently (the relay leaves such historic blocks alone).</summary>
    public bool WasFetched(string blockHash) => _fetched.Contains(blockHash.ToLowerInvariant());

    /// <summary>Asks for a walk now (a burn tip change, a new peer).</summary>
    public void Wake() => _wake.Set();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _node.BurnTipChanged += Wake;
        _node.StagedBlockInvalid += OnStagedBlockInvalid;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    Round(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
#pragma warning disable CA1031 // The node may fail a read while shutting down; the next round tries again.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    PeerSyncLog.TaskFailed(_logger, e, "block download round");
                }

                try
                {
                    await _wake.WaitAsync(_sync.DownloadInterval, cancellationToken);
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
            _node.StagedBlockInvalid -= OnStagedBlockInvalid;
            await _tasks.WhenAllAsync();
        }
    }

    public void Dispose() => _wake.Dispose();

    private void OnStagedBlockInvalid(StacksBlockHash hash, PeerIdentity peer, string reason)
    {
        lock (_lock)
        {
            _delivered.Remove(hash.ToString());
            _scanFrom = 0;
            _scanAnchor = "";
        }

        Ban(peer, $"its block {hash} failed validation: {reason}");
        Wake();
    }

    private void Round(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var tips = _node.GetTips();
        var missing = WalkInventory(tips);
        var peers = _peers().Where(p => p.IsOpen && p.Identity is not null).ToList();
        var batches = new List<(PeerConnection Peer, List<Want> Wants)>();
        lock (_lock)
        {
            UpdateWants(missing, now);
            ForgetGonePeers(peers);
            RefreshInventories(peers, now, cancellationToken);
            Schedule(peers, tips, now, batches);
            ReportProgress();
        }

        foreach (var (peer, wants) in batches)
        {
            _tasks.Start("block fetch", () => FetchAsync(peer, wants, cancellationToken));
        }
    }

    /// <summary>The winning sortitions whose block the node lacks, oldest first, from the walk's cursor.</summary>
    private List<InventoryEntry> WalkInventory(ChainTips tips)
    {
        ulong from;
        string anchor;
        lock (_lock)
        {
            if (++_rounds % FullRescanRounds == 0)
            {
                _scanFrom = 0;
                _scanAnchor = "";
            }

            from = _scanFrom;
            anchor = _scanAnchor;
        }

        var page = Math.Max(1, _options.MaxInventoryEntries);
        var missing = new List<InventoryEntry>();
        var start = from > 0 ? from - 1 : 0;
        var entries = _node.GetInventory(start, page);
        if (from > 0 && (entries.Count == 0 || entries[0].BurnHeight != start || !string.Equals(entries[0].ConsensusHash, anchor, StringComparison.OrdinalIgnoreCase)))
        {
            // The burn chain below the cursor changed (a reorg): walk again from the bottom.
            start = 0;
            entries = _node.GetInventory(0, page);
        }

        ulong? firstMissing = null;
        InventoryEntry? last = null;
        InventoryEntry? beforeFirstMissing = null;
        for (var pages = 0; pages < MaxPagesPerRound && entries.Count > 0; pages++)
        {
            foreach (var e in entries)
            {
                if (e.Sortition && !e.HasBlock && e.WinningBlockHash.Length > 0)
                {
                    firstMissing ??= e.BurnHeight;
                    missing.Add(e);
                }
                else if (firstMissing is null)
                {
                    beforeFirstMissing = e;
                }

                last = e;
            }

            if (entries.Count < page || last!.BurnHeight >= tips.BurnHeight || missing.Count >= 4 * _sync.DownloadWindow)
            {
                break;
            }

            entries = _node.GetInventory(last.BurnHeight + 1, page);
        }

        lock (_lock)
        {
            // Next walk starts at the oldest missing sortition, anchored on the entry below it.
            var cursorEntry = firstMissing is null ? last : beforeFirstMissing;
            if (cursorEntry is not null)
            {
                _scanFrom = cursorEntry.BurnHeight + 1;
                _scanAnchor = cursorEntry.ConsensusHash;
            }
        }

        return missing;
    }

    private void UpdateWants(List<InventoryEntry> missing, DateTimeOffset now)
    {
        foreach (var (hash, d) in _delivered.ToList())
        {
            if (now - d.At > DeliveredMemory)
            {
                _delivered.Remove(hash);
            }
        }

        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in missing)
        {
            var hash = e.WinningBlockHash.ToLowerInvariant();
            if (_delivered.ContainsKey(hash))
            {
                continue;
            }

            current.Add(hash);

            // A want is keyed by block hash but looked up in peers' inventories by consensus hash,
            // which changes when the node re-evaluates its sortitions (a reward cycle's anchor block
            // arriving late, a reorg): a want not in flight follows the current one.
            var consensusHash = e.ConsensusHash.ToLowerInvariant();
            if (!_wants.TryGetValue(hash, out var existing)
                || (existing.InFlightPeer is null && !string.Equals(existing.ConsensusHash, consensusHash, StringComparison.Ordinal)))
            {
                _wants[hash] = new Want(hash, consensusHash, e.BurnHeight);
            }
        }

        foreach (var (hash, want) in _wants.ToList())
        {
            if (!current.Contains(hash) && want.InFlightPeer is null)
            {
                _wants.Remove(hash);
            }
        }
    }

    private void ForgetGonePeers(List<PeerConnection> peers)
    {
        var ids = peers.Select(p => p.Identity!.NodeId).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _inventories.Keys.ToList())
        {
            if (!ids.Contains(id) && !_inventories[id].Refreshing)
            {
                _inventories.Remove(id);
            }
        }
    }

    /// <summary>Starts an inventory call to every peer whose cache does not show a wanted block and is old enough to ask again.</summary>
    private void RefreshInventories(List<PeerConnection> peers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_wants.Count == 0)
        {
            return;
        }

        foreach (var peer in peers)
        {
            var id = peer.Identity!.NodeId;
            if (!_inventories.TryGetValue(id, out var inventory))
            {
                inventory = new PeerInventory();
                _inventories[id] = inventory;
            }

            if (inventory.Refreshing || now - inventory.FetchedAt < _sync.InventoryRefresh)
            {
                continue;
            }

            ulong? lowestUnknown = null;
            foreach (var want in _wants.Values)
            {
                if (want.InFlightPeer is null && !inventory.Has(want) && (lowestUnknown is null || want.BurnHeight < lowestUnknown))
                {
                    lowestUnknown = want.BurnHeight;
                }
            }

            if (lowestUnknown is not { } start)
            {
                continue;
            }

            inventory.Refreshing = true;
            _tasks.Start("peer inventory", () => RefreshInventoryAsync(peer, inventory, start, cancellationToken));
        }
    }

    private async Task RefreshInventoryAsync(PeerConnection peer, PeerInventory inventory, ulong start, CancellationToken cancellationToken)
    {
        var result = await peer.GetInventoryAsync(start, peer.Limits.MaxInventoryEntries, cancellationToken);
        lock (_lock)
        {
            inventory.Refreshing = false;
            inventory.FetchedAt = _time.GetUtcNow();
            if (result.IsOk)
            {
                foreach (var e in result.Value!.Entries)
                {
                    if (e.Sortition && e.WinningBlockHash.Length > 0)
                    {
                        inventory.Blocks[e.ConsensusHash.ToLowerInvariant()] = (e.WinningBlockHash.ToLowerInvariant(), e.HasBlock);
                    }
                }
            }
        }

        if (result.IsOk)
        {
            Wake();
        }
    }

    /// <summary>Groups wanted blocks into batches per peer, oldest first, within the window.</summary>
    private void Schedule(List<PeerConnection> peers, ChainTips tips, DateTimeOffset now, List<(PeerConnection, List<Want>)> batches)
    {
        if (_wants.Count == 0 || peers.Count == 0)
        {
            return;
        }

        var inFlight = _wants.Values.Count(w => w.InFlightPeer is not null);
        var stagedAhead = 0;
        var lowestStaged = ulong.MaxValue;
        foreach (var d in _delivered.Values)
        {
            if (d.Accepted && d.Work > tips.StacksTipHeight)
            {
                stagedAhead++;
                lowestStaged = Math.Min(lowestStaged, d.BurnHeight);
            }
        }

        var open = new Dictionary<string, List<Want>>(StringComparer.Ordinal);
        foreach (var want in _wants.Values.OrderBy(w => w.BurnHeight))
        {
            if (want.InFlightPeer is not null)
            {
                continue;
            }

            // A full window waits for the node to apply what it holds; a block older than every
            // staged one is still fetched, since those may wait for exactly that block.
            if (inFlight + stagedAhead >= _sync.DownloadWindow && (stagedAhead == 0 || want.BurnHeight >= lowestStaged))
            {
                break;
            }

            PeerConnection? best = null;
            var bestLoad = int.MaxValue;
            foreach (var peer in peers)
            {
                var id = peer.Identity!.NodeId;
                if (!_inventories.TryGetValue(id, out var inventory) || !inventory.Has(want))
                {
                    continue;
                }

                if (want.RetryAfter.TryGetValue(id, out var after) && after > now)
                {
                    continue;
                }

                if (open.ContainsKey(id))
                {
                    // Fill the batch already started for this peer first.
                    best = peer;
                    break;
                }

                var requests = _requestsPerPeer.GetValueOrDefault(id);
                if (requests < _sync.RequestsPerPeer && requests < bestLoad)
                {
                    best = peer;
                    bestLoad = requests;
                }
            }

            if (best is null)
            {
                continue;
            }

            var bestId = best.Identity!.NodeId;
            if (!open.TryGetValue(bestId, out var wants))
            {
                wants = [];
                open[bestId] = wants;
                batches.Add((best, wants));
                _requestsPerPeer[bestId] = _requestsPerPeer.GetValueOrDefault(bestId) + 1;
            }

            wants.Add(want);
            want.InFlightPeer = bestId;
            inFlight++;
            if (wants.Count >= best.Limits.MaxBlocksPerRequest)
            {
                // Sealed: the next block for this peer starts a new batch if it has a free slot.
                open.Remove(bestId);
            }
        }
    }

    private async Task FetchAsync(PeerConnection peer, List<Want> wants, CancellationToken cancellationToken)
    {
        var identity = peer.Identity!;
        var byHash = wants.ToDictionary(w => w.BlockHash, StringComparer.Ordinal);
        var refs = wants.Select(w => new BlockRef { ConsensusHash = w.ConsensusHash, BlockHash = w.BlockHash }).ToList();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var result = await peer.GetBlocksAsync(refs, cancellationToken);
        var accepted = 0;
        string? banReason = null;
        foreach (var data in result.Value ?? [])
        {
            var bytes = data.Block.Memory;
            var hash = HashOf(bytes.Span);
            if (hash is null)
            {
                banReason = $"sent a block of {bytes.Length} bytes, too short for a header";
                break;
            }

            if (!byHash.TryGetValue(hash, out var want))
            {
                banReason = $"sent block {hash}, which was not asked for";
                break;
            }

            if (!done.Add(hash))
            {
                continue;
            }

            // Marked before the offer: the relay sees the node's ItemAccepted for it on another thread.
            _fetched.TryAdd(hash);
            OfferResult offer;
            try
            {
                offer = _node.OfferBlock(bytes, identity);
            }
#pragma warning disable CA1031 // The node may be shutting down: the block is asked again later.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.Remove(hash);
                PeerSyncLog.TaskFailed(_logger, e, "offer block");
                continue;
            }

            switch (offer.Status)
            {
                case OfferStatus.Invalid:
                    banReason = $"sent invalid block {hash}: {offer.Code} {offer.Message}";
                    done.Remove(hash);
                    break;
                case OfferStatus.Refused:
                    PeerSyncLog.BlockRefused(_logger, hash, offer.Code, offer.Message);
                    done.Remove(hash);
                    continue;
                default:
                    var work = BinaryPrimitives.ReadUInt64BigEndian(bytes.Span.Slice(9, 8));
                    lock (_lock)
                    {
                        _delivered[hash] = new Delivered(work, want.BurnHeight, _time.GetUtcNow(), offer.Status == OfferStatus.Accepted);
                    }

                    if (offer.Status == OfferStatus.Accepted)
                    {
                        accepted++;
                        Interlocked.Increment(ref _blocksFetched);
                    }

                    continue;
            }

            break;
        }

        if (banReason is not null)
        {
            Ban(identity, banReason);
        }

        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var id = identity.NodeId;
            _requestsPerPeer[id] = Math.Max(0, _requestsPerPeer.GetValueOrDefault(id) - 1);
            foreach (var want in wants)
            {
                want.InFlightPeer = null;
                if (done.Contains(want.BlockHash))
                {
                    _wants.Remove(want.BlockHash);
                }
                else
                {
                    want.RetryAfter[id] = now + _sync.BlockRetryDelay;
                }
            }

            if (done.Count < wants.Count && _inventories.TryGetValue(id, out var inventory))
            {
                // The peer did not deliver what its inventory promised: ask it again before trusting it.
                inventory.FetchedAt = DateTimeOffset.MinValue;
            }
        }

        PeerSyncLog.BlocksFetched(_logger, accepted, peer, wants.Count - done.Count, result.Status, result.Error);
        Wake();
    }

    private void Ban(PeerIdentity peer, string reason)
    {
        Interlocked.Increment(ref _peersBanned);
        PeerSyncLog.Banning(_logger, peer, reason);
        _book.Ban(peer, reason);
    }

    private void ReportProgress()
    {
        var wanted = _wants.Count;
        if (wanted == _lastReportedWanted || (wanted != 0 && _lastReportedWanted > 0 && Math.Abs(wanted - _lastReportedWanted) < 100))
        {
            return;
        }

        _lastReportedWanted = wanted;
        var inFlight = _wants.Values.Count(w => w.InFlightPeer is not null);
        PeerSyncLog.DownloadProgress(_logger, BlocksFetched, wanted, inFlight);
    }

    private sealed class Want(string blockHash, string consensusHash, ulong burnHeight)
    {
        public string BlockHash { get; } = blockHash;

        public string ConsensusHash { get; } = consensusHash;

        public ulong BurnHeight { get; } = burnHeight;

        /// <summary>Node id of the peer asked for it now, or null.</summary>
        public string? InFlightPeer { get; set; }

        /// <summary>Per peer (node id): not before this time again from that peer.</summary>
        public Dictionary<string, DateTimeOffset> RetryAfter { get; } = new(StringComparer.Ordinal);
    }

    private sealed class PeerInventory
    {
        /// <summary>Consensus hash → (winning block hash, held).</summary>
        public Dictionary<string, (string BlockHash, bool Has)> Blocks { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset FetchedAt { get; set; } = DateTimeOffset.MinValue;

        public bool Refreshing { get; set; }

        public bool Has(Want want) =>
            Blocks.TryGetValue(want.ConsensusHash, out var entry) && entry.Has && string.Equals(entry.BlockHash, want.BlockHash, StringComparison.Ordinal);
    }

    private readonly record struct Delivered(ulong Work, ulong BurnHeight, DateTimeOffset At, bool Accepted);
}
