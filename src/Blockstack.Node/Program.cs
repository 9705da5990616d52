using System.CommandLine;
using Blockstack.Regtest;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node;

/// <summary>
/// The <c>blockstack-node</c> daemon. For now one command: <c>bitcoind</c>, a standalone regtest
/// bitcoind (JSON-RPC) that several nodes can share.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
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
                await Console.Error.WriteLineAsync("error: --automine needs --automine-address");
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

        var root = new RootCommand("blockstack-node: the Blockstack node daemon") { bitcoind };
        return await root.Parse(args).InvokeAsync();
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
