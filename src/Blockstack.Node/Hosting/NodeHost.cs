using System.Net;
using Blockstack.Bns;
using Blockstack.Node.Grpc;
using Blockstack.Node.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Hosting;

/// <summary>What the host serves and where.</summary>
/// <param name="GrpcBind">gRPC (HTTP/2 without TLS): NodeService, BnsService, health, reflection.</param>
/// <param name="PrometheusBind">Prometheus text exposition over HTTP/1.1, or null for none.</param>
/// <param name="EnableReflection">Serve grpc.reflection.v1alpha.</param>
public sealed record NodeHostOptions(IPEndPoint GrpcBind, IPEndPoint? PrometheusBind, bool EnableReflection = true);

/// <summary>
/// Kestrel with the node's gRPC services and the metrics endpoint. Health (<c>grpc.health.v1</c>)
/// answers NOT_SERVING for <c>""</c>, <c>blockstack.v1.NodeService</c> and
/// <c>blockstack.v1.BnsService</c> until the node is synced and again from the moment the host
/// starts stopping; the services then answer UNAVAILABLE.
/// </summary>
public sealed partial class NodeHost : IAsyncDisposable
{
    public const string NodeServiceName = "blockstack.v1.NodeService";
    public const string BnsServiceName = "blockstack.v1.BnsService";

    private readonly WebApplication _app;
    private readonly ListenOptions? _grpcListen;
    private readonly ListenOptions? _metricsListen;
    private bool _started;

    private NodeHost(WebApplication app, NodeServiceState state, NodeMetrics metrics, ListenOptions? grpcListen, ListenOptions? metricsListen)
    {
        _app = app;
        State = state;
        Metrics = metrics;
        _grpcListen = grpcListen;
        _metricsListen = metricsListen;
    }

    public NodeServiceState State { get; }

    public NodeMetrics Metrics { get; }

    public IHostApplicationLifetime Lifetime => _app.Lifetime;

    /// <summary>The bound gRPC endpoint (the real port when the config said 0).</summary>
    public IPEndPoint GrpcEndpoint => _grpcListen?.IPEndPoint ?? throw new InvalidOperationException("not started");

    /// <summary>The p2p listener's bound endpoint (a separate Kestrel), or null when it is off or not started.</summary>
    public IPEndPoint? PeerEndpoint { get; internal set; }

    /// <summary>The bound metrics endpoint, or null when metrics are off.</summary>
    public IPEndPoint? MetricsEndpoint => _metricsListen?.IPEndPoint;

    public static NodeHost Create(NodeHostOptions options, INodeBackend backend, IBnsQueries bns, ILoggerFactory loggerFactory, NodeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(bns);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        metrics ??= new NodeMetrics();
        metrics.Track(backend);
        var state = new NodeServiceState();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(backend);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(metrics);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        ListenOptions? grpcListen = null;
        ListenOptions? metricsListen = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(options.GrpcBind, lo =>
            {
                lo.Protocols = HttpProtocols.Http2;
                grpcListen = lo;
            });
            if (options.PrometheusBind is { } pb)
            {
                k.Listen(pb, lo =>
                {
                    lo.Protocols = HttpProtocols.Http1;
                    metricsListen = lo;
                });
            }
        });

        builder.Services.AddBnsGrpc(bns, options.EnableReflection);
        builder.Services.AddGrpcMetrics();
        builder.Services.AddHealthChecks()
            .AddCheck("host", () => state.IsStopping || backend.IsShuttingDown ? HealthCheckResult.Unhealthy("stopping") : HealthCheckResult.Healthy(), ["node", "bns"])
            .AddCheck("node", () => backend.GetSyncStatus().Synced ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("syncing"), ["node"]);
        builder.Services.Configure<global::Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(o =>
        {
            o.Services.Map("", _ => true);
            o.Services.Map(NodeServiceName, r => r.Tags.Contains("node"));
        });
        builder.Services.AddHostedService<BlockCounter>();

        var app = builder.Build();
        app.Lifetime.ApplicationStopping.Register(state.MarkStopping);
        app.MapWhen(
            ctx => options.PrometheusBind is not null && !HttpProtocol.IsHttp2(ctx.Request.Protocol),
            branch => branch.Run(async ctx =>
            {
                ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
            }));
        app.MapGrpcService<NodeGrpcService>();
        app.MapBnsGrpc(options.EnableReflection);
        return new NodeHost(app, state, metrics, grpcListen, metricsListen);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
    }

    /// <summary>Flips the services to UNAVAILABLE and health to NOT_SERVING, then stops Kestrel.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        State.MarkStopping();
        if (_started)
        {
            _started = false;
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        State.Dispose();
    }

    /// <summary>
    /// Counts Stacks blocks that become canonical while the host runs. The subscription starts
    /// inside <see cref="StartAsync"/> (not on a background thread later), so no block accepted after
    /// the host started is missed.
    /// </summary>
    private sealed class BlockCounter(INodeBackend backend, NodeMetrics metrics, ILoggerFactory loggers) : IHostedService, IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _loop;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var blocks = backend.WatchCanonicalBlocks(_stop.Token).GetAsyncEnumerator(_stop.Token);
            var first = blocks.MoveNextAsync();
            _loop = CountAsync(blocks, first);
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            if (_loop is not null)
            {
                await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose() => _stop.Dispose();

        private async Task CountAsync(IAsyncEnumerator<Chain.BlockRecord> blocks, ValueTask<bool> first)
        {
            await using (blocks.ConfigureAwait(false))
            {
                try
                {
                    var more = await first.ConfigureAwait(false);
                    while (more)
                    {
                        metrics.BlockProcessed();
                        more = await blocks.MoveNextAsync().ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    // Host stopping.
                }
                catch (Exception e) when (e is InvalidOperationException or IOException)
                {
                    Log.BlockCounterStopped(loggers.CreateLogger<NodeHost>(), e);
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "The block counter stopped; blocks_processed_total no longer moves")]
        public static partial void BlockCounterStopped(ILogger logger, Exception exception);
    }
}
