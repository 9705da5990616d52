using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Peers;

/// <summary>Log messages of the client side of the peer network (EventIds 6300–6349).</summary>
internal static partial class PeerSyncLog
{
    [LoggerMessage(EventId = 6300, Level = LogLevel.Information, Message = "peer {Peer} connected at {PeerAddress} ({UserAgent}), burn tip {BurnHeight}, stacks tip {StacksHeight}")]
    public static partial void PeerConnected(ILogger logger, object peer, PeerAddress peerAddress, string userAgent, ulong burnHeight, ulong stacksHeight);

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "peer {Peer} lost: {Reason}")]
    public static partial void PeerLost(ILogger logger, object peer, string reason);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "peer {Peer} banned: {Reason}")]
    public static partial void PeerBanned(ILogger logger, object peer, string reason);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Debug, Message = "dial {PeerAddress} failed ({Status}): {Reason}; next attempt in {Delay}")]
    public static partial void DialFailed(ILogger logger, PeerAddress peerAddress, PeerCallStatus status, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 6304, Level = LogLevel.Warning, Message = "peer {PeerAddress} refused: {Reason}")]
    public static partial void DialRefused(ILogger logger, PeerAddress peerAddress, string reason);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Warning, Message = "banning peer {Peer}: {Reason}")]
    public static partial void Banning(ILogger logger, object peer, string reason);

    [LoggerMessage(EventId = 6306, Level = LogLevel.Debug, Message = "fetched {Count} blocks from {Peer} ({Missing} of the batch not delivered: {Status} {Reason})")]
    public static partial void BlocksFetched(ILogger logger, int count, object peer, int missing, PeerCallStatus status, string reason);

    [LoggerMessage(EventId = 6307, Level = LogLevel.Information, Message = "block download: {Fetched} blocks fetched, {Wanted} winning sortitions still missing, {InFlight} in flight")]
    public static partial void DownloadProgress(ILogger logger, long fetched, int wanted, int inFlight);

    [LoggerMessage(EventId = 6308, Level = LogLevel.Warning, Message = "peer {Peer} refused our {Kind} {Id}: {Code} {Reason}")]
    public static partial void PushInvalid(ILogger logger, object peer, PeerItemKind kind, string id, string code, string reason);

    [LoggerMessage(EventId = 6309, Level = LogLevel.Debug, Message = "relay queue of {Peer} full: dropped the oldest item")]
    public static partial void RelayQueueFull(ILogger logger, object peer);

    [LoggerMessage(EventId = 6310, Level = LogLevel.Debug, Message = "zonefile replication: {Stored} stored, {Missed} not found this round, {Missing} missing")]
    public static partial void ZonefileRound(ILogger logger, int stored, int missed, int missing);

    [LoggerMessage(EventId = 6311, Level = LogLevel.Error, Message = "peer network task {Task} failed")]
    public static partial void TaskFailed(ILogger logger, Exception exception, string task);

    [LoggerMessage(EventId = 6312, Level = LogLevel.Debug, Message = "block {BlockHash} refused by this node: {Code} {Reason}")]
    public static partial void BlockRefused(ILogger logger, string blockHash, string code, string reason);

    [LoggerMessage(EventId = 6313, Level = LogLevel.Debug, Message = "call to peer {Peer} failed: {Reason}")]
    public static partial void CallFailed(ILogger logger, object peer, string reason);
}
