using System.Diagnostics.CodeAnalysis;

namespace Blockstack.Bitcoin.Addresses;

/// <summary>
/// The address and key prefixes of one Bitcoin network: Base58Check version bytes for P2PKH,
/// P2SH and WIF secrets, and the bech32 human-readable part for segwit addresses. Immutable;
/// chosen by name through <see cref="FromName"/>.
/// </summary>
public sealed record BitcoinNetwork(
    string Name,
    byte PubKeyHashVersion,
    byte ScriptHashVersion,
    string Bech32Hrp,
    byte WifVersion)
{
    public static BitcoinNetwork Mainnet { get; } = new("mainnet", 0x00, 0x05, "bc", 0x80);

    /// <summary>Testnet3 and testnet4 share these prefixes.</summary>
    public static BitcoinNetwork Testnet { get; } = new("testnet", 0x6f, 0xc4, "tb", 0xef);

    public static BitcoinNetwork Regtest { get; } = new("regtest", 0x6f, 0xc4, "bcrt", 0xef);

    public static BitcoinNetwork Signet { get; } = new("signet", 0x6f, 0xc4, "tb", 0xef);

    /// <summary>All known networks, in a fixed order.</summary>
    public static IReadOnlyList<BitcoinNetwork> All { get; } = [Mainnet, Testnet, Regtest, Signet];

    /// <summary>
    /// The network for a name: mainnet|main, testnet|test|testnet4, regtest, signet
    /// (case-insensitive); false for anything else.
    /// </summary>
    public static bool TryFromName(string? name, [NotNullWhen(true)] out BitcoinNetwork? network)
    {
        network = name?.ToLowerInvariant() switch
        {
            "mainnet" or "main" => Mainnet,
            "testnet" or "test" or "testnet4" => Testnet,
            "regtest" => Regtest,
            "signet" => Signet,
            _ => null,
        };
        return network is not null;
    }

    /// <summary>As <see cref="TryFromName"/>, throwing <see cref="ArgumentException"/> on an unknown name.</summary>
    public static BitcoinNetwork FromName(string name) =>
        TryFromName(name, out var network)
            ? network
            : throw new ArgumentException($"unknown Bitcoin network '{name}' (expected mainnet, testnet, regtest or signet)", nameof(name));

    public override string ToString() => Name;
}
