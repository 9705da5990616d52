using Blockstack.Bitcoin;
using Blockstack.Burnchain.Watcher;
using Microsoft.Extensions.Logging;

namespace Blockstack.Burnchain;

/// <summary>Source-generated log messages of Blockstack.Burnchain; EventIds 2000–2999.</summary>
internal static partial class BurnchainLog
{
    // 2000–2099: RPC client.
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "bitcoind {Method} failed transiently ({Reason}); retry {Attempt} in {DelayMs} ms")]
    public static partial void RpcRetry(this ILogger logger, string method, string reason, int attempt, long delayMs);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "bitcoind rejected credentials; re-reading cookie file {CookieFile}")]
    public static partial void RpcCookieReread(this ILogger logger, string cookieFile);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "bitcoind {Method} answered in {ElapsedMs} ms")]
    public static partial void RpcCall(this ILogger logger, string method, long elapsedMs);

    // 2100–2199: watcher.
    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "burn block {BurnHeight} {BurnBlockHash} applied with {OpCount} operations")]
    public static partial void BlockApplied(this ILogger logger, ulong burnHeight, BlockHash burnBlockHash, int opCount);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "burn block {BurnHeight} {BurnBlockHash} rolled back")]
    public static partial void BlockRolledBack(this ILogger logger, ulong burnHeight, BlockHash burnBlockHash);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "burnchain reorg: fork point {BurnHeight} {BurnBlockHash}, {Depth} blocks rolled back")]
    public static partial void Reorg(this ILogger logger, ulong burnHeight, BlockHash burnBlockHash, ulong depth);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "bitcoind unavailable ({Reason}); watcher waits {DelayMs} ms")]
    public static partial void WaitingForBitcoind(this ILogger logger, string reason, long delayMs);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "watcher state {State} at burn height {BurnHeight}")]
    public static partial void StateChanged(this ILogger logger, WatcherState state, ulong burnHeight);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Error, Message = "burn block {BurnHeight} {BurnBlockHash} from bitcoind does not parse: {Reason}")]
    public static partial void BadBlock(this ILogger logger, ulong burnHeight, BlockHash burnBlockHash, string reason);

    // 2200–2299: operations.
    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "burn op rejected {Code} in burn block {BurnHeight} {BurnBlockHash}: tx {Txid} vtxindex {Vtxindex}: {Detail}")]
    public static partial void OpRejected(this ILogger logger, string code, ulong burnHeight, BlockHash burnBlockHash, Txid txid, uint vtxindex, string detail);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, Message = "burn op in burn block {BurnHeight} tx {Txid} vtxindex {Vtxindex}: {Operation}")]
    public static partial void OpApplied(this ILogger logger, ulong burnHeight, Txid txid, uint vtxindex, string operation);
}
