using System.Net;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Regtest.Chain;
using Blockstack.Regtest.Rpc;
using Blockstack.Regtest.Wallet;
using Blockstack.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Regtest;

/// <summary>Settings of an embedded regtest node. Each default is stated here once.</summary>
public sealed record RegtestOptions
{
    /// <summary>Data directory; the chain lives in <c>&lt;DataDir&gt;/regtest/chainstate</c>, the cookie in <c>&lt;DataDir&gt;/regtest/.cookie</c>.</summary>
    public string? DataDir { get; init; }

    /// <summary>Keep the chain in memory (nothing survives a restart).</summary>
    public bool InMemory { get; init; }

    /// <summary>Address to bind; bitcoind binds RPC to localhost by default.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>RPC port; 0 picks a free one (read it back from <see cref="RegtestNode.Endpoint"/>). bitcoind's regtest default is 18443.</summary>
    public int RpcPort { get; init; }

    public string? RpcUser { get; init; }

    /// <summary>With no password, a cookie is generated (and written when there is a data directory).</summary>
    public string? RpcPassword { get; init; }

    /// <summary>Mine a block every this often (demo runs); null: never.</summary>
    public TimeSpan? AutomineInterval { get; init; }

    public string? AutomineAddress { get; init; }

    public RpcServerLimits Limits { get; init; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Verifies input scripts; the default checks the standard single-key templates.</summary>
    public IScriptVerifier? ScriptVerifier { get; init; }
}

/// <summary>
/// A regtest bitcoind the node can host: <see cref="StartAsync"/> opens the chain and serves
/// JSON-RPC; <see cref="Endpoint"/> and <see cref="Credentials"/> tell a client where and how to
/// connect; <see cref="Stopped"/> completes when it has stopped (by <see cref="StopAsync"/> or the
/// <c>stop</c> RPC).
/// </summary>
public sealed partial class RegtestNode : IAsyncDisposable
{
    public static readonly StoreSchema Schema = new("blockstack-regtest", 1);

    private readonly RegtestOptions _options;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();
    private RpcHttpServer? _server;
    private Task? _automine;
    private string? _cookiePath;
    private int _stopping;

    private RegtestNode(RegtestOptions options, RegtestEngine engine, WalletManager wallets, RpcCredentials credentials, ILogger logger)
    {
        _options = options;
        Engine = engine;
        Wallets = wallets;
        Credentials = credentials;
        _logger = logger;
    }

    public RegtestEngine Engine { get; }

    public WalletManager Wallets { get; }

    public RpcCredentials Credentials { get; }

    /// <summary>The bound RPC endpoint.</summary>
    public IPEndPoint Endpoint => _server?.Endpoint ?? throw new InvalidOperationException("not started");

    public Uri Url => new($"http://{Endpoint.Address}:{Endpoint.Port}/");

    /// <summary>Path of the cookie file when one was written.</summary>
    public string? CookiePath => _cookiePath;

    public Task Stopped => _stopped.Task;

    public static async Task<RegtestNode> StartAsync(RegtestOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        if (!options.InMemory && options.DataDir is null)
        {
            throw new ArgumentException("a data directory is needed unless InMemory is set", nameof(options));
        }

        byte[]? automineScript = null;
        if (options.AutomineInterval is not null
            && !BitcoinAddress.TryDecode(options.AutomineAddress, BitcoinNetwork.Regtest, out automineScript, out var addressError))
        {
            throw new ArgumentException("automine address is not a regtest address: " + addressError, nameof(options));
        }

        IKeyValueStore<RegtestColumn> store = options.InMemory
            ? new MemoryStore<RegtestColumn>()
            : RocksStore.Open<RegtestColumn>(Path.Combine(options.DataDir!, "regtest", "chainstate"), Schema);
        var engine = new RegtestEngine(store, options.ScriptVerifier ?? new StandardSpendVerifier(), options.TimeProvider);
        var wallets = new WalletManager(store);
        var credentials = string.IsNullOrEmpty(options.RpcPassword)
            ? RpcCredentials.NewCookie()
            : new RpcCredentials(options.RpcUser ?? string.Empty, options.RpcPassword);
        var node = new RegtestNode(options, engine, wallets, credentials, loggerFactory.CreateLogger<RegtestNode>());
        try
        {
            if (credentials.User == RpcCredentials.CookieUser && options.DataDir is not null)
            {
                node._cookiePath = CookieFile.PathFor(options.DataDir);
                CookieFile.Write(node._cookiePath, credentials);
            }

            var table = node.BuildMethodTable();
            var dispatcher = new JsonRpcDispatcher(table, loggerFactory.CreateLogger<JsonRpcDispatcher>());
            node._server = await RpcHttpServer.StartAsync(new IPEndPoint(options.BindAddress, options.RpcPort), dispatcher, credentials, options.Limits, loggerFactory, cancellationToken);
            LogStarted(node._logger, node.Endpoint, engine.Chain.Height, engine.Chain.Tip.Hash);
            if (automineScript is not null)
            {
                node._automine = node.AutomineAsync(options.AutomineInterval!.Value, automineScript, node._shutdown.Token);
            }

            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private RpcMethodTable BuildMethodTable()
    {
        var table = new RpcMethodTable();
        new ChainRpc(Engine).Register(table);
        new MempoolRpc(Engine).Register(table);
        new MiningRpc(Engine, () => _ = StopAsync()).Register(table);
        new WalletRpc(Engine, Wallets).Register(table);
        return table;
    }

    private async Task AutomineAsync(TimeSpan interval, byte[] script, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var hash = Engine.Generate(1, script)[0];
                LogAutomined(_logger, Engine.Chain.Height, hash);
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    /// <summary>Stops serving, waits for in-flight requests, closes the store and removes the cookie.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            await Stopped;
            return;
        }

        try
        {
            await _shutdown.CancelAsync();
            if (_automine is not null)
            {
                await _automine;
            }

            if (_server is not null)
            {
                // Let the reply to a "stop" call go out first.
                await Task.Yield();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _server.StopAsync(timeout.Token);
                await _server.DisposeAsync();
            }

            lock (Engine.SyncRoot)
            {
                Engine.Dispose();
            }

            if (_cookiePath is not null)
            {
                CookieFile.Delete(_cookiePath);
            }

            LogStopped(_logger);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _shutdown.Dispose();
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Regtest bitcoind RPC on {Endpoint}, chain height {Height}, tip {Hash}")]
    private static partial void LogStarted(ILogger logger, IPEndPoint endpoint, int height, Bitcoin.BlockHash hash);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Automined block {Height} {Hash}")]
    private static partial void LogAutomined(ILogger logger, int height, Bitcoin.BlockHash hash);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Regtest bitcoind stopped")]
    private static partial void LogStopped(ILogger logger);
}
