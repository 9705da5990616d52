using Blockstack.Node.Grpc;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Blockstack.Storage;
using Blockstack.Storage.Trie;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

/// <summary>BnsService over the persisted chain index, on Kestrel (127.0.0.1, port 0), called by Grpc.Net.Client.</summary>
[Trait("Category", "Integration")]
public sealed class BnsChainGrpcTests : IAsyncDisposable
{
    private const string ZoneA = "0102030405060708090a0b0c0d0e0f1011121314";
    private readonly BnsTestChain _chain = new();
    private readonly BnsChainIndex _index;
    private WebApplication? _app;
    private GrpcChannel? _channel;

    public BnsChainGrpcTests()
    {
        _index = new BnsChainIndex(new MemoryStore<BnsColumn>(), _chain.Coordinator);
        Tx(0, "namespace-preorder", B(NamespaceHash("id", Salt)), U(BnsPricing.NamespacePrice(2)));
        Tx(0, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, _chain.Keys[0].Principal));
        Tx(0, "namespace-ready", B("id"));
        Tx(1, "name-preorder", B(NameHash("bob", "id", Salt)), U(10_000_000_000));
        Tx(1, "name-register", B("id"), B("bob"), B(Salt), Hx(ZoneA));
    }

    private void Tx(int key, string function, params ClarityValue[] args) => Assert.True(_chain.Tx(_chain.Keys[key], function, args).IsSuccess);

    private async Task<GrpcChannel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddBnsGrpc(_index);
        _app = builder.Build();
        _app.MapBnsGrpc();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _channel = GrpcChannel.ForAddress(address);
        return _channel;
    }

    [Fact]
    public async Task States_SyncingShuttingDown_StatusCodesAndHealth()
    {
        var channel = await StartAsync();
        var bns = new BnsService.BnsServiceClient(channel);
        var health = new Health.HealthClient(channel);
        var request = new HealthCheckRequest { Service = "blockstack.v1.BnsService" };

        _index.State = Blockstack.Bns.BnsServiceState.Syncing;
        var syncing = await Assert.ThrowsAsync<RpcException>(async () => await bns.ResolveNameAsync(new ResolveNameRequest { Name = "bob.id" }));
        Assert.Equal(StatusCode.FailedPrecondition, syncing.StatusCode);
        Assert.StartsWith("bns-not-synced", syncing.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("bns-not-synced", syncing.Trailers.GetValue("bns-error"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(request)).Status);

        _index.State = Blockstack.Bns.BnsServiceState.Synced;
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(request)).Status);
        var resolved = await bns.ResolveNameAsync(new ResolveNameRequest { Name = "bob.id" });
        Assert.Equal(_chain.Keys[1].Principal.ToString(), resolved.Owner);
        Assert.Equal(ZoneA, resolved.ZonefileHash);
        var notFound = await Assert.ThrowsAsync<RpcException>(async () => await bns.ResolveNameAsync(new ResolveNameRequest { Name = "nobody.id" }));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await bns.GetNameAsync(new GetNameRequest { Name = "BOB.id", IncludeProof = true }));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);

        _index.State = Blockstack.Bns.BnsServiceState.ShuttingDown;
        var down = await Assert.ThrowsAsync<RpcException>(async () => await bns.ListNamesAsync(new ListNamesRequest { Namespace = "id" }));
        Assert.Equal(StatusCode.Unavailable, down.StatusCode);
        Assert.StartsWith("bns-shutting-down", down.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(request)).Status);
    }

    [Fact]
    public async Task ResolveName_Repeated_FollowsZonefileStoreAndNewBlocks()
    {
        var content = "$ORIGIN carol.id\n$TTL 3600\n"u8.ToArray();
        var hash = Convert.ToHexStringLower(Hash160.Of(content).ToArray());
        Tx(2, "name-preorder", B(NameHash("carol", "id", Salt)), U(10_000_000_000));
        Tx(2, "name-register", B("id"), B("carol"), B(Salt), Hx(hash));
        _index.State = Blockstack.Bns.BnsServiceState.Synced;
        var bns = new BnsService.BnsServiceClient(await StartAsync());
        var request = new ResolveNameRequest { Name = "carol.id" };

        // Zonefile not stored yet: the answer has none, every time.
        var first = await bns.ResolveNameAsync(request);
        var again = await bns.ResolveNameAsync(request);
        Assert.Equal(hash, first.ZonefileHash);
        Assert.True(first.Zonefile.IsEmpty);
        Assert.Equal(first, again);

        // Stored: the next answers carry it (an answer without it was not kept).
        await bns.PutZonefileAsync(new PutZonefileRequest { Content = Google.Protobuf.ByteString.CopyFrom(content) });
        var stored = await bns.ResolveNameAsync(request);
        Assert.Equal(content, stored.Zonefile.ToByteArray());
        Assert.Equal(stored, await bns.ResolveNameAsync(request));
        Assert.Equal(_chain.Keys[2].Principal.ToString(), stored.Owner);

        // A new block transfers the name: the answer follows the new tip.
        Tx(2, "name-transfer", B("id"), B("carol"), Pr(_chain.Keys[3].Principal), ClarityOptional.None);
        var moved = await bns.ResolveNameAsync(request);
        Assert.Equal(_chain.Keys[3].Principal.ToString(), moved.Owner);
        Assert.Equal(moved, await bns.ResolveNameAsync(request));
        Assert.Equal(Blockstack.Protos.V1.NameStatus.Active, moved.Status);
    }

    [Fact]
    public async Task GetName_IncludeProof_VerifiesAgainstTipStateRoot()
    {
        _index.State = Blockstack.Bns.BnsServiceState.Synced;
        var bns = new BnsService.BnsServiceClient(await StartAsync());

        var name = await bns.GetNameAsync(new GetNameRequest { Name = "bob.id", IncludeProof = true });

        var tip = _chain.Tip;
        Assert.Equal(tip.Id.ToString(), name.Proof.IndexBlockHash);
        Assert.Equal(tip.StateRoot.ToString(), name.Proof.StateRoot);
        Assert.Equal(tip.Height, name.Proof.BlockHeight);
        var root = new TrieRoot(Convert.FromHexString(name.Proof.StateRoot));
        foreach (var p in new[] { name.Proof, name.OwnerProof })
        {
            Assert.True(TrieProof.TryParse(p.Proof.Span, out var proof));
            Assert.True(TrieProof.Verify(root, p.Key.Span, p.Value.Span, present: true, proof!));
            var tampered = p.Value.ToByteArray();
            tampered[^1] ^= 1;
            Assert.False(TrieProof.Verify(root, p.Key.Span, tampered, present: true, proof!));
        }

        Assert.Equal(_chain.Keys[1].Principal, BnsDataLayout.DecodePrincipal(name.OwnerProof.Value.Span));
        Assert.Equal(ZoneA, BnsDataLayout.DecodeNameProperties(name.Proof.Value.Span).ZonefileHash.ToHex());
        var plain = await bns.GetNameAsync(new GetNameRequest { Name = "bob.id" });
        Assert.Null(plain.Proof);
    }

    [Fact]
    public async Task WatchNames_ShortDeadline_DeadlineExceeded_ThenEventsStream()
    {
        _index.State = Blockstack.Bns.BnsServiceState.Synced;
        var bns = new BnsService.BnsServiceClient(await StartAsync());

        using var quiet = bns.WatchNames(new WatchNamesRequest { Namespace = "id" }, deadline: DateTime.UtcNow.AddMilliseconds(300));
        var expired = await Assert.ThrowsAsync<RpcException>(async () => await quiet.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = bns.WatchNames(new WatchNamesRequest { Namespace = "id" }, cancellationToken: cts.Token);
        await watch.ResponseHeadersAsync;
        Tx(2, "name-preorder", B(NameHash("carol", "id", Salt)), U(10_000_000_000));
        Tx(2, "name-register", B("id"), B("carol"), B(Salt), Hx(ZoneA));
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("carol.id", watch.ResponseStream.Current.Name);
        Assert.Equal("register", watch.ResponseStream.Current.Operation);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _index.Dispose();
        _chain.Dispose();
    }
}
