using Blockstack.Bitcoin;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Chain;
using Blockstack.Regtest;

namespace Blockstack.Node.Runtime.Tests;

/// <summary>The embedded regtest bitcoind over real HTTP JSON-RPC on 127.0.0.1 (port chosen by the OS).</summary>
internal sealed class RegtestChain : IAsyncDisposable
{
    private RegtestChain(RegtestNode node, BitcoinRpcClient rpc)
    {
        Node = node;
        Rpc = rpc;
    }

    public RegtestNode Node { get; }

    public BitcoinRpcClient Rpc { get; }

    public static async Task<RegtestChain> StartAsync(CancellationToken ct)
    {
        var node = await RegtestNode.StartAsync(new RegtestOptions { InMemory = true, RpcPort = 0 }, cancellationToken: ct);
        var rpc = new BitcoinRpcClient(new BitcoinRpcOptions
        {
            Endpoint = node.Url,
            User = node.Credentials.User,
            Password = node.Credentials.Password,
            RequestTimeout = TimeSpan.FromSeconds(20),
            MaxAttempts = 3,
        });
        return new RegtestChain(node, rpc);
    }

    public async Task<List<BlockHash>> GenerateAsync(int count, string address, CancellationToken ct)
    {
        using var reply = await Rpc.CallAsync("generatetoaddress", [count, address], ct);
        return [.. reply.RootElement.EnumerateArray().Select(e => BlockHash.Parse(e.GetString()!))];
    }

    public async Task InvalidateAsync(BlockHash hash, CancellationToken ct)
    {
        using var _ = await Rpc.CallAsync("invalidateblock", [hash.ToString()], ct);
    }

    public async ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        await Node.DisposeAsync();
    }
}

/// <summary>A <see cref="NodeRuntime"/> running its loop in the background, with bounded waits.</summary>
internal sealed class RuntimeHost : IAsyncDisposable
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly CancellationTokenSource _stop = new();
    private bool _stopped;

    private RuntimeHost(NodeRuntime runtime)
    {
        Runtime = runtime;
        Run = runtime.RunAsync(_stop.Token);
    }

    public NodeRuntime Runtime { get; }

    public Task Run { get; }

    public static NodeRuntimeOptions Options(RegtestChain chain, NodeNetwork network, string? dataDirectory = null) => new()
    {
        Network = network,
        Rpc = chain.Rpc,
        InMemory = dataDirectory is null,
        DataDirectory = dataDirectory,
        Watcher = new BurnchainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(25), OutageDelay = TimeSpan.FromMilliseconds(200) },
    };

    public static RuntimeHost Start(NodeRuntimeOptions options) => new(NodeRuntime.Open(options));

    public static RuntimeHost Start(NodeRuntime runtime) => new(runtime);

    /// <summary>Polls <paramref name="condition"/> until true; fails after <see cref="WaitLimit"/> or when the loop died.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            if (Run.IsCompleted)
            {
                await Run; // surfaces the loop's exception
                Assert.Fail($"the runtime stopped while waiting for {what}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until the sortition store is at bitcoind's best block.</summary>
    public async Task WaitSyncedAsync(RegtestChain chain, CancellationToken ct)
    {
        var info = await chain.Rpc.GetBlockchainInfoAsync(ct);
        await WaitUntilAsync(() => Runtime.Sortitions.Tip?.BurnHeaderHash == info.BestBlockHash, $"burn block {info.Blocks} {info.BestBlockHash}");
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stop.CancelAsync();
        try
        {
            await Run;
        }
        finally
        {
            await Runtime.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception)
        {
            // Tests that expect a failed loop observe it themselves.
        }

        _stop.Dispose();
    }
}

/// <summary>A temporary data directory removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "blockstack-runtime-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

internal static class Networks
{
    public static NodeNetwork Funded(params TestStacksKey[] keys) =>
        NodeNetwork.Regtest.WithGenesis([.. keys.Select(k => new GenesisBalance(k.Address, 1_000_000_000_000))]);
}
