using Blockstack.Bitcoin;
using Microsoft.Extensions.Logging;

namespace Blockstack.Pox;

/// <summary>Source-generated log messages of Blockstack.Pox; EventIds 3000–3999.</summary>
internal static partial class PoxLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "sortition {BurnHeight} {BurnBlockHash}: winner {Txid} of {CommitCount} commits, consensus hash {ConsensusHash}")]
    public static partial void SortitionWon(this ILogger logger, ulong burnHeight, BlockHash burnBlockHash, Txid txid, int commitCount, ConsensusHash consensusHash);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "sortition {BurnHeight} {BurnBlockHash}: no winner ({CommitCount} commits), consensus hash {ConsensusHash}")]
    public static partial void SortitionEmpty(this ILogger logger, ulong burnHeight, BlockHash burnBlockHash, int commitCount, ConsensusHash consensusHash);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "reward cycle {Cycle} starts at {BurnHeight}: anchor {Anchor} known {AnchorKnown}, {Slots} reward slots")]
    public static partial void CycleStarted(this ILogger logger, ulong cycle, ulong burnHeight, string anchor, bool anchorKnown, int slots);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "burn op rejected {Code} at burn height {BurnHeight}: tx {Txid}: {Detail}")]
    public static partial void OpRejected(this ILogger logger, string code, ulong burnHeight, Txid txid, string detail);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "sortition {BurnHeight} {BurnBlockHash} rolled back with its burn block")]
    public static partial void RolledBack(this ILogger logger, ulong burnHeight, BlockHash burnBlockHash);
}
