namespace Blockstack.Storage;

/// <summary>
/// Read access to a set of column families. Keys and values are raw bytes; keys sort as unsigned
/// bytes (lexicographically), so big-endian integer keys iterate in numeric order.
/// </summary>
/// <typeparam name="TColumn">The enum naming the store's column families.</typeparam>
public interface IStoreReader<TColumn>
    where TColumn : struct, Enum
{
    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    byte[]? Get(TColumn column, ReadOnlySpan<byte> key);

    bool Contains(TColumn column, ReadOnlySpan<byte> key);

    /// <summary>
    /// Entries with <paramref name="from"/> ≤ key &lt; <paramref name="to"/> in key order
    /// (<paramref name="to"/> null: to the end of the column). Reverse iterates the same range
    /// from its last key down.
    /// </summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Range(TColumn column, byte[] from, byte[]? to, bool reverse = false);

    /// <summary>Entries whose key starts with <paramref name="prefix"/>, in key order.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Prefix(TColumn column, byte[] prefix, bool reverse = false);
}

/// <summary>A consistent read-only view of the store at one instant. Dispose it when done.</summary>
public interface IStoreSnapshot<TColumn> : IStoreReader<TColumn>, IDisposable
    where TColumn : struct, Enum;

/// <summary>
/// Writes to any number of columns that land together or not at all. Nothing is written until
/// <see cref="Commit"/> is called; disposing an uncommitted batch discards it.
/// </summary>
public interface IWriteBatch<TColumn> : IDisposable
    where TColumn : struct, Enum
{
    void Put(TColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Delete(TColumn column, ReadOnlySpan<byte> key);

    /// <summary>Number of operations queued.</summary>
    int Count { get; }

    /// <summary>Writes every queued operation atomically (synced to disk when the store is durable).</summary>
    void Commit();
}

/// <summary>
/// A key-value store with one column family per value of <typeparamref name="TColumn"/>, atomic
/// multi-column batches and snapshots. Implemented by RocksDB (RocksStore)
/// and in memory (MemoryStore); both pass one contract test suite.
/// </summary>
public interface IKeyValueStore<TColumn> : IStoreReader<TColumn>, IDisposable
    where TColumn : struct, Enum
{
    IWriteBatch<TColumn> CreateBatch();

    IStoreSnapshot<TColumn> CreateSnapshot();
}
