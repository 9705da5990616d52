using System.Reflection;
using Blockstack.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Peers;

/// <summary>How an outbound peer call ended.</summary>
public enum PeerCallStatus
{
    Ok,

    /// <summary>This call failed (deadline, the peer's error, too large); the connection stays.</summary>
    Failed,

    /// <summary>The connection is gone (unreachable, closed, the peer restarted as another node): re-dial.</summary>
    Lost,

    /// <summary>The peer or this node refuses the other: another network or chain, or a mismatched identity.</summary>
    Rejected,

    /// <summary>The address is this node's own listener.</summary>
    Self,

    /// <summary>The peer banned this node (PERMISSION_DENIED), or this node has banned the peer.</summary>
    Banned,

    /// <summary>The peer (RESOURCE_EXHAUSTED) or this node has no room for another peer.</summary>
    Full,
}

/// <summary>The result of an outbound call: never an exception. On failure <see cref="Value"/> may hold what arrived before it.</summary>
public readonly record struct PeerCallResult<T>(PeerCallStatus Status, T? Value, string Error)
{
    public bool IsOk => Status == PeerCallStatus.Ok;
}

/// <summary>Makers of <see cref="PeerCallResult{T}"/>.</summary>
public static class PeerCallResult
{
    public static PeerCallResult<T> Ok<T>(T value) => new(PeerCallStatus.Ok, value, "");

    public static PeerCallResult<T> Fail<T>(PeerCallStatus status, string error, T? partial = default) => new(status, partial, error);
}

/// <summary>The limits of one connection: the smaller of this node's and the peer's (a peer's 0 means "not stated").</summary>
public sealed record PeerLimits(int MaxMessageBytes, int MaxBlocksPerRequest, int MaxInventoryEntries, int MaxZonefilesPerRequest)
{
    public static PeerLimits Of(PeerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.MaxMessageBytes, options.MaxBlocksPerRequest, options.MaxInventoryEntries, options.MaxZonefilesPerRequest);
    }

    public PeerLimits Meet(HandshakeResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(
            Min(MaxMessageBytes, response.MaxMessageBytes),
            Min(MaxBlocksPerRequest, response.MaxBlocksPerRequest),
            Min(MaxInventoryEntries, response.MaxInventoryEntries),
            Min(MaxZonefilesPerRequest, response.MaxZonefilesPerRequest));
    }

    private static int Min(int ours, uint theirs) => theirs == 0 ? ours : (int)Math.Min((uint)ours, theirs);
}

/// <summary>
/// One outbound peer: a gRPC channel to its p2p listener, the handshake (both sides must be on the
/// same network and chain), the session header on every call, deadlines, the peer's limits, and
/// typed calls whose failures come back as <see cref="PeerCallResult{T}"/>. A call answered
/// UNAUTHENTICATED (the peer forgot the session, e.g. it restarted) re-handshakes once; a
/// PERMISSION_DENIED means the peer banned this node and the connection is lost.
/// </summary>
public sealed class PeerConnection : IDisposable
{
    /// <summary>The metadata header carrying the session token.</summary>
    public const string SessionHeader = "blockstack-session";

    /// <summary>Bytes of a message beyond its payload allowed for when checking the peer's size limit.</summary>
    private const int EnvelopeBytes = 1_024;

    /// <summary>Consecutive failed calls after which the connection is taken as lost.</summary>
    private const int MaxConsecutiveFailures = 3;

    private static readonly string DefaultUserAgent =
        "blockstack-node/" + (typeof(PeerConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev");

    private readonly IPeerNode _node;
    private readonly string _ownNodeId;
    private readonly PeerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GrpcChannel _channel;
    private readonly PeerService.PeerServiceClient _client;
    private readonly SemaphoreSlim _handshakeGate = new(1, 1);
    private readonly Lock _lock = new();
    private string _token = "";
    private int _failures;
    private int _lost;
    private int _disposed;
    private string? _lostReason;
    private PeerCallStatus _lostStatus = PeerCallStatus.Lost;
    private DateTimeOffset _lastSuccess;

    public PeerConnection(
        PeerAddress address,
        IPeerNode node,
        string ownNodeId,
        PeerOptions options,
        ILogger? logger = null,
        TimeProvider? time = null,
        HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(ownNodeId);
        ArgumentNullException.ThrowIfNull(options);
        Address = address;
        _node = node;
        _ownNodeId = ownNodeId;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Limits = PeerLimits.Of(options);
        UserAgent = DefaultUserAgent;
        var connectTimeout = options.CallTimeout < TimeSpan.FromSeconds(5) ? options.CallTimeout : TimeSpan.FromSeconds(5);
        _channel = GrpcChannel.ForAddress(address.ToUri(), new GrpcChannelOptions
        {
            MaxReceiveMessageSize = options.MaxMessageBytes,
            MaxSendMessageSize = options.MaxMessageBytes,
            HttpHandler = handler ?? new SocketsHttpHandler
            {
                ConnectTimeout = connectTimeout,
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            },
            DisposeHttpClient = true,
        });
        _client = new PeerService.PeerServiceClient(_channel);
    }

    public PeerAddress Address { get; }

    /// <summary>Sent in the handshake.</summary>
    public string UserAgent { get; init; }

    /// <summary>Who the peer said it is; null before a successful handshake.</summary>
    public PeerIdentity? Identity { get; private set; }

    /// <summary>The limits in force on this connection (this node's until the handshake).</summary>
    public PeerLimits Limits { get; private set; }

    /// <summary>The peer's tips as of its last handshake or inventory answer.</summary>
    public ChainTips? RemoteTips { get; private set; }

    /// <summary>True after a handshake, until the connection is lost or disposed.</summary>
    public bool IsOpen => Identity is not null && Volatile.Read(ref _lost) == 0 && Volatile.Read(ref _disposed) == 0;

    /// <summary>Why the connection was lost (null while it is not).</summary>
    public string? LostReason => _lostReason;

    /// <summary>How it was lost: <see cref="PeerCallStatus.Banned"/> when the peer banned us, else <see cref="PeerCallStatus.Lost"/>.</summary>
    public PeerCallStatus LostStatus => _lostStatus;

    /// <summary>When a call last succeeded.</summary>
    public DateTimeOffset LastSuccess
    {
        get
        {
            lock (_lock)
            {
                return _lastSuccess;
            }
        }
    }

    /// <summary>Raised once when the connection becomes unusable (not on <see cref="Dispose"/>).</summary>
    public event Action<PeerConnection, string>? Lost;

    public override string ToString() => Identity?.ToString() ?? Address.ToString();

    /// <summary>Handshakes with the peer; on success <see cref="Identity"/>, <see cref="Limits"/> and <see cref="RemoteTips"/> are set.</summary>
    public async Task<PeerCallResult<PeerIdentity>> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _handshakeGate.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
            return PeerCallResult.Fail<PeerIdentity>(PeerCallStatus.Lost, "the connection is closed");
        }

        try
        {
            return await HandshakeAsync(cancellationToken);
        }
        finally
        {
            _handshakeGate.Release();
        }
    }

    /// <summary>Inventory entries from <paramref name="startBurnHeight"/>, at most <paramref name="count"/> (clamped to the peer's limit).</summary>
    public async Task<PeerCallResult<BlockInventory>> GetInventoryAsync(ulong startBurnHeight, int count, CancellationToken cancellationToken)
    {
        var request = new BlockInventoryRequest { StartBurnHeight = startBurnHeight, Count = (uint)Math.Clamp(count, 1, Limits.MaxInventoryEntries) };
        var result = await CallAsync((o, _) => _client.GetBlockInventoryAsync(request, o).ResponseAsync, cancellationToken);
        if (result.IsOk && result.Value!.Tips is { } tips)
        {
            RemoteTips = tips;
        }

        return result;
    }

    /// <summary>A cheap call that proves the session is alive (a one-entry inventory at the peer's burn tip).</summary>
    public async Task<PeerCallResult<BlockInventory>> ProbeAsync(CancellationToken cancellationToken) =>
        await GetInventoryAsync(RemoteTips?.BurnHeight ?? 0, 1, cancellationToken);

    /// <summary>
    /// The requested blocks the peer holds, in the order it streamed them (at most
    /// <see cref="PeerLimits.MaxBlocksPerRequest"/> refs). On failure the value holds the blocks
    /// that arrived before it.
    /// </summary>
    public async Task<PeerCallResult<IReadOnlyList<BlockData>>> GetBlocksAsync(IReadOnlyList<BlockRef> blocks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count > Limits.MaxBlocksPerRequest)
        {
            return PeerCallResult.Fail<IReadOnlyList<BlockData>>(PeerCallStatus.Failed, $"{blocks.Count} blocks asked, the peer serves at most {Limits.MaxBlocksPerRequest} per call");
        }

        var request = new GetBlocksRequest();
        request.Blocks.Add(blocks);
        return await ReadStreamAsync(o => _client.GetBlocks(request, o), cancellationToken);
    }

    /// <summary>The requested zonefiles the peer holds (at most <see cref="PeerLimits.MaxZonefilesPerRequest"/> hashes).</summary>
    public async Task<PeerCallResult<IReadOnlyList<ZonefileData>>> GetZonefilesAsync(IReadOnlyList<string> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (hashes.Count > Limits.MaxZonefilesPerRequest)
        {
            return PeerCallResult.Fail<IReadOnlyList<ZonefileData>>(PeerCallStatus.Failed, $"{hashes.Count} zonefiles asked, the peer serves at most {Limits.MaxZonefilesPerRequest} per call");
        }

        var request = new GetZonefilesRequest();
        request.Hashes.Add(hashes);
        return await ReadStreamAsync(o => _client.GetZonefiles(request, o), cancellationToken);
    }

    /// <summary>Reads a server stream to its end; on failure the value holds the items that arrived before it.</summary>
    private async Task<PeerCallResult<IReadOnlyList<T>>> ReadStreamAsync<T>(Func<CallOptions, AsyncServerStreamingCall<T>> start, CancellationToken cancellationToken)
    {
        var received = new List<T>();
        var result = await CallAsync<IReadOnlyList<T>>(
            async (o, ct) =>
            {
                received.Clear();
                using var call = start(o);
                while (await call.ResponseStream.MoveNext(ct))
                {
                    received.Add(call.ResponseStream.Current);
                }

                return received;
            },
            cancellationToken);
        return result.IsOk ? result : result with { Value = [.. received] };
    }

    public Task<PeerCallResult<PushResult>> PushBlockAsync(ReadOnlyMemory<byte> block, string consensusHash, CancellationToken cancellationToken) =>
        PushAsync(block.Length, () => new BlockData { ConsensusHash = consensusHash ?? "", Block = ByteString.CopyFrom(block.Span) }, (m, o) => _client.PushBlockAsync(m, o).ResponseAsync, cancellationToken);

    public Task<PeerCallResult<PushResult>> PushTransactionAsync(ReadOnlyMemory<byte> transaction, CancellationToken cancellationToken) =>
        PushAsync(transaction.Length, () => new TransactionData { Transaction = ByteString.CopyFrom(transaction.Span) }, (m, o) => _client.PushTransactionAsync(m, o).ResponseAsync, cancellationToken);

    public Task<PeerCallResult<PushResult>> PushZonefileAsync(string hash, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        PushAsync(content.Length, () => new ZonefileData { Hash = hash ?? "", Content = ByteString.CopyFrom(content.Span) }, (m, o) => _client.PushZonefileAsync(m, o).ResponseAsync, cancellationToken);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The handshake gate is not disposed: a call may still hold it and release it later.
        _channel.Dispose();
    }

    /// <summary>Marks the connection lost (once) and raises <see cref="Lost"/>.</summary>
    internal void MarkLost(string reason, PeerCallStatus status = PeerCallStatus.Lost)
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0)
        {
            return;
        }

        _lostStatus = status;
        _lostReason = reason;
        Lost?.Invoke(this, reason);
    }

    private async Task<PeerCallResult<PushResult>> PushAsync<TMessage>(
        int payloadBytes,
        Func<TMessage> message,
        Func<TMessage, CallOptions, Task<PushResult>> push,
        CancellationToken cancellationToken)
    {
        if (payloadBytes + EnvelopeBytes > Limits.MaxMessageBytes)
        {
            return PeerCallResult.Fail<PushResult>(PeerCallStatus.Failed, $"{payloadBytes} bytes is over the peer's message limit of {Limits.MaxMessageBytes}");
        }

        var m = message();
        return await CallAsync((o, _) => push(m, o), cancellationToken);
    }

    private async Task<PeerCallResult<HandshakeResponse>> HandshakeLockedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return PeerCallResult.Fail<HandshakeResponse>(PeerCallStatus.Lost, "the connection is closed");
        }

        HandshakeRequest request;
        try
        {
            request = new HandshakeRequest
            {
                NetworkId = _node.NetworkId,
                ProtocolVersion = PeerOptions.CurrentProtocolVersion,
                FirstBurnBlockHash = _node.FirstBurnBlockHash,
                GenesisStateRoot = _node.GenesisStateRoot,
                NodeId = _ownNodeId,
                ListenAddress = _options.AdvertisedAddress,
                UserAgent = UserAgent,
                Tips = _node.GetTips(),
            };
        }
#pragma warning disable CA1031 // The node may be shutting down; a failed handshake is a result, not a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return PeerCallResult.Fail<HandshakeResponse>(PeerCallStatus.Failed, $"this node could not describe itself: {e.Message}");
        }

        HandshakeResponse response;
        try
        {
            response = await _client.HandshakeAsync(request, new CallOptions(deadline: Deadline(), cancellationToken: cancellationToken)).ResponseAsync;
        }
        catch (RpcException e)
        {
            var status = e.StatusCode switch
            {
                StatusCode.FailedPrecondition => PeerCallStatus.Rejected,
                StatusCode.PermissionDenied => PeerCallStatus.Banned,
                StatusCode.ResourceExhausted => PeerCallStatus.Full,
                StatusCode.Unavailable => PeerCallStatus.Lost,
                _ => PeerCallStatus.Failed,
            };
            return PeerCallResult.Fail<HandshakeResponse>(status, $"handshake: {e.StatusCode} {e.Status.Detail}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            return PeerCallResult.Fail<HandshakeResponse>(PeerCallStatus.Lost, $"handshake: {e.Message}");
        }

        var (mismatch, error) = Check(response);
        if (mismatch != PeerCallStatus.Ok)
        {
            return PeerCallResult.Fail<HandshakeResponse>(mismatch, error);
        }

        var identity = new PeerIdentity(response.NodeId, response.ListenAddress.Length > 0 ? response.ListenAddress : Address.ToString(), response.UserAgent);
        if (Identity is { } known && known.NodeId != identity.NodeId)
        {
            var reason = $"the peer at {Address} is now node {identity}, not {known}";
            MarkLost(reason);
            return PeerCallResult.Fail<HandshakeResponse>(PeerCallStatus.Lost, reason);
        }

        lock (_lock)
        {
            _token = response.SessionToken;
            _failures = 0;
            _lastSuccess = _time.GetUtcNow();
        }

        Limits = PeerLimits.Of(_options).Meet(response);
        RemoteTips = response.Tips;
        Identity = identity;
        return PeerCallResult.Ok(response);
    }

    private async Task<PeerCallResult<PeerIdentity>> HandshakeAsync(CancellationToken cancellationToken)
    {
        var result = await HandshakeLockedAsync(cancellationToken);
        return result.IsOk ? PeerCallResult.Ok(Identity!) : PeerCallResult.Fail<PeerIdentity>(result.Status, result.Error);
    }

    private (PeerCallStatus Status, string Error) Check(HandshakeResponse response)
    {
        string ourFirst, ourGenesis;
        uint ourNetwork;
        try
        {
            ourNetwork = _node.NetworkId;
            ourFirst = _node.FirstBurnBlockHash;
            ourGenesis = _node.GenesisStateRoot;
        }
#pragma warning disable CA1031 // See HandshakeLockedAsync.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (PeerCallStatus.Failed, $"this node could not describe itself: {e.Message}");
        }

        if (response.NetworkId != ourNetwork)
        {
            return (PeerCallStatus.Rejected, $"the peer is on network 0x{response.NetworkId:x8}, this node on 0x{ourNetwork:x8}");
        }

        if (response.ProtocolVersion != PeerOptions.CurrentProtocolVersion)
        {
            return (PeerCallStatus.Rejected, $"the peer speaks protocol version {response.ProtocolVersion}, this node {PeerOptions.CurrentProtocolVersion}");
        }

        if (!string.Equals(response.FirstBurnBlockHash, ourFirst, StringComparison.OrdinalIgnoreCase))
        {
            return (PeerCallStatus.Rejected, $"the peer's first burn block is {response.FirstBurnBlockHash}, this node's {ourFirst}");
        }

        if (!string.Equals(response.GenesisStateRoot, ourGenesis, StringComparison.OrdinalIgnoreCase))
        {
            return (PeerCallStatus.Rejected, $"the peer's genesis state root is {response.GenesisStateRoot}, this node's {ourGenesis}");
        }

        if (response.NodeId.Length == 0)
        {
            return (PeerCallStatus.Rejected, "the peer sent no node id");
        }

        if (string.Equals(response.NodeId, _ownNodeId, StringComparison.OrdinalIgnoreCase))
        {
            return (PeerCallStatus.Self, $"{Address} is this node");
        }

        if (response.SessionToken.Length == 0)
        {
            return (PeerCallStatus.Rejected, "the peer sent no session token");
        }

        return (PeerCallStatus.Ok, "");
    }

    private DateTime Deadline() => _time.GetUtcNow().UtcDateTime + _options.CallTimeout;

    private async Task<PeerCallResult<T>> CallAsync<T>(Func<CallOptions, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (!IsOpen)
            {
                return PeerCallResult.Fail<T>(_lostStatus, _lostReason ?? "the connection is not open");
            }

            string token;
            lock (_lock)
            {
                token = _token;
            }

            var headers = new Metadata { { SessionHeader, token } };
            using var deadline = new CancellationTokenSource(_options.CallTimeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var options = new CallOptions(headers, Deadline(), cancellationToken);
            try
            {
                var value = await call(options, linked.Token);
                lock (_lock)
                {
                    _failures = 0;
                    _lastSuccess = _time.GetUtcNow();
                }

                return PeerCallResult.Ok(value);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && attempt == 0)
            {
                var again = await ReHandshakeAsync(token, cancellationToken);
                if (!again.IsOk)
                {
                    MarkLost($"the peer forgot our session and the handshake again failed: {again.Error}", again.Status == PeerCallStatus.Banned ? PeerCallStatus.Banned : PeerCallStatus.Lost);
                    return PeerCallResult.Fail<T>(again.Status == PeerCallStatus.Banned ? PeerCallStatus.Banned : PeerCallStatus.Lost, again.Error);
                }
            }
            catch (RpcException e)
            {
                return Classify<T>(e.StatusCode, $"{e.StatusCode} {e.Status.Detail}", cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return PeerCallResult.Fail<T>(PeerCallStatus.Failed, "cancelled");
            }
            catch (OperationCanceledException)
            {
                return Classify<T>(StatusCode.DeadlineExceeded, $"no answer within {_options.CallTimeout}", cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or ObjectDisposedException)
            {
                return Classify<T>(StatusCode.Unavailable, e.Message, cancellationToken);
            }
        }
    }

    private async Task<PeerCallResult<PeerIdentity>> ReHandshakeAsync(string staleToken, CancellationToken cancellationToken)
    {
        try
        {
            await _handshakeGate.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
            return PeerCallResult.Fail<PeerIdentity>(PeerCallStatus.Lost, "the connection is closed");
        }

        try
        {
            lock (_lock)
            {
                if (_token != staleToken)
                {
                    // Another call already opened a new session.
                    return PeerCallResult.Ok(Identity!);
                }
            }

            return await HandshakeAsync(cancellationToken);
        }
        finally
        {
            _handshakeGate.Release();
        }
    }

    private PeerCallResult<T> Classify<T>(StatusCode code, string error, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return PeerCallResult.Fail<T>(PeerCallStatus.Failed, "cancelled");
        }

        switch (code)
        {
            case StatusCode.PermissionDenied:
                MarkLost($"the peer banned this node: {error}", PeerCallStatus.Banned);
                return PeerCallResult.Fail<T>(PeerCallStatus.Banned, error);
            case StatusCode.Unavailable:
            case StatusCode.Unauthenticated:
                MarkLost(error);
                return PeerCallResult.Fail<T>(PeerCallStatus.Lost, error);
            default:
                int failures;
                lock (_lock)
                {
                    failures = ++_failures;
                }

                if (failures >= MaxConsecutiveFailures)
                {
                    MarkLost($"{failures} calls failed in a row, the last: {error}");
                    return PeerCallResult.Fail<T>(PeerCallStatus.Lost, error);
                }

                PeerSyncLog.CallFailed(_logger, this, error);
                return PeerCallResult.Fail<T>(PeerCallStatus.Failed, error);
        }
    }
}
