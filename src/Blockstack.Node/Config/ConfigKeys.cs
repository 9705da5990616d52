namespace Blockstack.Node.Config;

/// <summary>The type of a configuration value, as the file, the environment and flags give it.</summary>
public enum ConfigValueType
{
    String,
    Integer,
    Boolean,

    /// <summary>Seconds: an integer or a decimal number (0.5).</summary>
    Seconds,

    /// <summary><c>host:port</c> with an IP address (IPv6 in brackets).</summary>
    Endpoint,

    /// <summary>An endpoint, or <c>off</c> / empty for none.</summary>
    OptionalEndpoint,

    /// <summary>One of <see cref="ConfigKey.Choices"/>.</summary>
    Choice,
}

/// <summary>
/// One known configuration key: where it lives, its type, range, default and meaning.
/// <c>Default</c> gives the default for a network (mainnet, testnet, regtest); null when unset by default.
/// </summary>
public sealed record ConfigKey(
    string Section,
    string Name,
    ConfigValueType Type,
    Func<string, string?> Default,
    string Meaning,
    bool Secret = false,
    long Min = long.MinValue,
    long Max = long.MaxValue,
    IReadOnlyList<string>? Choices = null)
{
    public string Path => Section + "." + Name;
}

/// <summary>
/// Every key the node reads, once: the loader validates against it, the effective config is
/// printed from it, and docs/operating.md lists it.
/// </summary>
public static class ConfigKeys
{
    public const string DefaultGrpcBind = "127.0.0.1:20443";

    public const string DefaultP2pBind = "127.0.0.1:20444";

    public static readonly IReadOnlyList<string> Networks = ["mainnet", "testnet", "regtest"];

    public static readonly IReadOnlyList<ConfigKey> All =
    [
        new("node", "network", ConfigValueType.Choice, _ => "mainnet", "Which chain: mainnet, testnet or regtest.", Choices: Networks),
        new("node", "data_dir", ConfigValueType.String, _ => null, "Data directory. Required on mainnet and testnet; regtest defaults to ~/.blockstack/regtest."),
        new("node", "grpc_bind", ConfigValueType.Endpoint, _ => DefaultGrpcBind, "Address the gRPC server (NodeService, BnsService, health, reflection) listens on."),
        new("node", "prometheus_bind", ConfigValueType.OptionalEndpoint, _ => "off", "Address of the Prometheus metrics endpoint (plain HTTP), or off."),
        new("node", "name", ConfigValueType.String, _ => "blockstack-node", "A name for this node, shown in logs."),

        new("burnchain", "mode", ConfigValueType.Choice, n => n == "regtest" ? "embedded" : "bitcoind", "bitcoind (JSON-RPC) or embedded (the in-process regtest chain; regtest only).", Choices: ["bitcoind", "embedded"]),
        new("burnchain", "rpc_host", ConfigValueType.String, _ => "127.0.0.1", "bitcoind RPC host."),
        new("burnchain", "rpc_port", ConfigValueType.Integer, n => n switch { "mainnet" => "8332", "testnet" => "18332", _ => "18443" }, "bitcoind RPC port (embedded: the port the embedded chain serves; 0 = any free port).", Min: 0, Max: 65535),
        new("burnchain", "username", ConfigValueType.String, _ => null, "RPC user (with password)."),
        new("burnchain", "password", ConfigValueType.String, _ => null, "RPC password (with username).", Secret: true),
        new("burnchain", "cookie_file", ConfigValueType.String, _ => null, "bitcoind's .cookie file, instead of username/password."),
        new("burnchain", "timeout", ConfigValueType.Seconds, _ => "30", "Seconds one RPC call may take.", Min: 1, Max: 3600),
        new("burnchain", "poll_interval", ConfigValueType.Seconds, n => n == "regtest" ? "1" : "10", "Seconds between polls of bitcoind for a new tip.", Min: 0, Max: 3600),
        new("burnchain", "stable_confirmations", ConfigValueType.Integer, n => n == "regtest" ? "1" : "7", "Confirmations after which a burn block counts as stable.", Min: 1, Max: 1000),
        new("burnchain", "wallet_name", ConfigValueType.String, _ => null, "bitcoind wallet the miner uses (required to mine against bitcoind)."),
        new("burnchain", "block_interval", ConfigValueType.Seconds, _ => "5", "Embedded mode: seconds between automatically mined burn blocks.", Min: 0, Max: 3600),

        new("miner", "enabled", ConfigValueType.Boolean, _ => "false", "Mine Stacks blocks (needs btc_key)."),
        new("miner", "btc_key", ConfigValueType.String, _ => null, "The miner's Bitcoin private key: WIF for the network, or 64 hex digits.", Secret: true),
        new("miner", "address_type", ConfigValueType.Choice, _ => "p2wpkh", "Address type of the miner's key: p2pkh or p2wpkh.", Choices: ["p2pkh", "p2wpkh"]),
        new("miner", "burn_amount", ConfigValueType.Integer, _ => "20000", "Satoshis committed per block-commit.", Min: 1, Max: 21_000_000L * 100_000_000L),
        new("miner", "satoshis_per_byte", ConfigValueType.Integer, _ => "50", "Fee rate of block-commit transactions (sat/vB).", Min: 1, Max: 100_000),
        new("miner", "rbf_fee_increment", ConfigValueType.Integer, _ => "5", "Fee-rate step of each RBF replacement (sat/vB).", Min: 1, Max: 100_000),
        new("miner", "max_rbf", ConfigValueType.Integer, _ => "150", "Highest RBF fee rate as a percentage of satoshis_per_byte.", Min: 100, Max: 10_000),
        new("miner", "burn_fee_cap", ConfigValueType.Integer, _ => "20000", "Most satoshis one commitment may burn or pay; burn_amount must not exceed it.", Min: 1, Max: 21_000_000L * 100_000_000L),
        new("miner", "max_block_transactions", ConfigValueType.Integer, _ => "500", "Most mempool transactions per mined block (besides the coinbase); 0 mines coinbase-only blocks. At most the mempool's capacity, 10,000.", Min: 0, Max: 10_000),

        new("p2p", "bind", ConfigValueType.OptionalEndpoint, _ => DefaultP2pBind, "Address the peer listener (PeerService, HTTP/2) listens on, or off (the node still dials its bootstrap peers)."),
        new("p2p", "advertise", ConfigValueType.String, _ => null, "host:port other nodes dial to reach this one; default: the bind address."),
        new("p2p", "bootstrap_peers", ConfigValueType.String, _ => "", "Comma-separated host:port list of peers dialled at start and re-dialled while disconnected."),
        new("p2p", "max_peers", ConfigValueType.Integer, _ => "32", "Most peers at once, inbound and outbound together.", Min: 1, Max: 10_000),
        new("p2p", "max_message_bytes", ConfigValueType.Integer, _ => "4194304", "Largest gRPC message sent or received on the peer network (bytes).", Min: 65_536, Max: 256L * 1024 * 1024),
        new("p2p", "ban_seconds", ConfigValueType.Integer, _ => "3600", "How long a peer that sent invalid data stays banned (seconds).", Min: 1, Max: 30L * 24 * 3600),

        new("logging", "level", ConfigValueType.Choice, _ => "information", "Lowest level written: verbose, debug, information, warning, error, fatal.", Choices: ["verbose", "debug", "information", "warning", "error", "fatal"]),
        new("logging", "json", ConfigValueType.Boolean, _ => "false", "Console lines as compact JSON (CLEF) instead of text."),
        new("logging", "file", ConfigValueType.String, _ => null, "Also write logs (compact JSON) to this file; relative paths are under data_dir."),
        new("logging", "rolling", ConfigValueType.Choice, _ => "day", "When the log file rolls over: none, hour or day (31 files kept).", Choices: ["none", "hour", "day"]),
    ];

    /// <summary>Keys of each <c>[[genesis.account]]</c> entry.</summary>
    public static readonly IReadOnlyList<ConfigKey> GenesisAccount =
    [
        new("genesis.account", "address", ConfigValueType.String, _ => null, "A Stacks address (ST... on regtest)."),
        new("genesis.account", "ustx", ConfigValueType.Integer, _ => null, "Its genesis balance in micro-STX.", Min: 1),
    ];

    public static ConfigKey? Find(string section, string name) =>
        All.FirstOrDefault(k => k.Section == section && k.Name == name);

    public static bool IsSection(string section) => All.Any(k => k.Section == section);
}
