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
/// </summary>
public sealed class StagingStore : IDisposable
{
    public static readonly StoreSchema Schema = new("blockstack-staging", 1);

    private readonly IKeyValueStore<StagingColumn> _store;

    public StagingStore(IKeyValueStore<StagingColumn> store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public static StagingStore Open(string path, RocksStoreOptions? options = null) => new(RocksStore.Open<StagingColumn>(path, Schema, options));

    public static StagingStore InMemory() => new(new MemoryStore<StagingColumn>());

    public int Count => _store.Range(StagingColumn.Blocks, [], null).Count();

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
    /// Every staged row in hash order, without decoding the blocks (decoding checks each header's
    /// VRF proof, ~0.5 ms): what the per-burn-block upkeep needs. Rows too short to hold the two
    /// heights, which only corruption can make, are skipped.
    /// </summary>
    public IReadOnlyList<StagedEntry> Entries()
    {
        var list = new List<StagedEntry>();
        foreach (var kv in _store.Range(StagingColumn.Blocks, [], null))
        {
            if (kv.Value.Length >= 16)
            {
                list.Add(new StagedEntry(new StacksBlockHash(new Bitcoin.Hash256(kv.Key)), BinaryPrimitives.ReadUInt64BigEndian(kv.Value), BinaryPrimitives.ReadUInt64BigEndian(kv.Value.AsSpan(8))));
            }
        }

        return list;
    }

    public void Put(StagedBlock staged)
    {
        ArgumentNullException.ThrowIfNull(staged);
        var bytes = staged.Block.Serialize();
        var value = new byte[16 + bytes.Length];
        BinaryPrimitives.WriteUInt64BigEndian(value, staged.StagedAtBurnHeight);
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(8), staged.LastWonBurnHeight);
        bytes.CopyTo(value.AsSpan(16));
        using var batch = _store.CreateBatch();
        batch.Put(StagingColumn.Blocks, staged.Hash.Hash.ToArray(), value);
        batch.Commit();
    }

    public void Delete(StacksBlockHash hash)
    {
        using var batch = _store.CreateBatch();
        batch.Delete(StagingColumn.Blocks, hash.Hash.ToArray());
        batch.Commit();
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
}
