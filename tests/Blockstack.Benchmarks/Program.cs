using BenchmarkDotNet.Running;

namespace Blockstack.Benchmarks;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        switch (args.FirstOrDefault())
        {
            case "bns-load":
                return await BnsResolveLoad.ServeAsync(args).ConfigureAwait(false);
            case "bns-client":
                return await BnsResolveLoad.ClientAsync(args).ConfigureAwait(false);
            case "daemon-first-block":
                return await DaemonBench.FirstBlockAsync(args).ConfigureAwait(false);
            case "daemon-rss":
                return await DaemonBench.IdleRssAsync(args).ConfigureAwait(false);
            case "daemon-catchup":
                return await DaemonBench.CatchUpAsync(args).ConfigureAwait(false);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
