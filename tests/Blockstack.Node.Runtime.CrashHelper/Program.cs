using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Stacks;

namespace Blockstack.Node.Runtime.CrashHelper;

/// <summary>
/// <c>CrashHelper url user password datadir blocksdir target-block-id</c>: opens a regtest
/// <see cref="NodeRuntime"/> on <c>datadir</c>, follows bitcoind at <c>url</c>, stages every block
/// file (<c>*.blk</c>, the block as on the wire) that appears in <c>blocksdir</c>, and prints one line
/// per event. When the Stacks tip is <c>target-block-id</c> and the node is synced it prints
/// <c>done &lt;id&gt; &lt;root&gt;</c>, stops cleanly and exits 0. The crash test kills it before.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 6)
        {
            await Console.Error.WriteLineAsync("usage: CrashHelper url user password datadir blocksdir target-block-id");
            return 2;
        }

        using var rpc = new BitcoinRpcClient(new BitcoinRpcOptions
        {
            Endpoint = new Uri(args[0]),
            User = args[1],
            Password = args[2],
            RequestTimeout = TimeSpan.FromSeconds(20),
            MaxAttempts = 3,
        });
        var options = new NodeRuntimeOptions
        {
            DataDirectory = args[3],
            Network = NodeNetwork.Regtest,
            Rpc = rpc,
            Watcher = new BurnchainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(20) },
            StagingRetentionBurnBlocks = 10_000,

            // Paces the watcher like the loop below, so the index is not far ahead and kills land
            // mid-run (otherwise reconciliation at the next open would do all the work at once).
            TestHooks = new NodeRuntimeTestHooks { WatcherBeforeCommit = () => Thread.Sleep(4) },
        };
        var runtime = NodeRuntime.Open(options);
        Console.WriteLine($"opened burn {runtime.Sortitions.Tip?.BurnHeight ?? 0} stacks {runtime.Chain.Tip.Height}");
        runtime.StacksBlockAccepted += (_, e) => Console.WriteLine($"stacks {e.Block.Height} {e.Block.Id}");
        runtime.BurnBlockProcessed += (_, e) =>
        {
            Console.WriteLine($"burn {e.Snapshot.BurnHeight}");

            // Slows the loop (events run on it) so that kills land mid-run rather than after it.
            Thread.Sleep(4);
        };
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        var staged = new HashSet<string>(StringComparer.Ordinal);
        var target = args[5];
        while (!run.IsCompleted)
        {
            foreach (var file in Directory.GetFiles(args[4], "*.blk").Order(StringComparer.Ordinal))
            {
                if (staged.Add(file) && StacksBlock.TryDecode(await File.ReadAllBytesAsync(file), out var block, out _))
                {
                    runtime.StageBlock(block);
                }
            }

            var tip = runtime.Chain.Tip;
            if (tip.Id.ToString() == target && runtime.GetSyncStatus().Synced)
            {
                Console.WriteLine($"done {tip.Id} {tip.StateRoot}");
                break;
            }

            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await run;
        await runtime.DisposeAsync();
        Console.WriteLine("stopped");
        return 0;
    }
}
