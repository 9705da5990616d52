using System.Globalization;
using System.Text;
using Blockstack.Node.Config;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Blockstack.Node.Hosting;

/// <summary>
/// Serilog for the daemon: console (one line per event, or compact JSON), an optional rolling
/// JSON file, and the bridge that carries Microsoft.Extensions.Logging <c>ILogger</c> lines to it.
/// </summary>
public static class NodeLogging
{
    public const string ConsoleTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The Serilog logger the config asks for. The caller disposes it (flushes the file).</summary>
    public static Logger Create(LoggingSection logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(logging.Level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        if (logging.Json)
        {
            configuration = configuration.WriteTo.Console(new CompactJsonFormatter());
        }
        else
        {
            configuration = configuration.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: CultureInfo.InvariantCulture);
        }

        if (logging.File is { } file)
        {
            configuration = configuration.WriteTo.File(
                new CompactJsonFormatter(),
                file,
                rollingInterval: logging.Rolling switch
                {
                    LogRolling.Hour => RollingInterval.Hour,
                    LogRolling.Day => RollingInterval.Day,
                    _ => RollingInterval.Infinite,
                },
                retainedFileCountLimit: 31);
        }

        return configuration.CreateLogger();
    }

    /// <summary>The effective configuration, one <c>section.key = value</c> per line, secrets masked.</summary>
    public static string Describe(NodeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sb = new StringBuilder();
        foreach (var (path, value) in Effective(config))
        {
            sb.Append(path).Append(" = ").Append(value).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Every key and its effective value; secrets as <c>****</c> (or unset).</summary>
    public static IReadOnlyList<(string Path, string Value)> Effective(NodeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        static string Q(string? s) => s is null ? "(unset)" : "\"" + s + "\"";
        static string Secret(string? s) => s is null ? "(unset)" : "****";
        static string Sec(TimeSpan t) => t.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var list = new List<(string, string)>
        {
            ("node.network", config.Node.Network),
            ("node.data_dir", Q(config.Node.DataDir)),
            ("node.grpc_bind", config.Node.GrpcBind.ToString()),
            ("node.prometheus_bind", config.Node.PrometheusBind?.ToString() ?? "off"),
            ("node.name", Q(config.Node.Name)),
            ("burnchain.mode", config.Burnchain.Mode.ToString().ToLowerInvariant()),
            ("burnchain.rpc_host", Q(config.Burnchain.RpcHost)),
            ("burnchain.rpc_port", config.Burnchain.RpcPort.ToString(CultureInfo.InvariantCulture)),
            ("burnchain.username", Q(config.Burnchain.Username)),
            ("burnchain.password", Secret(config.Burnchain.Password)),
            ("burnchain.cookie_file", Q(config.Burnchain.CookieFile)),
            ("burnchain.timeout", Sec(config.Burnchain.Timeout)),
            ("burnchain.poll_interval", Sec(config.Burnchain.PollInterval)),
            ("burnchain.stable_confirmations", config.Burnchain.StableConfirmations.ToString(CultureInfo.InvariantCulture)),
            ("burnchain.wallet_name", Q(config.Burnchain.WalletName)),
            ("burnchain.block_interval", Sec(config.Burnchain.EmbeddedBlockInterval)),
            ("miner.enabled", config.Miner.Enabled ? "true" : "false"),
            ("miner.btc_key", Secret(config.Miner.BtcKey)),
            ("miner.address_type", config.Miner.AddressType.ToString().ToLowerInvariant()),
            ("miner.burn_amount", config.Miner.BurnAmount.ToString(CultureInfo.InvariantCulture)),
            ("miner.satoshis_per_byte", config.Miner.SatoshisPerByte.ToString(CultureInfo.InvariantCulture)),
            ("miner.rbf_fee_increment", config.Miner.RbfFeeIncrement.ToString(CultureInfo.InvariantCulture)),
            ("miner.max_rbf", config.Miner.MaxRbf.ToString(CultureInfo.InvariantCulture)),
            ("miner.burn_fee_cap", config.Miner.BurnFeeCap.ToString(CultureInfo.InvariantCulture)),
            ("miner.max_block_transactions", config.Miner.MaxBlockTransactions.ToString(CultureInfo.InvariantCulture)),
            ("p2p.bind", config.P2p.Bind?.ToString() ?? "off"),
            ("p2p.advertise", Q(config.P2p.Advertise)),
            ("p2p.bootstrap_peers", Q(string.Join(",", config.P2p.BootstrapPeers))),
            ("p2p.max_peers", config.P2p.MaxPeers.ToString(CultureInfo.InvariantCulture)),
            ("p2p.max_message_bytes", config.P2p.MaxMessageBytes.ToString(CultureInfo.InvariantCulture)),
            ("p2p.ban_seconds", Sec(config.P2p.BanDuration)),
            ("logging.level", config.Logging.Level.ToString().ToLowerInvariant()),
            ("logging.json", config.Logging.Json ? "true" : "false"),
            ("logging.file", Q(config.Logging.File)),
            ("logging.rolling", config.Logging.Rolling.ToString().ToLowerInvariant()),
        };
        foreach (var a in config.GenesisAccounts)
        {
            list.Add(("genesis.account", $"{a.Address} {a.Ustx.ToString(CultureInfo.InvariantCulture)} uSTX"));
        }

        return list;
    }
}
