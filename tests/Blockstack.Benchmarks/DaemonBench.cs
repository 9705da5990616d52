using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Blockstack.Chain;
using Blockstack.Node.Config;
using Blockstack.Node.Hosting;
using Blockstack.Node.Runtime;
using Blockstack.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blockstack.Benchmarks;

/// <summary>
/// Daemon benchmarks (docs/benchmarks.md, "Daemon"): the real <c>blockstack-node</c> process is
/// spawned (<c>dotnet blockstack-node.dll …</c>) and observed from outside through
/// <c>NodeService.GetInfo</c> and <c>/proc/PID/status</c>.
/// <list type="bullet">
/// <item><c>daemon-first-block [runs] [intervals]</c>: time from spawning <c>start --regtest</c> to a Stacks tip ≥ 1.</item>
/// <item><c>daemon-rss [idle seconds]</c>: VmRSS after the node is synced and idle, miner on and off.</item>
/// <item><c>daemon-catchup [burn height]</c>: a standalone <c>bitcoind</c> chain built by a mining node, then a fresh follower's burn blocks/s.</item>
/// </list>
/// The node is the Release build of src/Blockstack.Node (or <c>BLOCKSTACK_NODE_DLL</c>).
/// </summary>
internal static class DaemonBench
{
    internal const string RpcUser = "bench";
    internal const string RpcPassword = "bench-password";

    public static async Task<int> FirstBlockAsync(string[] args)
    {
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var intervals = (args.Length > 2 ? args[2] : "5,1").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"node: {NodeDll()}");
        foreach (var interval in intervals)
        {
            var times = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                using var dir = new TempDir("bench-first-block");
                var port = FreePort();
                var sw = Stopwatch.StartNew();
                await using var node = NodeProcess.Start(
                    ["start", "--regtest", "--datadir", dir.Path, "--grpc-bind", $"127.0.0.1:{port}", "--p2p-bind", "127.0.0.1:0"],
                    new() { ["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = "0", ["BLOCKSTACK__BURNCHAIN__BLOCK_INTERVAL"] = interval.ToString(CultureInfo.InvariantCulture) });
                using var channel = Channel(port);
                var client = new NodeService.NodeServiceClient(channel);
                TimeSpan? serving = null;
                NodeInfo? info = null;
                var deadline = TimeSpan.FromSeconds(120 + (interval * 20));
                while (sw.Elapsed < deadline && node.IsRunning)
                {
                    info = await TryGetInfoAsync(client).ConfigureAwait(false);
                    if (info is not null)
                    {
                        serving ??= sw.Elapsed;
                        if (info.StacksTipHeight >= 1)
                        {
                            break;
                        }
                    }

                    await Task.Delay(50).ConfigureAwait(false);
                }

                var elapsed = sw.Elapsed;
                if (info is null || info.StacksTipHeight < 1)
                {
                    Console.WriteLine($"interval {interval} s run {run + 1}: no Stacks block within {deadline.TotalSeconds} s (running: {node.IsRunning})\n{node.Tail()}");
                    return 1;
                }

                times.Add(elapsed.TotalSeconds);
                Console.WriteLine($"interval {interval} s run {run + 1}: Stacks tip {info.StacksTipHeight} at {elapsed.TotalSeconds:F2} s (gRPC serving at {serving!.Value.TotalSeconds:F2} s, burn height {info.BurnHeight}); load {LoadAverage()}");
                await node.StopAsync().ConfigureAwait(false);
            }

            Console.WriteLine($"interval {interval} s: median {Median(times):F2} s over {runs} runs (min {times.Min():F2}, max {times.Max():F2})");
        }

        return 0;
    }

    public static async Task<int> IdleRssAsync(string[] args)
    {
        var idle = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        Console.WriteLine($"node: {NodeDll()}");
        foreach (var mining in new[] { true, false })
        {
            using var dir = new TempDir("bench-rss");
            var port = FreePort();
            var env = new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = "0" };
            if (!mining)
            {
                env["BLOCKSTACK__MINER__ENABLED"] = "false";
            }

            var sw = Stopwatch.StartNew();
            await using var node = NodeProcess.Start(["start", "--regtest", "--datadir", dir.Path, "--grpc-bind", $"127.0.0.1:{port}", "--p2p-bind", "127.0.0.1:0"], env);
            using var channel = Channel(port);
            var client = new NodeService.NodeServiceClient(channel);
            NodeInfo? info = null;
            while (sw.Elapsed < TimeSpan.FromSeconds(120) && node.IsRunning)
            {
                info = await TryGetInfoAsync(client).ConfigureAwait(false);
                if (info is { Synced: true } && (!mining || info.StacksTipHeight >= 1))
                {
                    break;
                }

                await Task.Delay(100).ConfigureAwait(false);
            }

            if (info is not { Synced: true })
            {
                Console.WriteLine($"miner {(mining ? "on" : "off")}: not synced within 120 s\n{node.Tail()}");
                return 1;
            }

            Console.WriteLine($"miner {(mining ? "on" : "off")}: synced at {sw.Elapsed.TotalSeconds:F1} s (burn {info.BurnHeight}, Stacks {info.StacksTipHeight}), RSS {node.Rss()}");
            var idleClock = Stopwatch.StartNew();
            while (idleClock.Elapsed.TotalSeconds < idle)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, idle - idleClock.Elapsed.TotalSeconds))).ConfigureAwait(false);
                Console.WriteLine($"  +{idleClock.Elapsed.TotalSeconds:F0} s idle: {node.Rss()}");
            }

            info = await TryGetInfoAsync(client).ConfigureAwait(false);
            Console.WriteLine($"miner {(mining ? "on" : "off")}: after {idle:F0} s idle: {node.Rss()}, burn {info?.BurnHeight}, Stacks {info?.StacksTipHeight}; CPU {node.CpuSeconds():F1} s since spawn; load {LoadAverage()}");
            await node.StopAsync().ConfigureAwait(false);
        }

        return 0;
    }

    public static async Task<int> CatchUpAsync(string[] args)
    {
        var target = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400;
        Console.WriteLine($"node: {NodeDll()}");
        using var dir = new TempDir("bench-catchup");
        var rpcPort = FreePort();
        await using var bitcoind = NodeProcess.Start(["bitcoind", "--datadir", Path.Combine(dir.Path, "btc"), "--rpcport", rpcPort.ToString(CultureInfo.InvariantCulture), "--rpcuser", RpcUser, "--rpcpassword", RpcPassword], []);
        using var rpc = new Rpc(rpcPort);
        var minerKey = RegtestProfile.MinerKey(MinerAddressType.P2wpkh);
        var sw = Stopwatch.StartNew();
        while (await rpc.TryCallAsync("getblockcount").ConfigureAwait(false) is null)
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(60) || !bitcoind.IsRunning)
            {
                Console.WriteLine("bitcoind did not answer\n" + bitcoind.Tail());
                return 1;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        await rpc.CallAsync("generatetoaddress", RegtestProfile.FundingBlocks, minerKey.Address).ConfigureAwait(false);

        // The mining node: one burn block at a time, generated as soon as the node has processed the
        // previous one and its miner has sent the commit for the next (or after a bounded wait).
        var minerPort = FreePort();
        var minerDir = Path.Combine(dir.Path, "miner");
        var minerConfig = WriteConfig(dir.Path, "miner.toml", minerDir, minerPort, rpcPort, minerKey.Wif);
        sw.Restart();
        var build = Stopwatch.StartNew();
        NodeInfo? info = null;
        await using (var miner = NodeProcess.Start(["start", "--config", minerConfig], []))
        {
            using var channel = Channel(minerPort);
            var client = new NodeService.NodeServiceClient(channel);
            var height = RegtestProfile.FundingBlocks;
            while (height < target)
            {
                var round = Stopwatch.StartNew();
                while (round.Elapsed < TimeSpan.FromSeconds(3) && miner.IsRunning)
                {
                    info = await TryGetInfoAsync(client).ConfigureAwait(false);
                    var mempool = await rpc.TryCallAsync("getrawmempool").ConfigureAwait(false);
                    if (info is not null && info.BurnHeight >= (ulong)height && mempool is { } m && m.GetArrayLength() > 0)
                    {
                        break;
                    }

                    await Task.Delay(20).ConfigureAwait(false);
                }

                if (!miner.IsRunning)
                {
                    Console.WriteLine("mining node exited\n" + miner.Tail());
                    return 1;
                }

                await rpc.CallAsync("generatetoaddress", 1, minerKey.Address).ConfigureAwait(false);
                height++;
                if (height % 50 == 0)
                {
                    Console.WriteLine($"  burn {height}: node burn {info?.BurnHeight} Stacks {info?.StacksTipHeight} ({build.Elapsed.TotalSeconds:F0} s)");
                }
            }

            while (sw.Elapsed < TimeSpan.FromMinutes(10) && (info is null || info.BurnHeight < (ulong)target))
            {
                await Task.Delay(100).ConfigureAwait(false);
                info = await TryGetInfoAsync(client).ConfigureAwait(false);
            }

            Console.WriteLine($"chain built in {build.Elapsed.TotalSeconds:F1} s: burn height {info?.BurnHeight}, Stacks height {info?.StacksTipHeight}; mining node CPU {miner.CpuSeconds():F1} s, {miner.Rss()}");
            await miner.StopAsync().ConfigureAwait(false);
        }

        var stacksHeight = info?.StacksTipHeight ?? 0;

        // The fresh follower: miner off, same bitcoind, empty data directory.
        var followerPort = FreePort();
        var followerConfig = WriteConfig(dir.Path, "follower.toml", Path.Combine(dir.Path, "follower"), followerPort, rpcPort, null);
        Console.WriteLine($"load before the follower: {LoadAverage()}");
        sw.Restart();
        await using var follower = NodeProcess.Start(["start", "--config", followerConfig], []);
        using var followerChannel = Channel(followerPort);
        var followerClient = new NodeService.NodeServiceClient(followerChannel);
        TimeSpan? firstSeen = null;
        ulong firstHeight = 0;
        info = null;
        while (sw.Elapsed < TimeSpan.FromMinutes(10) && follower.IsRunning)
        {
            info = await TryGetInfoAsync(followerClient).ConfigureAwait(false);
            if (info is not null)
            {
                if (firstSeen is null)
                {
                    firstSeen = sw.Elapsed;
                    firstHeight = info.BurnHeight;
                    Console.WriteLine($"follower serving at {firstSeen.Value.TotalSeconds:F2} s, burn height {firstHeight}");
                }

                if (info.BurnHeight >= (ulong)target)
                {
                    break;
                }
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        var total = sw.Elapsed;
        if (info is null || info.BurnHeight < (ulong)target)
        {
            Console.WriteLine($"follower did not reach burn height {target}: {info?.BurnHeight}\n{follower.Tail()}");
            return 1;
        }

        // The node logs one Information line per processed burn block: their arrival times give the rate.
        var burnLines = follower.Marks("NodeRuntime: burn block ");
        var span = burnLines.Count > 1 ? burnLines[^1] - burnLines[0] : TimeSpan.Zero;
        var rate = span > TimeSpan.Zero ? (burnLines.Count - 1) / span.TotalSeconds : double.NaN;
        Console.WriteLine($"follower: burn height {info.BurnHeight} reached by {total.TotalSeconds:F2} s from spawn (gRPC first answered at {firstSeen!.Value.TotalSeconds:F2} s, burn {firstHeight}); "
            + $"{burnLines.Count} burn-block log lines from {(burnLines.Count > 0 ? burnLines[0].TotalSeconds : 0):F2} s to {(burnLines.Count > 0 ? burnLines[^1].TotalSeconds : 0):F2} s = {rate:F1} burn blocks/s; "
            + $"Stacks height {info.StacksTipHeight} of the miner's {stacksHeight}; synced {info.Synced}; CPU {follower.CpuSeconds():F1} s; {follower.Rss()}; load {LoadAverage()}");
        await follower.StopAsync().ConfigureAwait(false);

        // Stacks replay: until peers exist (issue #10) a follower only gets Stacks blocks from
        // its staging store, where blocks received from peers will land. A fresh node whose
        // staging store is seeded with every block of the mining node's chain replays them as
        // their sortitions elect them: the same code path a peer-fed node will take.
        var replayDir = Path.Combine(dir.Path, "replay");
        var seeded = SeedStaging(minerDir, replayDir);
        var replayPort = FreePort();
        var replayConfig = WriteConfig(dir.Path, "replay.toml", replayDir, replayPort, rpcPort, null);
        Console.WriteLine($"replay: {seeded} blocks of the mining node staged in a fresh data directory; load {LoadAverage()}");
        sw.Restart();
        await using var replay = NodeProcess.Start(["start", "--config", replayConfig], []);
        using var replayChannel = Channel(replayPort);
        var replayClient = new NodeService.NodeServiceClient(replayChannel);
        info = null;
        while (sw.Elapsed < TimeSpan.FromMinutes(10) && replay.IsRunning)
        {
            info = await TryGetInfoAsync(replayClient).ConfigureAwait(false);
            if (info is not null && info.BurnHeight >= (ulong)target && info.StacksTipHeight >= stacksHeight)
            {
                break;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        total = sw.Elapsed;
        var burn = replay.Marks("NodeRuntime: burn block ");
        var stacks = replay.Marks("NodeRuntime: stacks block ");
        if (info is null || info.StacksTipHeight < stacksHeight || burn.Count < 2 || stacks.Count < 2)
        {
            Console.WriteLine($"replay did not reach Stacks height {stacksHeight}: {info?.StacksTipHeight}\n{replay.Tail()}");
            return 1;
        }

        var burnSpan = burn[^1] - burn[0];
        var stacksSpan = stacks[^1] - stacks[0];
        Console.WriteLine($"replay: burn {info.BurnHeight}, Stacks {info.StacksTipHeight} by {total.TotalSeconds:F2} s from spawn; "
            + $"{burn.Count} burn-block lines in {burnSpan.TotalSeconds:F2} s = {(burn.Count - 1) / burnSpan.TotalSeconds:F1} burn blocks/s; "
            + $"{stacks.Count} Stacks-block lines in {stacksSpan.TotalSeconds:F2} s = {(stacks.Count - 1) / stacksSpan.TotalSeconds:F1} Stacks blocks/s (interleaved with their sortitions); "
            + $"CPU {replay.CpuSeconds():F1} s; {replay.Rss()}; load {LoadAverage()}");
        await replay.StopAsync().ConfigureAwait(false);
        await bitcoind.StopAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Copies every non-genesis block of the (stopped) mining node's chain store into a new staging store under <paramref name="dataDir"/>.</summary>
    internal static int SeedStaging(string minerDataDir, string dataDir)
    {
        var chain = ChainStore.OpenRocks(Path.Combine(minerDataDir, "regtest", "chain"));
        using var chainKv = chain.Store;
        Directory.CreateDirectory(Path.Combine(dataDir, "regtest"));
        using var staging = StagingStore.Open(Path.Combine(dataDir, "regtest", "staging"));
        var count = 0;
        foreach (var record in ChainStore.AllBlocks(chain.Store))
        {
            if (!record.IsGenesis && ChainStore.GetBlockBody(chain.Store, record.Id) is { } body)
            {
                staging.Put(new StagedBlock(record.BlockHash, body, record.BurnHeight, 0));
                count++;
            }
        }

        return count;
    }

    private static string WriteConfig(string dir, string name, string dataDir, int grpcPort, int rpcPort, string? minerWif)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"[node]\nnetwork = \"regtest\"\ndata_dir = \"{dataDir}\"\ngrpc_bind = \"127.0.0.1:{grpcPort}\"\n\n[p2p]\nbind = \"127.0.0.1:0\"\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"[burnchain]\nmode = \"bitcoind\"\nrpc_host = \"127.0.0.1\"\nrpc_port = {rpcPort}\nusername = \"{RpcUser}\"\npassword = \"{RpcPassword}\"\npoll_interval = 0.05\n");
        if (minerWif is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"wallet_name = \"bench-miner\"\n\n[miner]\nenabled = true\nbtc_key = \"{minerWif}\"\n");
        }

        var path = Path.Combine(dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    internal static async Task<NodeInfo?> TryGetInfoAsync(NodeService.NodeServiceClient client)
    {
        try
        {
            return await client.GetInfoAsync(new GetInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(5)).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    internal static GrpcChannel Channel(int port) => GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The blockstack-node assembly: BLOCKSTACK_NODE_DLL, else src/Blockstack.Node's Release output found above this assembly.</summary>
    internal static string NodeDll()
    {
        if (Environment.GetEnvironmentVariable("BLOCKSTACK_NODE_DLL") is { Length: > 0 } set)
        {
            return set;
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "src", "Blockstack.Node", "bin", "Release", "net10.0", "blockstack-node.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("blockstack-node.dll not found: build src/Blockstack.Node -c Release or set BLOCKSTACK_NODE_DLL");
    }

    internal sealed class TempDir : IDisposable
    {
        public TempDir(string prefix)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A spawned node process whose output is drained (the last lines kept for errors).</summary>
    internal sealed class NodeProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Queue<string> _tail = new();
        private readonly List<(TimeSpan At, string Line)> _lines = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        private NodeProcess(Process process) => _process = process;

        public bool IsRunning => !_process.HasExited;

        public static NodeProcess Start(string[] args, Dictionary<string, string> env)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(NodeDll());
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            foreach (var (k, v) in env)
            {
                start.Environment[k] = v;
            }

            var process = new Process { StartInfo = start };
            var node = new NodeProcess(process);
            process.OutputDataReceived += (_, e) => node.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return node;
        }

        public string Rss()
        {
            try
            {
                var lines = File.ReadAllLines($"/proc/{_process.Id}/status");
                string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? "?";
                return $"VmRSS {Field("VmRSS")} (peak VmHWM {Field("VmHWM")})";
            }
            catch (IOException)
            {
                return "VmRSS n/a";
            }
        }

        public double CpuSeconds()
        {
            try
            {
                _process.Refresh();
                return _process.TotalProcessorTime.TotalSeconds;
            }
            catch (InvalidOperationException)
            {
                return double.NaN;
            }
        }

        /// <summary>Arrival times (since spawn) of the output lines containing <paramref name="text"/>.</summary>
        public List<TimeSpan> Marks(string text)
        {
            lock (_tail)
            {
                return _lines.Where(l => l.Line.Contains(text, StringComparison.Ordinal)).Select(l => l.At).ToList();
            }
        }

        public string Tail()
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }

        /// <summary>SIGTERM (the node's clean shutdown), then a bounded wait, then kill.</summary>
        public async Task StopAsync()
        {
            if (_process.HasExited)
            {
                return;
            }

            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine($"process {_process.Id} ignored SIGTERM for 40 s; killing it");
                _process.Kill(entireProcessTree: true);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync().ConfigureAwait(false);
            _process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            if (Environment.GetEnvironmentVariable("BENCH_NODE_LOG") == "1")
            {
                Console.WriteLine("    | " + line);
            }

            lock (_tail)
            {
                _lines.Add((_clock.Elapsed, line));
                _tail.Enqueue(line);
                while (_tail.Count > 40)
                {
                    _tail.Dequeue();
                }
            }
        }
    }

    /// <summary>Minimal bitcoind JSON-RPC client (basic auth) for the catch-up chain.</summary>
    internal sealed class Rpc : IDisposable
    {
        private readonly HttpClient _http;

        public Rpc(int port)
        {
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(RpcUser + ":" + RpcPassword)));
        }

        public async Task<JsonElement> CallAsync(string method, params object[] parameters)
        {
            var body = JsonSerializer.Serialize(new { jsonrpc = "1.0", id = 1, method, @params = parameters });
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(new Uri("", UriKind.Relative), content).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.GetProperty("error").ValueKind != JsonValueKind.Null)
            {
                throw new InvalidOperationException($"{method}: {doc.RootElement.GetProperty("error")}");
            }

            return doc.RootElement.GetProperty("result").Clone();
        }

        public async Task<JsonElement?> TryCallAsync(string method, params object[] parameters)
        {
            try
            {
                return await CallAsync(method, parameters).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException or TaskCanceledException)
            {
                return null;
            }
        }

        public void Dispose() => _http.Dispose();
    }
}
