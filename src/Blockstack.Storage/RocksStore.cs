using System.Text;
using RocksDbSharp;

namespace Blockstack.Storage;

/// <summary>Settings for a RocksDB-backed store.</summary>
public sealed record RocksStoreOptions
{
    /// <summary>
    /// Sync the write-ahead log on every batch commit, so a committed batch survives a power loss,
    /// not only a process crash. On by default; benchmarks may turn it off.
    /// </summary>
    public bool SyncWrites { get; init; } = true;

    /// <summary>Block cache size in bytes.</summary>
    public long BlockCacheBytes { get; init; } = 64L * 1024 * 1024;
}

/// <summary>Opens RocksDB-backed stores.</summary>
public static class RocksStore
{
    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating it (and its column families) if absent.
    /// Throws <see cref="StoreSchemaMismatchException"/> when the store was written by another schema.
    /// </summary>
    public static RocksStore<TColumn> Open<TColumn>(string path, StoreSchema schema, RocksStoreOptions? options = null)
        where TColumn : struct, Enum => RocksStore<TColumn>.Open(path, schema, options);
}

/// <summary>
/// A RocksDB database with one column family per value of <typeparamref name="TColumn"/> (named
/// after the enum member) plus a <c>meta</c> family holding the schema. Batches are RocksDB write
/// batches across families, so a commit is atomic; snapshots are RocksDB snapshots.
/// </summary>
public sealed class RocksStore<TColumn> : IKeyValueStore<TColumn>
    where TColumn : struct, Enum
{
    private const string MetaFamily = "meta";
    private static readonly byte[] SchemaKey = "schema"u8.ToArray();

    private readonly RocksDb _db;
    private readonly Dictionary<TColumn, ColumnFamilyHandle> _families;
    private readonly WriteOptions _writeOptions;
    private readonly ReadOptions _readOptions = new();

    private RocksStore(RocksDb db, Dictionary<TColumn, ColumnFamilyHandle> families, WriteOptions writeOptions)
    {
        _db = db;
        _families = families;
        _writeOptions = writeOptions;
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating it (and its column families) if absent.
    /// Throws <see cref="StoreSchemaMismatchException"/> when the store was written by another schema,
    /// <see cref="StoreLockedException"/> when another process (or this one) has it open.
    /// </summary>
    internal static RocksStore<TColumn> Open(string path, StoreSchema schema, RocksStoreOptions? options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        options ??= new RocksStoreOptions();
        Directory.CreateDirectory(path);

        var tableOptions = new BlockBasedTableOptions()
            .SetBlockCache(Cache.CreateLru((ulong)options.BlockCacheBytes))
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false));
        var familyOptions = new ColumnFamilyOptions().SetBlockBasedTableFactory(tableOptions);
        var families = new ColumnFamilies(familyOptions) { { MetaFamily, familyOptions } };
        foreach (var column in Enum.GetValues<TColumn>())
        {
            families.Add(column.ToString(), familyOptions);
        }

        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetKeepLogFileNum(5);
        RocksDb db;
        try
        {
            db = RocksDb.Open(dbOptions, path, families);
        }
        catch (RocksDbException e) when (e.Message.Contains(Path.DirectorySeparatorChar + "LOCK", StringComparison.Ordinal))
        {
            throw StoreLockedException.For(path, e);
        }

        try
        {
            CheckSchema(db, path, schema);
        }
        catch
        {
            db.Dispose();
            throw;
        }

        var handles = Enum.GetValues<TColumn>().ToDictionary(c => c, c => db.GetColumnFamily(c.ToString()));
        return new RocksStore<TColumn>(db, handles, new WriteOptions().SetSync(options.SyncWrites));
    }

    public byte[]? Get(TColumn column, ReadOnlySpan<byte> key) => _db.Get(key, _families[column], _readOptions);

    public bool Contains(TColumn column, ReadOnlySpan<byte> key) => Get(column, key) is not null;

    public IEnumerable<KeyValuePair<byte[], byte[]>> Range(TColumn column, byte[] from, byte[]? to, bool reverse = false) =>
        Iterate(_families[column], null, from, to, reverse);

    public IEnumerable<KeyValuePair<byte[], byte[]>> Prefix(TColumn column, byte[] prefix, bool reverse = false) =>
        Iterate(_families[column], null, prefix, KeyRange.PrefixUpperBound(prefix), reverse);

    public IWriteBatch<TColumn> CreateBatch() => new Batch(this);

    public IStoreSnapshot<TColumn> CreateSnapshot() => new SnapshotView(this, _db.CreateSnapshot());

    public void Dispose() => _db.Dispose();

    private static void CheckSchema(RocksDb db, string path, StoreSchema schema)
    {
        var meta = db.GetColumnFamily(MetaFamily);
        var stored = db.Get(SchemaKey, meta);
        if (stored is null)
        {
            db.Put(SchemaKey, Encoding.UTF8.GetBytes(schema.Encoded), meta, new WriteOptions().SetSync(true));
            return;
        }

        var found = Encoding.UTF8.GetString(stored);
        if (found != schema.Encoded)
        {
            throw StoreSchemaMismatchException.For(path, found, schema);
        }
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(ColumnFamilyHandle family, Snapshot? snapshot, byte[] from, byte[]? to, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(from);
        var readOptions = new ReadOptions();
        if (snapshot is not null)
        {
            readOptions.SetSnapshot(snapshot);
        }

        if (to is not null)
        {
            readOptions.SetIterateUpperBound(to);
        }

        readOptions.SetIterateLowerBound(from);
        return Enumerate(_db.NewIterator(family, readOptions), reverse);
    }

    private static IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate(Iterator iterator, bool reverse)
    {
        using (iterator)
        {
            if (reverse)
            {
                for (iterator.SeekToLast(); iterator.Valid(); iterator.Prev())
                {
                    yield return new(iterator.Key(), iterator.Value());
                }
            }
            else
            {
                for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                {
                    yield return new(iterator.Key(), iterator.Value());
                }
            }
        }
    }

    private sealed class SnapshotView(RocksStore<TColumn> store, Snapshot snapshot) : IStoreSnapshot<TColumn>
    {
        private readonly ReadOptions _readOptions = new ReadOptions().SetSnapshot(snapshot);

        public byte[]? Get(TColumn column, ReadOnlySpan<byte> key) => store._db.Get(key, store._families[column], _readOptions);

        public bool Contains(TColumn column, ReadOnlySpan<byte> key) => Get(column, key) is not null;

        public IEnumerable<KeyValuePair<byte[], byte[]>> Range(TColumn column, byte[] from, byte[]? to, bool reverse = false) =>
            store.Iterate(store._families[column], snapshot, from, to, reverse);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Prefix(TColumn column, byte[] prefix, bool reverse = false) =>
            store.Iterate(store._families[column], snapshot, prefix, KeyRange.PrefixUpperBound(prefix), reverse);

        public void Dispose() => snapshot.Dispose();
    }

    private sealed class Batch(RocksStore<TColumn> store) : IWriteBatch<TColumn>
    {
        private WriteBatch? _batch = new();

        public int Count { get; private set; }

        private WriteBatch Inner => _batch ?? throw new InvalidOperationException("the batch was already committed or disposed");

        public void Put(TColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            Inner.Put(key, value, store._families[column]);
            Count++;
        }

        public void Delete(TColumn column, ReadOnlySpan<byte> key)
        {
            Inner.Delete(key.ToArray(), store._families[column]);
            Count++;
        }

        public void Commit()
        {
            store._db.Write(Inner, store._writeOptions);
            Dispose();
        }

        public void Dispose()
        {
            _batch?.Dispose();
            _batch = null;
        }
    }
}
