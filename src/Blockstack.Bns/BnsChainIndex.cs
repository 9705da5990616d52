using System.Buffers.Binary;
using System.Collections.Frozen;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Serialization;
using Blockstack.Chain;
using Blockstack.Stacks;
using Blockstack.Storage;
using Blockstack.Storage.Trie;

namespace Blockstack.Bns;

/// <summary>One record of a name proof: the state-trie key, its value (null when absent) and the proof bytes.</summary>
public sealed record BnsProofEntry(byte[] Key, byte[]? Value, byte[] Proof);

/// <summary>Proofs of a name's records (NFT owner, name-properties) against a block's state root.</summary>
public sealed record BnsNameProof(StacksBlockId BlockId, ulong Height, TrieRoot StateRoot, BnsProofEntry Owner, BnsProofEntry Properties);

/// <summary>Queries that can prove their answers against the chain's state root.</summary>
public interface IBnsProofs
{
    BnsQueryResult<BnsNameProof> ProveName(NameId id);
}

/// <summary>
/// The persisted BNS query indexes (docs/bns.md): names by namespace, by owner, history, namespaces,
/// last txid and zonefile hashes, at the canonical tip of a <see cref="ChainCoordinator"/>. Each
/// connected block is replayed from the block body and receipts and written in ONE batch with its
/// undo record and the "indexed tip" marker; disconnected blocks apply their undo records. On open
/// the index reconciles with the chain's tip (undo to the common ancestor, redo forward).
/// </summary>
public sealed class BnsChainIndex : IBnsQueries, IBnsProofs, IDisposable
{
    public static readonly StoreSchema Schema = new("blockstack-bns-index", 1);

    private static readonly byte[] TipKey = "tip"u8.ToArray();
    private static readonly Principal QuerySender = new StandardPrincipal(new StacksAddress(StacksAddressVersion.TestnetSingleSig, Hash160.Zero));

    private readonly IKeyValueStore<BnsColumn> _store;
    private readonly bool _ownsStore;
    private readonly ChainCoordinator _chain;
    private readonly object _writeGate = new();
    private readonly Lock _zonefileGate = new();
    private readonly NameEventHub _watchers = new();
    private const int MaxCachedNames = 1 << 20;
    private const int MaxCachedZonefiles = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Buff, byte[]> _zonefileCache = new();
    private volatile IndexTip _tip;
    private volatile NameCache _nameCache = new(new IndexTip(default, 0));
    private volatile FrozenDictionary<Buff, NamespaceRecord> _namespaces = FrozenDictionary<Buff, NamespaceRecord>.Empty;
    private BnsServiceState _serviceState = BnsServiceState.Syncing;

    private sealed record IndexTip(StacksBlockId Id, ulong Height);

    /// <summary>Names as served at one tip (status and lease depend on the height); replaced at every block.</summary>
    private sealed record NameCache(IndexTip Tip)
    {
        private int _count;

        public System.Collections.Concurrent.ConcurrentDictionary<NameId, NameInfo> Names { get; } = new();

        /// <summary>Adds <paramref name="info"/> while the cache is below its bound (a counter, not <c>Names.Count</c>, which takes every lock).</summary>
        public void TryAdd(NameId id, NameInfo info)
        {
            if (Volatile.Read(ref _count) < MaxCachedNames && Names.TryAdd(id, info))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>Opens the index over <paramref name="store"/> and catches up with <paramref name="chain"/>'s tip.</summary>
    public BnsChainIndex(IKeyValueStore<BnsColumn> store, ChainCoordinator chain, bool ownsStore = false)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _chain = chain ?? throw new ArgumentNullException(nameof(chain));
        _ownsStore = ownsStore;
        _tip = ReadTip();
        _nameCache = new NameCache(_tip);
        RefreshNamespaces();

        // Subscribe first: a block connected during the catch-up is then seen by one of the two.
        _chain.TipChanged += OnTipChanged;
        try
        {
            Sync();
        }
        catch
        {
            _chain.TipChanged -= OnTipChanged;
            throw;
        }
    }

    /// <summary>Opens (or creates) the RocksDB index at <paramref name="path"/> for <paramref name="chain"/>.</summary>
    public static BnsChainIndex Open(string path, ChainCoordinator chain, RocksStoreOptions? options = null) =>
        new(RocksStore.Open<BnsColumn>(path, Schema, options), chain, ownsStore: true);

    public BnsServiceState State
    {
        get => _serviceState;
        set
        {
            _serviceState = value;
            if (value == BnsServiceState.ShuttingDown)
            {
                _watchers.CompleteAll();
            }
        }
    }

    /// <summary>
    /// Raised once for every zonefile newly stored by <see cref="PutZonefile"/> (hash, content), on
    /// the storing thread after the write; not for content already held.
    /// </summary>
    public event Action<Buff, byte[]>? ZonefileStored;

    public ulong TipHeight => _tip.Height;

    /// <summary>
    /// Names are cached per tip, so repeated calls share one instance; past the cache's bound
    /// (2^20 names served at one tip) further names come as new instances on every call.
    /// </summary>
    public bool SharesNameInfos => true;

    /// <summary>The block the indexes describe (the chain's canonical tip once caught up).</summary>
    public StacksBlockId TipId => _tip.Id;

    /// <summary>The last failure of following the chain (null when the last sync succeeded).</summary>
    public Exception? LastSyncError { get; private set; }

    /// <summary>Moves the indexes to the chain's current canonical tip.</summary>
    public void Sync()
    {
        lock (_writeGate)
        {
            var target = _chain.Tip;
            var from = _chain.State.GetBlock(_tip.Id)
                ?? throw new InvalidDataException($"the BNS index is at block {_tip.Id}, which this chain store does not hold; delete the index directory to rebuild it");
            var undo = new List<BlockRecord>();
            var redo = new List<BlockRecord>();
            var a = from;
            var b = target;
            while (a.Id != b.Id)
            {
                if (a.Height >= b.Height)
                {
                    undo.Add(a);
                    a = Parent(a);
                }
                else
                {
                    redo.Add(b);
                    b = Parent(b);
                }
            }

            foreach (var block in undo)
            {
                Disconnect(block);
            }

            redo.Reverse();
            foreach (var block in redo)
            {
                Connect(block);
            }

            LastSyncError = null;
        }
    }

    private BlockRecord Parent(BlockRecord block) =>
        _chain.State.GetBlock(block.ParentId) ?? throw new InvalidDataException($"missing block record {block.ParentId}");

    private void OnTipChanged(object? sender, TipChange change)
    {
        try
        {
            Sync();
        }
#pragma warning disable CA1031 // The coordinator must not fail because the index did; the next tip change retries.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LastSyncError = e;
        }
    }

    // ---- writer ---------------------------------------------------------------------------------

    private void Disconnect(BlockRecord block)
    {
        var key = block.Id.Hash.ToArray();
        var record = _store.Get(BnsColumn.Undo, key) ?? throw new InvalidDataException($"the BNS index has no undo record for block {block.Id}");
        using var batch = _store.CreateBatch();
        foreach (var (column, k, before) in DecodeUndo(record))
        {
            if (before is null)
            {
                batch.Delete(column, k);
            }
            else
            {
                batch.Put(column, k, before);
            }
        }

        batch.Delete(BnsColumn.Undo, key);
        var parent = new IndexTip(block.ParentId, block.Height - 1);
        batch.Put(BnsColumn.Meta, TipKey, EncodeTip(parent));
        batch.Commit();
        _tip = parent;
        RefreshNamespaces();
        _nameCache = new NameCache(parent);
    }

    private void Connect(BlockRecord block)
    {
        var body = _chain.State.GetBlockBody(block.Id) ?? throw new InvalidDataException($"block {block.Id} has no stored body");
        var receipts = new Dictionary<StacksTxid, TransactionReceipt>();
        foreach (var r in _chain.State.GetReceipts(block.Id))
        {
            if (!r.IsBurnOperation)
            {
                receipts[r.Txid] = r;
            }
        }

        var pending = new PendingWrites(_store);
        var events = new List<NameEventInfo>();
        var boot = _chain.Contracts.BootAddress;
        _chain.State.WithState(block.ParentId, view =>
        {
            var state = new BnsDataState(
                k => view.Get(StateKeys.ContractData(BnsNativeContract.ContractName, k)),
                (k, v) => view.Put(StateKeys.ContractData(BnsNativeContract.ContractName, k), v),
                k => view.Delete(StateKeys.ContractData(BnsNativeContract.ContractName, k)),
                _ => UInt128.MaxValue, // only calls that succeeded are replayed; their burns were affordable
                (_, _) => { });
            for (var i = 0; i < body.Transactions.Count; i++)
            {
                var tx = body.Transactions[i];
                if (tx.Payload is not ContractCallPayload call || call.ContractAddress != boot || call.ContractName != BnsNativeContract.ContractName)
                {
                    continue;
                }

                var txid = tx.Txid;
                if (!receipts.TryGetValue(txid, out var receipt) || !receipt.IsSuccess)
                {
                    continue;
                }

                var result = BnsContract.Call(state, new StandardPrincipal(tx.OriginAddress), block.Height, call.FunctionName, call.Arguments);
                if (result.Status != BnsCallStatus.Ok || result.Value!.ToHex() != receipt.Result.ToHex())
                {
                    throw new InvalidDataException($"replaying {call.FunctionName} of {txid} in block {block.Id} gave {result}, the receipt says {receipt.Result.ToRepr()}");
                }

                Index(pending, state, block, i, txid.ToString(), call, result, events);
            }

            return true;
        });

        using var batch = _store.CreateBatch();
        pending.WriteTo(batch);
        batch.Put(BnsColumn.Undo, block.Id.Hash.ToArray(), EncodeUndo(pending.Befores));
        var tip = new IndexTip(block.Id, block.Height);
        batch.Put(BnsColumn.Meta, TipKey, EncodeTip(tip));
        batch.Commit();
        _tip = tip;
        RefreshNamespaces();
        _nameCache = new NameCache(tip);
        Publish(events);
    }

    private static void Index(PendingWrites w, BnsDataState state, BlockRecord block, int txIndex, string txid, ContractCallPayload call, BnsCallResult result, List<NameEventInfo> events)
    {
        if (call.FunctionName.StartsWith("namespace-", StringComparison.Ordinal) && call.Arguments[0] is ClarityBuffer nsArg)
        {
            var ns = new Buff(nsArg.Data);
            if (state.GetNamespace(ns) is { } record)
            {
                w.Put(BnsColumn.Namespaces, ns.ToArray(), BnsDataLayout.Encode(BnsClarity.Namespace(record)));
            }
        }

        var touched = new SortedSet<NameId>();
        foreach (var e in result.Events)
        {
            if (e is NameMintEvent m)
            {
                touched.Add(m.Name);
            }
            else if (e is NameTransferEvent t)
            {
                touched.Add(t.Name);
            }
        }

        var changed = new SortedSet<NameId>();
        for (var c = 0; c < result.Changes.Count; c++)
        {
            var change = result.Changes[c];
            touched.Add(change.Name);
            changed.Add(change.Name);
            var entry = new NameHistoryEntry(change.Operation, txid, block.Height, change.Owner, change.ZonefileHash);
            w.Put(BnsColumn.History, HistoryKey(change.Name, block.Height, checked((uint)((txIndex << 8) | c))), EncodeHistory(entry));
            if (change.ZonefileHash.Length == BnsConstants.HashLength)
            {
                w.Put(BnsColumn.Hashes, [.. change.ZonefileHash.Span, .. NameKey(change.Name)], []);
            }

            events.Add(new NameEventInfo(change.Name, change.Operation, txid, block.Height, change.Owner, change.ZonefileHash));
        }

        foreach (var id in touched)
        {
            var owner = state.GetNameOwner(id);
            var props = state.GetNameProperties(id);
            if (owner is null || props is null)
            {
                continue;
            }

            var key = NameKey(id);
            var old = w.Get(BnsColumn.Names, key) is { } bytes ? DecodeName(id, bytes) : null;
            var last = changed.Contains(id) ? txid : old?.LastTxid ?? "";
            w.Put(BnsColumn.Names, key, EncodeName(owner, props, last));
            if (old is null || old.Owner != owner)
            {
                if (old is not null)
                {
                    w.Delete(BnsColumn.ByOwner, [.. BnsDataLayout.EncodePrincipal(old.Owner), .. key]);
                }

                w.Put(BnsColumn.ByOwner, [.. BnsDataLayout.EncodePrincipal(owner), .. key], []);
            }
        }
    }

    private void Publish(List<NameEventInfo> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        _watchers.Publish(events);
    }

    private IndexTip ReadTip() =>
        _store.Get(BnsColumn.Meta, TipKey) is { Length: 40 } b
            ? new IndexTip(new StacksBlockId(new Hash256(b.AsSpan(0, 32))), BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(32)))
            : new IndexTip(BlockRecord.GenesisId, 0);

    private static byte[] EncodeTip(IndexTip tip)
    {
        var b = new byte[40];
        tip.Id.Hash.WriteTo(b);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(32), tip.Height);
        return b;
    }

    private void RefreshNamespaces()
    {
        var map = new Dictionary<Buff, NamespaceRecord>();
        foreach (var (k, v) in _store.Prefix(BnsColumn.Namespaces, []))
        {
            map[new Buff(k)] = BnsDataLayout.DecodeNamespace(v);
        }

        _namespaces = map.ToFrozenDictionary();
    }

    // ---- queries --------------------------------------------------------------------------------

    public BnsQueryResult<NameInfo> GetName(NameId id)
    {
        var tip = _tip;

        // A name served at this tip before is answered from the cache without reading its row.
        var cache = _nameCache;
        if (cache.Tip == tip && cache.Names.TryGetValue(id, out var cached))
        {
            return cached;
        }

        return LoadName(id, tip) is { } info ? info : NotFound(id);
    }

    public BnsQueryResult<BnsPage<NameInfo>> ListNames(Buff ns, byte[]? cursor, int limit)
    {
        var tip = _tip;
        if (!_namespaces.ContainsKey(ns))
        {
            return new BnsQueryError(BnsQueryErrors.NamespaceNotFound, $"namespace '{ns.ToAscii()}' does not exist");
        }

        byte[] prefix = [(byte)ns.Length, .. ns.Span];
        var from = cursor is null ? prefix : [.. prefix, .. cursor, 0];
        var items = new List<NameInfo>();
        byte[]? next = null;
        using var snapshot = _store.CreateSnapshot();
        foreach (var (key, value) in snapshot.Range(BnsColumn.Names, from, UpperBound(prefix)))
        {
            if (items.Count == limit)
            {
                next = items[^1].Id.Name.ToArray();
                break;
            }

            var id = new NameId(ns, new Buff(key.AsSpan(prefix.Length)));
            items.Add(Info(id, DecodeName(id, value), tip));
        }

        return new BnsPage<NameInfo>(items, next);
    }

    public BnsPage<NameInfo> ListNamesByOwner(Principal owner, byte[]? cursor, int limit)
    {
        var tip = _tip;
        var prefix = BnsDataLayout.EncodePrincipal(owner);
        var from = cursor is null ? prefix : [.. prefix, .. cursor, 0];
        var items = new List<NameInfo>();
        byte[]? next = null;
        using var snapshot = _store.CreateSnapshot();
        foreach (var (key, _) in snapshot.Range(BnsColumn.ByOwner, from, UpperBound(prefix)))
        {
            if (items.Count == limit)
            {
                next = NameKey(items[^1].Id);
                break;
            }

            var id = DecodeNameKey(key.AsSpan(prefix.Length));
            if (snapshot.Get(BnsColumn.Names, key.AsSpan(prefix.Length)) is { } value)
            {
                items.Add(Info(id, DecodeName(id, value), tip));
            }
        }

        return new BnsPage<NameInfo>(items, next);
    }

    public BnsQueryResult<BnsPage<NameHistoryEntry>> GetNameHistory(NameId id, byte[]? cursor, int limit)
    {
        var prefix = HistoryPrefix(id);
        var from = cursor is { Length: 12 } ? [.. prefix, .. cursor, 0] : prefix;
        var items = new List<NameHistoryEntry>();
        byte[]? next = null;
        using var snapshot = _store.CreateSnapshot();
        byte[]? lastKey = null;
        foreach (var (key, value) in snapshot.Range(BnsColumn.History, from, UpperBound(prefix)))
        {
            if (items.Count == limit)
            {
                next = lastKey![prefix.Length..];
                break;
            }

            items.Add(DecodeHistory(value));
            lastKey = key;
        }

        if (items.Count == 0 && cursor is null)
        {
            return NotFound(id);
        }

        return new BnsPage<NameHistoryEntry>(items, next);
    }

    public BnsPage<NamespaceInfo> ListNamespaces(byte[]? cursor, int limit)
    {
        var items = new List<NamespaceInfo>();
        byte[]? next = null;
        foreach (var (ns, record) in _namespaces.OrderBy(kv => kv.Key))
        {
            if (cursor is not null && ns <= new Buff(cursor))
            {
                continue;
            }

            if (items.Count == limit)
            {
                next = items[^1].Namespace.ToArray();
                break;
            }

            items.Add(new NamespaceInfo(ns, record));
        }

        return new BnsPage<NamespaceInfo>(items, next);
    }

    public BnsQueryResult<NamespaceInfo> GetNamespace(Buff ns) =>
        _namespaces.TryGetValue(ns, out var r)
            ? new NamespaceInfo(ns, r)
            : new BnsQueryError(BnsQueryErrors.NamespaceNotFound, $"namespace '{ns.ToAscii()}' does not exist");

    public BnsQueryResult<UInt128> GetNamePrice(NameId id) =>
        BnsQueryAnswers.NamePrice(ReadOnly("get-name-price", new ClarityBuffer(id.Namespace.ToArray()), new ClarityBuffer(id.Name.ToArray())), id);

    public BnsQueryResult<UInt128> GetNamespacePrice(Buff ns) => BnsQueryAnswers.NamespacePrice(ns);

    public BnsQueryResult<string?> CanRegisterName(NameId id) =>
        BnsQueryAnswers.CanRegister(
            ReadOnly("can-name-be-registered", new ClarityBuffer(id.Namespace.ToArray()), new ClarityBuffer(id.Name.ToArray())),
            () => _namespaces.GetValueOrDefault(id.Namespace));

    public BnsQueryResult<(Buff Hash, byte[] Content)> GetZonefile(NameId id)
    {
        if (_store.Get(BnsColumn.Names, NameKey(id)) is not { } row)
        {
            return NotFound(id);
        }

        var hash = DecodeName(id, row).Properties.ZonefileHash;
        var content = hash.Length == BnsConstants.HashLength ? _store.Get(BnsColumn.Zonefiles, hash.Span) : null;
        return content is null
            ? new BnsQueryError(BnsQueryErrors.ZonefileNotFound, hash.Length == 0 ? $"'{id.Fqn}' has no zonefile" : $"zonefile {hash.ToHex()} of '{id.Fqn}' is not stored here")
            : (hash, content);
    }

    public BnsQueryResult<byte[]> GetZonefile(Buff hash)
    {
        if (hash.Length != BnsConstants.HashLength)
        {
            return new BnsQueryError(BnsQueryErrors.ZonefileHashInvalid, $"a zonefile hash is 20 bytes (40 hex digits), got {hash.Length}");
        }

        if (_zonefileCache.TryGetValue(hash, out var cached))
        {
            return cached;
        }

        var content = _store.Get(BnsColumn.Zonefiles, hash.Span);
        if (content is null)
        {
            return new BnsQueryError(BnsQueryErrors.ZonefileNotFound, $"zonefile {hash.ToHex()} is not stored here");
        }

        if (_zonefileCache.Count < MaxCachedZonefiles)
        {
            _zonefileCache.TryAdd(hash, content); // content addressed: never stale
        }

        return content;
    }

    public BnsQueryResult<(Buff Hash, IReadOnlyList<NameId> Names)> PutZonefile(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
        {
            return new BnsQueryError(BnsQueryErrors.ZonefileEmpty, "zonefile is empty");
        }

        if (content.Length > BnsIndex.MaxZonefileSize)
        {
            return new BnsQueryError(BnsQueryErrors.ZonefileTooLarge, $"zonefile is {content.Length} bytes; the maximum is {BnsIndex.MaxZonefileSize}");
        }

        var hash = new Buff(Hash160.Of(content).ToArray());
        var names = new List<NameId>();
        foreach (var (key, _) in _store.Prefix(BnsColumn.Hashes, hash.ToArray()))
        {
            names.Add(DecodeNameKey(key.AsSpan(BnsConstants.HashLength)));
        }

        if (names.Count == 0)
        {
            return new BnsQueryError(BnsQueryErrors.ZonefileHashUnknown, $"no name on chain has zonefile hash {hash.ToHex()}");
        }

        bool stored;
        lock (_zonefileGate)
        {
            stored = !_store.Contains(BnsColumn.Zonefiles, hash.Span.ToArray());
            if (stored)
            {
                using var batch = _store.CreateBatch();
                batch.Put(BnsColumn.Zonefiles, hash.Span, content);
                batch.Commit();
            }
        }

        if (stored)
        {
            ZonefileStored?.Invoke(hash, content.ToArray());
        }

        return (hash, names);
    }

    /// <summary>True when the content of this zonefile hash is stored here.</summary>
    public bool HasZonefile(ReadOnlySpan<byte> hash160) =>
        hash160.Length == BnsConstants.HashLength && _store.Contains(BnsColumn.Zonefiles, hash160.ToArray());

    /// <summary>True when some name on chain (at the indexed tip, now or earlier) has this zonefile hash.</summary>
    public bool IsZonefileHashOnChain(ReadOnlySpan<byte> hash160)
    {
        if (hash160.Length != BnsConstants.HashLength)
        {
            return false;
        }

        foreach (var _ in _store.Prefix(BnsColumn.Hashes, hash160.ToArray()))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Zonefile hashes named on chain (the Hashes index, which follows the canonical tip) whose
    /// content is not stored here, in hash order, at most <paramref name="max"/>.
    /// </summary>
    public IReadOnlyList<byte[]> GetMissingZonefileHashes(int max)
    {
        var missing = new List<byte[]>();
        byte[]? last = null;
        foreach (var (key, _) in _store.Range(BnsColumn.Hashes, [], null))
        {
            if (missing.Count >= max)
            {
                break;
            }

            if (key.Length < BnsConstants.HashLength)
            {
                continue;
            }

            var hash = key.AsSpan(0, BnsConstants.HashLength);
            if (last is not null && hash.SequenceEqual(last))
            {
                continue;
            }

            last = hash.ToArray();
            if (!_store.Contains(BnsColumn.Zonefiles, last))
            {
                missing.Add(last);
            }
        }

        return missing;
    }

    public BnsQueryResult<BnsNameProof> ProveName(NameId id)
    {
        var tip = _tip;
        var ownerKey = StateKeys.ContractData(BnsNativeContract.ContractName, BnsDataLayout.NameOwnerKey(id));
        var propsKey = StateKeys.ContractData(BnsNativeContract.ContractName, BnsDataLayout.NamePropertiesKey(id));
        if (_chain.State.Prove(tip.Id, ownerKey) is not { } owner || _chain.State.Prove(tip.Id, propsKey) is not { } props)
        {
            return new BnsQueryError(BnsQueryErrors.NotSynced, $"block {tip.Id} is not in the chain store");
        }

        if (owner.Value is null || props.Value is null)
        {
            return NotFound(id);
        }

        return new BnsNameProof(tip.Id, tip.Height, owner.Root, new(ownerKey, owner.Value, owner.Proof.ToBytes()), new(propsKey, props.Value, props.Proof.ToBytes()));
    }

    public IAsyncEnumerable<NameEventInfo> WatchNames(Buff? ns, CancellationToken cancellationToken) => _watchers.Watch(ns, cancellationToken);

    public void Dispose()
    {
        _chain.TipChanged -= OnTipChanged;
        if (_ownsStore)
        {
            _store.Dispose();
        }
    }

    private BnsCallResult ReadOnly(string function, params ClarityValue[] args) =>
        BnsContract.Query(new Reader(this, _tip), QuerySender, _tip.Height, function, args);

    private NameInfo? LoadName(NameId id, IndexTip tip) =>
        _store.Get(BnsColumn.Names, NameKey(id)) is { } row ? Info(id, DecodeName(id, row), tip) : null;

    private NameInfo Info(NameId id, NameRow row, IndexTip tip)
    {
        var cache = _nameCache;
        if (cache.Tip == tip && cache.Names.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var resolved = BnsContract.Resolve(new Reader(this, tip, id, row), id, tip.Height, QuerySender);
        var status = resolved?.ResolveError switch
        {
            null => NameStatus.Active,
            BnsErrors.NameGracePeriod => NameStatus.Grace,
            BnsErrors.NameRevoked => NameStatus.Revoked,
            _ => NameStatus.Expired,
        };
        var lease = resolved?.Lease;
        var info = new NameInfo(id, row.Owner, row.Properties.ZonefileHash, lease?.Start, lease?.End, status, row.LastTxid);
        if (cache.Tip == tip)
        {
            cache.TryAdd(id, info);
        }

        return info;
    }

    /// <summary>The smallest key above every key starting with <paramref name="prefix"/> (null: none).</summary>
    private static byte[]? UpperBound(byte[] prefix)
    {
        var bound = (byte[])prefix.Clone();
        for (var i = bound.Length - 1; i >= 0; i--)
        {
            if (bound[i] != 0xff)
            {
                bound[i]++;
                return bound[..(i + 1)];
            }
        }

        return null;
    }

    private static BnsQueryError NotFound(NameId id) => new(BnsQueryErrors.NameNotFound, $"name '{id.Fqn}' does not exist");

    /// <summary>The contract state at the indexed tip: names and namespaces from the index, the rest from the chain.</summary>
    private sealed class Reader(BnsChainIndex index, IndexTip tip, NameId? cachedId = null, NameRow? cachedRow = null) : IBnsStateReader
    {
        public NamespaceRecord? GetNamespace(Buff ns) => index._namespaces.GetValueOrDefault(ns);

        public PreorderRecord? GetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer) => Chain().GetNamespacePreorder(hashedSaltedNamespace, buyer);

        public PreorderRecord? GetNamePreorder(Buff hashedSaltedFqn, Principal buyer) => Chain().GetNamePreorder(hashedSaltedFqn, buyer);

        public Principal? GetNameOwner(NameId name) => Row(name)?.Owner;

        public NameProperties? GetNameProperties(NameId name) => Row(name)?.Properties;

        public NameId? GetOwnerName(Principal owner) => Chain().GetOwnerName(owner);

        public UInt128 GetAttachmentIndex() => Chain().GetAttachmentIndex();

        public UInt128 GetSpendableStx(Principal principal) => UInt128.Zero;

        private NameRow? Row(NameId name) =>
            cachedId == name ? cachedRow : index._store.Get(BnsColumn.Names, NameKey(name)) is { } b ? DecodeName(name, b) : null;

        private BnsDataState Chain()
        {
            var chain = index._chain.State;
            return new BnsDataState(
                k => chain.WithState(tip.Id, v => v.Get(StateKeys.ContractData(BnsNativeContract.ContractName, k))),
                (_, _) => throw new InvalidOperationException("read-only"),
                _ => throw new InvalidOperationException("read-only"),
                _ => UInt128.Zero,
                (_, _) => throw new InvalidOperationException("read-only"));
        }
    }

    // ---- encodings (docs/storage-layout.md, "BNS index") -----------------------------------------

    private sealed record NameRow(Principal Owner, NameProperties Properties, string LastTxid);

    internal static byte[] NameKey(NameId id) => [(byte)id.Namespace.Length, .. id.Namespace.Span, .. id.Name.Span];

    private static NameId DecodeNameKey(ReadOnlySpan<byte> key) =>
        key.Length >= 1 && key[0] <= key.Length - 1
            ? new NameId(new Buff(key.Slice(1, key[0])), new Buff(key[(1 + key[0])..]))
            : throw new InvalidDataException("corrupt bns name key");

    private static byte[] HistoryPrefix(NameId id) => [(byte)id.Namespace.Length, .. id.Namespace.Span, (byte)id.Name.Length, .. id.Name.Span];

    private static byte[] HistoryKey(NameId id, ulong height, uint seq)
    {
        var prefix = HistoryPrefix(id);
        var key = new byte[prefix.Length + 12];
        prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(prefix.Length), height);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(prefix.Length + 8), seq);
        return key;
    }

    private static byte[] EncodeName(Principal owner, NameProperties props, string lastTxid)
    {
        var w = new StacksWriter(128);
        ClarityValue.WritePrincipal(w, owner);
        WriteOptional(w, props.RegisteredAt);
        WriteOptional(w, props.ImportedAt);
        WriteOptional(w, props.RevokedAt);
        w.WriteByte((byte)props.ZonefileHash.Length);
        w.WriteBytes(props.ZonefileHash.Span);
        w.WriteBytes(lastTxid.Length == 64 ? Convert.FromHexString(lastTxid) : new byte[32]);
        return w.ToArray();
    }

    private static void WriteOptional(StacksWriter w, UInt128? value)
    {
        if (value is { } v)
        {
            w.WriteByte(1);
            w.WriteUInt64((ulong)(v >> 64));
            w.WriteUInt64((ulong)v);
        }
        else
        {
            w.WriteByte(0);
        }
    }

    private static bool TryReadOptional(ref SpanReader r, out UInt128? value)
    {
        value = null;
        if (!r.TryReadByte(out var present))
        {
            return false;
        }

        if (present == 0)
        {
            return true;
        }

        if (!r.TryReadUInt64BigEndian(out var hi) || !r.TryReadUInt64BigEndian(out var lo))
        {
            return false;
        }

        value = new UInt128(hi, lo);
        return true;
    }

    private static NameRow DecodeName(NameId id, ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        if (!ClarityValue.TryReadPrincipal(ref r, out var owner, out _)
            || !TryReadOptional(ref r, out var registered) || !TryReadOptional(ref r, out var imported) || !TryReadOptional(ref r, out var revoked)
            || !r.TryReadByte(out var zl) || !r.TryReadBytes(zl, out var zh) || !r.TryReadBytes(32, out var txid))
        {
            throw new InvalidDataException($"corrupt bns index row for '{id.Fqn}'");
        }

        var last = txid.IndexOfAnyExcept((byte)0) < 0 ? "" : Convert.ToHexStringLower(txid);
        return new NameRow(owner!, new NameProperties(registered, imported, revoked, new Buff(zh)), last);
    }

    private static byte[] EncodeHistory(NameHistoryEntry e)
    {
        var w = new StacksWriter(96);
        w.WriteByte((byte)e.Operation);
        w.WriteBytes(Convert.FromHexString(e.Txid));
        w.WriteUInt64(e.BlockHeight);
        ClarityValue.WritePrincipal(w, e.Owner);
        w.WriteByte((byte)e.ZonefileHash.Length);
        w.WriteBytes(e.ZonefileHash.Span);
        return w.ToArray();
    }

    private static NameHistoryEntry DecodeHistory(ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        if (!r.TryReadByte(out var op) || !r.TryReadBytes(32, out var txid) || !r.TryReadUInt64BigEndian(out var height)
            || !ClarityValue.TryReadPrincipal(ref r, out var owner, out _) || !r.TryReadByte(out var zl) || !r.TryReadBytes(zl, out var zh))
        {
            throw new InvalidDataException("corrupt bns history entry");
        }

        return new NameHistoryEntry((NameOperation)op, Convert.ToHexStringLower(txid), height, owner!, new Buff(zh));
    }

    private static byte[] EncodeUndo(IReadOnlyList<(BnsColumn Column, byte[] Key, byte[]? Before)> befores)
    {
        var w = new StacksWriter(64 * (befores.Count + 1));
        w.WriteUInt32(checked((uint)befores.Count));
        foreach (var (column, key, before) in befores)
        {
            w.WriteByte((byte)column);
            w.WriteUInt32(checked((uint)key.Length));
            w.WriteBytes(key);
            if (before is null)
            {
                w.WriteByte(0);
            }
            else
            {
                w.WriteByte(1);
                w.WriteUInt32(checked((uint)before.Length));
                w.WriteBytes(before);
            }
        }

        return w.ToArray();
    }

    private static List<(BnsColumn Column, byte[] Key, byte[]? Before)> DecodeUndo(ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        var list = new List<(BnsColumn, byte[], byte[]?)>();
        if (!r.TryReadUInt32BigEndian(out var count))
        {
            throw new InvalidDataException("corrupt bns undo record");
        }

        for (var i = 0; i < count; i++)
        {
            if (!r.TryReadByte(out var column) || !r.TryReadUInt32BigEndian(out var kl) || !r.TryReadBytes((int)kl, out var key) || !r.TryReadByte(out var present))
            {
                throw new InvalidDataException("corrupt bns undo record");
            }

            byte[]? before = null;
            if (present == 1)
            {
                if (!r.TryReadUInt32BigEndian(out var vl) || !r.TryReadBytes((int)vl, out var value))
                {
                    throw new InvalidDataException("corrupt bns undo record");
                }

                before = value.ToArray();
            }

            list.Add(((BnsColumn)column, key.ToArray(), before));
        }

        return list;
    }

    /// <summary>A block's index writes over the store, remembering each key's value before the block.</summary>
    private sealed class PendingWrites(IStoreReader<BnsColumn> store)
    {
        private readonly Dictionary<(BnsColumn, string), (byte[] Key, byte[]? Value)> _writes = [];
        private readonly List<(BnsColumn Column, byte[] Key, byte[]? Before)> _befores = [];

        public IReadOnlyList<(BnsColumn Column, byte[] Key, byte[]? Before)> Befores => _befores;

        public byte[]? Get(BnsColumn column, byte[] key) =>
            _writes.TryGetValue((column, Convert.ToHexString(key)), out var w) ? w.Value : store.Get(column, key);

        public void Put(BnsColumn column, byte[] key, byte[] value) => Set(column, key, value);

        public void Delete(BnsColumn column, byte[] key) => Set(column, key, null);

        private void Set(BnsColumn column, byte[] key, byte[]? value)
        {
            var k = (column, Convert.ToHexString(key));
            if (!_writes.ContainsKey(k))
            {
                _befores.Add((column, key, store.Get(column, key)));
            }

            _writes[k] = (key, value);
        }

        public void WriteTo(IWriteBatch<BnsColumn> batch)
        {
            foreach (var ((column, _), (key, value)) in _writes.OrderBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal))
            {
                if (value is null)
                {
                    batch.Delete(column, key);
                }
                else
                {
                    batch.Put(column, key, value);
                }
            }
        }
    }
}
