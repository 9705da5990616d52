using Blockstack.Stacks;
using Blockstack.Storage.Trie;
using Microsoft.Extensions.Logging;

namespace Blockstack.Chain;

/// <summary>Chain log messages (EventIds 4000–4999).</summary>
internal static partial class ChainLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Stacks block {StacksBlockId} accepted at height {StacksHeight} (burn {BurnHeight}, {TxCount} txs, root {StateRoot}, tip {IsTip})")]
    public static partial void BlockAccepted(ILogger logger, StacksBlockId stacksBlockId, ulong stacksHeight, ulong burnHeight, int txCount, TrieRoot stateRoot, bool isTip);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Stacks block {StacksBlockId} rejected: {Code} {Reason}")]
    public static partial void BlockRejected(ILogger logger, StacksBlockId stacksBlockId, string code, ChainRejection reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Canonical Stacks tip moved to {StacksBlockId} at height {StacksHeight} ({Undone} blocks undone, {Redone} redone)")]
    public static partial void TipMoved(ILogger logger, StacksBlockId stacksBlockId, ulong stacksHeight, int undone, int redone);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Chain state initialised for {Network} with genesis root {StateRoot}")]
    public static partial void GenesisWritten(ILogger logger, string network, TrieRoot stateRoot);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Mempool refused {Txid}: {Code}")]
    public static partial void MempoolRefused(ILogger logger, StacksTxid txid, string code);
}
