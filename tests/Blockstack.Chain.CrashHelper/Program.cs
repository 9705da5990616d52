using Blockstack.Chain;
using Blockstack.Chain.CrashHelper;

// Usage: CrashHelper <store-path> <blocks>. Applies the deterministic chain's blocks after the
// store's tip, one RocksDB batch each, printing "applying" first and "done <root>" at the end.
if (args.Length != 2 || !int.TryParse(args[1], out var blocks))
{
    await Console.Error.WriteLineAsync("usage: Blockstack.Chain.CrashHelper <store-path> <blocks>").ConfigureAwait(false);
    return 64;
}

var chain = CrashChain.Build(blocks);
var store = ChainStore.OpenRocks(args[0]);
try
{
    var coordinator = new ChainCoordinator(store, chain.Parameters, chain, chain.Contracts());
    Console.WriteLine($"applying from {coordinator.Tip.Height}");
    var tip = chain.ApplyFromTip(coordinator);
    Console.WriteLine($"done {tip.StateRoot}");
    return 0;
}
finally
{
    store.Store.Dispose();
}
