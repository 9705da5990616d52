using System.CommandLine;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Json;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Cli;

/// <summary><c>blockstack btc ...</c>: Bitcoin decoding and address tools.</summary>
public static class BtcCommands
{
    public static Command Create(CliIo io)
    {
        ArgumentNullException.ThrowIfNull(io);
        return new Command("btc", "Bitcoin transactions, blocks, scripts and addresses")
        {
            DecodeTx(io),
            DecodeBlock(io),
            Address(io),
            ScriptOf(io),
        };
    }

    private static Command DecodeTx(CliIo io)
    {
        var hex = CliOptions.Value("HEX", "raw transaction hex");
        var command = new Command("decode-tx", "decode a raw transaction as bitcoind's decoderawtransaction shows it") { hex };
        command.SetAction(parse =>
        {
            var network = Network(io, parse);
            return io.ForEachInput(parse.GetValue(hex)!, value => BitcoindJson.Transaction(ParseTransaction(value), network));
        });
        return command;
    }

    private static Command DecodeBlock(CliIo io)
    {
        var block = CliOptions.Value("HEX|@FILE", "raw block as hex, or @path of a file holding it raw or as hex");
        var txids = new Option<bool>("--txids") { Description = "list every transaction id" };
        var command = new Command("decode-block", "decode a raw block: hash, header, merkle root check, sizes") { block, txids };
        command.SetAction(parse =>
        {
            var listTxids = parse.GetValue(txids);
            return io.ForEachInput(parse.GetValue(block)!, value => DescribeBlock(ParseBlock(value), listTxids));
        });
        return command;
    }

    private static Command Address(CliIo io)
    {
        var script = new Option<string>("--script") { Description = "scriptPubKey hex (or - for one per line on standard input)", Required = true };
        var command = new Command("address", "the address of a scriptPubKey on the chosen network") { script };
        command.SetAction(parse =>
        {
            var network = Network(io, parse);
            return io.ForEachInput(parse.GetValue(script)!, value =>
            {
                var bytes = CliOptions.ParseHex(value, "script");
                if (!BitcoinAddress.TryEncode(bytes, network, out var address))
                {
                    var type = StandardScripts.GetName(StandardScripts.Classify(bytes));
                    throw new CliException($"a script of type '{type}' has no address");
                }

                return new JsonObject
                {
                    ["address"] = address,
                    ["type"] = StandardScripts.GetName(StandardScripts.Classify(bytes)),
                    ["network"] = network.Name,
                };
            });
        });
        return command;
    }

    private static Command ScriptOf(CliIo io)
    {
        var address = new Option<string>("--address") { Description = "address (or - for one per line on standard input)", Required = true };
        var command = new Command("script", "the scriptPubKey an address stands for on the chosen network") { address };
        command.SetAction(parse =>
        {
            var network = Network(io, parse);
            return io.ForEachInput(parse.GetValue(address)!, value =>
            {
                if (!BitcoinAddress.TryDecode(value, network, out var script, out var error))
                {
                    throw new CliException($"invalid {network.Name} address: {error}");
                }

                var json = BitcoindJson.ScriptPubKey(script, network);
                return json;
            });
        });
        return command;
    }

    private static BitcoinNetwork Network(CliIo io, ParseResult parse)
    {
        var name = parse.GetValue(io.Network);
        return BitcoinNetwork.TryFromName(name, out var network)
            ? network
            : throw new CliException($"unknown network '{name}' (mainnet, testnet, regtest or signet)");
    }

    private static Transaction ParseTransaction(string hex)
    {
        var bytes = CliOptions.ParseHex(hex, "transaction");
        return Transaction.TryParse(bytes, out var tx, out var error)
            ? tx
            : throw new CliException("transaction decode failed: " + error);
    }

    private static Block ParseBlock(string value)
    {
        byte[] bytes;
        if (value.StartsWith('@'))
        {
            var path = value[1..];
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliException($"cannot read {path}: {e.Message}");
            }

            bytes = LooksLikeHex(bytes) ? CliOptions.ParseHex(System.Text.Encoding.ASCII.GetString(bytes).Trim(), "block file") : bytes;
        }
        else
        {
            bytes = CliOptions.ParseHex(value, "block");
        }

        return Block.TryParse(bytes, out var block, out var error)
            ? block
            : throw new CliException("block decode failed: " + error);
    }

    private static readonly System.Buffers.SearchValues<byte> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF"u8);

    private static bool LooksLikeHex(byte[] bytes)
    {
        var text = bytes.AsSpan().Trim("\r\n \t"u8);
        return text.Length > 0 && text.Length % 2 == 0 && !text.ContainsAnyExcept(HexDigits);
    }

    private static JsonObject DescribeBlock(Block block, bool listTxids)
    {
        var computed = MerkleTree.BlockMerkleRoot(block, out var mutated);
        var json = BitcoindJson.Header(block.Header);
        json["nTx"] = block.Transactions.Count;
        json["merkleroot_computed"] = computed.ToDisplayString();
        json["merkleroot_valid"] = computed == block.Header.MerkleRoot && !mutated;
        json["size"] = block.TotalSize;
        json["strippedsize"] = block.BaseSize;
        json["weight"] = block.Weight;
        if (listTxids)
        {
            var txids = new JsonArray();
            foreach (var tx in block.Transactions)
            {
                txids.Add(tx.Txid.ToString());
            }

            json["tx"] = txids;
        }

        return json;
    }
}
