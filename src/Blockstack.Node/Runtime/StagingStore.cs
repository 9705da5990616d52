using System.Buffers.Binary;
using Blockstack.Stacks;
using Blockstack.Storage;

namespace Blockstack.Node.Runtime;

/// <summary>Column families of the staging store (docs/storage-layout.md, "Staging").</summary>
public enum StagingColumn
{
    /// <summary>Reserved for markers; nothing stored yet.</summary>
    Metadata,

    /// <summary>Stacks block hash (32) → staged-at burn height u64 BE ‖ last-won burn height u64 BE ‖ block bytes.</summary>
    Blocks,
}

/// <summary>A block waiting in staging, with the burn heights that decide when it is dropped.</summary>
public sealed record StagedBlock(StacksBlockHash Hash, StacksBlock Block, ulong StagedAtBurnHeight, ulong LastWonBurnHeight);

/// <summary>A staged row's hash and burn heights, read without decoding its block.</summary>
public readonly record struct StagedEntry(StacksBlockHash Hash, ulong StagedAtBurnHeight, ulong LastWonBurnHeight);

/// <summary>
/// Blocks received (from the miner, later from peers) that are not, or not yet, part of the chain:
/// one RocksDB (or in-memory) store, one row per block hash. Each put or delete is its own atomic
/// write; the chain store stays the source of truth (a staged block the chain already holds is
/// simply skipped), so no write here needs to be atomic with another store. Thread-safe: writes
/// come from the loop and from <see cref="NodeRuntime.StageBlock"/> under the runtime's lock.
/// The rows' hashes and burn heights are also kept in memory (read once at open, then kept by
/// <see cref="Put"/> and <see cref="Delete"/>, the only writers): <see cref="Entries"/> and
/// <see cref="Count"/>, which the runtime reads per burn block and per accepted Stacks block, would
/// otherwise copy every staged block's bytes out of the store on each call.
/// </summary>
public sealed class StagingStore : IDisposable
{
    public static readonly StoreSchema Schema = new("blockstack-staging", 1);

    private readonly IKeyValueStore<StagingColumn> _store;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<byte[], StagedEntry> _entries = new(HashOrder.Instance);

    public StagingStore(IKeyValueStore<StagingColumn> store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        foreach (var kv in _store.Range(StagingColumn.Blocks, [], null))
        {
            if (kv.Value.Length >= 16)
            {
                _entries[kv.Key] = new StagedEntry(new StacksBlockHash(new Bitcoin.Hash256(kv.Key)), BinaryPrimitives.ReadUInt64BigEndian(kv.Value), BinaryPrimitives.ReadUInt64BigEndian(kv.Value.AsSpan(8)));
            }
        }
    }

    public static StagingStore Open(string path, RocksStoreOptions? options = null) => new(RocksStore.Open<StagingColumn>(path, Schema, options));

    public static StagingStore InMemory() => new(new MemoryStore<StagingColumn>());

    /// <summary>How many rows are staged (rows too short to hold the two heights, which only corruption can make, are not counted).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public bool Contains(StacksBlockHash hash) => _store.Contains(StagingColumn.Blocks, hash.Hash.ToArray());

    public StagedBlock? Get(StacksBlockHash hash)
    {
        var v = _store.Get(StagingColumn.Blocks, hash.Hash.ToArray());
        return v is null ? null : Decode(hash, v);
    }

    /// <summary>Every staged block in hash order (undecodable rows, which only corruption can make, are skipped).</summary>
    public IReadOnlyList<StagedBlock> All()
    {
        var list = new List<StagedBlock>();
        foreach (var kv in _store.Range(StagingColumn.Blocks, [], null))
        {
            if (Decode(new StacksBlockHash(new Bitcoin.Hash256(kv.Key)), kv.Value) is { } staged)
            {
                list.Add(staged);
            }
        }

        return list;
    }

    /// <summary>
    /// Every staged row in hash order, without reading or decoding the blocks (decoding checks each
    /// header's VRF proof, ~0.5 ms; a block of 1,000 transfers is ~180 KB): what the per-burn-block
    /// upkeep needs. Rows too short to hold the two heights, which only corruption can make, are skipped.
    /// </summary>
    public IReadOnlyList<StagedEntry> Entries()
    {
        lock (_gate)
        {
            return [.. _entries.Values];
        }
    }

    public void Put(StagedBlock staged)
    {
        ArgumentNullException.ThrowIfNull(staged);
        var bytes = staged.Block.Serialize();
        var value = new byte[16 + bytes.Length];
        BinaryPrimitives.WriteUInt64BigEndian(value, staged.StagedAtBurnHeight);
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(8), staged.LastWonBurnHeight);
        bytes.CopyTo(value.AsSpan(16));
        var key = staged.Hash.Hash.ToArray();
        lock (_gate)
        {
            using var batch = _store.CreateBatch();
            batch.Put(StagingColumn.Blocks, key, value);
            batch.Commit();
            _entries[key] = new StagedEntry(staged.Hash, staged.StagedAtBurnHeight, staged.LastWonBurnHeight);
        }
    }

    public void Delete(StacksBlockHash hash)
    {
        var key = hash.Hash.ToArray();
        lock (_gate)
        {
            using var batch = _store.CreateBatch();
            batch.Delete(StagingColumn.Blocks, key);
            batch.Commit();
            _entries.Remove(key);
        }
    }

    public void Dispose() => _store.Dispose();

    private static StagedBlock? Decode(StacksBlockHash hash, byte[] value)
    {
        if (value.Length < 16 || !StacksBlock.TryDecode(value.AsSpan(16), out var block, out _))
        {
            return null;
        }

        return new StagedBlock(hash, block, BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadUInt64BigEndian(value.AsSpan(8)));
    }

    /// <summary>Byte order of the 32-byte keys: the order the store iterates them in.</summary>
    private sealed class HashOrder : IComparer<byte[]>
    {
        public static HashOrder Instance { get; } = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
