using Blockstack.Storage.Trie;

namespace Blockstack.Storage.Tests;

/// <summary>
/// Properties of <see cref="StateTrie{TColumn}"/> that hold on any store, checked against a
/// Dictionary model with seeded randomness. Each back end runs them through a subclass.
/// </summary>
public abstract class StateTrieTests : IDisposable
{
    private readonly IKeyValueStore<TestColumn> _store;
    private readonly StateTrie<TestColumn> _trie = new(TestColumn.Alpha);

    protected StateTrieTests()
    {
        _store = CreateStore();
    }

    protected IKeyValueStore<TestColumn> Store => _store;

    protected abstract IKeyValueStore<TestColumn> CreateStore();

    public void Dispose()
    {
        _store.Dispose();
        Cleanup();
        GC.SuppressFinalize(this);
    }

    protected virtual void Cleanup()
    {
    }

    [Fact]
    public void Apply_SameFinalMapThroughDifferentHistories_SameRoot()
    {
        var random = new Random(1);
        for (var iteration = 0; iteration < 25; iteration++)
        {
            var target = TrieModel.RandomMap(random, random.Next(0, 150));

            var oneShot = Commit(TrieRoot.Empty, TrieModel.Puts(target));
            var reversed = Commit(TrieRoot.Empty, TrieModel.Puts(target).AsEnumerable().Reverse().ToList());

            // In pieces, in random order, with noise keys added then removed and values overwritten.
            var noise = TrieModel.RandomMap(random, random.Next(0, 40));
            var root = Commit(TrieRoot.Empty, TrieModel.Puts(noise));
            var pending = TrieModel.Puts(target);
            foreach (var (key, _) in pending.Take(pending.Count / 3))
            {
                root = Commit(root, [new(key, TrieModel.RandomBytes(random, 0, 20))]);
            }

            TrieModel.Shuffle(random, pending);
            var offset = 0;
            while (offset < pending.Count)
            {
                var size = random.Next(1, Math.Max(2, pending.Count / 3));
                root = Commit(root, pending.Skip(offset).Take(size).ToList());
                offset += size;
            }

            var deletes = noise.Keys.Where(k => !target.ContainsKey(k)).Select(k => new KeyValuePair<byte[], byte[]?>(Convert.FromHexString(k), null)).ToList();
            var pieces = Commit(root, deletes);

            Assert.Equal(oneShot, reversed);
            Assert.Equal(oneShot, pieces);
            Assert.Equal(target.Count == 0, oneShot.IsEmpty);
            AssertMap(oneShot, target);
        }
    }

    [Fact]
    public void Apply_ForksFromOneParent_EachVersionReadableWithoutRewinding()
    {
        var random = new Random(2);
        for (var iteration = 0; iteration < 8; iteration++)
        {
            var model = TrieModel.RandomMap(random, 120);
            var r = Commit(TrieRoot.Empty, TrieModel.Puts(model));

            var modelA = new Dictionary<string, byte[]>(model);
            var r1 = Commit(r, TrieModel.RandomChanges(random, modelA, 40));
            var modelB = new Dictionary<string, byte[]>(model);
            var r2 = Commit(r, TrieModel.RandomChanges(random, modelB, 40));
            var modelC = new Dictionary<string, byte[]>(modelA);
            var r3 = Commit(r1, TrieModel.RandomChanges(random, modelC, 40));

            // Back and forth between the branches, in no particular order.
            AssertMap(r2, modelB);
            AssertMap(r, model);
            AssertMap(r3, modelC);
            AssertMap(r1, modelA);
            AssertMap(r2, modelB);
            Assert.Equal(4, new HashSet<TrieRoot> { r, r1, r2, r3 }.Count);
        }
    }

    [Fact]
    public void Apply_DeleteEveryKey_ReturnsEmptyRoot()
    {
        var random = new Random(3);
        for (var iteration = 0; iteration < 15; iteration++)
        {
            var model = TrieModel.RandomMap(random, random.Next(1, 200));
            var root = Commit(TrieRoot.Empty, TrieModel.Puts(model));
            var keys = model.Keys.ToList();
            TrieModel.Shuffle(random, keys);
            while (keys.Count > 0)
            {
                var size = random.Next(1, keys.Count + 1);
                root = Commit(root, keys.Take(size).Select(k => new KeyValuePair<byte[], byte[]?>(Convert.FromHexString(k), null)).ToList());
                keys.RemoveRange(0, size);
            }

            Assert.Equal(TrieRoot.Empty, root);
            Assert.Empty(_trie.Enumerate(_store, root));
        }
    }

    [Fact]
    public void Apply_DeleteAbsentKeysOrRewriteSameValues_KeepsRootAndWritesNothing()
    {
        var random = new Random(4);
        var model = TrieModel.RandomMap(random, 100);
        var root = Commit(TrieRoot.Empty, TrieModel.Puts(model));
        var changes = TrieModel.Puts(model).Take(30).ToList();
        changes.AddRange(Enumerable.Range(0, 30).Select(_ => new KeyValuePair<byte[], byte[]?>(TrieModel.RandomBytes(random, 41, 50), null))); // longer than any model key

        using var batch = _store.CreateBatch();
        var again = _trie.Apply(_store, root, changes, batch);

        Assert.Equal(root, again);
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Apply_KeysSharingLongPathPrefix_CollapsesBackToSingleLeaf()
    {
        var (a, b) = TrieModel.KeysSharingPathPrefix(nibbles: 4);
        var onlyA = Commit(TrieRoot.Empty, [new(a, [1])]);
        var both = Commit(TrieRoot.Empty, [new(a, [1]), new(b, [2])]);

        var afterDelete = Commit(both, [new(b, null)]);

        Assert.Equal(onlyA, afterDelete);
        Assert.Equal([1], _trie.Get(_store, both, a));
        Assert.Equal([2], _trie.Get(_store, both, b));
        var proof = _trie.Prove(_store, both, b);
        Assert.True(proof.Depth >= 5);
        Assert.True(StateTrie.Verify(both, b, [2], present: true, proof));
        var absent = _trie.Prove(_store, onlyA, b);
        Assert.Equal(TrieProofEnd.OtherLeaf, absent.End);
        Assert.True(StateTrie.Verify(onlyA, b, [], present: false, absent));
    }

    [Fact]
    public void Prove_EveryKeyAndAbsentKeys_VerifyOnlyAgainstTheirRoot()
    {
        var random = new Random(5);
        for (var iteration = 0; iteration < 6; iteration++)
        {
            var model = TrieModel.RandomMap(random, random.Next(0, 80));
            var root = Commit(TrieRoot.Empty, TrieModel.Puts(model));
            var otherModel = new Dictionary<string, byte[]>(model);
            var other = Commit(root, TrieModel.RandomChanges(random, otherModel, 10));

            foreach (var (hex, value) in model)
            {
                var key = Convert.FromHexString(hex);
                Assert.True(TrieProof.TryParse(_trie.Prove(_store, root, key).ToBytes(), out var proof));
                Assert.True(StateTrie.Verify(root, key, value, present: true, proof!));
                Assert.False(StateTrie.Verify(root, key, value, present: false, proof!));
                Assert.False(StateTrie.Verify(other, key, value, present: true, proof!));
            }

            for (var i = 0; i < 40; i++)
            {
                var key = TrieModel.RandomBytes(random, 0, 30);
                if (model.ContainsKey(Convert.ToHexString(key)))
                {
                    continue;
                }

                Assert.Null(_trie.Get(_store, root, key));
                Assert.True(TrieProof.TryParse(_trie.Prove(_store, root, key).ToBytes(), out var proof));
                Assert.True(StateTrie.Verify(root, key, [], present: false, proof!));
                Assert.False(StateTrie.Verify(root, key, [], present: true, proof!));
                Assert.False(StateTrie.Verify(root, key, [0], present: false, proof!));
                Assert.Equal(other == root, StateTrie.Verify(other, key, [], present: false, proof!));
            }
        }
    }

    [Fact]
    public void Verify_AnyTamperedByteOfProofValueOrKey_IsFalse()
    {
        var random = new Random(6);
        var model = TrieModel.RandomMap(random, 300);
        var root = Commit(TrieRoot.Empty, TrieModel.Puts(model));
        var (a, b) = TrieModel.KeysSharingPathPrefix(nibbles: 3);
        var pairRoot = Commit(root, [new(a, [7, 7])]);
        var cases = new List<(TrieRoot Root, byte[] Key, byte[] Value, bool Present)>
        {
            (pairRoot, a, [7, 7], true),
            (pairRoot, b, [], false), // ends at a's leaf: an OtherLeaf proof
        };
        foreach (var (hex, value) in model.Take(15))
        {
            cases.Add((root, Convert.FromHexString(hex), value, true));
        }

        for (var i = 0; i < 15; i++)
        {
            cases.Add((root, TrieModel.RandomBytes(random, 1, 20), [], false));
        }

        foreach (var (caseRoot, key, value, present) in cases)
        {
            var bytes = _trie.Prove(_store, caseRoot, key).ToBytes();
            Assert.True(TrieProof.TryParse(bytes, out var proof));
            Assert.True(StateTrie.Verify(caseRoot, key, value, present, proof!));

            for (var i = 0; i < bytes.Length; i++)
            {
                var tampered = (byte[])bytes.Clone();
                tampered[i] ^= (byte)random.Next(1, 256);
                Assert.False(TrieProof.TryParse(tampered, out var bad) && StateTrie.Verify(caseRoot, key, value, present, bad!));
            }

            Assert.False(TrieProof.TryParse(bytes.AsSpan(0, bytes.Length - 1), out _));
            Assert.False(TrieProof.TryParse([.. bytes, 0], out _));
            for (var i = 0; i < value.Length; i++)
            {
                var tampered = (byte[])value.Clone();
                tampered[i] ^= (byte)random.Next(1, 256);
                Assert.False(StateTrie.Verify(caseRoot, key, tampered, present, proof!));
            }

            for (var i = 0; i < key.Length; i++)
            {
                // An absence proof also proves absence of another key whose path reaches the same
                // empty slot or foreign leaf; it must never "prove" absence of a key that is present.
                var tampered = (byte[])key.Clone();
                tampered[i] ^= (byte)random.Next(1, 256);
                var verified = StateTrie.Verify(caseRoot, tampered, value, present, proof!);
                Assert.False(verified && (present || _trie.Get(_store, caseRoot, tampered) is not null));
            }
        }
    }

    [Fact]
    public void Prove_EmptyAndSingleKeyTries_DepthZeroProofsVerify()
    {
        byte[] key = [1, 2, 3];
        var empty = _trie.Prove(_store, TrieRoot.Empty, key);
        var single = Commit(TrieRoot.Empty, [new(key, [9])]);

        Assert.Equal(TrieProofEnd.EmptySlot, empty.End);
        Assert.Equal([(byte)1, 0], empty.ToBytes());
        Assert.True(StateTrie.Verify(TrieRoot.Empty, key, [], present: false, empty));
        Assert.False(StateTrie.Verify(single, key, [], present: false, empty));
        var included = _trie.Prove(_store, single, key);
        Assert.Equal(0, included.Depth);
        Assert.True(StateTrie.Verify(single, key, [9], present: true, included));
        var other = _trie.Prove(_store, single, [4]);
        Assert.Equal(TrieProofEnd.OtherLeaf, other.End);
        Assert.True(StateTrie.Verify(single, [4], [], present: false, other));
    }

    [Fact]
    public void Apply_DuplicateKey_Throws()
    {
        using var batch = _store.CreateBatch();
        Assert.Throws<ArgumentException>(() => _trie.Apply(_store, TrieRoot.Empty, [new([1], [1]), new([2], [2]), new([1], null)], batch));
    }

    [Fact]
    public void Get_RootNeverCommitted_ThrowsKeyNotFound()
    {
        var root = TrieHashing.Leaf(new byte[32], new byte[32]);
        using var batch = _store.CreateBatch();

        Assert.Throws<KeyNotFoundException>(() => _trie.Get(_store, root, [1]));
        Assert.Throws<KeyNotFoundException>(() => _trie.Apply(_store, root, [new([1], [1])], batch));
    }

    [Fact]
    public void Apply_NothingCommitted_RootNotReadable()
    {
        using (var batch = _store.CreateBatch())
        {
            var root = _trie.Apply(_store, TrieRoot.Empty, [new([1], [1]), new([2], [2])], batch);
            Assert.Throws<KeyNotFoundException>(() => _trie.Get(_store, root, [1]));
        }
    }

    protected TrieRoot Commit(TrieRoot parent, IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes)
    {
        using var batch = _store.CreateBatch();
        var root = _trie.Apply(_store, parent, changes, batch);
        batch.Commit();
        return root;
    }

    protected void AssertMap(TrieRoot root, Dictionary<string, byte[]> model) => TrieModel.AssertMap(_trie, _store, root, model);
}

[Trait("Category", "Unit")]
public sealed class MemoryStateTrieTests : StateTrieTests
{
    protected override IKeyValueStore<TestColumn> CreateStore() => new MemoryStore<TestColumn>();
}

[Trait("Category", "Integration")]
public sealed class RocksStateTrieTests : StateTrieTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "blockstack-trie-test-" + Guid.NewGuid().ToString("N"));

    protected override IKeyValueStore<TestColumn> CreateStore() =>
        RocksStore.Open<TestColumn>(_path, new StoreSchema("trie-test", 1), new RocksStoreOptions { SyncWrites = false });

    protected override void Cleanup()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }
}
