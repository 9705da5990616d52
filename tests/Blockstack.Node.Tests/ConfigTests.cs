using System.Net;
using Blockstack.Node.Config;
using Blockstack.Node.Hosting;

namespace Blockstack.Node.Tests;

[Trait("Category", "Unit")]
public sealed class ConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string toml)
    {
        var path = Path.Combine(_dir, "node.toml");
        System.IO.File.WriteAllText(path, toml);
        return path;
    }

    /// <summary>Loads with bitcoind credentials (a cookie file) from the environment unless <paramref name="withCookie"/> is false.</summary>
    private static ConfigResult Load(string? file, Dictionary<string, string>? env = null, (string, string, string)[]? flags = null, bool selfContained = false, bool withCookie = true) =>
        ConfigLoader.Load(new ConfigSources
        {
            FilePath = file,
            Environment = withCookie ? new Dictionary<string, string>(env ?? []) { ["BLOCKSTACK__BURNCHAIN__COOKIE_FILE"] = "/srv/btc/.cookie" } : env ?? [],
            Flags = flags ?? [],
            SelfContained = selfContained,
            HomeDirectory = "/home/op",
        });

    private const string Minimal = "[node]\nnetwork = \"testnet\"\ndata_dir = \"/srv/bsn\"\n";

    [Fact]
    public void Load_MinimalTestnet_DefaultsApply()
    {
        var r = Load(File(Minimal));

        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        var c = r.Config!;
        Assert.Equal("testnet", c.Node.Network);
        Assert.Equal(Path.GetFullPath("/srv/bsn"), c.Node.DataDir);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:20443"), c.Node.GrpcBind);
        Assert.Null(c.Node.PrometheusBind);
        Assert.Equal(BurnchainMode.Bitcoind, c.Burnchain.Mode);
        Assert.Equal(18332, c.Burnchain.RpcPort);
        Assert.Equal(7, c.Burnchain.StableConfirmations);
        Assert.False(c.Miner.Enabled);
        Assert.Equal(Serilog.Events.LogEventLevel.Information, c.Logging.Level);
    }

    [Fact]
    public void Load_UnknownKey_NamesTheKeyAndItsLine()
    {
        var r = Load(File(Minimal + "\n[burnchain]\nrpc_host = \"10.0.0.1\"\nrpc_prot = 8332\n"));

        var e = Assert.Single(r.Errors);
        Assert.Equal("node.toml:7", e.Where);
        Assert.Contains("unknown key 'burnchain.rpc_prot'", e.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'burnchain.rpc_port'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownSectionAndTopLevelKey_Rejected()
    {
        var r = Load(File("debug = true\n" + Minimal + "[atlas]\nenabled = true\n"));

        Assert.Equal(2, r.Errors.Count);
        Assert.Contains(r.Errors, e => e.Where == "node.toml:1" && e.Message.Contains("'debug' is outside any section", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Where == "node.toml:5" && e.Message.Contains("unknown section [atlas]", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SyntaxError_ReportsLine()
    {
        var r = Load(File(Minimal + "[burnchain\n"));

        Assert.False(r.IsOk);
        Assert.StartsWith("node.toml:4", r.Errors[0].Where, StringComparison.Ordinal);
        Assert.Contains("TOML syntax", r.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadTypes_OneMessagePerProblem()
    {
        var r = Load(File(Minimal + "grpc_bind = 20443\n[burnchain]\nrpc_port = \"eighty\"\ntimeout = \"slow\"\n[miner]\nenabled = \"yes\"\n[logging]\nlevel = \"loud\"\n"));

        Assert.Equal(5, r.Errors.Count);
        Assert.Contains(r.Errors, e => e.Where == "node.toml:4" && e.Message.Contains("'node.grpc_bind' must be a string", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Where == "node.toml:6" && e.Message.Contains("'burnchain.rpc_port' must be an integer (got \"eighty\")", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Where == "node.toml:7" && e.Message.Contains("'burnchain.timeout' must be a number of seconds", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Where == "node.toml:9" && e.Message.Contains("'miner.enabled' must be true or false", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Where == "node.toml:11" && e.Message.Contains("'logging.level' must be one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BadRanges_Rejected()
    {
        var r = Load(File(Minimal + "[burnchain]\nrpc_port = 70000\nstable_confirmations = 0\n[miner]\nmax_rbf = 50\nburn_amount = 30000\nburn_fee_cap = 20000\n"));

        Assert.Equal(4, r.Errors.Count);
        Assert.Contains(r.Errors, e => e.Message.Contains("'burnchain.rpc_port' must be between 0 and 65535 (got 70000)", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("'burnchain.stable_confirmations' must be between 1 and 1000 (got 0)", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("'miner.max_rbf' must be between 100", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("exceeds 'miner.burn_fee_cap'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MaxBlockTransactions_DefaultSetAndRangeChecked()
    {
        Assert.Equal(500, Load(File(Minimal)).Config!.Miner.MaxBlockTransactions);
        Assert.Equal(1000, Load(File(Minimal + "[miner]\nmax_block_transactions = 1000\n")).Config!.Miner.MaxBlockTransactions);
        Assert.Equal(0, Load(File(Minimal), new() { ["BLOCKSTACK__MINER__MAX_BLOCK_TRANSACTIONS"] = "0" }).Config!.Miner.MaxBlockTransactions);

        foreach (var bad in new[] { "-1", "10001" })
        {
            var r = Load(File(Minimal + $"[miner]\nmax_block_transactions = {bad}\n"));
            var e = Assert.Single(r.Errors);
            Assert.Contains($"'miner.max_block_transactions' must be between 0 and 10000 (got {bad})", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_Endpoints_ParsedAndChecked()
    {
        var ok = Load(File(Minimal + "grpc_bind = \"[::1]:5000\"\nprometheus_bind = \"127.0.0.1:9153\"\n"));
        var bad = Load(File(Minimal + "grpc_bind = \"localhost\"\nprometheus_bind = \"[::1]:5000\"\n"));

        Assert.True(ok.IsOk, string.Join("\n", ok.Errors));
        Assert.Equal(IPEndPoint.Parse("[::1]:5000"), ok.Config!.Node.GrpcBind);
        Assert.Equal(9153, ok.Config.Node.PrometheusBind!.Port);
        Assert.Contains(bad.Errors, e => e.Message.Contains("'node.grpc_bind' must be an IP address and port", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_Precedence_FlagsOverEnvironmentOverFileOverDefaults()
    {
        var file = File(Minimal + "[burnchain]\nrpc_port = 1111\nrpc_host = \"10.0.0.1\"\ntimeout = 5\n");
        var env = new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = "2222", ["blockstack__burnchain__rpc_host"] = "10.0.0.2", ["OTHER"] = "x" };
        var flags = new[] { ("--grpc-bind", "node.grpc_bind", "127.0.0.1:3333"), ("--datadir", "node.data_dir", "/flag/dir") };

        var fileOnly = Load(file).Config!;
        var withEnv = Load(file, env).Config!;
        var all = Load(file, env, flags).Config!;

        Assert.Equal(1111, fileOnly.Burnchain.RpcPort);
        Assert.Equal(2222, withEnv.Burnchain.RpcPort);
        Assert.Equal("10.0.0.2", withEnv.Burnchain.RpcHost);
        Assert.Equal(TimeSpan.FromSeconds(5), withEnv.Burnchain.Timeout);
        Assert.Equal(3333, all.Node.GrpcBind.Port);
        Assert.Equal(Path.GetFullPath("/flag/dir"), all.Node.DataDir);
        Assert.Equal(10, all.Burnchain.PollInterval.TotalSeconds);
    }

    [Fact]
    public void Load_EnvironmentUnknownKey_NamesTheVariable()
    {
        var r = Load(File(Minimal), new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__RPCPORT"] = "1", ["BLOCKSTACK__NODE"] = "x" });

        Assert.Equal(2, r.Errors.Count);
        Assert.Contains(r.Errors, e => e.Where == "BLOCKSTACK__BURNCHAIN__RPCPORT" && e.Message.Contains("unknown key 'burnchain.rpcport'", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Where == "BLOCKSTACK__NODE" && e.Message.Contains("BLOCKSTACK__<SECTION>__<KEY>", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_EnvironmentBadValue_NamesTheVariable()
    {
        var r = Load(File(Minimal), new Dictionary<string, string> { ["BLOCKSTACK__MINER__ENABLED"] = "maybe" });

        var e = Assert.Single(r.Errors);
        Assert.Equal("BLOCKSTACK__MINER__ENABLED", e.Where);
    }

    [Theory]
    [InlineData("mainnet")]
    [InlineData("testnet")]
    public void Load_NoDataDirOnPublicNetwork_Refused(string network)
    {
        var r = Load(File($"[node]\nnetwork = \"{network}\"\n"));

        var e = Assert.Single(r.Errors);
        Assert.Contains($"a data directory is required on {network}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RegtestWithoutDataDir_UsesHomeNeverTemp()
    {
        var r = Load(null, selfContained: true);

        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        Assert.Equal(Path.GetFullPath(Path.Combine("/home/op", ".blockstack", "regtest")), r.Config!.Node.DataDir);
        Assert.Equal(BurnchainMode.Embedded, r.Config.Burnchain.Mode);
        Assert.True(r.Config.Miner.Enabled);
        Assert.Equal(1, r.Config.Burnchain.StableConfirmations);
    }

    [Fact]
    public void Load_RelativeDataDirInFile_IsRelativeToTheFile()
    {
        var r = Load(File("[node]\nnetwork = \"testnet\"\ndata_dir = \"chain\"\n"));

        Assert.Equal(Path.Combine(_dir, "chain"), r.Config!.Node.DataDir);
    }

    [Fact]
    public void Load_EmbeddedOrGenesisOutsideRegtest_Refused()
    {
        var r = Load(File(Minimal + "[burnchain]\nmode = \"embedded\"\n[[genesis.account]]\naddress = \"ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG\"\nustx = 5\n"));

        Assert.Equal(2, r.Errors.Count);
        Assert.Contains(r.Errors, e => e.Message.Contains("regtest only (network is testnet)", StringComparison.Ordinal) && e.Message.Contains("embedded", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("[[genesis.account]] is for regtest only", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_GenesisAccounts_ValidatedOnRegtest()
    {
        var good = RegtestProfile.Account(0).Address;
        var r = Load(File(
            "[node]\nnetwork = \"regtest\"\ndata_dir = \"/r\"\n" +
            $"[[genesis.account]]\naddress = \"{good}\"\nustx = 1000\n" +
            "[[genesis.account]]\naddress = \"SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7\"\nustx = 0\n" +
            "[[genesis.account]]\naddress = \"nope\"\nustx = 1\ncolor = \"red\"\n"));

        Assert.Equal(4, r.Errors.Count);
        Assert.Contains(r.Errors, e => e.Message.Contains("is a mainnet address", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("'genesis.account.ustx' must be positive", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("is not a Stacks address", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("unknown key 'genesis.account.color'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MinerWithoutKeyOrWallet_Refused()
    {
        var r = Load(File(Minimal + "[miner]\nenabled = true\nbtc_key = \"not-a-key\"\n"));

        Assert.Equal(2, r.Errors.Count);
        Assert.Contains(r.Errors, e => e.Message.Contains("'miner.btc_key' must be a WIF key for testnet", StringComparison.Ordinal) && !e.Message.Contains("not-a-key", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Message.Contains("'burnchain.wallet_name'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BurnchainCredentials_BothOrCookieRequired()
    {
        var r1 = Load(File(Minimal + "[burnchain]\nusername = \"u\"\n"), withCookie: false);
        var r2 = Load(File(Minimal + "[burnchain]\nusername = \"u\"\npassword = \"p\"\ncookie_file = \"/c\"\n"), withCookie: false);
        var r3 = Load(File(Minimal), withCookie: false);

        Assert.Contains(r1.Errors, e => e.Message.Contains("go together", StringComparison.Ordinal));
        Assert.Contains(r2.Errors, e => e.Message.Contains("not both", StringComparison.Ordinal));
        Assert.Contains("mode bitcoind needs credentials", Assert.Single(r3.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_MasksSecrets()
    {
        var key = RegtestProfile.MinerKey(MinerAddressType.P2wpkh).Wif;
        var r = Load(File($"[node]\nnetwork = \"regtest\"\ndata_dir = \"/r\"\n[burnchain]\nmode = \"bitcoind\"\nusername = \"alice\"\npassword = \"hunter2\"\nwallet_name = \"w\"\n[miner]\nenabled = true\nbtc_key = \"{key}\"\n"), withCookie: false);
        Assert.True(r.IsOk, string.Join("\n", r.Errors));

        var text = NodeLogging.Describe(r.Config!);

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.Contains("burnchain.password = ****", text, StringComparison.Ordinal);
        Assert.Contains("miner.btc_key = ****", text, StringComparison.Ordinal);
        Assert.Contains("burnchain.username = \"alice\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigKeys_EveryKeyDocumentedInOperatingGuide()
    {
        var doc = System.IO.File.ReadAllText(Path.Combine(TestKit.Vectors.RepoRoot, "docs", "operating.md"));

        foreach (var key in ConfigKeys.All.Concat(ConfigKeys.GenesisAccount))
        {
            Assert.Contains($"`{key.Name}`", doc, StringComparison.Ordinal);
        }
    }
}
