using System.Net;
using System.Net.Sockets;
using Blockstack.Node.Config;
using Blockstack.Node.Hosting;
using Blockstack.Protos.V1;
using Blockstack.Regtest;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Tests;

/// <summary><c>blockstack-node</c> in process: exit codes, messages, and nothing written on errors.</summary>
[Trait("Category", "Integration")]
public sealed class ProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-program-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _out.Dispose();
        _err.Dispose();
    }

    private string DataDir => Path.Combine(_dir, "data");

    private string File(string toml)
    {
        var path = Path.Combine(_dir, "node.toml");
        System.IO.File.WriteAllText(path, toml);
        return path;
    }

    private Task<int> Run(NodeRuntimeFactory? runtime, Dictionary<string, string>? env, params string[] args) =>
        Program.RunAsync(args, _out, _err, env ?? [], runtime);

    private static NodeRuntimeFactory Forbidden => (_, _, _) => throw new InvalidOperationException("the runtime must not be built");

    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task Version_PrintsVersion()
    {
        Assert.Equal(0, await Run(null, null, "version"));
        Assert.StartsWith("blockstack-node ", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_UnknownKey_Exit2NamesKeyWritesNothing()
    {
        var file = File($"[node]\nnetwork = \"testnet\"\ndata_dir = \"{DataDir}\"\nrpc_bind = \"0.0.0.0:1\"\n");

        var code = await Run(Forbidden, null, "check-config", "--config", file);

        Assert.Equal(ExitCodes.ConfigError, code);
        Assert.Contains("node.toml:4: unknown key 'node.rpc_bind'", _err.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public async Task Start_BadTypesAndRanges_Exit2OneLineEachWritesNothing()
    {
        var file = File($"[node]\nnetwork = \"testnet\"\ndata_dir = \"{DataDir}\"\n[burnchain]\ncookie_file = \"/c\"\nrpc_port = true\npoll_interval = 99999\n[logging]\nfile = \"node.log\"\n");

        var code = await Run(Forbidden, null, "start", "--config", file);

        Assert.Equal(ExitCodes.ConfigError, code);
        var lines = _err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("'burnchain.rpc_port' must be an integer", lines[0], StringComparison.Ordinal);
        Assert.Contains("'burnchain.poll_interval' must be between 0 and 3600 seconds", lines[1], StringComparison.Ordinal);
        Assert.Contains("2 problem(s)", lines[2], StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public async Task Start_BadEnvironmentAndFlag_Exit2()
    {
        var file = File($"[node]\nnetwork = \"testnet\"\ndata_dir = \"{DataDir}\"\n");

        var code = await Run(Forbidden, new() { ["BLOCKSTACK__BURNCHAIN__TIMEOUT"] = "soon" }, "start", "--config", file, "--grpc-bind", "nowhere");

        Assert.Equal(ExitCodes.ConfigError, code);
        Assert.Contains("BLOCKSTACK__BURNCHAIN__TIMEOUT: 'burnchain.timeout' must be a number of seconds", _err.ToString(), StringComparison.Ordinal);
        Assert.Contains("--grpc-bind: 'node.grpc_bind' must be an IP address and port", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithoutConfig_Exit2()
    {
        Assert.Equal(ExitCodes.ConfigError, await Run(Forbidden, null, "start"));
        Assert.Contains("start needs --config FILE, or --regtest", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnreachableBitcoind_Exit3WritesNothing()
    {
        var file = File($"[node]\nnetwork = \"regtest\"\ndata_dir = \"{DataDir}\"\n[burnchain]\nmode = \"bitcoind\"\nrpc_port = {ClosedPort()}\nusername = \"u\"\npassword = \"p\"\ntimeout = 2\n[logging]\nfile = \"node.log\"\n");

        var code = await Run(Forbidden, null, "start", "--config", file);

        Assert.Equal(ExitCodes.BurnchainUnreachable, code);
        Assert.Contains("error: cannot reach bitcoind at 127.0.0.1:", _err.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public async Task StartAndProbe_WrongCredentials_ClearMessageWritesNothing()
    {
        await using var bitcoind = await RegtestNode.StartAsync(new RegtestOptions { InMemory = true, RpcPort = 0, RpcUser = "alice", RpcPassword = "right" }, NullLoggerFactory.Instance);
        string Toml(string password) =>
            $"[node]\nnetwork = \"regtest\"\ndata_dir = \"{DataDir}\"\n[burnchain]\nmode = \"bitcoind\"\nrpc_port = {bitcoind.Endpoint.Port}\nusername = \"alice\"\npassword = \"{password}\"\ntimeout = 5\n";

        var wrong = await Run(Forbidden, null, "start", "--config", File(Toml("wrong")));
        var wrongErr = _err.ToString();
        var probe = await Run(Forbidden, null, "check-config", "--probe", "--config", File(Toml("right")));

        Assert.Equal(ExitCodes.BurnchainUnreachable, wrong);
        Assert.Contains("refused the credentials", wrongErr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", wrongErr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, probe);
        Assert.Contains("bitcoind: reachable, credentials accepted, chain matches", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains("burnchain.password = ****", _out.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public async Task Start_RuntimeNotWired_Exit1WritesNothing()
    {
        var code = await Run(null, null, "start", "--regtest", "--datadir", DataDir);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("runtime not wired", _err.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public async Task RunAsync_Regtest_ServesThenStopsServicesBeforeRuntimeBeforeStores()
    {
        var result = ConfigLoader.Load(new ConfigSources
        {
            SelfContained = true,
            Flags = [("--datadir", "node.data_dir", DataDir), ("--grpc-bind", "node.grpc_bind", "127.0.0.1:0"), ("--prometheus-bind", "node.prometheus_bind", "127.0.0.1:0")],
            Environment = new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = "0", ["BLOCKSTACK__BURNCHAIN__BLOCK_INTERVAL"] = "0", ["BLOCKSTACK__LOGGING__FILE"] = "node.log" },
        });
        Assert.True(result.IsOk, string.Join("\n", result.Errors));
        using var harness = new NodeHarness();
        harness.Start();
        harness.Mine();
        var backend = new TestBackend(harness);
        var events = new List<string>();
        NodeConfig? seen = null;
        NodeHost? host = null;
        using var stop = new CancellationTokenSource();
        NodeRuntimeFactory runtime = (config, _, _) =>
        {
            seen = config;
            return Task.FromResult(new NodeRuntimeParts(
                backend,
                async ct =>
                {
                    events.Add("run");
                    await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                    events.Add(host!.State.IsStopping ? "run-cancelled-after-host-stopped" : "run-cancelled-while-serving");
                },
                new Lifetime(() => events.Add("stores-closed"))));
        };
        string? tipFromGrpc = null;

        var exit = await NodeComposition.RunAsync(result.Config!, runtime, _out, _err, stop.Token, h =>
        {
            host = h;
            _ = Task.Run(async () =>
            {
                using var channel = GrpcChannel.ForAddress($"http://{h.GrpcEndpoint}");
                var info = await new NodeService.NodeServiceClient(channel).GetInfoAsync(new GetInfoRequest());
                tipFromGrpc = info.StacksTipIndexBlockHash;
                await stop.CancelAsync();
            });
        });

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(harness.Coordinator.Tip.Id.ToString(), tipFromGrpc);
        Assert.Equal(["run", "run-cancelled-after-host-stopped", "stores-closed"], events);
        Assert.NotNull(seen);
        Assert.NotEqual(0, seen.Burnchain.RpcPort);
        Assert.NotNull(seen.Burnchain.CookieFile);
        Assert.Equal(RegtestProfile.GeneratedAccounts, seen.GenesisAccounts.Count);
        Assert.NotNull(seen.Miner.BtcKey);
        Assert.Contains(seen.GenesisAccounts[0].Address, _out.ToString(), StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(DataDir, "burnchain", "regtest")));
        Assert.Empty(_err.ToString());

        // The effective config is logged at start with the generated miner key masked.
        var log = string.Join("\n", Directory.GetFiles(DataDir, "node*.log").Select(System.IO.File.ReadAllText));
        Assert.Contains("\"Key\":\"miner.btc_key\",\"Value\":\"****\"", log, StringComparison.Ordinal);
        Assert.Contains("\"Key\":\"node.network\",\"Value\":\"regtest\"", log, StringComparison.Ordinal);
        Assert.DoesNotContain(seen.Miner.BtcKey, log, StringComparison.Ordinal);
        Assert.Contains("Stopped (exit code {ExitCode})", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RuntimeFailsToStart_Exit1WithMessage()
    {
        var config = ConfigLoader.Load(new ConfigSources
        {
            SelfContained = true,
            Flags = [("--datadir", "node.data_dir", DataDir)],
            Environment = new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = "0", ["BLOCKSTACK__BURNCHAIN__BLOCK_INTERVAL"] = "0" },
        }).Config!;
        NodeRuntimeFactory runtime = (_, _, _) => throw new IOException("the chain store is locked by another process");

        var exit = await NodeComposition.RunAsync(config, runtime, _out, _err, CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Equal("error: the chain store is locked by another process", _err.ToString().Trim());
    }

    [Fact]
    public async Task RunAsync_GrpcPortTaken_Exit1AndRuntimeClosed()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var config = ConfigLoader.Load(new ConfigSources
        {
            SelfContained = true,
            Flags = [("--datadir", "node.data_dir", DataDir), ("--grpc-bind", "node.grpc_bind", $"127.0.0.1:{port}")],
            Environment = new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = "0", ["BLOCKSTACK__BURNCHAIN__BLOCK_INTERVAL"] = "0" },
        }).Config!;
        using var harness = new NodeHarness();
        var closed = false;
        NodeRuntimeFactory runtime = (_, _, _) => Task.FromResult(new NodeRuntimeParts(new TestBackend(harness), _ => Task.CompletedTask, new Lifetime(() => closed = true)));

        var exit = await NodeComposition.RunAsync(config, runtime, _out, _err, CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), _err.ToString(), StringComparison.Ordinal);
        Assert.True(closed, "the runtime's stores are closed after a failed start");
    }

    private sealed class Lifetime(Action onDispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            onDispose();
            return ValueTask.CompletedTask;
        }
    }
}
