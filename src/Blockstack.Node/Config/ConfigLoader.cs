using System.Globalization;
using System.Net;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Stacks;
using Serilog.Events;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Blockstack.Node.Config;

/// <summary>What the configuration is built from. Every field is explicit so tests need no process state.</summary>
public sealed record ConfigSources
{
    /// <summary>The TOML file (<c>--config</c>), or null for none.</summary>
    public string? FilePath { get; init; }

    /// <summary>Environment variables (only <c>BLOCKSTACK__*</c> are read).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Command-line flags as (flag as typed, key path, value), in order.</summary>
    public IReadOnlyList<(string Flag, string Path, string Value)> Flags { get; init; } = [];

    /// <summary><c>start --regtest</c>: regtest, embedded burnchain and a miner unless the file says otherwise.</summary>
    public bool SelfContained { get; init; }

    /// <summary>The user's home directory, for the default regtest data dir.</summary>
    public string? HomeDirectory { get; init; }

    /// <summary>The process environment as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v)
            {
                result[k] = v;
            }
        }

        return result;
    }
}

/// <summary>
/// Builds a <see cref="NodeConfig"/> from defaults, an optional TOML file, <c>BLOCKSTACK__Section__Key</c>
/// environment variables and flags (later sources win). Every problem is reported with where it
/// came from; nothing is created or written.
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "BLOCKSTACK__";

    private sealed record Raw(object Value, string Where);

    public static ConfigResult Load(ConfigSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var errors = new List<ConfigError>();
        var values = new Dictionary<string, Raw>(StringComparer.Ordinal);
        var genesis = new List<Dictionary<string, Raw>>();
        var genesisWhere = new List<string>();

        if (sources.SelfContained)
        {
            values["node.network"] = new Raw("regtest", "--regtest");
            values["burnchain.mode"] = new Raw("embedded", "--regtest");
            values["miner.enabled"] = new Raw(true, "--regtest");
        }

        if (sources.FilePath is { } path && !ReadFile(path, values, genesis, genesisWhere, errors))
        {
            return new ConfigResult(null, errors);
        }

        ReadEnvironment(sources.Environment, values, errors);
        foreach (var (flag, keyPath, value) in sources.Flags)
        {
            values[keyPath] = new Raw(value, flag);
        }

        return Bind(values, genesis, genesisWhere, sources, errors);
    }

    /// <summary>Reads the file's keys; false when it cannot be read or parsed at all.</summary>
    private static bool ReadFile(string path, Dictionary<string, Raw> values, List<Dictionary<string, Raw>> genesis, List<string> genesisWhere, List<ConfigError> errors)
    {
        var fileName = Path.GetFileName(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.Add(new ConfigError(path, "cannot read the config file: " + e.Message));
            return false;
        }

        var doc = SyntaxParser.Parse(text, path);
        if (doc.HasErrors)
        {
            foreach (var d in doc.Diagnostics)
            {
                errors.Add(new ConfigError($"{fileName}:{d.Span.Start.Line + 1}", "TOML syntax: " + d.Message));
            }

            return false;
        }

        foreach (var kv in doc.KeyValues)
        {
            var key = KeyText(kv.Key);
            var where = $"{fileName}:{Line(kv)}";
            errors.Add(new ConfigError(where, $"key '{key}' is outside any section; put it under [node], [burnchain], [miner], [p2p] or [logging]"));
        }

        var seenSections = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in doc.Tables)
        {
            var section = table.Name is null ? "" : KeyText(table.Name);
            var where = $"{fileName}:{Line(table)}";
            if (table is TableArraySyntax)
            {
                if (section != "genesis.account")
                {
                    errors.Add(new ConfigError(where, $"unknown table array [[{section}]]; the only one is [[genesis.account]]"));
                    continue;
                }

                var entry = new Dictionary<string, Raw>(StringComparer.Ordinal);
                genesis.Add(entry);
                genesisWhere.Add(where);
                foreach (var kv in table.Items)
                {
                    var key = KeyText(kv.Key);
                    var kvWhere = $"{fileName}:{Line(kv)}";
                    if (!ConfigKeys.GenesisAccount.Any(k => k.Name == key))
                    {
                        errors.Add(new ConfigError(kvWhere, $"unknown key 'genesis.account.{key}' (known: address, ustx)"));
                    }
                    else if (ValueOf(kv.Value) is { } v)
                    {
                        entry[key] = new Raw(v, kvWhere);
                    }
                    else
                    {
                        errors.Add(new ConfigError(kvWhere, $"'genesis.account.{key}' must be a plain value, not an array or table"));
                    }
                }

                continue;
            }

            if (!ConfigKeys.IsSection(section))
            {
                errors.Add(new ConfigError(where, $"unknown section [{section}]; known: [node], [burnchain], [miner], [p2p], [logging], [[genesis.account]]"));
                continue;
            }

            if (!seenSections.Add(section))
            {
                errors.Add(new ConfigError(where, $"section [{section}] appears twice"));
                continue;
            }

            foreach (var kv in table.Items)
            {
                var key = KeyText(kv.Key);
                var kvWhere = $"{fileName}:{Line(kv)}";
                if (ConfigKeys.Find(section, key) is null)
                {
                    errors.Add(new ConfigError(kvWhere, $"unknown key '{section}.{key}'{Suggest(section, key)}"));
                }
                else if (ValueOf(kv.Value) is { } v)
                {
                    values[section + "." + key] = new Raw(v, kvWhere);
                }
                else
                {
                    errors.Add(new ConfigError(kvWhere, $"'{section}.{key}' must be a plain value, not an array, table or date"));
                }
            }
        }

        return true;
    }

    private static void ReadEnvironment(IReadOnlyDictionary<string, string> environment, Dictionary<string, Raw> values, List<ConfigError> errors)
    {
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var parts = name[EnvironmentPrefix.Length..].Split("__");
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                errors.Add(new ConfigError(name, "environment overrides are named BLOCKSTACK__<SECTION>__<KEY>, e.g. BLOCKSTACK__BURNCHAIN__RPC_PORT"));
                continue;
            }

            var section = parts[0].ToLowerInvariant();
            var key = parts[1].ToLowerInvariant();
            if (ConfigKeys.Find(section, key) is null)
            {
                errors.Add(new ConfigError(name, $"unknown key '{section}.{key}'{Suggest(section, key)}"));
                continue;
            }

            values[section + "." + key] = new Raw(value, name);
        }
    }

    private static ConfigResult Bind(Dictionary<string, Raw> values, List<Dictionary<string, Raw>> genesis, List<string> genesisWhere, ConfigSources sources, List<ConfigError> errors)
    {
        var networkKey = ConfigKeys.Find("node", "network")!;
        var network = "mainnet";
        if (values.TryGetValue("node.network", out var rawNetwork))
        {
            if (Choice(networkKey, rawNetwork, errors) is not { } chosen)
            {
                return new ConfigResult(null, errors);
            }

            network = chosen;
        }

        var bad = new HashSet<string>(StringComparer.Ordinal);
        string? Str(string path)
        {
            var key = KeyOf(path);
            if (values.TryGetValue(path, out var raw))
            {
                if (raw.Value is string s)
                {
                    return s;
                }

                errors.Add(new ConfigError(raw.Where, $"'{path}' must be a string (in quotes)"));
                return null;
            }

            return key.Default(network);
        }

        long Int(string path)
        {
            var key = KeyOf(path);
            var raw = values.GetValueOrDefault(path) ?? new Raw(key.Default(network)!, "default");
            long v;
            switch (raw.Value)
            {
                case long l:
                    v = l;
                    break;
                case string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                    v = parsed;
                    break;
                default:
                    errors.Add(new ConfigError(raw.Where, $"'{path}' must be an integer (got {Show(raw.Value)})"));
                    bad.Add(path);
                    return 0;
            }

            if (v < key.Min || v > key.Max)
            {
                errors.Add(new ConfigError(raw.Where, $"'{path}' must be between {key.Min} and {key.Max} (got {v})"));
                bad.Add(path);
            }

            return v;
        }

        bool Bool(string path)
        {
            var key = KeyOf(path);
            var raw = values.GetValueOrDefault(path) ?? new Raw(key.Default(network)!, "default");
            switch (raw.Value)
            {
                case bool b:
                    return b;
                case string s when s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1":
                    return true;
                case string s when s.Equals("false", StringComparison.OrdinalIgnoreCase) || s == "0":
                    return false;
                default:
                    errors.Add(new ConfigError(raw.Where, $"'{path}' must be true or false (got {Show(raw.Value)})"));
                    return false;
            }
        }

        TimeSpan Seconds(string path)
        {
            var key = KeyOf(path);
            var raw = values.GetValueOrDefault(path) ?? new Raw(key.Default(network)!, "default");
            double v;
            switch (raw.Value)
            {
                case long l:
                    v = l;
                    break;
                case double d:
                    v = d;
                    break;
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                    v = parsed;
                    break;
                default:
                    errors.Add(new ConfigError(raw.Where, $"'{path}' must be a number of seconds (got {Show(raw.Value)})"));
                    return TimeSpan.Zero;
            }

            if (double.IsNaN(v) || v < key.Min || v > key.Max)
            {
                errors.Add(new ConfigError(raw.Where, $"'{path}' must be between {key.Min} and {key.Max} seconds (got {v.ToString(CultureInfo.InvariantCulture)})"));
                return TimeSpan.Zero;
            }

            return TimeSpan.FromSeconds(v);
        }

        string ChoiceOf(string path)
        {
            var key = KeyOf(path);
            var raw = values.GetValueOrDefault(path) ?? new Raw(key.Default(network)!, "default");
            return Choice(key, raw, errors) ?? key.Default(network)!;
        }

        IPEndPoint? Endpoint(string path, bool optional)
        {
            var key = KeyOf(path);
            var raw = values.GetValueOrDefault(path) ?? new Raw(key.Default(network)!, "default");
            if (raw.Value is not string s)
            {
                errors.Add(new ConfigError(raw.Where, $"'{path}' must be a string \"host:port\" (got {Show(raw.Value)})"));
                return null;
            }

            if (optional && (s.Length == 0 || s.Equals("off", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            if (!IPEndPoint.TryParse(s, out var ep) || !s.Contains(':', StringComparison.Ordinal) || ep.Port is < 0 or > 65535)
            {
                errors.Add(new ConfigError(raw.Where, $"'{path}' must be an IP address and port like 127.0.0.1:20443 or [::1]:20443 (got \"{s}\")"));
                return null;
            }

            return ep;
        }

        string Where(string path) => values.TryGetValue(path, out var r) ? r.Where : "default";

        // [node]
        var dataDir = Str("node.data_dir");
        if (string.IsNullOrWhiteSpace(dataDir))
        {
            if (network != "regtest")
            {
                errors.Add(new ConfigError("node.data_dir", $"a data directory is required on {network}: set [node] data_dir, BLOCKSTACK__NODE__DATA_DIR or --datadir"));
            }
            else if (string.IsNullOrEmpty(sources.HomeDirectory))
            {
                errors.Add(new ConfigError("node.data_dir", "no home directory to put ~/.blockstack/regtest in: set [node] data_dir or --datadir"));
            }
            else
            {
                dataDir = Path.Combine(sources.HomeDirectory, ".blockstack", "regtest");
            }
        }

        if (dataDir is not null && sources.FilePath is { } file && !Path.IsPathRooted(dataDir) && values.TryGetValue("node.data_dir", out var dd) && dd.Where.Contains(':', StringComparison.Ordinal))
        {
            // A relative data_dir in the file is relative to the file's folder, not to wherever the node was started.
            dataDir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", dataDir));
        }
        else if (dataDir is not null && dataDir.Length > 0)
        {
            dataDir = Path.GetFullPath(dataDir);
        }

        var grpcBind = Endpoint("node.grpc_bind", optional: false);
        var prometheusBind = Endpoint("node.prometheus_bind", optional: true);
        if (grpcBind is not null && prometheusBind is not null && grpcBind.Port != 0 && grpcBind.Equals(prometheusBind))
        {
            errors.Add(new ConfigError(Where("node.prometheus_bind"), $"'node.prometheus_bind' must differ from 'node.grpc_bind' ({grpcBind})"));
        }

        var name = Str("node.name") ?? "blockstack-node";

        // [burnchain]
        var mode = ChoiceOf("burnchain.mode") == "embedded" ? BurnchainMode.Embedded : BurnchainMode.Bitcoind;
        if (mode == BurnchainMode.Embedded && network != "regtest")
        {
            errors.Add(new ConfigError(Where("burnchain.mode"), $"'burnchain.mode = embedded' is for regtest only (network is {network})"));
        }

        if (sources.SelfContained && (network != "regtest" || mode != BurnchainMode.Embedded))
        {
            errors.Add(new ConfigError("--regtest", "--regtest runs network regtest with burnchain mode embedded; the config says otherwise"));
        }

        var rpcHost = Str("burnchain.rpc_host") ?? "127.0.0.1";
        if (rpcHost.Length == 0 || rpcHost.Any(char.IsWhiteSpace) || rpcHost.Contains('/', StringComparison.Ordinal))
        {
            errors.Add(new ConfigError(Where("burnchain.rpc_host"), $"'burnchain.rpc_host' must be a host name or IP address (got \"{rpcHost}\")"));
        }

        var rpcPort = (int)Int("burnchain.rpc_port");
        if (rpcPort == 0 && mode == BurnchainMode.Bitcoind && !bad.Contains("burnchain.rpc_port"))
        {
            errors.Add(new ConfigError(Where("burnchain.rpc_port"), "'burnchain.rpc_port' must be 1..65535 for mode bitcoind"));
        }

        var username = Str("burnchain.username");
        var password = Str("burnchain.password");
        var cookie = Str("burnchain.cookie_file");
        if ((username is null) != (password is null))
        {
            errors.Add(new ConfigError(Where(username is null ? "burnchain.password" : "burnchain.username"), "'burnchain.username' and 'burnchain.password' go together: set both or neither"));
        }

        if (mode == BurnchainMode.Bitcoind && cookie is null && username is null && password is null)
        {
            errors.Add(new ConfigError(Where("burnchain.mode"), "mode bitcoind needs credentials: 'burnchain.username' and 'burnchain.password', or 'burnchain.cookie_file'"));
        }

        if (cookie is not null && username is not null)
        {
            errors.Add(new ConfigError(Where("burnchain.cookie_file"), "set either 'burnchain.cookie_file' or 'burnchain.username'/'password', not both"));
        }

        var timeout = Seconds("burnchain.timeout");
        var poll = Seconds("burnchain.poll_interval");
        var stable = (int)Int("burnchain.stable_confirmations");
        var wallet = Str("burnchain.wallet_name");
        var blockInterval = Seconds("burnchain.block_interval");

        // [miner]
        var minerEnabled = Bool("miner.enabled");
        var btcKey = Str("miner.btc_key");
        var addressType = ChoiceOf("miner.address_type") == "p2pkh" ? MinerAddressType.P2pkh : MinerAddressType.P2wpkh;
        var burnAmount = Int("miner.burn_amount");
        var satsPerByte = Int("miner.satoshis_per_byte");
        var rbfIncrement = Int("miner.rbf_fee_increment");
        var maxRbf = (int)Int("miner.max_rbf");
        var burnFeeCap = Int("miner.burn_fee_cap");
        var maxBlockTransactions = (int)Int("miner.max_block_transactions");
        if (btcKey is not null && !IsValidBtcKey(btcKey, network))
        {
            errors.Add(new ConfigError(Where("miner.btc_key"), $"'miner.btc_key' must be a WIF key for {network} or 64 hex digits (value not shown)"));
        }

        if (minerEnabled && btcKey is null && !sources.SelfContained)
        {
            errors.Add(new ConfigError(Where("miner.enabled"), "'miner.enabled = true' needs 'miner.btc_key'"));
        }

        if (minerEnabled && mode == BurnchainMode.Bitcoind && wallet is null)
        {
            errors.Add(new ConfigError(Where("miner.enabled"), "mining against bitcoind needs 'burnchain.wallet_name' (the node loads that wallet; it creates it only on a regtest chain)"));
        }

        if (burnAmount > burnFeeCap && !bad.Contains("miner.burn_amount") && !bad.Contains("miner.burn_fee_cap"))
        {
            errors.Add(new ConfigError(Where("miner.burn_amount"), $"'miner.burn_amount' ({burnAmount}) exceeds 'miner.burn_fee_cap' ({burnFeeCap})"));
        }

        // [p2p]
        var p2pBind = Endpoint("p2p.bind", optional: true);
        if (p2pBind is not null && p2pBind.Port != 0)
        {
            if (grpcBind is not null && grpcBind.Equals(p2pBind))
            {
                errors.Add(new ConfigError(Where("p2p.bind"), $"'p2p.bind' must differ from 'node.grpc_bind' ({grpcBind}): PeerService is served on its own port"));
            }
            else if (prometheusBind is not null && prometheusBind.Equals(p2pBind))
            {
                errors.Add(new ConfigError(Where("p2p.bind"), $"'p2p.bind' must differ from 'node.prometheus_bind' ({prometheusBind})"));
            }
        }

        var advertise = Str("p2p.advertise");
        if (advertise is { Length: 0 })
        {
            advertise = null;
        }

        if (advertise is not null && !Peers.PeerAddress.TryParse(advertise, out _, out var advertiseError))
        {
            errors.Add(new ConfigError(Where("p2p.advertise"), $"'p2p.advertise' must be host:port: {advertiseError}"));
        }

        var bootstrap = new List<string>();
        foreach (var entry in (Str("p2p.bootstrap_peers") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Peers.PeerAddress.TryParse(entry, out var peer, out var peerError))
            {
                if (!bootstrap.Contains(peer.ToString()))
                {
                    bootstrap.Add(peer.ToString());
                }
            }
            else
            {
                errors.Add(new ConfigError(Where("p2p.bootstrap_peers"), $"'p2p.bootstrap_peers': bad peer address: {peerError}"));
            }
        }

        var maxPeers = (int)Int("p2p.max_peers");
        var maxMessage = (int)Int("p2p.max_message_bytes");
        var banSeconds = Int("p2p.ban_seconds");

        // [logging]
        var level = ChoiceOf("logging.level") switch
        {
            "verbose" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            "fatal" => LogEventLevel.Fatal,
            _ => LogEventLevel.Information,
        };
        var json = Bool("logging.json");
        var logFile = Str("logging.file");
        if (logFile is { Length: 0 })
        {
            logFile = null;
        }

        if (logFile is not null && dataDir is not null && !Path.IsPathRooted(logFile))
        {
            logFile = Path.Combine(dataDir, logFile);
        }

        var rolling = ChoiceOf("logging.rolling") switch
        {
            "none" => LogRolling.None,
            "hour" => LogRolling.Hour,
            _ => LogRolling.Day,
        };

        // [[genesis.account]]
        var accounts = new List<GenesisAccount>();
        for (var i = 0; i < genesis.Count; i++)
        {
            var entry = genesis[i];
            if (network != "regtest")
            {
                errors.Add(new ConfigError(genesisWhere[i], $"[[genesis.account]] is for regtest only (network is {network}); mainnet and testnet genesis is built in"));
                break;
            }

            if (!entry.TryGetValue("address", out var a) || a.Value is not string address)
            {
                errors.Add(new ConfigError(genesisWhere[i], "[[genesis.account]] needs address = \"ST...\""));
                continue;
            }

            if (!StacksAddress.TryParse(address, out var parsed, out var why))
            {
                errors.Add(new ConfigError(a.Where, $"'genesis.account.address' is not a Stacks address: {why.Message}"));
            }
            else if (StacksAddressVersion.IsMainnet(parsed.Version))
            {
                errors.Add(new ConfigError(a.Where, $"'genesis.account.address' {address} is a mainnet address; regtest uses ST... addresses"));
            }

            if (!entry.TryGetValue("ustx", out var u) || u.Value is not long ustx)
            {
                errors.Add(new ConfigError(entry.TryGetValue("ustx", out var badUstx) ? badUstx.Where : genesisWhere[i], "[[genesis.account]] needs ustx = <integer micro-STX>"));
                continue;
            }

            if (ustx <= 0)
            {
                errors.Add(new ConfigError(u.Where, $"'genesis.account.ustx' must be positive (got {ustx})"));
                continue;
            }

            accounts.Add(new GenesisAccount(address, (ulong)ustx));
        }

        if (errors.Count > 0 || dataDir is null || grpcBind is null)
        {
            return new ConfigResult(null, errors);
        }

        var config = new NodeConfig(
            new NodeSection(network, dataDir, grpcBind, prometheusBind, name),
            new BurnchainSection(mode, rpcHost, rpcPort, username, password, cookie, timeout, poll, stable, wallet, blockInterval),
            new MinerSection(minerEnabled, btcKey, addressType, burnAmount, satsPerByte, rbfIncrement, maxRbf, burnFeeCap, maxBlockTransactions),
            new LoggingSection(level, json, logFile, rolling),
            accounts,
            sources.FilePath is null ? null : Path.GetFullPath(sources.FilePath))
        {
            SelfContained = sources.SelfContained,
            P2p = new P2pSection(p2pBind, advertise, bootstrap, maxPeers, maxMessage, TimeSpan.FromSeconds(banSeconds)),
        };
        return new ConfigResult(config, []);
    }

    /// <summary>WIF for the network (or testnet's prefix on regtest) or 32 bytes of hex.</summary>
    public static bool IsValidBtcKey(string key, string network)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 64 && key.All(Uri.IsHexDigit))
        {
            return Bitcoin.Crypto.BouncySecp256k1.Instance.IsValidPrivateKey(Convert.FromHexString(key));
        }

        var btcNetwork = network switch
        {
            "mainnet" => BitcoinNetwork.Mainnet,
            "testnet" => BitcoinNetwork.Testnet,
            _ => BitcoinNetwork.Regtest,
        };
        return Wif.TryDecode(key, btcNetwork, out _, out _);
    }

    private static string? Choice(ConfigKey key, Raw raw, List<ConfigError> errors)
    {
        if (raw.Value is string s && key.Choices!.FirstOrDefault(c => c.Equals(s, StringComparison.OrdinalIgnoreCase)) is { } choice)
        {
            return choice;
        }

        errors.Add(new ConfigError(raw.Where, $"'{key.Path}' must be one of {string.Join(", ", key.Choices!)} (got {Show(raw.Value)})"));
        return null;
    }

    private static ConfigKey KeyOf(string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        return ConfigKeys.Find(path[..dot], path[(dot + 1)..]) ?? throw new InvalidOperationException("unknown key " + path);
    }

    private static string Show(object value) => value switch
    {
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Suggest(string section, string key)
    {
        var candidates = ConfigKeys.All.Where(k => k.Section == section).Select(k => k.Name).ToList();
        if (candidates.Count == 0)
        {
            return $"; unknown section '{section}'";
        }

        var best = candidates.MinBy(c => Distance(c, key))!;
        return Distance(best, key) <= 3 ? $"; did you mean '{section}.{best}'?" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }

    private static int Line(SyntaxNode node) => node.Span.Start.Line + 1;

    private static string KeyText(KeySyntax? key)
    {
        if (key is null)
        {
            return "";
        }

        var parts = new List<string> { Part(key.Key) };
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(Part(dotted.Key));
        }

        return string.Join('.', parts);
    }

    private static string Part(BareKeyOrStringValueSyntax? part) => part switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax str => str.Value ?? "",
        _ => "",
    };

    private static object? ValueOf(ValueSyntax? value) => value switch
    {
        StringValueSyntax s => s.Value ?? "",
        IntegerValueSyntax i => i.Value,
        BooleanValueSyntax b => b.Value,
        FloatValueSyntax f => f.Value,
        _ => null,
    };
}
