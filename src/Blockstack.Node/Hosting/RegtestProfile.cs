using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Node.Config;
using Blockstack.Regtest;
using Blockstack.Stacks;

namespace Blockstack.Node.Hosting;

/// <summary>A generated regtest key: Stacks address and private key (hex, compressed) and its genesis balance.</summary>
public sealed record RegtestAccount(string Address, string PrivateKeyHex, ulong Ustx);

/// <summary>The miner's generated Bitcoin key on regtest: WIF and address.</summary>
public sealed record RegtestMinerKey(string Wif, string Address, MinerAddressType AddressType);

/// <summary>What <c>start --regtest</c> runs with, beyond the config: keys to print and the embedded chain's options.</summary>
public sealed record RegtestSettings(NodeConfig Config, IReadOnlyList<RegtestAccount> Accounts, RegtestMinerKey? Miner, RegtestOptions Burnchain);

/// <summary>
/// The self-contained regtest node: well-known genesis accounts and a miner key derived from fixed
/// labels (the same on every machine and every restart, like a development chain's accounts —
/// never use them elsewhere), and the embedded burnchain that mines to the miner every few seconds.
/// </summary>
public static class RegtestProfile
{
    public const int GeneratedAccounts = 3;

    /// <summary>100 million STX per generated account.</summary>
    public const ulong GeneratedBalance = 100_000_000UL * 1_000_000UL;

    /// <summary>Burn blocks mined to the miner at first start, so its first coinbase has matured (100 confirmations).</summary>
    public const int FundingBlocks = 101;

    /// <summary>
    /// The effective settings: generated accounts when the config lists none, a generated miner key
    /// when mining is on without one, and the embedded chain's options (under data_dir/burnchain).
    /// </summary>
    public static RegtestSettings Prepare(NodeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Node.Network != "regtest" || config.Burnchain.Mode != BurnchainMode.Embedded)
        {
            throw new ArgumentException("the regtest profile needs network regtest and burnchain mode embedded", nameof(config));
        }

        var accounts = new List<RegtestAccount>();
        if (config.GenesisAccounts.Count == 0)
        {
            for (var i = 0; i < GeneratedAccounts; i++)
            {
                accounts.Add(Account(i));
            }

            config = config with { GenesisAccounts = accounts.Select(a => new GenesisAccount(a.Address, a.Ustx)).ToList() };
        }

        RegtestMinerKey? miner = null;
        if (config.Miner.Enabled)
        {
            if (config.Miner.BtcKey is null)
            {
                miner = MinerKey(config.Miner.AddressType);
                config = config with { Miner = config.Miner with { BtcKey = miner.Wif } };
            }
            else
            {
                miner = MinerKeyFrom(config.Miner.BtcKey, config.Miner.AddressType);
            }
        }

        var burnchain = new RegtestOptions
        {
            DataDir = Path.Combine(config.Node.DataDir, "burnchain"),
            BindAddress = IPAddress.Loopback,
            RpcPort = config.Burnchain.RpcPort,
            RpcUser = config.Burnchain.Username,
            RpcPassword = config.Burnchain.Password,
            AutomineInterval = miner is not null && config.Burnchain.EmbeddedBlockInterval > TimeSpan.Zero ? config.Burnchain.EmbeddedBlockInterval : null,
            AutomineAddress = miner?.Address,
        };
        return new RegtestSettings(config, accounts, miner, burnchain);
    }

    /// <summary>Generated account <paramref name="index"/>: the key is SHA-256 of a fixed label.</summary>
    public static RegtestAccount Account(int index)
    {
        var secret = Secret("blockstack regtest account " + index.ToString(CultureInfo.InvariantCulture));
        var key = new StacksPrivateKey(secret, compressed: true);
        var address = new StacksSigner(BouncySecp256k1.Instance).SingleSigCondition(key, 0, 0).Address(TransactionVersion.Testnet);
        return new RegtestAccount(address.ToString(), key.ToHex(), GeneratedBalance);
    }

    /// <summary>The generated miner key (fixed label), as WIF with its regtest address.</summary>
    public static RegtestMinerKey MinerKey(MinerAddressType type) =>
        MinerKeyFrom(Wif.Encode(Secret("blockstack regtest miner"), compressed: true, BitcoinNetwork.Regtest), type);

    /// <summary>The regtest address of a WIF or hex key.</summary>
    public static RegtestMinerKey MinerKeyFrom(string key, MinerAddressType type)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] secret;
        bool compressed;
        if (key.Length == 64 && key.All(Uri.IsHexDigit))
        {
            secret = Convert.FromHexString(key);
            compressed = true;
        }
        else if (!Wif.TryDecode(key, BitcoinNetwork.Regtest, out secret, out compressed))
        {
            throw new ArgumentException("not a regtest WIF or hex key", nameof(key));
        }

        var pub = BouncySecp256k1.Instance.GetPublicKey(secret, compressed || type == MinerAddressType.P2wpkh);
        var hash = Hashes.Hash160(pub);
        var script = type == MinerAddressType.P2wpkh ? BitcoinAddress.WitnessProgram(0, hash) : BitcoinAddress.P2pkh(hash);
        if (!BitcoinAddress.TryEncode(script, BitcoinNetwork.Regtest, out var address))
        {
            throw new InvalidOperationException("cannot encode the miner address");
        }

        return new RegtestMinerKey(key, address, type);
    }

    /// <summary>What <c>start --regtest</c> prints for the walkthrough (keys in clear: they are regtest-only).</summary>
    public static string Banner(RegtestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sb = new StringBuilder();
        sb.Append("Regtest node: well-known keys, for local use only. Never send real funds to them.\n");
        foreach (var a in settings.Accounts)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  account {a.Address}  key {a.PrivateKeyHex}  balance {a.Ustx} uSTX\n");
        }

        if (settings.Miner is { } m)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  miner BTC key {m.Wif}  address {m.Address} ({m.AddressType.ToString().ToLowerInvariant()})\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Starts the embedded burnchain, funds the miner (101 blocks to its address on an empty chain)
    /// and returns it with the config pointing at it (host, bound port, credentials).
    /// </summary>
    public static async Task<(RegtestNode Node, NodeConfig Config)> StartBurnchainAsync(RegtestSettings settings, Microsoft.Extensions.Logging.ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var node = await RegtestNode.StartAsync(settings.Burnchain, loggers, cancellationToken).ConfigureAwait(false);
        try
        {
            if (settings.Miner is { } miner && node.Engine.Chain.Height < FundingBlocks
                && BitcoinAddress.TryDecode(miner.Address, BitcoinNetwork.Regtest, out var script, out _))
            {
                node.Engine.Generate(FundingBlocks - (int)node.Engine.Chain.Height, script);
            }

            var b = settings.Config.Burnchain;
            var config = settings.Config with
            {
                Burnchain = b with
                {
                    RpcHost = node.Endpoint.Address.ToString(),
                    RpcPort = node.Endpoint.Port,
                    Username = node.CookiePath is null ? node.Credentials.User : null,
                    Password = node.CookiePath is null ? node.Credentials.Password : null,
                    CookieFile = node.CookiePath,
                },
            };
            return (node, config);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static byte[] Secret(string label) => SHA256.HashData(Encoding.UTF8.GetBytes(label));
}
