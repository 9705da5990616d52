using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Node.Config;
using Blockstack.Node.Hosting;
using Blockstack.Stacks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Tests;

[Trait("Category", "Unit")]
public sealed class RegtestProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-regtest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private NodeConfig Config(string toml = "", params (string, string, string)[] flags)
    {
        string? file = null;
        if (toml.Length > 0)
        {
            file = Path.Combine(_dir, "node.toml");
            File.WriteAllText(file, toml);
        }

        var r = ConfigLoader.Load(new ConfigSources
        {
            FilePath = file,
            SelfContained = true,
            Flags = [("--datadir", "node.data_dir", Path.Combine(_dir, "data")), .. flags],
            HomeDirectory = _dir,
        });
        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        return r.Config!;
    }

    [Fact]
    public void Prepare_NoAccounts_GeneratesWellKnownFundedAccounts()
    {
        var s = RegtestProfile.Prepare(Config());
        var again = RegtestProfile.Prepare(Config());

        Assert.Equal(RegtestProfile.GeneratedAccounts, s.Accounts.Count);
        Assert.Equal(s.Accounts, again.Accounts);
        Assert.Equal(s.Accounts.Count, s.Accounts.Select(a => a.Address).Distinct().Count());
        foreach (var a in s.Accounts)
        {
            Assert.StartsWith("ST", a.Address, StringComparison.Ordinal);
            Assert.True(StacksPrivateKey.TryParse(a.PrivateKeyHex, out var key, out _));
            var derived = new StacksSigner(BouncySecp256k1.Instance).SingleSigCondition(key!, 0, 0).Address(TransactionVersion.Testnet);
            Assert.Equal(a.Address, derived.ToString());
            Assert.Contains(new GenesisAccount(a.Address, RegtestProfile.GeneratedBalance), s.Config.GenesisAccounts);
        }
    }

    [Fact]
    public void Prepare_ConfiguredAccounts_KeptAndNothingGenerated()
    {
        var address = RegtestProfile.Account(7).Address;
        var s = RegtestProfile.Prepare(Config($"[[genesis.account]]\naddress = \"{address}\"\nustx = 42\n"));

        Assert.Empty(s.Accounts);
        Assert.Equal([new GenesisAccount(address, 42)], s.Config.GenesisAccounts);
    }

    [Fact]
    public void Prepare_Miner_GeneratedKeyFundsAutomine()
    {
        var s = RegtestProfile.Prepare(Config());

        var miner = s.Miner!;
        Assert.StartsWith("bcrt1q", miner.Address, StringComparison.Ordinal);
        Assert.Equal(miner.Wif, s.Config.Miner.BtcKey);
        Assert.True(Wif.TryDecode(miner.Wif, BitcoinNetwork.Regtest, out _, out var compressed));
        Assert.True(compressed);
        Assert.Equal(miner.Address, s.Burnchain.AutomineAddress);
        Assert.Equal(TimeSpan.FromSeconds(5), s.Burnchain.AutomineInterval);
        Assert.Equal(Path.Combine(_dir, "data", "burnchain"), s.Burnchain.DataDir);
        Assert.Contains(miner.Wif, RegtestProfile.Banner(s), StringComparison.Ordinal);
        Assert.Contains(s.Accounts[0].PrivateKeyHex, RegtestProfile.Banner(s), StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_ConfiguredP2pkhKeyAndNoAutomine_Respected()
    {
        var key = Convert.ToHexStringLower(Enumerable.Repeat((byte)5, 32).ToArray());
        var s = RegtestProfile.Prepare(Config($"[miner]\nbtc_key = \"{key}\"\naddress_type = \"p2pkh\"\n[burnchain]\nblock_interval = 0\n"));

        Assert.Equal(key, s.Miner!.Wif);
        Assert.True(s.Miner.Address[0] is 'm' or 'n', s.Miner.Address);
        Assert.Null(s.Burnchain.AutomineInterval);
    }

    [Fact]
    public void Prepare_MinerOff_NoMinerKeyNoAutomine()
    {
        var s = RegtestProfile.Prepare(Config("[miner]\nenabled = false\n"));

        Assert.Null(s.Miner);
        Assert.Null(s.Config.Miner.BtcKey);
        Assert.Null(s.Burnchain.AutomineInterval);
    }

    [Fact]
    public async Task StartBurnchain_FundsMinerAndPointsTheConfigAtIt()
    {
        var s = RegtestProfile.Prepare(Config("[burnchain]\nrpc_port = 0\nblock_interval = 0\n"));

        var (node, config) = await RegtestProfile.StartBurnchainAsync(s, NullLoggerFactory.Instance, CancellationToken.None);
        await using (node)
        {
            Assert.Equal(RegtestProfile.FundingBlocks, node.Engine.Chain.Height);
            Assert.Equal(node.Endpoint.Port, config.Burnchain.RpcPort);
            Assert.NotEqual(0, config.Burnchain.RpcPort);
            Assert.NotNull(config.Burnchain.CookieFile);
            Assert.Null(await BurnchainProbe.ProbeAsync(config.Burnchain, "regtest", CancellationToken.None));
            Assert.Contains("chain 'regtest'", await BurnchainProbe.ProbeAsync(config.Burnchain, "mainnet", CancellationToken.None), StringComparison.Ordinal);
        }
    }
}
