using System.Text.Json.Nodes;
using Blockstack.Node.Grpc;
using Blockstack.Stacks;
using Blockstack.Storage;
using Blockstack.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

/// <summary>BnsService on a real Kestrel (127.0.0.1, port 0) called by @grpc/grpc-js with the repo's .proto.</summary>
[Trait("Category", "Integration")]
public sealed class BnsGrpcTests : IAsyncDisposable
{
    private readonly BnsHarness _bns = new();
    private readonly BnsIndex _index;
    private WebApplication? _app;
    private int _tx;

    public BnsGrpcTests()
    {
        _index = new BnsIndex(_bns.State, new MemoryStore<BnsColumn>());
    }

    private void Tx(Principal sender, string function, params ClarityValue[] args)
    {
        var h = _bns.Height;
        var r = _bns.Tx(sender, function, args);
        _index.ApplyBlock(h, [new BnsCallRecord($"{++_tx:x64}", function, args, r)]);
    }

    private async Task<string> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddBnsGrpc(_index);
        _app = builder.Build();
        _app.MapBnsGrpc();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Authority;
    }

    [Fact]
    public async Task GrpcJsClient_ResolvePagingErrorsAndDeadlines_AsDocumented()
    {
        Tx(Alice, "namespace-preorder", B(NamespaceHash("id", Salt)), U(64_000_000_000));
        Tx(Alice, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Alice));
        Tx(Alice, "namespace-ready", B("id"));
        foreach (var (who, name) in new[] { (Bob, "bob"), (Carol, "carol"), (Dave, "dave"), (Alice, "alice"), })
        {
            Tx(who, "name-preorder", B(NameHash(name, "id", Salt)), U(10_000_000_000));
            Tx(who, "name-register", B("id"), B(name), B(Salt), Hx("0102030405060708090a0b0c0d0e0f1011121314"));
        }

        _index.State = BnsServiceState.Synced;
        var authority = await StartAsync();
        var report = JsonNode.Parse(await Task.Run(() => NodeJs.Run("bns-grpc-client.js", "", authority)))!;

        Assert.Equal(0, (int)report["resolve"]!["code"]!);
        Assert.Equal(Bob.ToString(), (string)report["resolve"]!["res"]!["owner"]!);
        Assert.Equal("ACTIVE", (string)report["resolve"]!["res"]!["status"]!);
        Assert.Equal(5, (int)report["notFound"]!["code"]!); // NOT_FOUND
        Assert.StartsWith("bns-name-not-found", (string)report["notFound"]!["details"]!, StringComparison.Ordinal);
        Assert.Equal(3, (int)report["invalid"]!["code"]!); // INVALID_ARGUMENT
        Assert.StartsWith("bns-name-invalid", (string)report["invalid"]!["details"]!, StringComparison.Ordinal);
        Assert.Equal(3, (int)report["empty"]!["code"]!);
        Assert.Equal(5, (int)report["unknownNamespace"]!["code"]!);
        Assert.Equal(3, (int)report["negativePage"]!["code"]!);
        Assert.Equal(3, (int)report["badToken"]!["code"]!);
        Assert.Equal(3, (int)report["mismatch"]!["code"]!); // token of another request
        Assert.Equal(["alice.id", "bob.id", "carol.id", "dave.id"], report["pagedNames"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(2, (int)report["pages"]!);
        Assert.Equal("160000", (string)report["namePrice"]!["res"]!["amountUstx"]!);
        Assert.True((bool)report["namespace"]!["res"]!["launched"]!);
        Assert.Equal("register", (string)report["history"]!["res"]!["entries"]![0]!["operation"]!);
        Assert.Equal(4, (int)report["watch"]!["code"]!); // DEADLINE_EXCEEDED
    }

    [Fact]
    public void StatusFor_Codes_MapToCanonicalStatus()
    {
        Assert.Equal(Grpc.Core.StatusCode.NotFound, BnsGrpcService.StatusFor(BnsQueryErrors.NameNotFound));
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, BnsGrpcService.StatusFor(BnsQueryErrors.NotSynced));
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, BnsGrpcService.StatusFor(BnsQueryErrors.ShuttingDown));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, BnsGrpcService.StatusFor(BnsQueryErrors.PageTokenInvalid));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _index.Dispose();
    }
}
