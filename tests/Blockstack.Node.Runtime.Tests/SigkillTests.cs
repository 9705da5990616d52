using System.Diagnostics;
using Blockstack.Stacks;
using Xunit.Abstractions;

namespace Blockstack.Node.Runtime.Tests;

/// <summary>
/// A real crash: <c>Blockstack.Node.Runtime.CrashHelper</c> runs the runtime in a child process
/// against the embedded regtest bitcoind of this process and is SIGKILLed (<see cref="Process.Kill()"/>)
/// at random moments while it syncs burn blocks and applies staged Stacks blocks. After each kill
/// the stores reopen at whole blocks of a reference run; the last run ends at the reference's tip.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Slow")]
public sealed class SigkillTests(ITestOutputHelper output)
{
    private const int TenureCount = 12;
    private const int Kills = 4;

    [Fact]
    public async Task Runtime_KilledAtRandomMoments_ReopensAtWholeBlocksAndEndsLikeTheReference()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(400));
        var ct = timeout.Token;
        using var dir = new TempDir();
        var dataDir = Path.Combine(dir.Path, "data");
        var blocksDir = Path.Combine(dir.Path, "blocks");
        Directory.CreateDirectory(blocksDir);
        await using var chain = await RegtestChain.StartAsync(ct);

        // The reference: an in-memory runtime that sees every block as it is mined.
        await using var reference = RuntimeHost.Start(RuntimeHost.Options(chain, NodeNetwork.Regtest));
        var miner = new TestMiner(chain, 8);
        await miner.FundAsync(ct);
        await reference.WaitSyncedAsync(chain, ct);
        await miner.RegisterKeyAsync(reference, ct);
        for (var i = 0; i < TenureCount; i++)
        {
            var block = await Tenures.MineAsync(chain, reference, miner, i % 2 == 0 ? StageAt.BeforeSortition : StageAt.AfterSortition, ct);
            await File.WriteAllBytesAsync(Path.Combine(blocksDir, $"{i:D4}.blk"), block.Serialize(), ct);
        }

        var final = reference.Runtime.Chain.Tip;
        Assert.Equal((ulong)TenureCount, final.Height);

        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var killedRunning = 0;
        var finalBurn = reference.Runtime.Sortitions.Tip!.BurnHeight;
        var burn = 0UL;
        for (var k = 0; k < Kills; k++)
        {
            using (var helper = StartHelper(chain, dataDir, blocksDir, final.Id))
            {
                // Kill somewhere between where the last run stopped and the end: after a random
                // burn block was processed, plus a random few milliseconds.
                WaitForLine(helper, "opened");
                var target = burn + 1 + (ulong)random.NextInt64((long)Math.Max(1, finalBurn - burn - 1));
                WaitForBurn(helper, target);
                await Task.Delay(random.Next(0, 30), ct);
                if (!helper.HasExited)
                {
                    killedRunning++;
                }

                helper.Kill();
                Assert.True(helper.WaitForExit(30_000), "the helper did not die");
            }

            (burn, var stacks) = CheckWholeBlocks(chain, dataDir, reference.Runtime);
            output.WriteLine($"kill {k}: reopened at burn {burn}, stacks {stacks}");
        }

        Assert.True(killedRunning >= 3, $"only {killedRunning} kills hit a running helper");

        using (var helper = StartHelper(chain, dataDir, blocksDir, final.Id))
        {
            var done = WaitForLine(helper, "done ");
            Assert.True(helper.WaitForExit(60_000));
            Assert.Equal(0, helper.ExitCode);
            Assert.Equal($"done {final.Id} {final.StateRoot}", done);
        }

        var (lastBurn, lastStacks) = CheckWholeBlocks(chain, dataDir, reference.Runtime);
        Assert.Equal(reference.Runtime.Sortitions.Tip!.BurnHeight, lastBurn);
        Assert.Equal((ulong)TenureCount, lastStacks);
    }

    /// <summary>Reopens the data directory (reconciliation included) and checks sortitions and chain against the reference.</summary>
    private static (ulong Burn, ulong Stacks) CheckWholeBlocks(RegtestChain chain, string dataDir, NodeRuntime reference)
    {
        var runtime = NodeRuntime.Open(RuntimeHost.Options(chain, NodeNetwork.Regtest, dataDir));
        try
        {
            var burn = 0UL;
            if (runtime.Sortitions.Tip is { } s)
            {
                burn = s.BurnHeight;
                Assert.Equal(runtime.Burnchain.Tip!.Value.Hash, s.BurnHeaderHash);
                Assert.Equal(reference.Sortitions.GetSnapshotAtHeight(s.BurnHeight), s);
            }

            var tip = runtime.Chain.Tip;
            if (!tip.IsGenesis)
            {
                var expected = reference.Chain.GetBlockAtHeight(tip.Height)!;
                Assert.Equal(expected.Id, tip.Id);
                Assert.Equal(expected.StateRoot, tip.StateRoot);
                Assert.Equal(expected.Id, runtime.Chain.GetBlockAtHeight(tip.Height)!.Id);
            }

            Assert.Null(runtime.Chain.GetBlockAtHeight(tip.Height + 1));
            return (burn, tip.Height);
        }
        finally
        {
            runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Process StartHelper(RegtestChain chain, string dataDir, string blocksDir, StacksBlockId target)
    {
        var dll = typeof(CrashHelper.Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", dll, chain.Node.Url.ToString(), chain.Node.Credentials.User, chain.Node.Credentials.Password, dataDir, blocksDir, target.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the crash helper");
    }

    /// <summary>Reads lines until the helper reports burn block <paramref name="height"/> or above (or ends).</summary>
    private static void WaitForBurn(Process helper, ulong height)
    {
        while (helper.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("burn ", StringComparison.Ordinal) && ulong.Parse(line.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture) >= height)
            {
                return;
            }
        }
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
}
