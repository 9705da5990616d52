using System.Buffers.Binary;

namespace Blockstack.Storage.Tests;

public enum TestColumn
{
    Alpha,
    Beta,
}

/// <summary>
/// The one contract every <see cref="IKeyValueStore{TColumn}"/> passes. Each back end runs it
/// through a subclass that says how to make a fresh store.
/// </summary>
public abstract class StoreContractTests : IDisposable
{
    private readonly IKeyValueStore<TestColumn> _store;

    protected StoreContractTests()
    {
        _store = CreateStore();
    }

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

    private static byte[] Key(uint n)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(key, n);
        return key;
    }

    private void Put(TestColumn column, byte[] key, byte[] value)
    {
        using var batch = _store.CreateBatch();
        batch.Put(column, key, value);
        batch.Commit();
    }

    [Fact]
    public void Get_MissingKey_ReturnsNull()
    {
        Assert.Null(_store.Get(TestColumn.Alpha, [1, 2, 3]));
        Assert.False(_store.Contains(TestColumn.Alpha, [1, 2, 3]));
    }

    [Fact]
    public void Batch_NotCommitted_WritesNothing()
    {
        using (var batch = _store.CreateBatch())
        {
            batch.Put(TestColumn.Alpha, [1], [9]);
            Assert.Equal(1, batch.Count);
        }

        Assert.Null(_store.Get(TestColumn.Alpha, [1]));
    }

    [Fact]
    public void Batch_Commit_WritesEveryColumnTogether()
    {
        using var batch = _store.CreateBatch();
        batch.Put(TestColumn.Alpha, [1], [10]);
        batch.Put(TestColumn.Beta, [1], [20]);
        Assert.Null(_store.Get(TestColumn.Alpha, [1]));
        batch.Commit();

        Assert.Equal([10], _store.Get(TestColumn.Alpha, [1]));
        Assert.Equal([20], _store.Get(TestColumn.Beta, [1]));
    }

    [Fact]
    public void Columns_SameKey_AreIndependent()
    {
        Put(TestColumn.Alpha, [7], [1]);
        Assert.Null(_store.Get(TestColumn.Beta, [7]));
    }

    [Fact]
    public void Batch_DeleteAfterPut_InOneBatch_LastOperationWins()
    {
        Put(TestColumn.Alpha, [5], [1]);
        using var batch = _store.CreateBatch();
        batch.Put(TestColumn.Alpha, [5], [2]);
        batch.Delete(TestColumn.Alpha, [5]);
        batch.Put(TestColumn.Alpha, [6], [3]);
        batch.Commit();

        Assert.Null(_store.Get(TestColumn.Alpha, [5]));
        Assert.Equal([3], _store.Get(TestColumn.Alpha, [6]));
    }

    [Fact]
    public void Batch_CommitTwice_Throws()
    {
        var batch = _store.CreateBatch();
        batch.Put(TestColumn.Alpha, [1], [1]);
        batch.Commit();
        Assert.Throws<InvalidOperationException>(batch.Commit);
    }

    [Fact]
    public void Snapshot_LaterWrites_AreNotSeen()
    {
        Put(TestColumn.Alpha, [1], [1]);
        using var snapshot = _store.CreateSnapshot();
        Put(TestColumn.Alpha, [1], [2]);
        Put(TestColumn.Alpha, [2], [2]);

        Assert.Equal([1], snapshot.Get(TestColumn.Alpha, [1]));
        Assert.Null(snapshot.Get(TestColumn.Alpha, [2]));
        Assert.Single(snapshot.Prefix(TestColumn.Alpha, []));
        Assert.Equal([2], _store.Get(TestColumn.Alpha, [1]));
    }

    [Fact]
    public void Range_BigEndianKeys_IterateInNumericOrder()
    {
        var random = new Random(1234);
        var numbers = Enumerable.Range(0, 300).Select(_ => (uint)random.NextInt64(0, uint.MaxValue)).Distinct().ToList();
        using (var batch = _store.CreateBatch())
        {
            foreach (var n in numbers)
            {
                batch.Put(TestColumn.Alpha, Key(n), Key(n));
            }

            batch.Commit();
        }

        var read = _store.Range(TestColumn.Alpha, [], null).Select(e => BinaryPrimitives.ReadUInt32BigEndian(e.Key)).ToList();
        Assert.Equal(numbers.Order().ToList(), read);

        var reversed = _store.Range(TestColumn.Alpha, [], null, reverse: true).Select(e => BinaryPrimitives.ReadUInt32BigEndian(e.Key)).ToList();
        Assert.Equal(numbers.OrderDescending().ToList(), reversed);
    }

    [Fact]
    public void Range_Bounds_IncludeFromExcludeTo()
    {
        using (var batch = _store.CreateBatch())
        {
            for (uint n = 0; n < 10; n++)
            {
                batch.Put(TestColumn.Alpha, Key(n), [(byte)n]);
            }

            batch.Commit();
        }

        var forward = _store.Range(TestColumn.Alpha, Key(3), Key(7)).Select(e => e.Value[0]).ToList();
        Assert.Equal([3, 4, 5, 6], forward);
        var backward = _store.Range(TestColumn.Alpha, Key(3), Key(7), reverse: true).Select(e => e.Value[0]).ToList();
        Assert.Equal([6, 5, 4, 3], backward);
    }

    [Fact]
    public void Prefix_SelectsOnlyMatchingKeys_IncludingAllOnesPrefix()
    {
        Put(TestColumn.Beta, [0x01, 0x00], [1]);
        Put(TestColumn.Beta, [0x01, 0xff], [2]);
        Put(TestColumn.Beta, [0x02], [3]);
        Put(TestColumn.Beta, [0xff, 0x01], [4]);
        Put(TestColumn.Beta, [0xff], [5]);

        Assert.Equal([1, 2], _store.Prefix(TestColumn.Beta, [0x01]).Select(e => e.Value[0]));
        Assert.Equal([5, 4], _store.Prefix(TestColumn.Beta, [0xff]).Select(e => e.Value[0]));
        Assert.Equal([4, 5], _store.Prefix(TestColumn.Beta, [0xff], reverse: true).Select(e => e.Value[0]));
    }

    [Fact]
    public void ValuesReturned_AreCopies_MutatingThemChangesNothing()
    {
        Put(TestColumn.Alpha, [1], [1, 2, 3]);
        var value = _store.Get(TestColumn.Alpha, [1])!;
        value[0] = 99;
        Assert.Equal([1, 2, 3], _store.Get(TestColumn.Alpha, [1])!);
    }

    [Fact]
    public void EmptyValue_IsStoredAndDistinctFromMissing()
    {
        Put(TestColumn.Alpha, [1], []);
        Assert.Equal([], _store.Get(TestColumn.Alpha, [1])!);
        Assert.True(_store.Contains(TestColumn.Alpha, [1]));
    }
}

[Trait("Category", "Unit")]
public sealed class MemoryStoreContractTests : StoreContractTests
{
    protected override IKeyValueStore<TestColumn> CreateStore() => new MemoryStore<TestColumn>();
}

[Trait("Category", "Integration")]
public sealed class RocksStoreContractTests : StoreContractTests
{
    private string? _path;

    protected override IKeyValueStore<TestColumn> CreateStore()
    {
        _path = Path.Combine(Path.GetTempPath(), "blockstack-store-test-" + Guid.NewGuid().ToString("N"));
        return RocksStore.Open<TestColumn>(_path, new StoreSchema("test", 1), new RocksStoreOptions { SyncWrites = false });
    }

    protected override void Cleanup()
    {
        if (_path is not null && Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }
}
