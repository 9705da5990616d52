namespace Blockstack.Pox.Tests;

[Trait("Category", "Integration")]
public sealed class SortitionStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pox-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Open_AfterApplyingInRocksDb_ReopensAtTheSameTip()
    {
        var provider = new FixedRewardSetProvider(ChainSim.TwoStackers);
        SortitionSnapshot tip;
        List<Burnchain.Ops.BurnBlock> blocks;
        using (var store = SortitionStore.Open(_dir, ChainSim.Regtest, provider))
        {
            var sim = new ChainSim(store, "rocks", new SimMiner(1, 3000), new SimMiner(2, 1000));
            for (var i = 0; i < 12; i++)
            {
                sim.Step();
            }

            tip = store.Tip!;
            blocks = sim.Blocks;
        }

        using var reopened = SortitionStore.Open(_dir, ChainSim.Regtest, provider);
        Assert.Equal(tip, reopened.Tip);
        Assert.Equal(2, reopened.GetDetails(tip.SortitionId)!.Commits.Count);
        Assert.NotNull(reopened.GetRewardCycle(2));
        Assert.Equal(12, blocks.Count);
    }

    [Fact]
    public void Apply_CrashBeforeCommit_LeavesTheStoreAtTheLastWholeBlock()
    {
        var provider = new FixedRewardSetProvider(ChainSim.TwoStackers);
        var inner = new Storage.MemoryStore<SortitionColumn>();
        var store = new SortitionStore(inner, ChainSim.Regtest, provider);
        var sim = new ChainSim(store, "crash", new SimMiner(1, 3000), new SimMiner(2, 1000));
        for (var i = 0; i < 8; i++)
        {
            sim.Step();
        }

        var before = store.Tip!;
        var crashing = new SortitionStore(inner, ChainSim.Regtest, provider) { BeforeCommit = () => throw new IOException("crash") };
        var next = new ChainSim(crashing, "crash", sim.Miners).Build();
        Assert.Throws<IOException>(() => crashing.Apply(next));
        Assert.Equal(before, store.Tip);
        Assert.Null(store.GetSnapshotAtHeight(before.BurnHeight + 1));
        Assert.Equal(store.Apply(next).Snapshot, store.Tip);
    }
}
