using System.CommandLine;

namespace Blockstack.Cli;

/// <summary><c>blockstack btc ...</c>: Bitcoin decoding and address tools.</summary>
public static class BtcCommands
{
    public static Command Create(CliIo io)
    {
        ArgumentNullException.ThrowIfNull(io);
        var btc = new Command("btc", "Bitcoin transactions, blocks, scripts and addresses");
        return btc;
    }
}
