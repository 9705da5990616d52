using System.Diagnostics;
using Blockstack.Burnchain.Index;
using Blockstack.Chain;
using Blockstack.Pox;
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
    private const int Kills = 6;

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
                // Kill in the first half of what is left: after a random burn block was processed,
                // plus a random few milliseconds (the last kills land among the Stacks blocks).
                WaitForLine(helper, "opened");
                var target = burn + 1 + (ulong)random.NextInt64(Math.Max(1L, ((long)finalBurn - (long)burn) / 2));
                WaitForBurn(helper, target);
                await Task.Delay(random.Next(0, 30), ct);
                if (!helper.HasExited)
                {
                    killedRunning++;
                }

                helper.Kill();
                Assert.True(helper.WaitForExit(30_000), "the helper did not die");
            }

            (burn, var stacks) = CheckWholeBlocks(dataDir, reference.Runtime);
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

        var (lastBurn, lastStacks) = CheckWholeBlocks(dataDir, reference.Runtime);
        Assert.Equal(reference.Runtime.Sortitions.Tip!.BurnHeight, lastBurn);
        Assert.Equal((ulong)TenureCount, lastStacks);
        await using var reopened = NodeRuntime.Open(RuntimeHost.Options(chain, NodeNetwork.Regtest, dataDir));
        Assert.Equal(reference.Runtime.Sortitions.Tip, reopened.Sortitions.Tip);
        Assert.Equal(final with { Sequence = 0 }, reopened.Chain.Tip with { Sequence = 0 });
    }

    /// <summary>
    /// Opens the three stores as the kill left them (no reconciliation: the next helper run does
    /// that) and checks each holds whole blocks: the index a prefix of bitcoind's chain, the
    /// sortition tip a block of that index, the chain tip a block of the reference (same hash,
    /// height and state root; its id may differ while an anchor block was still missing, which
    /// gives another PoX fork until it arrives) with its height index, state and nothing above it.
    /// Returns (sortition burn height, Stacks height).
    /// </summary>
    private static (ulong Burn, ulong Stacks) CheckWholeBlocks(string dataDir, NodeRuntime reference)
    {
        var root = Path.Combine(dataDir, "regtest");
        using var index = BurnchainIndex.Open(Path.Combine(root, "burnchain"));
        var chainStore = ChainStore.OpenRocks(Path.Combine(root, "chain"));
        try
        {
            var parameters = NodeNetwork.Regtest.Chain;
            var contracts = NativeContractRegistry.WithPox(parameters);
            using var sortitions = SortitionStore.Open(Path.Combine(root, "sortition"), NodeNetwork.Regtest.Pox, new ChainRewardSetProvider(chainStore, parameters, contracts));
            if (index.Tip is { } indexTip)
            {
                Assert.Equal(reference.Burnchain.GetCanonicalHeader(indexTip.Height), indexTip);
            }

            var burn = 0UL;
            if (sortitions.Tip is { } s)
            {
                burn = s.BurnHeight;
                Assert.Equal(index.GetCanonicalHeader(s.BurnHeight)?.Hash, s.BurnHeaderHash);
            }

            var coordinator = new ChainCoordinator(chainStore, parameters, new SortitionStoreView(sortitions, index), contracts);
            var state = coordinator.State;
            var tip = coordinator.Tip;
            if (!tip.IsGenesis)
            {
                var expected = reference.Chain.GetBlockAtHeight(tip.Height)!;
                Assert.Equal(expected.BlockHash, tip.BlockHash);
                Assert.Equal(expected.StateRoot, tip.StateRoot);
            }

            Assert.Equal(tip.Id, state.GetBlockAtHeight(tip.Height)!.Id);
            Assert.Null(state.GetBlockAtHeight(tip.Height + 1));
            Assert.NotNull(state.GetAccountAt(tip.Id, new StandardPrincipal(parameters.BootAddress)));
            return (burn, tip.Height);
        }
        finally
        {
            chainStore.Store.Dispose();
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
