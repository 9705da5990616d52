using Blockstack.Bns;
using Blockstack.Node.Config;
using Blockstack.Node.Runtime;
using Blockstack.Regtest;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace Blockstack.Node.Hosting;

/// <summary>
/// What the runtime gives the host: the backend the services read, the loop to run until cancelled,
/// and what to dispose after it (stores). <see cref="Bns"/> is null until the BNS index is wired
/// (BnsService then answers FAILED_PRECONDITION); <see cref="MempoolSize"/> feeds the metric.
/// </summary>
public sealed record NodeRuntimeParts(INodeBackend Backend, Func<CancellationToken, Task> Run, IAsyncDisposable Lifetime)
{
    public IBnsQueries? Bns { get; init; }

    public Func<int>? MempoolSize { get; init; }

    /// <summary>The miner's counters, when the node mines.</summary>
    public Blockstack.Mining.MinerMetrics? Miner { get; init; }

    /// <summary>The peer network's parts (peer table, the node as peers see it); null: no peer network.</summary>
    public PeerComposition? Peers { get; init; }
}

/// <summary>Builds the runtime from the validated config (the seam the integration step fills).</summary>
public delegate Task<NodeRuntimeParts> NodeRuntimeFactory(NodeConfig config, ILoggerFactory loggers, CancellationToken cancellationToken);

/// <summary>Exit codes of <c>blockstack-node</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int ConfigError = 2;
    public const int BurnchainUnreachable = 3;
}

/// <summary>
/// The one place where <c>start</c> is put together: config → (probe bitcoind | embedded regtest
/// burnchain) → runtime → host → run → ordered shutdown. Nothing is written to the data
/// directory before every check has passed.
/// </summary>
public static partial class NodeComposition
{
    /// <summary>The real runtime: <see cref="RuntimeComposition.CreateAsync"/>.</summary>
    public static NodeRuntimeFactory? DefaultRuntime => RuntimeComposition.CreateAsync;

    /// <summary>
    /// Runs the node until <paramref name="cancellationToken"/> (SIGINT/SIGTERM) or the runtime ends.
    /// <paramref name="started"/> is called with the host once it serves (tests use it to find the ports).
    /// </summary>
    public static async Task<int> RunAsync(NodeConfig config, NodeRuntimeFactory? runtime, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, Action<NodeHost>? started = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        // Phase 1: checks that write nothing. Logs go to the console only.
        RegtestSettings? regtest = null;
        if (config.Burnchain.Mode == BurnchainMode.Embedded)
        {
            regtest = RegtestProfile.Prepare(config);
            config = regtest.Config;
        }
        else
        {
            var problem = await BurnchainProbe.ProbeAsync(config.Burnchain, config.Node.Network, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                await stderr.WriteLineAsync("error: " + problem).ConfigureAwait(false);
                return ExitCodes.BurnchainUnreachable;
            }
        }

        if (runtime is null)
        {
            await stderr.WriteLineAsync("error: runtime not wired: this build has no NodeRuntime behind 'start' yet (configuration checked; nothing written)").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        // Phase 2: the data directory and the full logger (its file lives there).
        try
        {
            Directory.CreateDirectory(config.Node.DataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: cannot create the data directory {config.Node.DataDir}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        using var serilog = NodeLogging.Create(config.Logging);
        using var loggers = new SerilogLoggerFactory(serilog);
        var log = loggers.CreateLogger("Blockstack.Node");
        var version = Grpc.NodeGrpcService.Version;
        LogStarting(log, config.Node.Name, config.Node.Network, version);
        foreach (var (path, value) in NodeLogging.Effective(config))
        {
            LogSetting(log, path, value);
        }

        RegtestNode? burnchain = null;
        NodeRuntimeParts? parts = null;
        NodeHost? host = null;
        Peers.PeerHost? peerHost = null;
        using var runCts = new CancellationTokenSource();
        Task? run = null;
        var exit = ExitCodes.Ok;
        try
        {
            if (regtest is not null)
            {
                (burnchain, config) = await RegtestProfile.StartBurnchainAsync(regtest, loggers, cancellationToken).ConfigureAwait(false);
                await stdout.WriteAsync(RegtestProfile.Banner(regtest)).ConfigureAwait(false);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            parts = await runtime(config, loggers, cancellationToken).ConfigureAwait(false);
            var metrics = new NodeMetrics { MempoolSize = parts.MempoolSize, Miner = parts.Miner };
            host = NodeHost.Create(new NodeHostOptions(config.Node.GrpcBind, config.Node.PrometheusBind), parts.Backend, parts.Bns ?? new UnavailableBnsQueries(), loggers, metrics);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var grpcAt = host.GrpcEndpoint.ToString();
            var metricsAt = host.MetricsEndpoint?.ToString() ?? "off";
            LogServing(log, grpcAt, metricsAt);
            if (parts.Peers is { } peers && peers.Options.Bind is { } p2pBind)
            {
                // The p2p listener: PeerService only, on its own port.
                peerHost = Peers.PeerHost.Create(p2pBind, peers.Server, loggers);
                await peerHost.StartAsync(cancellationToken).ConfigureAwait(false);
                peers.Listening(peerHost.Endpoint);
                host.PeerEndpoint = peerHost.Endpoint;
                LogServingPeers(log, peerHost.Endpoint, peers.Server.ListenAddress);
            }

            started?.Invoke(host);

            run = parts.Run(runCts.Token);
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var onSignal = cancellationToken.Register(() => stopping.TrySetResult());
            using var onHostStop = host.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
            var first = await Task.WhenAny(stopping.Task, run).ConfigureAwait(false);
            if (first == run && run.IsFaulted)
            {
                LogRuntimeFailed(log, run.Exception!.GetBaseException());
                exit = ExitCodes.Failure;
            }

            LogStopping(log);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopping(log);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stops the start (a store that will not open, a port in use, a runtime that
            // refuses the config) ends here with one clear line and exit code 1, never a crash.
            await stderr.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            LogStartFailed(log, e);
            exit = ExitCodes.Failure;
        }
        finally
        {
            // Order: the p2p listener, then services UNAVAILABLE + health NOT_SERVING and Kestrel
            // stopped, then the runtime, then the stores.
            if (peerHost is not null)
            {
                await peerHost.DisposeAsync().ConfigureAwait(false);
            }

            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            await runCts.CancelAsync().ConfigureAwait(false);
            if (run is not null)
            {
                try
                {
                    await run.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The runtime's normal way out.
                }
                catch (Exception e) when (exit == ExitCodes.Ok)
                {
                    LogRuntimeFailed(log, e);
                    exit = ExitCodes.Failure;
                }
            }

            if (parts is not null)
            {
                await parts.Lifetime.DisposeAsync().ConfigureAwait(false);
            }

            if (burnchain is not null)
            {
                await burnchain.DisposeAsync().ConfigureAwait(false);
            }

            LogStopped(log, exit);
        }

        return exit;
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "Starting {NodeName} on {Network}, version {Version}")]
    private static partial void LogStarting(ILogger logger, string nodeName, string network, string version);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "config {Key} = {Value}")]
    private static partial void LogSetting(ILogger logger, string key, string value);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Serving gRPC on {GrpcEndpoint}, metrics on {MetricsEndpoint}")]
    private static partial void LogServing(ILogger logger, string grpcEndpoint, string metricsEndpoint);

    [LoggerMessage(EventId = 9107, Level = LogLevel.Information, Message = "Serving PeerService on {PeerEndpoint}, advertised as {Advertised}")]
    private static partial void LogServingPeers(ILogger logger, System.Net.IPEndPoint peerEndpoint, string advertised);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "Stopping: services unavailable, then runtime, then stores")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Information, Message = "Stopped (exit code {ExitCode})")]
    private static partial void LogStopped(ILogger logger, int exitCode);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Error, Message = "The runtime failed")]
    private static partial void LogRuntimeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9106, Level = LogLevel.Error, Message = "The node could not start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
