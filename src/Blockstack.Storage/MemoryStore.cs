using System.Collections.Immutable;

namespace Blockstack.Storage;

/// <summary>
/// The in-memory twin of <see cref="RocksStore{TColumn}"/>: the same contract, for tests and
/// <c>--memory</c> runs. Reads hand out copies, as RocksDB does. Each column is an immutable sorted map, so a snapshot is just the maps of
/// the moment and a batch commit swaps them in one step under a lock.
/// </summary>
public sealed class MemoryStore<TColumn> : IKeyValueStore<TColumn>
    where TColumn : struct, Enum
{
    private static readonly ImmutableSortedDictionary<byte[], byte[]> EmptyColumn =
        ImmutableSortedDictionary.Create<byte[], byte[]>(ByteKeyComparer.Instance);

    private readonly Lock _writeLock = new();
    private volatile ColumnSet _columns;

    public MemoryStore()
    {
        _columns = new ColumnSet(Enum.GetValues<TColumn>().ToImmutableDictionary(c => c, _ => EmptyColumn));
    }

    public byte[]? Get(TColumn column, ReadOnlySpan<byte> key) => _columns.Get(column, key);

    public bool Contains(TColumn column, ReadOnlySpan<byte> key) => _columns.Get(column, key) is not null;

    public IEnumerable<KeyValuePair<byte[], byte[]>> Range(TColumn column, byte[] from, byte[]? to, bool reverse = false) =>
        _columns.Range(column, from, to, reverse);

    public IEnumerable<KeyValuePair<byte[], byte[]>> Prefix(TColumn column, byte[] prefix, bool reverse = false) =>
        _columns.Range(column, prefix, KeyRange.PrefixUpperBound(prefix), reverse);

    public IWriteBatch<TColumn> CreateBatch() => new Batch(this);

    public IStoreSnapshot<TColumn> CreateSnapshot() => _columns;

    public void Dispose()
    {
    }

    private void Apply(List<(TColumn Column, byte[] Key, byte[]? Value)> operations)
    {
        lock (_writeLock)
        {
            var builders = new Dictionary<TColumn, ImmutableSortedDictionary<byte[], byte[]>.Builder>();
            foreach (var (column, key, value) in operations)
            {
                if (!builders.TryGetValue(column, out var builder))
                {
                    builder = _columns.Maps[column].ToBuilder();
                    builders[column] = builder;
                }

                if (value is null)
                {
                    builder.Remove(key);
                }
                else
                {
                    builder[key] = value;
                }
            }

            var maps = _columns.Maps;
            foreach (var (column, builder) in builders)
            {
                maps = maps.SetItem(column, builder.ToImmutable());
            }

            _columns = new ColumnSet(maps);
        }
    }

    private sealed class ColumnSet(ImmutableDictionary<TColumn, ImmutableSortedDictionary<byte[], byte[]>> maps) : IStoreSnapshot<TColumn>
    {
        public ImmutableDictionary<TColumn, ImmutableSortedDictionary<byte[], byte[]>> Maps { get; } = maps;

        public byte[]? Get(TColumn column, ReadOnlySpan<byte> key) =>
            Maps[column].TryGetValue(key.ToArray(), out var value) ? value.AsSpan().ToArray() : null;

        public bool Contains(TColumn column, ReadOnlySpan<byte> key) => Get(column, key) is not null;

        public IEnumerable<KeyValuePair<byte[], byte[]>> Range(TColumn column, byte[] from, byte[]? to, bool reverse = false)
        {
            ArgumentNullException.ThrowIfNull(from);
            var comparer = ByteKeyComparer.Instance;
            var entries = Maps[column]
                .SkipWhile(e => comparer.Compare(e.Key, from) < 0)
                .TakeWhile(e => to is null || comparer.Compare(e.Key, to) < 0)
                .Select(e => KeyValuePair.Create(e.Key.AsSpan().ToArray(), e.Value.AsSpan().ToArray()));
            return reverse ? entries.Reverse() : entries;
        }

        public IEnumerable<KeyValuePair<byte[], byte[]>> Prefix(TColumn column, byte[] prefix, bool reverse = false) =>
            Range(column, prefix, KeyRange.PrefixUpperBound(prefix), reverse);

        public void Dispose()
        {
        }
    }

    private sealed class Batch(MemoryStore<TColumn> store) : IWriteBatch<TColumn>
    {
        private List<(TColumn Column, byte[] Key, byte[]? Value)>? _operations = [];

        public int Count => Operations.Count;

        private List<(TColumn Column, byte[] Key, byte[]? Value)> Operations =>
            _operations ?? throw new InvalidOperationException("the batch was already committed or disposed");

        public void Put(TColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Operations.Add((column, key.ToArray(), value.ToArray()));

        public void Delete(TColumn column, ReadOnlySpan<byte> key) => Operations.Add((column, key.ToArray(), null));

        public void Commit()
        {
            store.Apply(Operations);
            _operations = null;
        }

        public void Dispose() => _operations = null;
    }
}

/// <summary>Orders keys as unsigned bytes, lexicographically (RocksDB's default comparator).</summary>
public sealed class ByteKeyComparer : IComparer<byte[]>
{
    public static ByteKeyComparer Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
