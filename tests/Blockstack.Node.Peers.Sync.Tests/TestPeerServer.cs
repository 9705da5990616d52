using System.Net;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Peers.Sync.Tests;

/// <summary>What a test server does wrong on purpose.</summary>
public sealed class ServerFaults
{
    /// <summary>After serving this many blocks in all, the server streams half of the next batch and then fails every call UNAVAILABLE (it died).</summary>
    public int? DieAfterBlocks { get; set; }

    /// <summary>Serve every block with one header byte changed (its hash differs).</summary>
    public bool CorruptBlocks { get; set; }

    /// <summary>Serve every zonefile with one byte appended (its hash160 differs).</summary>
    public bool CorruptZonefiles { get; set; }

    /// <summary>Skip the server's chain checks (to test the client's own).</summary>
    public bool AcceptAnyChain { get; set; }
}

/// <summary>The state a test PeerService works on: its node, book, limits and faults, and counters.</summary>
public sealed class TestServerState(FakePeerNode node, PeerBook book)
{
    private int _handshakes;
    private int _blocksServed;
    private int _getBlocksCalls;

    public FakePeerNode Node { get; } = node;

    /// <summary>Replaceable: a new book forgets every session (as after a restart).</summary>
    public PeerBook Book { get; set; } = book;

    public ServerFaults Faults { get; } = new();

    /// <summary>Every session token handed out, with its peer (to tell a banned peer from an unknown session).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, PeerIdentity> Sessions { get; } = new(StringComparer.Ordinal);

    public bool Dead { get; set; }

    /// <summary>The dial-back hook (what the real server's PeerBook event will drive).</summary>
    public Action<PeerIdentity>? InboundHandshake { get; set; }

    public int Handshakes => Volatile.Read(ref _handshakes);

    public int BlocksServed => Volatile.Read(ref _blocksServed);

    public int GetBlocksCalls => Volatile.Read(ref _getBlocksCalls);

    internal void CountHandshake() => Interlocked.Increment(ref _handshakes);

    internal int CountBlock() => Interlocked.Increment(ref _blocksServed);

    internal void CountGetBlocks() => Interlocked.Increment(ref _getBlocksCalls);
}

/// <summary>
/// A test double of the node's PeerService (the real one is written on another branch): the
/// handshake checks, sessions and bans through a <see cref="PeerBook"/>, inventory, blocks,
/// pushes and zonefiles over a <see cref="FakePeerNode"/>, with faults injected on demand.
/// </summary>
public sealed class TestPeerService(TestServerState state) : PeerService.PeerServiceBase
{
    public override Task<HandshakeResponse> Handshake(HandshakeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckAlive();
        state.CountHandshake();
        var node = state.Node;
        var book = state.Book;
        if (!state.Faults.AcceptAnyChain)
        {
            if (request.NetworkId != node.NetworkId || request.ProtocolVersion != PeerOptions.CurrentProtocolVersion
                || !string.Equals(request.FirstBurnBlockHash, node.FirstBurnBlockHash, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(request.GenesisStateRoot, node.GenesisStateRoot, StringComparison.OrdinalIgnoreCase))
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "another network or chain (genesis state root or first burn block differs)"));
            }
        }

        var peer = new PeerIdentity(request.NodeId, request.ListenAddress, request.UserAgent);
        switch (book.TryOpenInbound(peer, out var token))
        {
            case PeerAdmission.Banned:
                throw new RpcException(new Status(StatusCode.PermissionDenied, "banned"));
            case PeerAdmission.Full:
                throw new RpcException(new Status(StatusCode.ResourceExhausted, "no room for another peer"));
            case PeerAdmission.Self:
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "that is this node"));
        }

        state.Sessions[token] = peer;
        state.InboundHandshake?.Invoke(peer);
        var options = book.Options;
        return Task.FromResult(new HandshakeResponse
        {
            NetworkId = node.NetworkId,
            ProtocolVersion = PeerOptions.CurrentProtocolVersion,
            FirstBurnBlockHash = node.FirstBurnBlockHash,
            GenesisStateRoot = node.GenesisStateRoot,
            NodeId = book.NodeId,
            ListenAddress = options.AdvertisedAddress,
            UserAgent = "test-peer",
            Tips = node.GetTips(),
            SessionToken = token,
            MaxMessageBytes = (uint)options.MaxMessageBytes,
            MaxBlocksPerRequest = (uint)options.MaxBlocksPerRequest,
            MaxInventoryEntries = (uint)options.MaxInventoryEntries,
            MaxZonefilesPerRequest = (uint)options.MaxZonefilesPerRequest,
        });
    }

    public override Task<BlockInventory> GetBlockInventory(BlockInventoryRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Session(context);
        var count = (int)Math.Min(request.Count, (uint)state.Book.Options.MaxInventoryEntries);
        var inventory = new BlockInventory { Tips = state.Node.GetTips() };
        inventory.Entries.Add(state.Node.GetInventory(request.StartBurnHeight, count));
        return Task.FromResult(inventory);
    }

    public override async Task GetBlocks(GetBlocksRequest request, IServerStreamWriter<BlockData> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        Session(context);
        state.CountGetBlocks();
        if (request.Blocks.Count > state.Book.Options.MaxBlocksPerRequest)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "too many blocks"));
        }

        var served = 0;
        foreach (var r in request.Blocks)
        {
            if (state.Faults.DieAfterBlocks is { } limit && state.BlocksServed >= limit && served >= request.Blocks.Count / 2)
            {
                state.Dead = true;
                throw new RpcException(new Status(StatusCode.Unavailable, "the test peer died"));
            }

            var bytes = state.Node.GetBlockBytes(null, StacksBlockHash.Parse(r.BlockHash));
            if (bytes is null)
            {
                continue;
            }

            if (state.Faults.CorruptBlocks)
            {
                bytes = (byte[])bytes.Clone();
                bytes[200] ^= 0xff;
            }

            await responseStream.WriteAsync(new BlockData { ConsensusHash = r.ConsensusHash, Block = ByteString.CopyFrom(bytes) });
            state.CountBlock();
            served++;
        }
    }

    public override Task<PushResult> PushBlock(BlockData request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var peer = Session(context);
        return Task.FromResult(Answer(state.Node.OfferBlock(request.Block.Memory, peer), peer));
    }

    public override Task<PushResult> PushTransaction(TransactionData request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var peer = Session(context);
        return Task.FromResult(Answer(state.Node.OfferTransaction(request.Transaction.Memory, peer), peer));
    }

    public override Task<PushResult> PushZonefile(ZonefileData request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var peer = Session(context);
        return Task.FromResult(Answer(state.Node.OfferZonefile(request.Content.Memory, peer), peer));
    }

    public override async Task GetZonefiles(GetZonefilesRequest request, IServerStreamWriter<ZonefileData> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        Session(context);
        foreach (var hash in request.Hashes)
        {
            var content = state.Node.GetZonefile(Convert.FromHexString(hash));
            if (content is null)
            {
                continue;
            }

            if (state.Faults.CorruptZonefiles)
            {
                content = [.. content, 0x0a];
            }

            await responseStream.WriteAsync(new ZonefileData { Hash = hash, Content = ByteString.CopyFrom(content) });
        }
    }

    private PushResult Answer(OfferResult offer, PeerIdentity peer)
    {
        if (offer.Status == OfferStatus.Invalid)
        {
            state.Book.Ban(peer, offer.Message);
        }

        return new PushResult
        {
            Accepted = offer.Status == OfferStatus.Accepted,
            Duplicate = offer.Status == OfferStatus.Duplicate,
            Code = offer.Code,
            Message = offer.Message,
        };
    }

    private void CheckAlive()
    {
        if (state.Dead)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the test peer is dead"));
        }
    }

    private PeerIdentity Session(ServerCallContext context)
    {
        CheckAlive();
        var token = context.RequestHeaders.GetValue(PeerConnection.SessionHeader);
        if (state.Book.FindSession(token) is { } peer)
        {
            return peer;
        }

        var banned = token is not null && state.Sessions.TryGetValue(token, out var known) && state.Book.IsBanned(known);
        throw new RpcException(banned ? new Status(StatusCode.PermissionDenied, "banned") : new Status(StatusCode.Unauthenticated, "no session"));
    }
}

/// <summary>A Kestrel on 127.0.0.1 serving <see cref="TestPeerService"/>.</summary>
public sealed class TestPeerHost : IAsyncDisposable
{
    private WebApplication? _app;

    private TestPeerHost(TestServerState state) => State = state;

    public TestServerState State { get; }

    public PeerAddress Address { get; private set; }

    /// <summary>Starts on <paramref name="port"/> (0: the system picks).</summary>
    public static async Task<TestPeerHost> StartAsync(TestServerState state, int port = 0)
    {
        var host = new TestPeerHost(state);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = state.Book.Options.MaxMessageBytes;
            o.MaxSendMessageSize = state.Book.Options.MaxMessageBytes;
        });
        builder.Services.AddSingleton(state);
        host._app = builder.Build();
        host._app.MapGrpcService<TestPeerService>();
        await host._app.StartAsync();
        var address = host._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        if (!PeerAddress.TryParse(new Uri(address).Authority, out var parsed, out var error))
        {
            throw new InvalidOperationException(error);
        }

        host.Address = parsed;
        return host;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
