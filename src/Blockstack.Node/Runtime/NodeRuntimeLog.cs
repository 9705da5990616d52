using Blockstack.Bitcoin;
using Blockstack.Stacks;
using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Runtime;

/// <summary>Node runtime log messages (EventIds 6000–6099).</summary>
internal static partial class NodeRuntimeLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "burn block {BurnHeight} {BurnBlockHash}: sortition winner {WinningBlockHash}, {Commits} commits")]
    public static partial void BurnBlockWithWinner(ILogger logger, ulong burnHeight, BlockHash burnBlockHash, StacksBlockHash winningBlockHash, int commits);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "burn block {BurnHeight} {BurnBlockHash}: no sortition, {Commits} commits")]
    public static partial void BurnBlockNoSortition(ILogger logger, ulong burnHeight, BlockHash burnBlockHash, int commits);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "burn block {BurnHeight} {BurnBlockHash} rolled back")]
    public static partial void BurnBlockRolledBack(ILogger logger, ulong burnHeight, BlockHash burnBlockHash);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "stacks block {StacksHeight} {StacksBlockId} ({TxCount} txs) on burn {BurnHeight}")]
    public static partial void StacksBlockAccepted(ILogger logger, ulong stacksHeight, StacksBlockId stacksBlockId, int txCount, ulong burnHeight);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "staged Stacks block {StacksBlockHash} rejected: {Code} {Reason}")]
    public static partial void StagedBlockRejected(ILogger logger, StacksBlockHash stacksBlockHash, string code, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "staged Stacks block {StacksBlockHash} dropped: {Reason}")]
    public static partial void StagedBlockDropped(ILogger logger, StacksBlockHash stacksBlockHash, string reason);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "initial sync {Percent:F1}% (burn {BurnHeight} of {BitcoindHeight})")]
    public static partial void SyncProgress(ILogger logger, double percent, ulong burnHeight, ulong bitcoindHeight);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Information, Message = "synced with bitcoind at burn {BurnHeight}")]
    public static partial void Synced(ILogger logger, ulong burnHeight);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "fell behind bitcoind: burn {BurnHeight} of {BitcoindHeight}")]
    public static partial void FellBehind(ILogger logger, ulong burnHeight, ulong bitcoindHeight);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "restart reconciliation: sortition store was ahead of the burnchain index, rolled back {Count} burn blocks")]
    public static partial void ReconcileRolledBack(ILogger logger, int count);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "restart reconciliation: replayed {Count} burn blocks from the burnchain index into the sortition store")]
    public static partial void ReconcileReplayed(ILogger logger, int count);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "node runtime opened for {Network}: burn {BurnHeight}, stacks tip {StacksHeight} {StacksBlockId}, {Staged} staged blocks")]
    public static partial void Opened(ILogger logger, string network, ulong burnHeight, ulong stacksHeight, StacksBlockId stacksBlockId, int staged);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Error, Message = "round handler failed")]
    public static partial void RoundHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Error, Message = "event subscriber failed")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Information, Message = "node runtime stopped at burn {BurnHeight}, stacks tip {StacksHeight}")]
    public static partial void Stopped(ILogger logger, ulong burnHeight, ulong stacksHeight);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Warning, Message = "anchor block {StacksBlockId} of reward cycle {Cycle} arrived after the cycle started: re-evaluating sortitions from burn {BurnHeight}")]
    public static partial void LateAnchor(ILogger logger, StacksBlockId stacksBlockId, ulong cycle, ulong burnHeight);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Debug, Message = "transaction {Txid} dropped from the mempool: {Reason}")]
    public static partial void TransactionDropped(ILogger logger, StacksTxid txid, string reason);
}
