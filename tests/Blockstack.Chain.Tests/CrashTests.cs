using System.Diagnostics;
using Blockstack.Chain.CrashHelper;
using Blockstack.Stacks;
using Xunit.Abstractions;

namespace Blockstack.Chain.Tests;

/// <summary>
/// A real crash: the helper process applies a deterministic chain to a RocksDB chain store and is
/// SIGKILLed (<see cref="Process.Kill()"/>) at random moments. After each kill the store must hold
/// whole blocks only, and continuing must end at the root of an uninterrupted run.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Slow")]
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Blocks = 100;
    private const int Kills = 6;
    private readonly string _path = Path.Combine(Path.GetTempPath(), "blockstack-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void ProcessBlocks_KilledAtRandomMoments_StoreHoldsWholeBlocksAndReachesTheSameRoot()
    {
        var chain = CrashChain.Build(Blocks);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var interrupted = 0;
        ulong lastHeight = 0;
        for (var k = 0; k < Kills; k++)
        {
            using (var helper = StartHelper())
            {
                WaitForLine(helper, "applying");
                Thread.Sleep(random.Next(10, 150)); // about 1–15 blocks at ~10 ms each
                helper.Kill();
                Assert.True(helper.WaitForExit(30_000), "the helper did not die");
            }

            var height = CheckWholeBlocks(chain);
            output.WriteLine($"kill {k}: tip height {height}");
            Assert.True(height >= lastHeight, "the tip went backwards");
            lastHeight = height;
            if (height < Blocks)
            {
                interrupted++;
            }
        }

        Assert.True(interrupted >= 4, $"only {interrupted} of {Kills} kills interrupted the run");

        using (var helper = StartHelper())
        {
            var line = WaitForLine(helper, "done ");
            Assert.True(helper.WaitForExit(60_000));
            Assert.Equal(0, helper.ExitCode);
            Assert.Equal("done " + chain.Steps[^1].StateRoot, line);
        }

        Assert.Equal((ulong)Blocks, CheckWholeBlocks(chain));
    }

    /// <summary>Reopens the store and checks the tip is a whole block of the uninterrupted run; returns its height.</summary>
    private ulong CheckWholeBlocks(CrashChain chain)
    {
        var store = ChainStore.OpenRocks(_path);
        try
        {
            var coordinator = new ChainCoordinator(store, chain.Parameters, chain, chain.Contracts());
            var state = coordinator.State;
            var tip = coordinator.Tip;
            var height = tip.Height;
            if (height > 0)
            {
                var step = chain.Steps[(int)height - 1];
                Assert.Equal(step.Id, tip.Id);
                Assert.Equal(step.StateRoot, tip.StateRoot.ToString());
                Assert.Equal(step.Txids, state.GetReceipts(tip.Id).Select(r => r.Txid));
            }

            Assert.Equal(tip.Id, state.GetBlockAtHeight(height)!.Id);
            Assert.Null(state.GetBlockAtHeight(height + 1));
            foreach (var address in chain.Addresses)
            {
                var principal = new StandardPrincipal(address);
                var inTrie = state.GetAccountAt(tip.Id, principal);
                Assert.NotNull(inTrie); // the tip's state root opens
                Assert.Equal(inTrie.Value, state.GetAccount(principal)); // the canonical index agrees with it
            }

            if (height < Blocks)
            {
                var next = chain.Steps[(int)height];
                Assert.Null(state.GetBlock(next.Id));
                Assert.All(next.Txids, txid => Assert.Null(state.GetReceipt(txid)));
            }

            return height;
        }
        finally
        {
            store.Store.Dispose();
        }
    }

    private Process StartHelper()
    {
        var dll = typeof(CrashChain).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", dll, _path, Blocks.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the crash helper");
    }

    private static string WaitForLine(Process helper, string prefix)
    {
        while (helper.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"the helper ended without \"{prefix}\": {helper.StandardError.ReadToEnd()}");
    }

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }
}
