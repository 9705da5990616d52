using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Blockstack.Stacks;

namespace Blockstack.Cli;

/// <summary><c>blockstack keys ...</c>: key generation.</summary>
public static class KeysCommands
{
    public static Command Create(CliIo io)
    {
        ArgumentNullException.ThrowIfNull(io);
        var keys = new Command("keys", "Key generation");
        var create = new Command("new", "Make a new secp256k1 key: private key, public key, STX and BTC addresses");
        create.SetAction(parse =>
        {
            var mainnet = StxCommands.IsMainnet(parse.GetValue(io.Network)!);
            var curve = StxCommands.Curve;
            byte[] secret;
            do
            {
                secret = RandomNumberGenerator.GetBytes(32);
            }
            while (!curve.IsValidPrivateKey(secret));

            var key = new StacksPrivateKey(secret, compressed: true);
            var pub = key.PublicKey(curve);
            var address = new StacksAddress(mainnet ? StacksAddressVersion.MainnetSingleSig : StacksAddressVersion.TestnetSingleSig, Hash160.Of(pub));
            StacksBitcoinAddress.TryToBitcoin(address, out var btc, out _);
            io.Out.WriteLine(new JsonObject
            {
                ["private_key"] = key.ToHex(),
                ["public_key"] = Convert.ToHexStringLower(pub),
                ["stx_address"] = address.ToString(),
                ["btc_address"] = btc,
                ["network"] = mainnet ? "mainnet" : "testnet",
            }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return CliIo.Success;
        });
        keys.Subcommands.Add(create);
        return keys;
    }
}
