using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Peers;

/// <summary>
/// The p2p listener: its own small Kestrel (HTTP/2 without TLS) on <c>[p2p] bind</c>, serving
/// <c>blockstack.v1.PeerService</c> only (never on the client gRPC port), with messages bounded by
/// <see cref="PeerOptions.MaxMessageBytes"/> both ways (a larger one fails RESOURCE_EXHAUSTED).
/// </summary>
public sealed class PeerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions? _listen;
    private bool _started;

    private PeerHost(WebApplication app, PeerServerContext context, ListenOptions? listen)
    {
        _app = app;
        Context = context;
        _listen = listen;
    }

    public PeerServerContext Context { get; }

    /// <summary>The bound endpoint (the real port when bind said 0).</summary>
    public IPEndPoint Endpoint => _listen?.IPEndPoint ?? throw new InvalidOperationException("not started");

    public static PeerHost Create(IPEndPoint bind, PeerServerContext context, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton(context);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(bind, lo =>
            {
                lo.Protocols = HttpProtocols.Http2;
                listen = lo;
            });
        });
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = context.Options.MaxMessageBytes;
            o.MaxSendMessageSize = context.Options.MaxMessageBytes;
            o.EnableDetailedErrors = false;
        });
        var app = builder.Build();
        app.Lifetime.ApplicationStopping.Register(context.MarkStopping);
        app.MapGrpcService<PeerGrpcService>();
        return new PeerHost(app, context, listen);
    }

    /// <summary>Starts listening; the context's listen address becomes the bound one unless <c>advertise</c> names another.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
        if (Context.Options.Advertise is null)
        {
            Context.ListenAddress = Endpoint.ToString();
        }
    }

    /// <summary>Turns every call UNAVAILABLE, then stops Kestrel.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Context.MarkStopping();
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
    }
}
