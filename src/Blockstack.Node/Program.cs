using System.CommandLine;
using Blockstack.Node.Config;
using Blockstack.Node.Grpc;
using Blockstack.Node.Hosting;
using Blockstack.Regtest;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node;

/// <summary>
/// The <c>blockstack-node</c> daemon: <c>start</c> (from a config file, or <c>--regtest</c> for a
/// self-contained node), <c>check-config</c>, <c>version</c>, and <c>bitcoind</c>, a standalone
/// regtest bitcoind (JSON-RPC) that several nodes can share. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) =>
        RunAsync(args, Console.Out, Console.Error, ConfigSources.ProcessEnvironment(), NodeComposition.DefaultRuntime);

    /// <summary>The command line with its outputs, environment and runtime passed in (tests call this).</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment, NodeRuntimeFactory? runtime, CancellationToken cancellationToken = default)
    {
        var configFile = new Option<string?>("--config", "-c") { Description = "The TOML config file" };
        var regtest = new Option<bool>("--regtest") { Description = "Self-contained regtest node: embedded burnchain, a funded miner, generated genesis accounts" };
        var datadirFlag = new Option<string?>("--datadir") { Description = "Data directory (overrides node.data_dir)" };
        var networkFlag = new Option<string?>("--network") { Description = "mainnet, testnet or regtest (overrides node.network)" };
        var grpcBindFlag = new Option<string?>("--grpc-bind") { Description = "gRPC listen address host:port (overrides node.grpc_bind)" };
        var prometheusFlag = new Option<string?>("--prometheus-bind") { Description = "Metrics listen address host:port or off (overrides node.prometheus_bind)" };
        var p2pBindFlag = new Option<string?>("--p2p-bind") { Description = "Peer listener address host:port or off (overrides p2p.bind)" };
        var bootstrapFlag = new Option<string?>("--bootstrap-peers") { Description = "Comma-separated host:port peers to dial (overrides p2p.bootstrap_peers)" };
        var logLevelFlag = new Option<string?>("--log-level") { Description = "verbose, debug, information, warning, error or fatal (overrides logging.level)" };
        var logJsonFlag = new Option<bool>("--log-json") { Description = "Console logs as compact JSON (overrides logging.json)" };
        var mineFlag = new Option<bool>("--mine") { Description = "Enable the miner (overrides miner.enabled)" };
        var probe = new Option<bool>("--probe") { Description = "Also connect to the configured bitcoind (bounded by burnchain.timeout)" };

        ConfigSources Sources(ParseResult parse, bool selfContained)
        {
            var flags = new List<(string, string, string)>();
            void Add(Option<string?> option, string path)
            {
                if (parse.GetValue(option) is { } v)
                {
                    flags.Add((option.Name, path, v));
                }
            }

            Add(datadirFlag, "node.data_dir");
            Add(networkFlag, "node.network");
            Add(grpcBindFlag, "node.grpc_bind");
            Add(prometheusFlag, "node.prometheus_bind");
            Add(p2pBindFlag, "p2p.bind");
            Add(bootstrapFlag, "p2p.bootstrap_peers");
            Add(logLevelFlag, "logging.level");
            if (parse.GetValue(logJsonFlag))
            {
                flags.Add((logJsonFlag.Name, "logging.json", "true"));
            }

            if (parse.GetValue(mineFlag))
            {
                flags.Add((mineFlag.Name, "miner.enabled", "true"));
            }

            return new ConfigSources
            {
                FilePath = parse.GetValue(configFile),
                Environment = environment,
                Flags = flags,
                SelfContained = selfContained,
                HomeDirectory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            };
        }

        async Task<NodeConfig?> LoadAsync(ConfigSources sources)
        {
            var result = ConfigLoader.Load(sources);
            if (result.IsOk)
            {
                return result.Config;
            }

            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync("config error: " + error).ConfigureAwait(false);
            }

            await stderr.WriteLineAsync($"{result.Errors.Count} problem(s) in the configuration; nothing was started or written").ConfigureAwait(false);
            return null;
        }

        var start = new Command("start", "Run the node")
        {
            configFile, regtest, datadirFlag, networkFlag, grpcBindFlag, prometheusFlag, p2pBindFlag, bootstrapFlag, logLevelFlag, logJsonFlag, mineFlag,
        };
        start.SetAction(async (parse, ct) =>
        {
            var selfContained = parse.GetValue(regtest);
            if (!selfContained && parse.GetValue(configFile) is null)
            {
                await stderr.WriteLineAsync("error: start needs --config FILE, or --regtest for a self-contained node").ConfigureAwait(false);
                return ExitCodes.ConfigError;
            }

            if (await LoadAsync(Sources(parse, selfContained)).ConfigureAwait(false) is not { } config)
            {
                return ExitCodes.ConfigError;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellationToken);
            return await NodeComposition.RunAsync(config, runtime, stdout, stderr, linked.Token).ConfigureAwait(false);
        });

        var checkConfig = new Command("check-config", "Validate a configuration without starting; prints the effective settings (secrets masked)")
        {
            configFile, regtest, datadirFlag, networkFlag, grpcBindFlag, prometheusFlag, p2pBindFlag, bootstrapFlag, logLevelFlag, logJsonFlag, mineFlag, probe,
        };
        checkConfig.SetAction(async (parse, ct) =>
        {
            if (await LoadAsync(Sources(parse, parse.GetValue(regtest))).ConfigureAwait(false) is not { } config)
            {
                return ExitCodes.ConfigError;
            }

            await stdout.WriteAsync(NodeLogging.Describe(config)).ConfigureAwait(false);
            if (parse.GetValue(probe) && config.Burnchain.Mode == BurnchainMode.Bitcoind)
            {
                var problem = await BurnchainProbe.ProbeAsync(config.Burnchain, config.Node.Network, ct).ConfigureAwait(false);
                if (problem is not null)
                {
                    await stderr.WriteLineAsync("error: " + problem).ConfigureAwait(false);
                    return ExitCodes.BurnchainUnreachable;
                }

                await stdout.WriteLineAsync("bitcoind: reachable, credentials accepted, chain matches").ConfigureAwait(false);
            }

            await stdout.WriteLineAsync("configuration OK").ConfigureAwait(false);
            return ExitCodes.Ok;
        });

        var version = new Command("version", "Print the version");
        version.SetAction(async (_, _) =>
        {
            await stdout.WriteLineAsync("blockstack-node " + NodeGrpcService.Version).ConfigureAwait(false);
            return ExitCodes.Ok;
        });

        var dataDir = new Option<string>("--datadir") { Description = "Data directory (the chain is kept in <datadir>/regtest)", Required = true };
        var rpcPort = new Option<int>("--rpcport") { Description = "RPC port on 127.0.0.1 (bitcoind regtest default: 18443)", DefaultValueFactory = _ => 18443 };
        var rpcUser = new Option<string?>("--rpcuser") { Description = "RPC user (with --rpcpassword; otherwise a cookie file is written)" };
        var rpcPassword = new Option<string?>("--rpcpassword") { Description = "RPC password" };
        var memory = new Option<bool>("--memory") { Description = "Keep the chain in memory only" };
        var automine = new Option<double?>("--automine") { Description = "Mine a block every SECONDS" };
        var automineAddress = new Option<string?>("--automine-address") { Description = "Address the automatic blocks pay to" };
        var bitcoind = new Command("bitcoind", "Run an embedded regtest bitcoind that speaks bitcoind's JSON-RPC")
        {
            dataDir, rpcPort, rpcUser, rpcPassword, memory, automine, automineAddress,
        };
        bitcoind.SetAction(async (parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(automine);
            if (seconds is not null && parse.GetValue(automineAddress) is null)
            {
                await stderr.WriteLineAsync("error: --automine needs --automine-address");
                return 1;
            }

            var options = new RegtestOptions
            {
                DataDir = parse.GetValue(dataDir),
                InMemory = parse.GetValue(memory),
                RpcPort = parse.GetValue(rpcPort),
                RpcUser = parse.GetValue(rpcUser),
                RpcPassword = parse.GetValue(rpcPassword),
                AutomineInterval = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
                AutomineAddress = parse.GetValue(automineAddress),
            };
            return await RunBitcoindAsync(options, cancellationToken);
        });

        var root = new RootCommand("blockstack-node: the Blockstack node daemon") { start, checkConfig, version, bitcoind };
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
        return await root.Parse(args).InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunBitcoindAsync(RegtestOptions options, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
        RegtestNode node;
        try
        {
            node = await RegtestNode.StartAsync(options, loggerFactory, cancellationToken);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or Storage.StoreSchemaMismatchException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 1;
        }

        await using (node)
        {
            // Ctrl-C and SIGTERM cancel the token (System.CommandLine's handling); "stop" completes Stopped.
            var cancelled = new TaskCompletionSource();
            await using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
            await Task.WhenAny(node.Stopped, cancelled.Task);
            await node.StopAsync();
        }

        return 0;
    }
}
