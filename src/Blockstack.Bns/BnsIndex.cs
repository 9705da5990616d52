using Blockstack.Stacks;
using Blockstack.Storage;

namespace Blockstack.Bns;

/// <summary>Column families of the BNS query side.</summary>
public enum BnsColumn
{
    /// <summary>hash160 (20 bytes) → zonefile bytes.</summary>
    Zonefiles,

    /// <summary>Singletons: the indexed tip (block id ‖ height).</summary>
    Meta,

    /// <summary>namespace bytes → namespace record (Clarity serialisation).</summary>
    Namespaces,

    /// <summary>u8 len ‖ namespace ‖ name → owner ‖ name-properties (Clarity) ‖ last txid.</summary>
    Names,

    /// <summary>owner principal (Clarity) ‖ name key → empty.</summary>
    ByOwner,

    /// <summary>u8 len ‖ namespace ‖ u8 len ‖ name ‖ height u64 ‖ seq u32 → history entry.</summary>
    History,

    /// <summary>zonefile hash (20) ‖ name key → empty: the hashes on chain, for PutZonefile.</summary>
    Hashes,

    /// <summary>block id → undo record (the before-values of every index key the block wrote).</summary>
    Undo,
}

/// <summary>One BNS contract call in a block, as the chain reports it to the indexer.</summary>
public sealed record BnsCallRecord(string Txid, string Function, IReadOnlyList<ClarityValue> Arguments, BnsCallResult Result);

/// <summary>
/// The query indexes at the canonical tip (names by namespace, by owner, history, namespaces, known
/// zonefile hashes) over the tip's contract state, plus the zonefile store. One writer
/// (<see cref="ApplyBlock"/>) and many readers; readers never see half a block.
/// </summary>
public sealed class BnsIndex : IBnsQueries, IDisposable
{
    /// <summary>Largest zonefile accepted (Atlas keeps attachments up to 1 MiB).</summary>
    public const int MaxZonefileSize = 1024 * 1024;

    private static readonly Principal QuerySender = new StandardPrincipal(new StacksAddress(StacksAddressVersion.TestnetSingleSig, Hash160.Zero));

    private readonly IBnsStateReader _state;
    private readonly IKeyValueStore<BnsColumn> _zonefiles;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly SortedSet<Buff> _namespaces = [];
    private readonly SortedSet<NameId> _names = [];
    private readonly Dictionary<Principal, SortedSet<NameId>> _byOwner = [];
    private readonly Dictionary<NameId, List<NameHistoryEntry>> _history = [];
    private readonly Dictionary<Buff, SortedSet<NameId>> _hashes = [];
    private readonly NameEventHub _watchers = new();
    private ulong _tip;
    private BnsServiceState _serviceState = BnsServiceState.Syncing;

    public BnsIndex(IBnsStateReader state, IKeyValueStore<BnsColumn> zonefiles)
    {
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _zonefiles = zonefiles ?? throw new ArgumentNullException(nameof(zonefiles));
    }

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

    public ulong TipHeight => Volatile.Read(ref _tip);

    /// <summary>
    /// Records a block's BNS calls, whose writes the contract state already holds, and moves the tip
    /// to <paramref name="height"/>. Failed calls change nothing but are not errors.
    /// </summary>
    public void ApplyBlock(ulong height, IEnumerable<BnsCallRecord> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var events = new List<NameEventInfo>();
        _lock.EnterWriteLock();
        try
        {
            foreach (var call in calls)
            {
                if (call.Result.Status != BnsCallStatus.Ok)
                {
                    continue;
                }

                if (call.Function is "namespace-reveal" && call.Arguments[0] is ClarityBuffer ns)
                {
                    _namespaces.Add(new Buff(ns.Data));
                }

                foreach (var e in call.Result.Events)
                {
                    switch (e)
                    {
                        case NameMintEvent m:
                            _names.Add(m.Name);
                            Owned(m.Recipient).Add(m.Name);
                            break;
                        case NameTransferEvent t:
                            Owned(t.Sender).Remove(t.Name);
                            Owned(t.Recipient).Add(t.Name);
                            break;
                        default:
                            break;
                    }
                }

                foreach (var change in call.Result.Changes)
                {
                    var entry = new NameHistoryEntry(change.Operation, call.Txid, height, change.Owner, change.ZonefileHash);
                    if (!_history.TryGetValue(change.Name, out var list))
                    {
                        _history[change.Name] = list = [];
                    }

                    list.Add(entry);
                    if (change.ZonefileHash.Length == BnsConstants.HashLength)
                    {
                        if (!_hashes.TryGetValue(change.ZonefileHash, out var set))
                        {
                            _hashes[change.ZonefileHash] = set = [];
                        }

                        set.Add(change.Name);
                    }

                    events.Add(new NameEventInfo(change.Name, change.Operation, call.Txid, height, change.Owner, change.ZonefileHash));
                }
            }

            Volatile.Write(ref _tip, height);
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        _watchers.Publish(events);
    }

    public BnsQueryResult<NameInfo> GetName(NameId id)
    {
        _lock.EnterReadLock();
        try
        {
            return NameLocked(id) is { } info ? info : NotFound(id);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public BnsQueryResult<BnsPage<NameInfo>> ListNames(Buff ns, byte[]? cursor, int limit)
    {
        _lock.EnterReadLock();
        try
        {
            if (_state.GetNamespace(ns) is null)
            {
                return new BnsQueryError(BnsQueryErrors.NamespaceNotFound, $"namespace '{ns.ToAscii()}' does not exist");
            }

            var from = cursor is null ? new NameId(ns, Buff.Empty) : new NameId(ns, new Buff(cursor));
            var items = new List<NameInfo>();
            byte[]? next = null;
            foreach (var id in _names.GetViewBetween(from, new NameId(ns, new Buff(MaxName))))
            {
                if (cursor is not null && id.Name == new Buff(cursor))
                {
                    continue;
                }

                if (items.Count == limit)
                {
                    next = items[^1].Id.Name.ToArray();
                    break;
                }

                if (NameLocked(id) is { } info)
                {
                    items.Add(info);
                }
            }

            return new BnsPage<NameInfo>(items, next);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public BnsPage<NameInfo> ListNamesByOwner(Principal owner, byte[]? cursor, int limit)
    {
        _lock.EnterReadLock();
        try
        {
            var items = new List<NameInfo>();
            byte[]? next = null;
            var after = cursor is null ? (NameId?)null : DecodeNameCursor(cursor);
            foreach (var id in _byOwner.GetValueOrDefault(owner) ?? [])
            {
                if (after is { } a && id <= a)
                {
                    continue;
                }

                if (items.Count == limit)
                {
                    next = EncodeNameCursor(items[^1].Id);
                    break;
                }

                if (NameLocked(id) is { } info)
                {
                    items.Add(info);
                }
            }

            return new BnsPage<NameInfo>(items, next);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public BnsQueryResult<BnsPage<NameHistoryEntry>> GetNameHistory(NameId id, byte[]? cursor, int limit)
    {
        _lock.EnterReadLock();
        try
        {
            if (!_history.TryGetValue(id, out var list))
            {
                return NotFound(id);
            }

            var start = cursor is { Length: 4 } ? (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(cursor) : 0;
            var items = list.Skip(start).Take(limit).ToList();
            var end = start + items.Count;
            byte[]? next = null;
            if (end < list.Count)
            {
                next = new byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(next, (uint)end);
            }

            return new BnsPage<NameHistoryEntry>(items, next);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public BnsPage<NamespaceInfo> ListNamespaces(byte[]? cursor, int limit)
    {
        _lock.EnterReadLock();
        try
        {
            var items = new List<NamespaceInfo>();
            byte[]? next = null;
            foreach (var ns in _namespaces)
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

                if (_state.GetNamespace(ns) is { } record)
                {
                    items.Add(new NamespaceInfo(ns, record));
                }
            }

            return new BnsPage<NamespaceInfo>(items, next);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public BnsQueryResult<NamespaceInfo> GetNamespace(Buff ns)
    {
        _lock.EnterReadLock();
        try
        {
            return _state.GetNamespace(ns) is { } r
                ? new NamespaceInfo(ns, r)
                : new BnsQueryError(BnsQueryErrors.NamespaceNotFound, $"namespace '{ns.ToAscii()}' does not exist");
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public BnsQueryResult<UInt128> GetNamePrice(NameId id) =>
        BnsQueryAnswers.NamePrice(ReadOnly("get-name-price", new ClarityBuffer(id.Namespace.ToArray()), new ClarityBuffer(id.Name.ToArray())), id);

    public BnsQueryResult<UInt128> GetNamespacePrice(Buff ns) => BnsQueryAnswers.NamespacePrice(ns);

    public BnsQueryResult<string?> CanRegisterName(NameId id) =>
        BnsQueryAnswers.CanRegister(
            ReadOnly("can-name-be-registered", new ClarityBuffer(id.Namespace.ToArray()), new ClarityBuffer(id.Name.ToArray())),
            () =>
            {
                _lock.EnterReadLock();
                try
                {
                    return _state.GetNamespace(id.Namespace);
                }
                finally
                {
                    _lock.ExitReadLock();
                }
            });

    public BnsQueryResult<(Buff Hash, byte[] Content)> GetZonefile(NameId id)
    {
        _lock.EnterReadLock();
        Buff hash;
        try
        {
            var props = _state.GetNameProperties(id);
            if (props is null || _state.GetNameOwner(id) is null)
            {
                return NotFound(id);
            }

            hash = props.ZonefileHash;
        }
        finally
        {
            _lock.ExitReadLock();
        }

        var content = hash.Length == BnsConstants.HashLength ? _zonefiles.Get(BnsColumn.Zonefiles, hash.Span) : null;
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

        var content = _zonefiles.Get(BnsColumn.Zonefiles, hash.Span);
        return content is null ? new BnsQueryError(BnsQueryErrors.ZonefileNotFound, $"zonefile {hash.ToHex()} is not stored here") : content;
    }

    public BnsQueryResult<(Buff Hash, IReadOnlyList<NameId> Names)> PutZonefile(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
        {
            return new BnsQueryError(BnsQueryErrors.ZonefileEmpty, "zonefile is empty");
        }

        if (content.Length > MaxZonefileSize)
        {
            return new BnsQueryError(BnsQueryErrors.ZonefileTooLarge, $"zonefile is {content.Length} bytes; the maximum is {MaxZonefileSize}");
        }

        var hash = new Buff(Hash160.Of(content).ToArray());
        List<NameId> names;
        _lock.EnterReadLock();
        try
        {
            if (!_hashes.TryGetValue(hash, out var set))
            {
                return new BnsQueryError(BnsQueryErrors.ZonefileHashUnknown, $"no name on chain has zonefile hash {hash.ToHex()}");
            }

            names = [.. set];
        }
        finally
        {
            _lock.ExitReadLock();
        }

        using var batch = _zonefiles.CreateBatch();
        batch.Put(BnsColumn.Zonefiles, hash.Span, content);
        batch.Commit();
        return (hash, names);
    }

    public IAsyncEnumerable<NameEventInfo> WatchNames(Buff? ns, CancellationToken cancellationToken) => _watchers.Watch(ns, cancellationToken);

    public void Dispose() => _lock.Dispose();

    internal static byte[] EncodeNameCursor(NameId id) => [(byte)id.Namespace.Length, .. id.Namespace.Span, .. id.Name.Span];

    internal static NameId? DecodeNameCursor(byte[] cursor) =>
        cursor.Length >= 1 && cursor[0] <= cursor.Length - 1
            ? new NameId(new Buff(cursor.AsSpan(1, cursor[0])), new Buff(cursor.AsSpan(1 + cursor[0])))
            : null;

    private static readonly byte[] MaxName = [.. Enumerable.Repeat((byte)0xff, BnsConstants.MaxNameLength + 1)];

    private BnsCallResult ReadOnly(string function, params ClarityValue[] args)
    {
        _lock.EnterReadLock();
        try
        {
            return BnsContract.Query(_state, QuerySender, _tip, function, args);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private SortedSet<NameId> Owned(Principal p)
    {
        if (!_byOwner.TryGetValue(p, out var set))
        {
            _byOwner[p] = set = [];
        }

        return set;
    }

    private NameInfo? NameLocked(NameId id)
    {
        var owner = _state.GetNameOwner(id);
        var props = _state.GetNameProperties(id);
        if (owner is null || props is null)
        {
            return null;
        }

        var resolve = BnsContract.Query(_state, QuerySender, _tip, "name-resolve", [new ClarityBuffer(id.Namespace.ToArray()), new ClarityBuffer(id.Name.ToArray())]);
        var status = resolve.Value switch
        {
            ClarityResponse { IsOk: true } => NameStatus.Active,
            ClarityResponse { IsOk: false, Inner: ClarityInt g } when g.Value == BnsErrors.NameGracePeriod => NameStatus.Grace,
            ClarityResponse { IsOk: false, Inner: ClarityInt r } when r.Value == BnsErrors.NameRevoked => NameStatus.Revoked,
            _ => NameStatus.Expired,
        };
        var lease = BnsContract.Lease(_state, id, _tip);
        var last = _history.TryGetValue(id, out var h) && h.Count > 0 ? h[^1].Txid : "";
        return new NameInfo(id, owner, props.ZonefileHash, lease?.Start, lease?.End, status, last);
    }

    private static BnsQueryError NotFound(NameId id) => new(BnsQueryErrors.NameNotFound, $"name '{id.Fqn}' does not exist");
}
