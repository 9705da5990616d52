using Blockstack.Bns;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Blockstack.Node.Grpc;

/// <summary>Wires BnsService, grpc.health.v1 and server reflection into an ASP.NET Core host.</summary>
public static class BnsGrpcHost
{
    /// <summary>Largest request the server accepts (PutZonefile carries up to 1 MiB of zonefile).</summary>
    public const int MaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Largest response the server sends (pages are capped at 1000 names).</summary>
    public const int MaxSendMessageSize = 16 * 1024 * 1024;

    /// <summary>Registers gRPC, the BNS queries, health (service <c>blockstack.v1.BnsService</c>) and reflection.</summary>
    public static IServiceCollection AddBnsGrpc(this IServiceCollection services, IBnsQueries queries, bool enableReflection = true)
    {
        ArgumentNullException.ThrowIfNull(queries);
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxReceiveMessageSize;
            o.MaxSendMessageSize = MaxSendMessageSize;
            o.EnableDetailedErrors = false;
        });
        services.AddSingleton(queries);

        // One service instance for every call (grpc-dotnet activates a new one per call otherwise):
        // it holds no per-call state, and its answer cache must outlive a call.
        services.AddSingleton<BnsGrpcService>();
        services.AddGrpcHealthChecks(o => o.Services.Map("blockstack.v1.BnsService", r => r.Tags.Contains("bns")))
            .AddCheck("bns", () => queries.State == BnsServiceState.Synced ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(queries.State.ToString()), ["bns"]);
        if (enableReflection)
        {
            services.AddGrpcReflection();
        }

        return services;
    }

    public static IEndpointRouteBuilder MapBnsGrpc(this IEndpointRouteBuilder endpoints, bool enableReflection = true)
    {
        endpoints.MapGrpcService<BnsGrpcService>();
        endpoints.MapGrpcHealthChecksService();
        if (enableReflection)
        {
            endpoints.MapGrpcReflectionService();
        }

        return endpoints;
    }
}
