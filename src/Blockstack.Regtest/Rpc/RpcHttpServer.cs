using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blockstack.Regtest.Rpc;

/// <summary>Limits of the HTTP front end.</summary>
public sealed record RpcServerLimits
{
    /// <summary>Largest request body accepted (bitcoind's MAX_SIZE, 32 MiB); larger gets HTTP 413.</summary>
    public long MaxBodyBytes { get; init; } = 0x0200_0000;

    /// <summary>Requests handled at once; beyond this bitcoind answers 503 "Work queue depth exceeded".</summary>
    public int WorkQueueDepth { get; init; } = 64;
}

/// <summary>
/// Kestrel on 127.0.0.1 speaking bitcoind's HTTP rules: POST only (405 otherwise), Basic auth on every
/// request (401 with <c>WWW-Authenticate: Basic realm="jsonrpc"</c>, empty body), <c>/</c> and
/// <c>/wallet/&lt;name&gt;</c>, a body size limit (413) and a work-queue limit (503).
/// </summary>
public sealed partial class RpcHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly JsonRpcDispatcher _dispatcher;
    private readonly RpcCredentials _credentials;
    private readonly RpcServerLimits _limits;
    private readonly ILogger _logger;
    private int _inFlight;

    private RpcHttpServer(WebApplication app, JsonRpcDispatcher dispatcher, RpcCredentials credentials, RpcServerLimits limits, ILogger logger)
    {
        _app = app;
        _dispatcher = dispatcher;
        _credentials = credentials;
        _limits = limits;
        _logger = logger;
    }

    /// <summary>The bound endpoint (the real port when 0 was asked for).</summary>
    public IPEndPoint Endpoint { get; private set; } = new(IPAddress.Loopback, 0);

    public static async Task<RpcHttpServer> StartAsync(IPEndPoint bind, JsonRpcDispatcher dispatcher, RpcCredentials credentials, RpcServerLimits limits, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(limits);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(bind);
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
        });
        var app = builder.Build();
        var server = new RpcHttpServer(app, dispatcher, credentials, limits, loggerFactory.CreateLogger<RpcHttpServer>());
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new IPEndPoint(bind.Address, new Uri(address).Port);
        return server;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            await response.WriteAsync("JSONRPC server handles only POST requests", context.RequestAborted);
            return;
        }

        string? wallet = null;
        var path = request.Path.Value ?? "/";
        if (path.StartsWith("/wallet/", StringComparison.Ordinal))
        {
            wallet = Uri.UnescapeDataString(path["/wallet/".Length..]);
        }
        else if (path != "/")
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(authorization) || !_credentials.Matches(authorization))
        {
            if (!string.IsNullOrEmpty(authorization))
            {
                LogBadAuth(_logger, context.Connection.RemoteIpAddress?.ToString() ?? "?");
                await Task.Delay(250, context.RequestAborted); // bitcoind slows down password guessing the same way
            }

            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = "Basic realm=\"jsonrpc\"";
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > _limits.WorkQueueDepth)
        {
            Interlocked.Decrement(ref _inFlight);
            LogOverloaded(_logger);
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await response.WriteAsync("Work queue depth exceeded", context.RequestAborted);
            return;
        }

        try
        {
            byte[] body;
            try
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, context.RequestAborted);
                body = buffer.ToArray();
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                LogTooLarge(_logger, _limits.MaxBodyBytes);
                response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            var reply = _dispatcher.Handle(body, wallet, context.RequestAborted);
            response.StatusCode = reply.StatusCode;
            if (reply.Body is not null)
            {
                response.ContentType = "application/json";
                response.ContentLength = reply.Body.Length;
                await response.Body.WriteAsync(reply.Body, context.RequestAborted);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(EventId = 9110, Level = LogLevel.Warning, Message = "RPC incorrect password attempt from {Peer}")]
    private static partial void LogBadAuth(ILogger logger, string peer);

    [LoggerMessage(EventId = 9111, Level = LogLevel.Warning, Message = "RPC request body larger than {Limit} bytes refused")]
    private static partial void LogTooLarge(ILogger logger, long limit);

    [LoggerMessage(EventId = 9112, Level = LogLevel.Warning, Message = "RPC work queue depth exceeded")]
    private static partial void LogOverloaded(ILogger logger);
}
