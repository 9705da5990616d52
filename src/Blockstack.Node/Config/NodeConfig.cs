using System.Net;

namespace Blockstack.Node.Config;

/// <summary>Where the node gets its burnchain from.</summary>
public enum BurnchainMode
{
    /// <summary>A bitcoind (or anything speaking its JSON-RPC) at rpc_host:rpc_port.</summary>
    Bitcoind,

    /// <summary>The embedded regtest chain, started in process (regtest only).</summary>
    Embedded,
}

/// <summary>How the miner's BTC key pays and receives.</summary>
public enum MinerAddressType
{
    P2pkh,
    P2wpkh,
}

/// <summary>How often the log file rolls over.</summary>
public enum LogRolling
{
    None,
    Hour,
    Day,
}

/// <summary>[node]</summary>
public sealed record NodeSection(
    string Network,
    string DataDir,
    IPEndPoint GrpcBind,
    IPEndPoint? PrometheusBind,
    string Name);

/// <summary>[burnchain]</summary>
public sealed record BurnchainSection(
    BurnchainMode Mode,
    string RpcHost,
    int RpcPort,
    string? Username,
    string? Password,
    string? CookieFile,
    TimeSpan Timeout,
    TimeSpan PollInterval,
    int StableConfirmations,
    string? WalletName,
    TimeSpan EmbeddedBlockInterval);

/// <summary>[miner]</summary>
public sealed record MinerSection(
    bool Enabled,
    string? BtcKey,
    MinerAddressType AddressType,
    long BurnAmount,
    long SatoshisPerByte,
    long RbfFeeIncrement,
    int MaxRbf,
    long BurnFeeCap,
    int MaxBlockTransactions);

/// <summary>[logging]</summary>
public sealed record LoggingSection(
    Serilog.Events.LogEventLevel Level,
    bool Json,
    string? File,
    LogRolling Rolling);

/// <summary>[p2p]: the peer network (docs/peer-protocol.md).</summary>
/// <param name="Bind">Where the peer listener listens; null when off.</param>
/// <param name="Advertise">host:port peers dial back; null: the bind address.</param>
/// <param name="BootstrapPeers">host:port of the peers dialled at start.</param>
/// <param name="MaxPeers">Most peers at once.</param>
/// <param name="MaxMessageBytes">Largest message sent or received.</param>
/// <param name="BanDuration">How long a peer that sent invalid data stays banned.</param>
public sealed record P2pSection(
    IPEndPoint? Bind,
    string? Advertise,
    IReadOnlyList<string> BootstrapPeers,
    int MaxPeers,
    int MaxMessageBytes,
    TimeSpan BanDuration)
{
    /// <summary>The defaults (ConfigKeys states them once; this mirrors them for configs built in code).</summary>
    public static P2pSection Default { get; } = new(IPEndPoint.Parse(ConfigKeys.DefaultP2pBind), null, [], 32, 4 * 1024 * 1024, TimeSpan.FromHours(1));

    /// <summary>The peer network's options for this section.</summary>
    public Peers.PeerOptions ToPeerOptions() => new()
    {
        Bind = Bind,
        Advertise = Advertise,
        BootstrapPeers = BootstrapPeers,
        MaxPeers = MaxPeers,
        MaxMessageBytes = MaxMessageBytes,
        BanDuration = BanDuration,
    };
}

/// <summary>One [[genesis.account]] (regtest only).</summary>
public sealed record GenesisAccount(string Address, ulong Ustx);

/// <summary>
/// The validated, effective configuration of one node: every source merged (defaults, file,
/// environment, flags) and every value checked. Built only by <see cref="ConfigLoader"/>.
/// </summary>
public sealed record NodeConfig(
    NodeSection Node,
    BurnchainSection Burnchain,
    MinerSection Miner,
    LoggingSection Logging,
    IReadOnlyList<GenesisAccount> GenesisAccounts,
    string? SourceFile)
{
    /// <summary>True when started with <c>start --regtest</c>: embedded burnchain, generated keys.</summary>
    public bool SelfContained { get; init; }

    /// <summary>[p2p].</summary>
    public P2pSection P2p { get; init; } = P2pSection.Default;
}

/// <summary>One configuration problem, located where possible (file:line, environment variable or flag).</summary>
public sealed record ConfigError(string Where, string Message)
{
    public override string ToString() => string.IsNullOrEmpty(Where) ? Message : $"{Where}: {Message}";
}

/// <summary>The configuration, or the list of everything wrong with it.</summary>
public sealed record ConfigResult(NodeConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsOk => Config is not null && Errors.Count == 0;
}
