namespace Blockstack.Storage.Tests;

[Trait("Category", "Integration")]
public sealed class RocksStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "blockstack-rocks-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    [Fact]
    public void Reopen_CommittedData_IsStillThere()
    {
        var schema = new StoreSchema("test", 1);
        using (var store = RocksStore.Open<TestColumn>(_path, schema))
        {
            using var batch = store.CreateBatch();
            batch.Put(TestColumn.Beta, [1], [42]);
            batch.Commit();
        }

        using var reopened = RocksStore.Open<TestColumn>(_path, schema);
        Assert.Equal([42], reopened.Get(TestColumn.Beta, [1]));
    }

    [Fact]
    public void Open_OtherSchemaVersion_FailsWithClearMessage()
    {
        RocksStore.Open<TestColumn>(_path, new StoreSchema("test", 1)).Dispose();

        var e = Assert.Throws<StoreSchemaMismatchException>(() => RocksStore.Open<TestColumn>(_path, new StoreSchema("test", 2)));
        Assert.Contains("test:1", e.Message, StringComparison.Ordinal);
        Assert.Contains("test:2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AlreadyOpen_FailsWithStoreLockedAndTheFirstKeepsWorking()
    {
        var schema = new StoreSchema("test", 1);
        using var first = RocksStore.Open<TestColumn>(_path, schema);

        var e = Assert.Throws<StoreLockedException>(() => RocksStore.Open<TestColumn>(_path, schema));

        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        Assert.Contains("in use by another process", e.Message, StringComparison.Ordinal);
        using var batch = first.CreateBatch();
        batch.Put(TestColumn.Beta, [1], [7]);
        batch.Commit();
        Assert.Equal([7], first.Get(TestColumn.Beta, [1]));
    }

    [Fact]
    public void Open_OtherSchemaName_Fails()
    {
        RocksStore.Open<TestColumn>(_path, new StoreSchema("regtest-chain", 1)).Dispose();
        Assert.Throws<StoreSchemaMismatchException>(() => RocksStore.Open<TestColumn>(_path, new StoreSchema("node", 1)));
    }
}
