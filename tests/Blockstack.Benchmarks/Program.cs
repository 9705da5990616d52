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
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
