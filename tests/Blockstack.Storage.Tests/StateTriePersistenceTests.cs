using Blockstack.Storage.Trie;
using Xunit.Abstractions;

namespace Blockstack.Storage.Tests;

[Trait("Category", "Integration")]
public sealed class StateTriePersistenceTests(ITestOutputHelper output) : IDisposable
{
    private static readonly StoreSchema Schema = new("trie-test", 1);
    private static readonly RocksStoreOptions Options = new() { SyncWrites = false };

    private readonly string _path = Path.Combine(Path.GetTempPath(), "blockstack-trie-persist-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    [Fact]
    public void Reopen_RocksStore_SameRootsAndValues()
    {
        var random = new Random(9);
        var model = TrieModel.RandomMap(random, 200);
        var modelA = new Dictionary<string, byte[]>(model);
        var modelB = new Dictionary<string, byte[]>(model);
        var changesA = TrieModel.RandomChanges(random, modelA, 50);
        var changesB = TrieModel.RandomChanges(random, modelB, 50);
        TrieRoot r, r1, r2;
        using (var store = RocksStore.Open<TestColumn>(_path, Schema, Options))
        {
            var trie = new StateTrie<TestColumn>(TestColumn.Alpha);
            r = Commit(trie, store, TrieRoot.Empty, TrieModel.Puts(model));
            r1 = Commit(trie, store, r, changesA);
            r2 = Commit(trie, store, r, changesB);
        }

        using (var reopened = RocksStore.Open<TestColumn>(_path, Schema, Options))
        {
            var trie = new StateTrie<TestColumn>(TestColumn.Alpha);
            TrieModel.AssertMap(trie, reopened, r, model);
            TrieModel.AssertMap(trie, reopened, r1, modelA);
            TrieModel.AssertMap(trie, reopened, r2, modelB);
            Assert.Equal(r1, Commit(trie, reopened, r, changesA));
            Assert.Equal(r, Commit(new StateTrie<TestColumn>(TestColumn.Alpha), new MemoryStore<TestColumn>(), TrieRoot.Empty, TrieModel.Puts(model)));
            using var snapshot = reopened.CreateSnapshot();
            var (hex, value) = modelB.First();
            var proof = trie.Prove(snapshot, r2, Convert.FromHexString(hex));
            Assert.True(StateTrie.Verify(r2, Convert.FromHexString(hex), value, present: true, proof));
        }
    }

    /// <summary>
    /// Bytes on disk per key for a RocksDB store holding every version: 40,000 keys (32-byte keys,
    /// 32-byte values) inserted in 40 blocks of 1,000, so upper branches are rewritten per block as a
    /// chain would. Reported through the test output; the bound only catches a gross regression.
    /// </summary>
    [Fact]
    public void DiskUsage_FortyBlocksOfInserts_ReportsBytesPerKey()
    {
        const int Blocks = 40;
        const int PerBlock = 1_000;
        var random = new Random(10);
        var root = TrieRoot.Empty;
        byte[] probeKey = [];
        byte[] probeValue = [];
        using (var store = RocksStore.Open<TestColumn>(_path, Schema, Options))
        {
            var trie = new StateTrie<TestColumn>(TestColumn.Alpha);
            for (var block = 0; block < Blocks; block++)
            {
                var changes = new List<KeyValuePair<byte[], byte[]?>>(PerBlock);
                for (var i = 0; i < PerBlock; i++)
                {
                    var key = new byte[32];
                    var value = new byte[32];
                    random.NextBytes(key);
                    random.NextBytes(value);
                    changes.Add(new(key, value));
                }

                (probeKey, probeValue) = (changes[0].Key, changes[0].Value!);
                root = Commit(trie, store, root, changes);
            }
        }

        // Reopening replays the write-ahead log into table files.
        using (var reopened = RocksStore.Open<TestColumn>(_path, Schema, Options))
        {
            Assert.Equal(probeValue, new StateTrie<TestColumn>(TestColumn.Alpha).Get(reopened, root, probeKey));
            var nodes = reopened.Prefix(TestColumn.Alpha, []).Count();
            var total = new DirectoryInfo(_path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            var tables = new DirectoryInfo(_path).EnumerateFiles("*.sst").Sum(f => f.Length);
            const int Keys = Blocks * PerBlock;
            output.WriteLine($"{Keys} keys in {Blocks} blocks: {nodes} nodes stored, {total} bytes on disk ({(double)total / Keys:F0} per key), {tables} in .sst ({(double)tables / Keys:F0} per key)");
            Assert.InRange((double)total / Keys, 64, 4_000);
        }
    }

    private static TrieRoot Commit(StateTrie<TestColumn> trie, IKeyValueStore<TestColumn> store, TrieRoot parent, IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes)
    {
        using var batch = store.CreateBatch();
        var root = trie.Apply(store, parent, changes, batch);
        batch.Commit();
        return root;
    }
}
