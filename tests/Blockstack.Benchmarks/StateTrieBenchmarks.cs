using BenchmarkDotNet.Attributes;
using Blockstack.Storage;
using Blockstack.Storage.Trie;

namespace Blockstack.Benchmarks;

public enum TrieColumn
{
    Nodes,
}

/// <summary>
/// The state trie at block scale: 10,000 random updates (new values for existing keys) applied to a
/// trie of 100,000 keys (32-byte keys and values), and 1,000 random reads, over the in-memory store
/// and RocksDB (no fsync). The trie instance, and so its branch cache, lives across iterations, as
/// in a running node.
/// </summary>
[MemoryDiagnoser]
public class StateTrieBenchmarks : IDisposable
{
    private const int Keys = 100_000;
    private const int Updates = 10_000;
    private const int Reads = 1_000;

    private IKeyValueStore<TrieColumn> _store = null!;
    private StateTrie<TrieColumn> _trie = null!;
    private string? _path;
    private TrieRoot _root;
    private List<KeyValuePair<byte[], byte[]?>> _updates = [];
    private byte[][] _readKeys = [];

    public enum Backend
    {
        Memory,
        Rocks,
    }

    [Params(Backend.Memory, Backend.Rocks)]
    public Backend Store { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Store == Backend.Rocks)
        {
            _path = Path.Combine(Path.GetTempPath(), "blockstack-trie-bench-" + Guid.NewGuid().ToString("N"));
            _store = RocksStore.Open<TrieColumn>(_path, new StoreSchema("trie-bench", 1), new RocksStoreOptions { SyncWrites = false });
        }
        else
        {
            _store = new MemoryStore<TrieColumn>();
        }

        _trie = new StateTrie<TrieColumn>(TrieColumn.Nodes);
        var random = new Random(42);
        var keys = new byte[Keys][];
        for (var start = 0; start < Keys; start += 10_000)
        {
            var changes = new List<KeyValuePair<byte[], byte[]?>>(10_000);
            for (var i = start; i < start + 10_000; i++)
            {
                keys[i] = RandomBytes(random, 32);
                changes.Add(new(keys[i], RandomBytes(random, 32)));
            }

            using var batch = _store.CreateBatch();
            _root = _trie.Apply(_store, _root, changes, batch);
            batch.Commit();
        }

        var chosen = new HashSet<int>();
        while (chosen.Count < Updates)
        {
            chosen.Add(random.Next(Keys));
        }

        _updates = chosen.Select(i => new KeyValuePair<byte[], byte[]?>(keys[i], RandomBytes(random, 32))).ToList();
        _readKeys = Enumerable.Range(0, Reads).Select(_ => keys[random.Next(Keys)]).ToArray();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store?.Dispose();
        _store = null!;
        GC.SuppressFinalize(this);
        if (_path is not null && Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    /// <summary>The state root of a 10,000-change block: nodes computed and queued, not committed.</summary>
    [Benchmark]
    public TrieRoot Apply10kUpdates()
    {
        using var batch = _store.CreateBatch();
        return _trie.Apply(_store, _root, _updates, batch);
    }

    /// <summary>The same, with the batch committed (its nodes are content-addressed, so re-puts are idempotent).</summary>
    [Benchmark]
    public TrieRoot Apply10kUpdatesAndCommit()
    {
        using var batch = _store.CreateBatch();
        var root = _trie.Apply(_store, _root, _updates, batch);
        batch.Commit();
        return root;
    }

    [Benchmark]
    public int Get1kKeys()
    {
        var found = 0;
        foreach (var key in _readKeys)
        {
            found += _trie.Get(_store, _root, key) is null ? 0 : 1;
        }

        return found;
    }

    [Benchmark]
    public int Prove1kKeys()
    {
        var size = 0;
        foreach (var key in _readKeys)
        {
            size += _trie.Prove(_store, _root, key).SerializedSize;
        }

        return size;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
