namespace Blockstack.Mining.Tests;

[Trait("Category", "Unit")]
public sealed class MinerStateFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "blockstack-miner-state-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void SaveThenLoad_RoundTrips_AndLeavesNoTemporaryFile()
    {
        var file = new MinerStateFile(_dir);
        Assert.Null(file.Load());
        var state = new MinerState(
            MinerState.CurrentVersion,
            new string('a', 64),
            new PendingKeyRegistration(new string('1', 64), new string('2', 64), 7, 1),
            new OngoingCommit(9, new string('3', 64), new string('4', 64), "6a", 20_000, 15, 5_700, [new string('5', 64)], [new SpentCoin(new string('6', 64), 3, 100_000, "0014")], 3),
            [new AssembledBlockRecord(9, new string('4', 64), "00", false)]);
        file.Save(state);
        var loaded = file.Load()!;
        Assert.Equal(state.VrfKey, loaded.VrfKey);
        Assert.Equal(state.KeyRegistration, loaded.KeyRegistration);
        Assert.Equal(state.Ongoing!.Txids, loaded.Ongoing!.Txids);
        Assert.Equal(state.Ongoing.Inputs, loaded.Ongoing.Inputs);
        Assert.Equal(state.Ongoing with { Txids = loaded.Ongoing.Txids, Inputs = loaded.Ongoing.Inputs }, loaded.Ongoing);
        Assert.Equal(state.Blocks, loaded.Blocks);
        Assert.False(File.Exists(file.Path + ".tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.Path));
        }
    }

    [Fact]
    public void Load_CorruptFile_NamesThePath()
    {
        Directory.CreateDirectory(_dir);
        var file = new MinerStateFile(_dir);
        File.WriteAllText(file.Path, "{ not json");
        var e = Assert.Throws<InvalidDataException>(file.Load);
        Assert.Contains(file.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunRound_CorruptStateFile_SkipsWithStateError()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var h = await MiningHarness.StartAsync(cts.Token);
        var options = h.Options("corrupt");
        Directory.CreateDirectory(options.StateDirectory);
        File.WriteAllText(Path.Combine(options.StateDirectory, MinerStateFile.FileName), "[]");
        var miner = h.NewMiner(options);
        var r = await miner.RunRoundAsync(cts.Token);
        Assert.Equal(MinerSkipCodes.StateError, r.Code);
        Assert.Equal(1, miner.Metrics.Errors);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
