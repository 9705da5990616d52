using Blockstack.Bitcoin;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Peers;

/// <summary>Reason codes of the peer service (the <c>peer-error</c> trailer; docs/peer-protocol.md).</summary>
public static class PeerErrors
{
    public const string Trailer = "peer-error";
    public const string SessionHeader = "blockstack-session";

    public const string NetworkMismatch = "peer-network-mismatch";
    public const string VersionMismatch = "peer-version-mismatch";
    public const string ChainMismatch = "peer-chain-mismatch";
    public const string GenesisMismatch = "peer-genesis-mismatch";
    public const string Self = "peer-self";
    public const string Banned = "peer-banned";
    public const string Full = "peer-full";
    public const string NoSession = "peer-no-session";
    public const string BadRequest = "peer-bad-request";
    public const string ShuttingDown = "node-shutting-down";
}

/// <summary>What the peer service serves from: the node, the peer table, the limits, and whether the node is stopping.</summary>
public sealed class PeerServerContext(IPeerNode node, PeerBook book, Func<bool>? isShuttingDown = null)
{
    private volatile bool _stopping;

    public IPeerNode Node { get; } = node ?? throw new ArgumentNullException(nameof(node));

    public PeerBook Book { get; } = book ?? throw new ArgumentNullException(nameof(book));

    public PeerOptions Options => Book.Options;

    /// <summary>True once the node or the peer host started stopping: every call answers UNAVAILABLE.</summary>
    public bool IsStopping => _stopping || (isShuttingDown?.Invoke() ?? false);

    /// <summary>host:port this node tells peers to dial (<see cref="PeerBook.ListenAddress"/>: the bound port once the listener runs).</summary>
    public string ListenAddress
    {
        get => Book.ListenAddress;
        set => Book.ListenAddress = value;
    }

    public void MarkStopping() => _stopping = true;
}

/// <summary>
/// <c>blockstack.v1.PeerService</c>, the node's side of the peer wire (docs/peer-protocol.md):
/// sessions opened by Handshake and checked on every other call, bounded inventory and block and
/// zonefile reads, and pushes handed to <see cref="IPeerNode"/>. A push the node finds invalid bans
/// the sender (node id and listen address) for <see cref="PeerOptions.BanDuration"/>; its later
/// calls answer PERMISSION_DENIED. Nothing a peer sends reaches the node's state unless valid.
/// </summary>
public sealed partial class PeerGrpcService(PeerServerContext server, ILogger<PeerGrpcService> logger) : PeerService.PeerServiceBase
{
    public const int MaxUserAgentLength = 256;

    public static string UserAgent { get; } = "blockstack-node/" + Grpc.NodeGrpcService.Version;

    private IPeerNode Node => server.Node;

    private PeerBook Book => server.Book;

    private PeerOptions Options => server.Options;

    public override Task<HandshakeResponse> Handshake(HandshakeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        NotStopping();
        if (request.NetworkId != Node.NetworkId)
        {
            throw Fail(PeerErrors.NetworkMismatch, StatusCode.FailedPrecondition, $"network id 0x{request.NetworkId:x8} is not this node's 0x{Node.NetworkId:x8}");
        }

        if (request.ProtocolVersion != PeerOptions.CurrentProtocolVersion)
        {
            throw Fail(PeerErrors.VersionMismatch, StatusCode.FailedPrecondition, $"protocol version {request.ProtocolVersion} is not this node's {PeerOptions.CurrentProtocolVersion}");
        }

        if (!string.Equals(request.FirstBurnBlockHash, Node.FirstBurnBlockHash, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail(PeerErrors.ChainMismatch, StatusCode.FailedPrecondition, $"first burn block {Trim(request.FirstBurnBlockHash)} is not this node's {Node.FirstBurnBlockHash}");
        }

        if (!string.Equals(request.GenesisStateRoot, Node.GenesisStateRoot, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail(PeerErrors.GenesisMismatch, StatusCode.FailedPrecondition, $"genesis state root {Trim(request.GenesisStateRoot)} is not this node's {Node.GenesisStateRoot} (other genesis accounts?)");
        }

        if (request.NodeId.Length != 64 || !IsHex(request.NodeId))
        {
            throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"node_id must be 64 hex digits (got '{Trim(request.NodeId)}')");
        }

        var listen = "";
        if (request.ListenAddress.Length > 0)
        {
            if (!PeerAddress.TryParse(request.ListenAddress, out var address, out var error))
            {
                throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"listen_address: {error}");
            }

            listen = address.ToString();
        }

        if (request.UserAgent.Length > MaxUserAgentLength)
        {
            throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"user_agent is longer than {MaxUserAgentLength} characters");
        }

        var peer = new PeerIdentity(request.NodeId.ToLowerInvariant(), listen, request.UserAgent);
        switch (Book.TryOpenInbound(peer, out var token))
        {
            case PeerAdmission.Self:
                throw Fail(PeerErrors.Self, StatusCode.FailedPrecondition, "node_id is this node's own: a node does not peer with itself");
            case PeerAdmission.Banned:
                throw Fail(PeerErrors.Banned, StatusCode.PermissionDenied, "this peer is banned for sending invalid data");
            case PeerAdmission.Full:
                throw Fail(PeerErrors.Full, StatusCode.ResourceExhausted, $"this node already has {Options.MaxPeers} peers");
        }

        LogHandshake(logger, peer, peer.UserAgent);

        return Task.FromResult(new HandshakeResponse
        {
            NetworkId = Node.NetworkId,
            ProtocolVersion = PeerOptions.CurrentProtocolVersion,
            FirstBurnBlockHash = Node.FirstBurnBlockHash,
            GenesisStateRoot = Node.GenesisStateRoot,
            NodeId = Book.NodeId,
            ListenAddress = server.ListenAddress,
            UserAgent = UserAgent,
            Tips = Node.GetTips(),
            SessionToken = token,
            MaxMessageBytes = (uint)Options.MaxMessageBytes,
            MaxBlocksPerRequest = (uint)Options.MaxBlocksPerRequest,
            MaxInventoryEntries = (uint)Options.MaxInventoryEntries,
            MaxZonefilesPerRequest = (uint)Options.MaxZonefilesPerRequest,
        });
    }

    public override Task<BlockInventory> GetBlockInventory(BlockInventoryRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Session(context);
        if (request.Count == 0)
        {
            throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, "count must be at least 1");
        }

        var count = (int)Math.Min(request.Count, (uint)Options.MaxInventoryEntries);
        var inventory = new BlockInventory { Tips = Node.GetTips() };
        inventory.Entries.AddRange(Node.GetInventory(request.StartBurnHeight, count));
        return Task.FromResult(inventory);
    }

    public override async Task GetBlocks(GetBlocksRequest request, IServerStreamWriter<BlockData> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        Session(context);
        if (request.Blocks.Count > Options.MaxBlocksPerRequest)
        {
            throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"{request.Blocks.Count} blocks asked; at most {Options.MaxBlocksPerRequest} per call");
        }

        var refs = new List<(ConsensusHash? Ch, StacksBlockHash Hash)>(request.Blocks.Count);
        for (var i = 0; i < request.Blocks.Count; i++)
        {
            var r = request.Blocks[i];
            if (!TryHex(r.BlockHash, 32, out var hash))
            {
                throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"blocks[{i}].block_hash must be 64 hex digits (got '{Trim(r.BlockHash)}')");
            }

            ConsensusHash? ch = null;
            if (r.ConsensusHash.Length > 0)
            {
                if (!TryHex(r.ConsensusHash, 20, out var chBytes))
                {
                    throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"blocks[{i}].consensus_hash must be 40 hex digits or empty (got '{Trim(r.ConsensusHash)}')");
                }

                ch = new ConsensusHash(new Hash160(chBytes));
            }

            refs.Add((ch, new StacksBlockHash(new Hash256(hash))));
        }

        foreach (var (ch, hash) in refs)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            NotStopping();
            if (Node.GetBlockBytes(ch, hash) is { } bytes)
            {
                await responseStream.WriteAsync(new BlockData { ConsensusHash = ch?.ToString() ?? "", Block = UnsafeByteOperations.UnsafeWrap(bytes) }).ConfigureAwait(false);
            }
        }
    }

    public override Task<PushResult> PushBlock(BlockData request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var peer = Session(context);
        return Task.FromResult(Judge(peer, PeerItemKind.Block, Node.OfferBlock(request.Block.Memory, peer)));
    }

    public override Task<PushResult> PushTransaction(TransactionData request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var peer = Session(context);
        return Task.FromResult(Judge(peer, PeerItemKind.Transaction, Node.OfferTransaction(request.Transaction.Memory, peer)));
    }

    public override Task<PushResult> PushZonefile(ZonefileData request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var peer = Session(context);
        if (request.Hash.Length > 0 && !string.Equals(request.Hash, Hash160.Of(request.Content.Span).ToHex(), StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(Judge(peer, PeerItemKind.Zonefile, new OfferResult(OfferStatus.Invalid, RuntimePeerNode.ZonefileHashMismatch, $"hash {Trim(request.Hash)} is not the hash160 of the content")));
        }

        return Task.FromResult(Judge(peer, PeerItemKind.Zonefile, Node.OfferZonefile(request.Content.Memory, peer)));
    }

    public override async Task GetZonefiles(GetZonefilesRequest request, IServerStreamWriter<ZonefileData> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        Session(context);
        if (request.Hashes.Count > Options.MaxZonefilesPerRequest)
        {
            throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"{request.Hashes.Count} zonefiles asked; at most {Options.MaxZonefilesPerRequest} per call");
        }

        var hashes = new List<byte[]>(request.Hashes.Count);
        for (var i = 0; i < request.Hashes.Count; i++)
        {
            if (!TryHex(request.Hashes[i], 20, out var hash))
            {
                throw Fail(PeerErrors.BadRequest, StatusCode.InvalidArgument, $"hashes[{i}] must be 40 hex digits (got '{Trim(request.Hashes[i])}')");
            }

            hashes.Add(hash);
        }

        foreach (var hash in hashes)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            NotStopping();
            if (Node.GetZonefile(hash) is { } content)
            {
                await responseStream.WriteAsync(new ZonefileData { Hash = Convert.ToHexStringLower(hash), Content = ByteString.CopyFrom(content) }).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An RpcException whose message starts with the code, with the code in the <c>peer-error</c> trailer.</summary>
    public static RpcException Fail(string code, StatusCode status, string message) =>
        new(new Status(status, $"{code}: {message}"), new Metadata { { PeerErrors.Trailer, code } });

    /// <summary>The offer's answer; an invalid item bans its sender.</summary>
    private PushResult Judge(PeerIdentity peer, PeerItemKind kind, OfferResult result)
    {
        if (result.Status == OfferStatus.Invalid)
        {
            var reason = $"invalid {kind.ToString().ToLowerInvariant()}: {result.Code}: {result.Message}";
            Book.Ban(peer, reason);
            LogBanned(logger, peer, reason, Options.BanDuration.TotalSeconds);
        }

        return new PushResult
        {
            Accepted = result.Status == OfferStatus.Accepted,
            Duplicate = result.Status == OfferStatus.Duplicate,
            Code = result.Code,
            Message = result.Message,
        };
    }

    /// <summary>The caller's peer, from its session header; UNAUTHENTICATED without a valid session, PERMISSION_DENIED when banned.</summary>
    private PeerIdentity Session(ServerCallContext context)
    {
        NotStopping();
        var token = context.RequestHeaders.GetValue(PeerErrors.SessionHeader);
        return Book.GetSession(token, out var peer) switch
        {
            PeerSessionStatus.Open => peer!,
            PeerSessionStatus.Banned => throw Fail(PeerErrors.Banned, StatusCode.PermissionDenied, "this peer is banned for sending invalid data"),
            _ => throw Fail(PeerErrors.NoSession, StatusCode.Unauthenticated, string.IsNullOrEmpty(token)
                ? $"no '{PeerErrors.SessionHeader}' header: call Handshake first"
                : "unknown or expired session: call Handshake again"),
        };
    }

    private void NotStopping()
    {
        if (server.IsStopping)
        {
            throw Fail(PeerErrors.ShuttingDown, StatusCode.Unavailable, "the node is shutting down");
        }
    }

    private static bool IsHex(string s) => s.All(Uri.IsHexDigit);

    private static bool TryHex(string s, int bytes, out byte[] value)
    {
        value = [];
        if (s.Length != bytes * 2 || !IsHex(s))
        {
            return false;
        }

        value = Convert.FromHexString(s);
        return true;
    }

    private static string Trim(string s) => s.Length > 80 ? s[..80] + "…" : s;

    [LoggerMessage(EventId = 9310, Level = LogLevel.Information, Message = "peers: inbound handshake from {Peer} ({UserAgent})")]
    private static partial void LogHandshake(ILogger logger, PeerIdentity peer, string userAgent);

    [LoggerMessage(EventId = 9311, Level = LogLevel.Warning, Message = "peers: banned {Peer} for {BanSeconds} s: {Reason}")]
    private static partial void LogBanned(ILogger logger, PeerIdentity peer, string reason, double banSeconds);
}
