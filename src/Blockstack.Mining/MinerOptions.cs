using System.Globalization;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Burnchain;
using Blockstack.Stacks;

namespace Blockstack.Mining;

/// <summary>
/// The miner's configuration (stacks-core's <c>[burnchain]</c> miner keys and <c>[node] seed</c>).
/// Each default is stated here once. <see cref="Validate"/> checks everything and names each
/// problem; the miner refuses to start on any.
/// </summary>
public sealed record MinerOptions
{
    /// <summary>The BTC key that funds commits: WIF, or hex (64 digits, or 66 ending in 01 for a compressed public key).</summary>
    public required string BitcoinKey { get; init; }

    /// <summary>"p2pkh" (default, as stacks-core) or "p2wpkh" (needs a compressed key).</summary>
    public string AddressType { get; init; } = "p2pkh";

    /// <summary>The bitcoind wallet the miner's address is imported into (watch-only). Default "blockstack-miner".</summary>
    public string WalletName { get; init; } = "blockstack-miner";

    /// <summary>Create the wallet when it does not exist; only honoured on regtest. Default true.</summary>
    public bool CreateWalletOnRegtest { get; init; } = true;

    /// <summary>The Stacks block-signing (coinbase) key in hex; null derives it from <see cref="BitcoinKey"/>.</summary>
    public string? StacksKey { get; init; }

    /// <summary>Satoshis committed per block (the PoX outputs together). Default 20,000.</summary>
    public ulong BurnAmount { get; init; } = 20_000;

    /// <summary>The most a commit may commit (stacks-core burn_fee_cap); <see cref="BurnAmount"/> must not exceed it. Default 20,000.</summary>
    public ulong BurnFeeCap { get; init; } = 20_000;

    /// <summary>Fee rate of a first attempt, sat/vB (stacks-core satoshis_per_byte). Default 50.</summary>
    public ulong FeeRate { get; init; } = 50;

    /// <summary>Added to the fee rate on each replace-by-fee, sat/vB (rbf_fee_increment). Default 5.</summary>
    public ulong RbfFeeIncrement { get; init; } = 5;

    /// <summary>RBF stops once the rate would exceed <see cref="FeeRate"/> × this / 100 (max_rbf). Default 150.</summary>
    public ulong MaxRbfPercent { get; init; } = 150;

    /// <summary>Fees are paid on at least this many vbytes for a commit (block_commit_tx_estimated_size). Default 380.</summary>
    public int CommitEstimatedSize { get; init; } = 380;

    /// <summary>Fees are paid on at least this many vbytes for a key registration (leader_key_tx_estimated_size). Default 290.</summary>
    public int KeyRegisterEstimatedSize { get; init; } = 290;

    /// <summary>A key registration not in the sortition store after this many burn blocks is sent again. Default 3.</summary>
    public int KeyRegisterTimeoutBlocks { get; init; } = 3;

    /// <summary>At most this many mempool transactions per assembled block. Default 500.</summary>
    public int MaxBlockTransactions { get; init; } = 500;

    /// <summary>Where the miner keeps its state file (VRF key, key registration, ongoing commit). Required.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Every problem with these options, each a sentence; empty when they are usable on <paramref name="network"/>.</summary>
    public IReadOnlyList<string> Validate(BurnchainParameters network) => TryCreateKeys(network, out _);

    /// <summary>Validates and derives the keys; throws <see cref="MinerConfigurationException"/> listing every problem.</summary>
    public MinerKeys CreateKeys(BurnchainParameters network)
    {
        var errors = TryCreateKeys(network, out var keys);
        return errors.Count == 0 ? keys! : throw new MinerConfigurationException(errors);
    }

    private List<string> TryCreateKeys(BurnchainParameters network, out MinerKeys? keys)
    {
        ArgumentNullException.ThrowIfNull(network);
        keys = null;
        var errors = new List<string>();
        var segwit = false;
        switch (AddressType)
        {
            case "p2pkh":
                break;
            case "p2wpkh":
                segwit = true;
                break;
            default:
                errors.Add($"miner address type '{AddressType}' is not supported; use p2pkh or p2wpkh");
                break;
        }

        var secp = Secp256k1.Default;
        byte[]? secret = null;
        var compressed = false;
        if (string.IsNullOrWhiteSpace(BitcoinKey))
        {
            errors.Add("miner BTC key is empty; give a WIF or a hex private key");
        }
        else if (IsHex(BitcoinKey))
        {
            if (!StacksPrivateKey.TryParse(BitcoinKey, out var parsed, out var why))
            {
                errors.Add($"miner BTC key is not a valid hex private key: {why.Message}");
            }
            else if (!secp.IsValidPrivateKey(parsed.Key))
            {
                errors.Add("miner BTC key is outside the secp256k1 range (zero or not below the curve order)");
            }
            else
            {
                secret = parsed.Key.ToArray();
                compressed = parsed.Compressed;
            }
        }
        else if (Wif.TryDecode(BitcoinKey, network.Bitcoin, out var wifSecret, out var wifCompressed))
        {
            secret = wifSecret;
            compressed = wifCompressed;
        }
        else
        {
            errors.Add($"miner BTC key is neither hex nor a valid {network.Bitcoin.Name} WIF (bad characters, checksum, length or network version)");
        }

        if (secret is not null && segwit && !compressed)
        {
            errors.Add("miner address type p2wpkh needs a compressed key (a compressed WIF, or 66 hex digits ending in 01)");
        }

        StacksPrivateKey? stacksKey = null;
        if (StacksKey is not null)
        {
            if (!StacksPrivateKey.TryParse(StacksKey, out stacksKey, out var why))
            {
                errors.Add($"miner Stacks key is not a valid hex private key: {why.Message}");
            }
            else if (!secp.IsValidPrivateKey(stacksKey.Key))
            {
                errors.Add("miner Stacks key is outside the secp256k1 range");
            }
        }

        if (string.IsNullOrWhiteSpace(WalletName))
        {
            errors.Add("miner wallet name is empty");
        }

        if (BurnAmount == 0)
        {
            errors.Add("miner burn amount must be above zero satoshis");
        }

        if (BurnAmount > BurnFeeCap)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"miner burn amount {BurnAmount} exceeds the burn fee cap {BurnFeeCap}"));
        }

        if (FeeRate == 0)
        {
            errors.Add("miner fee rate must be at least 1 sat/vB");
        }

        if (RbfFeeIncrement == 0)
        {
            errors.Add("miner RBF fee increment must be at least 1 sat/vB (a replacement must pay a higher rate)");
        }

        if (MaxRbfPercent < 100)
        {
            errors.Add("miner max RBF must be at least 100 (percent of the fee rate)");
        }

        if (CommitEstimatedSize <= 0 || KeyRegisterEstimatedSize <= 0)
        {
            errors.Add("miner estimated transaction sizes must be positive");
        }

        if (KeyRegisterTimeoutBlocks < 1)
        {
            errors.Add("miner key registration timeout must be at least 1 burn block");
        }

        if (MaxBlockTransactions < 0)
        {
            errors.Add("miner max block transactions must not be negative");
        }

        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            errors.Add("miner state directory is empty");
        }

        if (errors.Count == 0)
        {
            keys = new MinerKeys(secret!, compressed, segwit, network, stacksKey ?? new StacksPrivateKey(secret, compressed));
        }

        return errors;
    }

    private static bool IsHex(string text) => text.Length is 64 or 66 && text.All(Uri.IsHexDigit);

    public override string ToString() =>
        $"BitcoinKey=****, AddressType={AddressType}, WalletName={WalletName}, StacksKey={(StacksKey is null ? "(from BTC key)" : "****")}, " +
        $"BurnAmount={BurnAmount}, BurnFeeCap={BurnFeeCap}, FeeRate={FeeRate}, RbfFeeIncrement={RbfFeeIncrement}, MaxRbfPercent={MaxRbfPercent}, " +
        $"CommitEstimatedSize={CommitEstimatedSize}, KeyRegisterEstimatedSize={KeyRegisterEstimatedSize}, StateDirectory={StateDirectory}";
}

/// <summary>The miner's options could not be used; <see cref="Errors"/> names every problem.</summary>
public sealed class MinerConfigurationException : Exception
{
    public MinerConfigurationException()
    {
        Errors = [];
    }

    public MinerConfigurationException(string message)
        : base(message)
    {
        Errors = [message];
    }

    public MinerConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public MinerConfigurationException(IReadOnlyList<string> errors)
        : base("invalid miner configuration: " + string.Join("; ", errors ?? []))
    {
        Errors = errors ?? [];
    }

    public IReadOnlyList<string> Errors { get; }
}
