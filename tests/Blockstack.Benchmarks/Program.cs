using BenchmarkDotNet.Running;

namespace Blockstack.Benchmarks;

public static class Program
{
    private const string Usage = """
        usage: dotnet run -c Release --project tests/Blockstack.Benchmarks -- COMMAND
          --filter PATTERN [--job short]      BenchmarkDotNet benchmarks (see docs/benchmarks.md)
          bns-load [names] [tasks] [seconds]  ResolveName load over gRPC from a second process
          daemon-first-block [runs] [intervals]
          daemon-rss [idle seconds]
          daemon-catchup [burn height]        a fresh follower's burn blocks/s, and the Stacks replay
          peer-catchup [blocks=1000] [txs=1000] [--cache DIR] [--rebuild] [--mode apply|network|both]
                                              a fresh follower catching up blocks x txs STX transfers from one
                                              peer; the source chain is cached in DIR (or BLOCKSTACK_BENCH_CACHE)
        The daemon and peer commands run the Release build of src/Blockstack.Node (or BLOCKSTACK_NODE_DLL).
        """;

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
            case "peer-catchup":
                return await PeerBench.CatchUpAsync(args).ConfigureAwait(false);
            case "help" or "--help" or "-h":
                Console.WriteLine(Usage);
                return 0;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
