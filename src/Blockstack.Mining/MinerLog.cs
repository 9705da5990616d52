using Microsoft.Extensions.Logging;

namespace Blockstack.Mining;

/// <summary>The miner's log lines (EventIds 6000–6099).</summary>
internal static partial class MinerLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Miner ready: BTC address {Address}, wallet {Wallet}, VRF key {VrfKey}")]
    public static partial void Initialized(ILogger logger, string address, string wallet, Blockstack.Stacks.Vrf.VrfPublicKey vrfKey);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Miner created VRF key {VrfKey}, stored in {Path}")]
    public static partial void VrfKeyCreated(ILogger logger, Blockstack.Stacks.Vrf.VrfPublicKey vrfKey, string path);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Miner key registration {Txid} was mined but not accepted; new VRF key {VrfKey}")]
    public static partial void VrfKeyReplaced(ILogger logger, string txid, Blockstack.Stacks.Vrf.VrfPublicKey vrfKey);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Miner VRF key usable: registered at burn height {BurnHeight}, vtxindex {Vtxindex}")]
    public static partial void KeyUsable(ILogger logger, ulong burnHeight, uint vtxindex);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Miner loaded bitcoind wallet {Wallet}")]
    public static partial void WalletLoaded(ILogger logger, string wallet);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Miner created bitcoind wallet {Wallet} (regtest)")]
    public static partial void WalletCreated(ILogger logger, string wallet);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Miner {Action}: txid {Txid}, target burn height {BurnHeight}, fee rate {FeeRate} sat/vB, burn {Burn} sat")]
    public static partial void RoundSent(ILogger logger, MinerAction action, Blockstack.Bitcoin.Txid? txid, ulong burnHeight, ulong feeRate, ulong burn);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Miner round skipped: {Code}: {Reason}")]
    public static partial void RoundSkipped(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information, Message = "Miner won: Stacks block {BlockHash} elected at burn height {BurnHeight}")]
    public static partial void BlockWon(ILogger logger, string blockHash, ulong burnHeight);
}
