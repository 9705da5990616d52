using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Node.Hosting;
using Blockstack.Protos.V1;
using Grpc.Core;
using Xunit.Abstractions;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>
/// Several <c>blockstack-node</c> processes on 127.0.0.1 sharing one standalone regtest burnchain
/// (<c>blockstack-node bitcoind</c>), peered through <c>[p2p]</c> (every node lists the others as
/// bootstrap peers). Each node has its own TOML config: network regtest, its data directory and
/// gRPC port, <c>[burnchain] mode = "bitcoind"</c> against the standalone chain with a short poll
/// interval, its p2p listener, the same <c>[[genesis.account]]</c> entries as every other node,
/// and for a miner its own BTC key (funded by coinbases on the burnchain), wallet and budget.
/// All ports are picked free by the test. Every wait is bounded and fails with every process's log
/// tail. <c>BLOCKSTACK_CLUSTER_KEEP=1</c> keeps the directory (configs and full logs) after the test.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    public const string RpcUser = "cluster";
    public const string RpcPassword = "cluster-password";

    /// <summary>Genesis accounts every node is configured with (the well-known regtest keys 0..5).</summary>
    public const int GenesisAccounts = 6;

    /// <summary>Coinbases mined to each miner before maturing them.</summary>
    private const int CoinbasesPerMiner = 3;

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(120);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ClusterNode> _nodes = [];
    private readonly HashSet<int> _usedPorts = [];

    private Cluster(string dir, ITestOutputHelper? output, int rpcPort)
    {
        Dir = dir;
        Output = output;
        RpcPort = rpcPort;
        Rpc = new BitcoindRpc(rpcPort, RpcUser, RpcPassword);
        SinkAddress = MinerKey("sink").Address;
    }

    public string Dir { get; }

    /// <summary>Where progress lines go (each test sets its own).</summary>
    public ITestOutputHelper? Output { get; set; }

    public int RpcPort { get; }

    public BitcoindRpc Rpc { get; }

    public ClusterProcess Bitcoind { get; private set; } = null!;

    /// <summary>Where burn blocks the test generates pay: nobody's miner, so budgets stay as configured.</summary>
    public string SinkAddress { get; }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public IEnumerable<ClusterNode> Running => _nodes.Where(n => n.IsRunning);

    public ClusterNode this[string name] => _nodes.Single(n => n.Name == name);

    /// <summary>Starts the burnchain, funds the miners, writes every config and starts every node; waits until all serve.</summary>
    public static async Task<Cluster> StartAsync(IReadOnlyList<ClusterNodeSpec> specs, ITestOutputHelper? output)
    {
        var dir = Directory.CreateTempSubdirectory("bsn-cluster-").FullName;
        var cluster = new Cluster(dir, output, FreePortStatic());
        try
        {
            cluster.Log($"cluster directory {dir}");
            await cluster.StartBitcoindAsync();
            foreach (var spec in specs)
            {
                cluster.Add(spec);
            }

            await cluster.FundMinersAsync();
            foreach (var node in cluster._nodes)
            {
                cluster.WriteConfig(node);
                node.Start();
            }

            await cluster.WaitServingAsync(cluster._nodes);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A deterministic regtest miner key for a label (WIF, P2WPKH address).</summary>
    public static RegtestMinerKey MinerKey(string label) =>
        RegtestProfile.MinerKeyFrom(
            Wif.Encode(SHA256.HashData(Encoding.UTF8.GetBytes("blockstack cluster test " + label)), compressed: true, BitcoinNetwork.Regtest),
            Blockstack.Node.Config.MinerAddressType.P2wpkh);

    /// <summary>A progress line to the test output (when a test is running) and to <c>cluster.log</c> in the cluster directory.</summary>
    public void Log(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:F1} s] {message}";
        lock (_clock)
        {
            File.AppendAllText(Path.Combine(Dir, "cluster.log"), line + "\n");
        }

        try
        {
            Output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // No test is running (the fixture's own start or stop).
        }
    }

    /// <summary>Adds a node (config written, not started) to a running cluster; miners must be funded first (<see cref="FundMinersAsync"/>).</summary>
    public ClusterNode Add(ClusterNodeSpec spec)
    {
        var node = new ClusterNode(spec, Dir, FreePort(), FreePort(), spec.IsMiner ? MinerKey(spec.Name) : null);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Writes a node's config: its bootstrap peers are every other node known now.</summary>
    public void WriteConfig(ClusterNode node)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"[node]\nnetwork = \"regtest\"\nname = \"{node.Name}\"\ndata_dir = \"{node.DataDir}\"\ngrpc_bind = \"{node.GrpcAddress}\"\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"[burnchain]\nmode = \"bitcoind\"\nrpc_host = \"127.0.0.1\"\nrpc_port = {RpcPort}\nusername = \"{RpcUser}\"\npassword = \"{RpcPassword}\"\npoll_interval = 0.1\n");
        if (node.Spec.BurnBudget is { } budget)
        {
            sb.Append(CultureInfo.InvariantCulture, $"wallet_name = \"miner-{node.Name.ToLowerInvariant()}\"\n\n");
            sb.Append(CultureInfo.InvariantCulture, $"[miner]\nenabled = true\nbtc_key = \"{node.MinerKey!.Wif}\"\nburn_amount = {budget}\nburn_fee_cap = {budget}\n");
        }

        sb.Append('\n');
        var peers = string.Join(',', _nodes.Where(n => n != node).Select(n => n.P2pAddress));
        sb.Append(CultureInfo.InvariantCulture, $"[p2p]\nbind = \"{node.P2pAddress}\"\nbootstrap_peers = \"{peers}\"\nban_seconds = 600\n\n");

        for (var i = 0; i < GenesisAccounts; i++)
        {
            var a = RegtestProfile.Account(i);
            sb.Append(CultureInfo.InvariantCulture, $"[[genesis.account]]\naddress = \"{a.Address}\"\nustx = {a.Ustx}\n\n");
        }

        node.WriteConfig(sb.ToString());
    }

    /// <summary>Mines <see cref="CoinbasesPerMiner"/> coinbases to every miner not funded yet, then 100 blocks so they mature.</summary>
    public async Task FundMinersAsync()
    {
        var miners = _nodes.Where(n => n.MinerKey is not null).ToList();
        for (var i = 0; i < CoinbasesPerMiner; i++)
        {
            foreach (var m in miners)
            {
                await Rpc.GenerateAsync(1, m.MinerKey!.Address);
            }
        }

        await Rpc.GenerateAsync(100, SinkAddress);
        Log($"funded {string.Join(", ", miners.Select(m => $"{m.Name} ({m.MinerKey!.Address}, budget {m.Spec.BurnBudget} sats)"))}; burn height {await Rpc.GetBlockCountAsync()}");
    }

    /// <summary>Waits until each node answers GetInfo and reports synced.</summary>
    public async Task WaitServingAsync(IEnumerable<ClusterNode> nodes)
    {
        foreach (var node in nodes)
        {
            var info = await WaitForAsync($"{node.Name} serving and synced", StartBound, async () =>
            {
                var i = await node.TryGetInfoAsync();
                return i is { Synced: true } ? i : null;
            });
            Log($"{node.Name} serving on {node.GrpcAddress} (p2p {node.P2pAddress}): burn {info.BurnHeight}, Stacks {info.StacksTipHeight}, peers {info.PeerCount}");
        }
    }

    /// <summary>Waits until each node reports at least <paramref name="min"/> peers in GetInfo.</summary>
    public async Task WaitPeersAsync(IEnumerable<ClusterNode> nodes, int min, TimeSpan bound)
    {
        foreach (var node in nodes)
        {
            var info = await WaitForAsync($"{node.Name} to report {min}+ peers (GetInfo.peer_count)", bound, async () =>
            {
                var i = await node.TryGetInfoAsync();
                return i is not null && i.PeerCount >= min ? i : null;
            });
            Log($"{node.Name} has {info.PeerCount} peers");
        }
    }

    /// <summary>SIGTERM of a node (it leaves the cluster's running set; its log stays for failure messages).</summary>
    public async Task StopAsync(ClusterNode node)
    {
        if (node.IsRunning)
        {
            await node.Process!.StopAsync(TimeSpan.FromSeconds(30));
            Log($"{node.Name} stopped");
        }
    }

    /// <summary>SIGKILL of a node; its data directory and ports stay for a restart.</summary>
    public async Task KillAsync(ClusterNode node)
    {
        await node.Process!.KillHardAsync(TimeSpan.FromSeconds(30));
        Log($"{node.Name} killed (SIGKILL)");
    }

    /// <summary>One driver round: generates a burn block once every running miner has processed the tip and sent its commit, or after <paramref name="bound"/>.</summary>
    public async Task<RoundResult> GenerateRoundAsync(TimeSpan bound, TimeSpan minimum)
    {
        var round = Stopwatch.StartNew();
        var height = await Rpc.GetBlockCountAsync();
        var miners = _nodes.Where(n => n.Spec.IsMiner && n.IsRunning).ToList();
        var ready = false;
        while (round.Elapsed < bound)
        {
            var processed = true;
            foreach (var m in miners)
            {
                if (await m.TryGetInfoAsync() is not { } info || info.BurnHeight < height)
                {
                    processed = false;
                    break;
                }
            }

            if (processed && await Rpc.TryCallAsync("getrawmempool") is { } mempool && mempool.GetArrayLength() >= miners.Count)
            {
                ready = true;
                if (round.Elapsed >= minimum)
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        await Rpc.GenerateAsync(1, SinkAddress);
        return new RoundResult(height + 1, ready, round.Elapsed);
    }

    /// <summary>Generates <paramref name="count"/> burn blocks, one driver round each.</summary>
    public async Task MineAsync(int count)
    {
        var timedOut = 0;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var r = await GenerateRoundAsync(Driver.RoundBound, Driver.MinimumRound);
            timedOut += r.AllCommitted ? 0 : 1;
        }

        Log($"mined {count} burn blocks in {sw.Elapsed.TotalSeconds:F1} s ({timedOut} rounds without every miner's commit); burn height {await Rpc.GetBlockCountAsync()}");
    }

    /// <summary>Starts generating burn blocks in the background until the returned driver is disposed.</summary>
    public Driver StartDriver() => new(this);

    /// <summary>
    /// Waits (bounded) until every running node is at the burnchain's height with the same Stacks
    /// tip (index block hash), state root and consensus hash; returns their infos.
    /// </summary>
    public async Task<IReadOnlyList<(ClusterNode Node, NodeInfo Info)>> WaitConvergedAsync(string what, TimeSpan bound)
    {
        var sw = Stopwatch.StartNew();
        var last = "no answer yet";
        while (sw.Elapsed < bound)
        {
            var height = await Rpc.GetBlockCountAsync();
            var infos = new List<(ClusterNode, NodeInfo)>();
            foreach (var n in Running)
            {
                if (await n.TryGetInfoAsync() is { } i)
                {
                    infos.Add((n, i));
                }
            }

            last = $"burnchain height {height}\n" + string.Join('\n', infos.Select(x => Describe(x.Item1, x.Item2)));
            if (infos.Count == Running.Count()
                && infos.All(x => x.Item2.BurnHeight == height && x.Item2.Synced)
                && infos.Select(x => (x.Item2.StacksTipIndexBlockHash, x.Item2.StateRoot, x.Item2.ConsensusHash)).Distinct().Count() == 1)
            {
                Log($"converged ({what}) after {sw.Elapsed.TotalSeconds:F1} s: burn {height}, Stacks {infos[0].Item2.StacksTipHeight} {infos[0].Item2.StacksTipIndexBlockHash}, state root {infos[0].Item2.StateRoot}");
                return infos;
            }

            await Task.Delay(250);
        }

        Fail($"nodes did not converge ({what}) within {bound.TotalSeconds} s; last view:\n{last}");
        throw new InvalidOperationException("unreachable");
    }

    public static string Describe(ClusterNode node, NodeInfo i) =>
        $"  {node.Name}: burn {i.BurnHeight} synced {i.Synced} Stacks {i.StacksTipHeight} tip {i.StacksTipIndexBlockHash} root {i.StateRoot} ch {i.ConsensusHash} peers {i.PeerCount}";

    /// <summary>
    /// Polls <paramref name="probe"/> every 250 ms until it gives a value, for at most
    /// <paramref name="bound"/>; UNAVAILABLE, NOT_FOUND, FAILED_PRECONDITION and deadlines count as
    /// "not yet". A timeout fails with every process's log tail.
    /// </summary>
    public async Task<T> WaitForAsync<T>(string what, TimeSpan bound, Func<Task<T?>> probe)
        where T : class
    {
        var sw = Stopwatch.StartNew();
        var last = "no answer yet";
        while (sw.Elapsed < bound)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }

                last = "condition not met";
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.NotFound or StatusCode.DeadlineExceeded or StatusCode.FailedPrecondition)
            {
                last = $"{e.StatusCode}: {e.Status.Detail}";
            }

            await Task.Delay(250);
        }

        Fail($"timed out after {bound.TotalSeconds} s waiting for {what} (last: {last})");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Fails the test with <paramref name="message"/> and the log tail of every process.</summary>
    public void Fail(string message) => Assert.Fail(message + "\n" + Tails());

    public string Tails(int count = 30) =>
        string.Join('\n', _nodes.Select(n => n.Tail(count)).Append(Bitcoind?.Tail(10) ?? string.Empty));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Where(n => n.IsRunning).Select(n => n.Process!.StopAsync(TimeSpan.FromSeconds(20))));
        foreach (var n in _nodes)
        {
            n.Dispose();
        }

        if (Bitcoind is not null)
        {
            await Bitcoind.StopAsync(TimeSpan.FromSeconds(20));
            Bitcoind.Dispose();
        }

        Rpc.Dispose();
        if (Environment.GetEnvironmentVariable("BLOCKSTACK_CLUSTER_KEEP") == "1")
        {
            Log($"kept {Dir}");
            return;
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A free TCP port on 127.0.0.1 (bound to port 0, read, released), never handed out twice by this cluster.</summary>
    public int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (_usedPorts.Add(port))
            {
                return port;
            }
        }
    }

    private static int FreePortStatic()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task StartBitcoindAsync()
    {
        _usedPorts.Add(RpcPort);
        Bitcoind = ClusterProcess.Start(
            "bitcoind",
            ["bitcoind", "--datadir", Path.Combine(Dir, "btc"), "--rpcport", RpcPort.ToString(CultureInfo.InvariantCulture), "--rpcuser", RpcUser, "--rpcpassword", RpcPassword],
            Path.Combine(Dir, "bitcoind.log"));
        await WaitForAsync("the standalone burnchain answering getblockcount", TimeSpan.FromSeconds(60), async () =>
        {
            if (Bitcoind.HasExited)
            {
                Fail("the standalone burnchain exited");
            }

            return await Rpc.TryCallAsync("getblockcount") is { } count ? (object)count : null;
        });
        Log($"standalone burnchain on 127.0.0.1:{RpcPort}");
    }

}

/// <summary>One generated burn block: its height, whether every running miner had committed, and how long the round took.</summary>
internal sealed record RoundResult(ulong Height, bool AllCommitted, TimeSpan Took);

/// <summary>
/// The burn-block driver in the background: one block per round (<see cref="Cluster.GenerateRoundAsync"/>),
/// until disposed. Failures of a round (a node restarting, RPC hiccups) are counted and retried.
/// </summary>
internal sealed class Driver : IAsyncDisposable
{
    /// <summary>Longest wait for the miners' commits before a block is generated anyway.</summary>
    public static readonly TimeSpan RoundBound = TimeSpan.FromSeconds(4);

    /// <summary>Shortest round, so a winner's block has a moment to reach the other nodes.</summary>
    public static readonly TimeSpan MinimumRound = TimeSpan.FromMilliseconds(500);

    private readonly Cluster _cluster;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _blocks;
    private int _partial;
    private int _errors;

    public Driver(Cluster cluster)
    {
        _cluster = cluster;
        _loop = Task.Run(LoopAsync);
    }

    public int Blocks => Volatile.Read(ref _blocks);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _cluster.Log($"driver stopped: {_blocks} burn blocks ({_partial} without every miner's commit, {_errors} failed rounds)");
    }

    /// <summary>Waits (bounded) until the driver has generated <paramref name="count"/> more blocks.</summary>
    public async Task WaitBlocksAsync(int count, TimeSpan bound)
    {
        var target = Blocks + count;
        await _cluster.WaitForAsync($"{count} more burn blocks from the driver", bound, () => Task.FromResult(Blocks >= target ? (object?)true : null));
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var r = await _cluster.GenerateRoundAsync(RoundBound, MinimumRound);
                Interlocked.Increment(ref _blocks);
                if (!r.AllCommitted)
                {
                    _partial++;
                }
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or System.Text.Json.JsonException)
            {
                _errors++;
                await Task.Delay(200);
            }
        }
    }
}
