using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Json;

/// <summary>
/// Transactions, scripts and blocks as bitcoind shows them in <c>decoderawtransaction</c>,
/// <c>decodescript</c> and <c>getblock</c>: the same keys, order and number formats, so tools
/// written against bitcoind read ours unchanged. Shared by the CLI and the regtest RPC server.
/// </summary>
public static class BitcoindJson
{
    /// <summary>Satoshis as a BTC amount with exactly eight decimals (e.g. <c>50.00000000</c>).</summary>
    public static decimal ToBtc(long satoshis) => satoshis * 0.00000001m; // the product keeps scale 8

    /// <summary>The <c>decoderawtransaction</c> object.</summary>
    public static JsonObject Transaction(Transaction tx, BitcoinNetwork network)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var vin = new JsonArray();
        foreach (var input in tx.Inputs)
        {
            vin.Add(Input(input, tx.IsCoinBase));
        }

        var vout = new JsonArray();
        for (var n = 0; n < tx.Outputs.Count; n++)
        {
            vout.Add(Output(tx.Outputs[n], n, network));
        }

        return new JsonObject
        {
            ["txid"] = tx.Txid.ToString(),
            ["hash"] = tx.Wtxid.ToDisplayString(),
            ["version"] = tx.Version,
            ["size"] = tx.TotalSize,
            ["vsize"] = tx.VirtualSize,
            ["weight"] = tx.Weight,
            ["locktime"] = tx.LockTime,
            ["vin"] = vin,
            ["vout"] = vout,
        };
    }

    /// <summary>One <c>vin</c> entry: the coinbase form, or the outpoint with its scriptSig.</summary>
    public static JsonObject Input(TxIn input, bool coinbase)
    {
        var json = new JsonObject();
        if (coinbase)
        {
            json["coinbase"] = Convert.ToHexStringLower(input.ScriptSig.Span);
        }
        else
        {
            json["txid"] = input.PrevOut.Txid.ToString();
            json["vout"] = input.PrevOut.Index;
            json["scriptSig"] = new JsonObject
            {
                ["asm"] = Script.ToAsm(input.ScriptSig.Span, attemptSighashDecode: true),
                ["hex"] = Convert.ToHexStringLower(input.ScriptSig.Span),
            };
        }

        if (input.HasWitness)
        {
            var witness = new JsonArray();
            foreach (var item in input.Witness)
            {
                witness.Add(Convert.ToHexStringLower(item.Span));
            }

            json["txinwitness"] = witness;
        }

        json["sequence"] = input.Sequence;
        return json;
    }

    /// <summary>One <c>vout</c> entry.</summary>
    public static JsonObject Output(TxOut output, int n, BitcoinNetwork network) => new()
    {
        ["value"] = ToBtc(output.Value),
        ["n"] = n,
        ["scriptPubKey"] = ScriptPubKey(output.ScriptPubKey.Span, network),
    };

    /// <summary>A scriptPubKey: asm, hex, the address where the script has exactly one, and its type.</summary>
    public static JsonObject ScriptPubKey(ReadOnlySpan<byte> script, BitcoinNetwork network)
    {
        var json = new JsonObject
        {
            ["asm"] = Script.ToAsm(script),
            ["hex"] = Convert.ToHexStringLower(script),
        };
        if (BitcoinAddress.TryEncode(script, network, out var address))
        {
            json["address"] = address;
        }

        json["type"] = StandardScripts.GetName(StandardScripts.Classify(script));
        return json;
    }

    /// <summary>The header fields bitcoind shows for a block (without chain context).</summary>
    public static JsonObject Header(BlockHeader header)
    {
        return new JsonObject
        {
            ["hash"] = header.Hash.ToString(),
            ["version"] = header.Version,
            ["versionHex"] = header.Version.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            ["merkleroot"] = header.MerkleRoot.ToDisplayString(),
            ["time"] = header.Time,
            ["nonce"] = header.Nonce,
            ["bits"] = header.Bits.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            ["previousblockhash"] = header.PrevBlock.ToString(),
        };
    }
}
