using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Blockstack.Node.Hosting;

/// <summary>
/// Counts gRPC calls by method and final status code into <see cref="NodeMetrics"/>. One instance
/// serves every call (registered as a singleton: grpc-dotnet would otherwise build one per call).
/// </summary>
public sealed class GrpcMetricsInterceptor(NodeMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            metrics.GrpcRequest(context.Method, StatusCode.OK);
            return response;
        }
        catch (RpcException e)
        {
            metrics.GrpcRequest(context.Method, e.StatusCode);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            metrics.GrpcRequest(context.Method, context.CancellationToken.IsCancellationRequested ? StatusCode.Cancelled : StatusCode.OK);
        }
        catch (RpcException e)
        {
            metrics.GrpcRequest(context.Method, e.StatusCode);
            throw;
        }
    }
}

public static class GrpcMetricsExtensions
{
    /// <summary>Adds <see cref="GrpcMetricsInterceptor"/> to every gRPC service (needs a <see cref="NodeMetrics"/> service).</summary>
    public static IServiceCollection AddGrpcMetrics(this IServiceCollection services)
    {
        services.AddSingleton<GrpcMetricsInterceptor>();
        services.AddGrpc(o => o.Interceptors.Add<GrpcMetricsInterceptor>());
        return services;
    }
}
