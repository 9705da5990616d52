using System.Diagnostics;
using Blockstack.Burnchain.Index;
using Blockstack.TestKit;

namespace Blockstack.Burnchain.Tests.Regtest;

/// <summary>
/// A child process follows the regtest node into a RocksDB index and is killed with SIGKILL at
/// random moments, then restarted; at the end the index equals a fresh sync.
/// </summary>
[Trait("Category", "Integration")]
public class RegtestCrashTests
{
    [Fact]
    public async Task CrashHelper_SigkilledRepeatedlyWhileSyncing_IndexEqualsFreshSync()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var h = await RegtestHarness.StartAsync();
        h.MineWithOps(300, TestKeys.MinerScript);
        var dir = Path.Combine(Path.GetTempPath(), "burnchain-sigkill-" + Guid.NewGuid().ToString("N"));
        try
        {
            var killsWhileBehind = 0;
            var reorged = false;
            for (var run = 0; run < 40 && (killsWhileBehind < 6 || !reorged); run++)
            {
                using var helper = Helper.Start(h, dir);
                var target = random.Next(1, 80);
                await helper.WaitForLinesAsync(target, TimeSpan.FromSeconds(60));
                await Task.Delay(random.Next(0, 15));
                var behind = helper.LastTip != h.Node.Engine.Chain.Tip.Hash.ToString();
                helper.Kill();
                killsWhileBehind += behind ? 1 : 0;
                if (killsWhileBehind == 3 && !reorged)
                {
                    // The killed follower must also roll back on restart: replace the last 12 blocks.
                    var first = await h.Rpc.GetBlockHashAsync(h.Height - 11);
                    await h.Rpc.CallAsync("invalidateblock", first.ToString());
                    h.MineWithOps(20, TestKeys.OtherMinerScript);
                    reorged = true;
                }
                else if (!behind)
                {
                    h.MineWithOps(40, TestKeys.MinerScript); // give the next run something to sync
                }
            }

            Assert.True(killsWhileBehind >= 6, $"only {killsWhileBehind} kills landed mid-sync (seed {seed})");
            Assert.True(reorged);

            using (var final = Helper.Start(h, dir))
            {
                var tip = h.Node.Engine.Chain.Tip.Hash.ToString();
                await RegtestWatcherTests.WaitUntilAsync(() => final.LastTip == tip, "the restarted helper reaching the tip");
                Assert.Equal(0, await final.StopAsync());
            }

            using var index = BurnchainIndex.Open(dir);
            Assert.Equal(h.Node.Engine.Chain.Tip.Hash, index.Tip!.Value.Hash);
            for (var height = 0ul; height <= index.Tip.Value.Height; height++)
            {
                var header = index.GetCanonicalHeader(height);
                Assert.NotNull(header);
                Assert.Equal(await h.Rpc.GetBlockHashAsync((int)height), header.Value.Hash);
            }

            Assert.Equal((int)index.Tip.Value.Height + 1, index.Dump().Count(e => e.Column == BurnchainColumn.HeadersByHash));
            using var rpc = h.Client();
            await WatcherChecks.AssertEqualToFreshAsync(rpc, index, null);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private sealed class Helper : IDisposable
    {
        private readonly Process _process;
        private readonly Lock _lock = new();
        private int _lines;
        private string? _lastTip;

        private Helper(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith("tip ", StringComparison.Ordinal))
                {
                    lock (_lock)
                    {
                        _lines++;
                        _lastTip = line.Split(' ')[2];
                    }
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string? LastTip
        {
            get
            {
                lock (_lock)
                {
                    return _lastTip;
                }
            }
        }

        private int Lines
        {
            get
            {
                lock (_lock)
                {
                    return _lines;
                }
            }
        }

        public static Helper Start(RegtestHarness h, string dir)
        {
            var baseDir = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
            var tfm = Path.GetFileName(baseDir);
            var configuration = Path.GetFileName(Path.GetDirectoryName(baseDir))!;
            var dll = Path.Combine(Vectors.RepoRoot, "tests", "Blockstack.Burnchain.CrashHelper", "bin", configuration, tfm, "Blockstack.Burnchain.CrashHelper.dll");
            Assert.True(File.Exists(dll), dll + " is missing (built with the test project)");
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { dll, h.Node.Url.ToString(), h.Node.Credentials.User, h.Node.Credentials.Password, dir })
            {
                psi.ArgumentList.Add(a);
            }

            return new Helper(Process.Start(psi) ?? throw new InvalidOperationException("cannot start the crash helper"));
        }

        /// <summary>Waits until the helper reported <paramref name="count"/> committed batches, or it reached the tip and went quiet.</summary>
        public async Task WaitForLinesAsync(int count, TimeSpan bound)
        {
            var deadline = DateTime.UtcNow + bound;
            var lastChange = DateTime.UtcNow;
            var seen = 0;
            while (Lines < count)
            {
                Assert.False(_process.HasExited, "the crash helper exited on its own");
                if (Lines != seen)
                {
                    seen = Lines;
                    lastChange = DateTime.UtcNow;
                }
                else if (seen > 0 && DateTime.UtcNow - lastChange > TimeSpan.FromMilliseconds(500))
                {
                    return; // caught up: nothing more to report
                }

                Assert.True(DateTime.UtcNow < deadline, "the crash helper made no progress in time");
                await Task.Delay(2);
            }
        }

        /// <summary>SIGKILL: no chance to flush or close anything.</summary>
        public void Kill()
        {
            _process.Kill();
            Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(10)));
        }

        /// <summary>Clean stop: closes stdin, waits for the exit code.</summary>
        public async Task<int> StopAsync()
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }

            _process.Dispose();
        }
    }
}
