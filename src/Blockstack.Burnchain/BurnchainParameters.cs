using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;

namespace Blockstack.Burnchain;

/// <summary>
/// Stacks epochs that change how burn operations parse. The node applies the 2.1 rule set from
/// genesis (DESIGN.md); the earlier epochs exist so that upstream's vectors can be replayed.
/// </summary>
public enum StacksEpoch
{
    Epoch20 = 0x2000,
    Epoch205 = 0x2005,
    Epoch21 = 0x2100,
}

public static class StacksEpochExtensions
{
    public static bool IsAtLeast21(this StacksEpoch epoch) => epoch >= StacksEpoch.Epoch21;

    /// <summary>The minimum block-commit memo (high 5 bits of payload byte 76) the epoch demands.</summary>
    public static byte CommitMemoMarker(this StacksEpoch epoch) => epoch switch
    {
        StacksEpoch.Epoch20 => 0x00,
        StacksEpoch.Epoch205 => 0x05,
        _ => 0x06,
    };
}

/// <summary>PoX cycle arithmetic the parsers need (consensus.md §3.2): phase and sunset.</summary>
public sealed record PoxConstants(uint RewardCycleLength, uint PrepareLength, ulong SunsetStart, ulong SunsetEnd)
{
    /// <summary>Prepare phase: h &gt; f and ((h−f) mod L == 0 or (h−f) mod L &gt; L−P).</summary>
    public bool IsInPreparePhase(ulong firstBlockHeight, ulong height)
    {
        if (height <= firstBlockHeight)
        {
            return false;
        }

        var offset = (height - firstBlockHeight) % RewardCycleLength;
        return offset == 0 || offset > RewardCycleLength - PrepareLength;
    }
}

/// <summary>
/// Everything about a network that the burnchain layer depends on. Immutable and chosen by name
/// (<see cref="ForNetwork"/>); each call returns a fresh record, there is no global instance.
/// </summary>
public sealed record BurnchainParameters(
    string Name,
    byte Magic0,
    byte Magic1,
    BitcoinNetwork Bitcoin,
    ulong FirstBlockHeight,
    BlockHash FirstBlockHash,
    int StableConfirmations,
    PoxConstants Pox,
    StacksEpoch Epoch)
{
    public bool IsMainnet => Bitcoin.Name == "mainnet";

    /// <summary>The epoch whose parse rules apply at <paramref name="height"/> (the node: 2.1 everywhere).</summary>
    public StacksEpoch EpochAt(ulong height) => Epoch;

    public static BurnchainParameters Mainnet() => new(
        "mainnet",
        (byte)'X',
        (byte)'2',
        BitcoinNetwork.Mainnet,
        666050,
        BlockHash.Parse("0000000000000000000ab248c8e35c574514d052a83dbc12669e19bc43df486e"),
        7,
        new PoxConstants(2100, 100, 666050 + 100_000, 666050 + 500_000),
        StacksEpoch.Epoch21);

    public static BurnchainParameters Testnet() => new(
        "testnet",
        (byte)'T',
        (byte)'2',
        BitcoinNetwork.Testnet,
        2000000,
        BlockHash.Parse("000000000000010dd0863ec3d7a0bae17c1957ae1de9cbcdae8e77aad33e3b8c"),
        7,
        new PoxConstants(1050, 50, 2000000 + 100_000, 2000000 + 500_000),
        StacksEpoch.Epoch21);

    public static BurnchainParameters Regtest() => new(
        "regtest",
        (byte)'i',
        (byte)'d',
        BitcoinNetwork.Regtest,
        0,
        BlockHash.Parse("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
        1,
        new PoxConstants(5, 3, 100_000, 500_000),
        StacksEpoch.Epoch21);

    /// <summary>Parameters for "mainnet", "testnet" or "regtest"; false for any other name.</summary>
    public static bool TryForNetwork(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BurnchainParameters? parameters)
    {
        parameters = name switch
        {
            "mainnet" => Mainnet(),
            "testnet" => Testnet(),
            "regtest" => Regtest(),
            _ => null,
        };
        return parameters is not null;
    }

    public static BurnchainParameters ForNetwork(string name) =>
        TryForNetwork(name, out var p) ? p : throw new ArgumentException($"unknown network '{name}'", nameof(name));
}
