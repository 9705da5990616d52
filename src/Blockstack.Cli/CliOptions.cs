using System.CommandLine;

namespace Blockstack.Cli;

/// <summary>Options shared across command groups.</summary>
public static class CliOptions
{
    /// <summary>
    /// A new <c>--network mainnet|testnet|regtest|signet</c> option, for every command. Each command
    /// tree gets its own instance (<see cref="CliIo.Network"/>): option objects belong to one tree.
    /// </summary>
    public static Option<string> CreateNetwork() => new("--network", "-n")
    {
        Description = "network whose address versions and prefixes apply: mainnet, testnet, regtest or signet (commands that talk to a node use the node's network, and fail if this disagrees)",
        DefaultValueFactory = _ => "mainnet",
        Recursive = true,
    };

    /// <summary>A required positional value that may be <c>-</c> for batch mode.</summary>
    public static Argument<string> Value(string name, string description) => new(name)
    {
        Description = description + " (or - to read one per line from standard input)",
    };

    /// <summary>Parses hex given by the user, with or without a 0x prefix.</summary>
    public static byte[] ParseHex(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (hex.Length % 2 != 0)
        {
            throw new CliException($"{what} is not hex: odd number of digits");
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new CliException($"{what} is not hex");
        }
    }
}
