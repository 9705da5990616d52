using System.Globalization;
using System.Threading.Channels;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;

// Usage: Blockstack.Burnchain.CrashHelper <rpc url> <user> <password> <index dir>
// Follows the regtest node into a RocksDB index and prints "tip <height> <hash>" after every
// committed batch. Stops cleanly when stdin closes; the test otherwise kills it with SIGKILL.
if (args.Length != 4)
{
    await Console.Error.WriteLineAsync("usage: <rpc url> <user> <password> <index dir>");
    return 2;
}

using var rpc = new BitcoinRpcClient(new BitcoinRpcOptions
{
    Endpoint = new Uri(args[0]),
    User = args[1],
    Password = args[2],
    MaxAttempts = 3,
    InitialRetryDelay = TimeSpan.FromMilliseconds(50),
});
using var index = BurnchainIndex.Open(args[3]);
var events = Channel.CreateUnbounded<BurnchainEvent>(new UnboundedChannelOptions { SingleReader = true });
var watcher = new BurnchainWatcher(
    rpc,
    index,
    BurnchainParameters.Regtest(),
    new BurnchainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(50), OutageDelay = TimeSpan.FromMilliseconds(200) },
    events.Writer);
using var cts = new CancellationTokenSource();
var stdinClosed = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is not null)
    {
    }

    await cts.CancelAsync();
});
var printer = Task.Run(async () =>
{
    await foreach (var e in events.Reader.ReadAllAsync())
    {
        var header = e switch
        {
            BurnchainEvent.Applied a => a.Block.Header,
            BurnchainEvent.RolledBack r => index.GetHeader(r.Block.ParentHash) ?? r.Block,
            _ => throw new InvalidOperationException("unknown event"),
        };
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tip {header.Height} {header.Hash}"));
        Console.Out.Flush();
    }
});
await watcher.RunAsync(cts.Token);
events.Writer.Complete();
await printer;
return watcher.State == WatcherState.Stopped ? 0 : 1;
