using System.Globalization;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Json;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;
using Blockstack.Regtest.Wallet;

namespace Blockstack.Regtest.Rpc;

/// <summary>bitcoind's result shapes for headers, blocks, transactions and scripts.</summary>
public static class JsonShapes
{
    public static BitcoinNetwork Network => BitcoinNetwork.Regtest;

    public static string Hex32(uint value) => value.ToString("x8", CultureInfo.InvariantCulture);

    public static string ChainWorkHex(System.Numerics.BigInteger work)
    {
        var hex = work.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        return hex.PadLeft(64, '0');
    }

    public static string TargetHex(uint bits) =>
        ProofOfWork.ToHash256(ProofOfWork.DecodeCompact(bits, out _, out _)).ToDisplayString();

    /// <summary>getblockheader's verbose object (also the first fields of getblock).</summary>
    public static JsonObject Header(BlockIndexEntry entry, ChainState chain)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(chain);
        var active = chain.IsActive(entry);
        var h = entry.Header;
        var obj = new JsonObject
        {
            ["hash"] = entry.Hash.ToString(),
            ["confirmations"] = active ? chain.Height - entry.Height + 1 : -1,
            ["height"] = entry.Height,
            ["version"] = h.Version,
            ["versionHex"] = Hex32((uint)h.Version),
            ["merkleroot"] = h.MerkleRoot.ToDisplayString(),
            ["time"] = h.Time,
            ["mediantime"] = entry.MedianTimePast,
            ["nonce"] = h.Nonce,
            ["bits"] = Hex32(h.Bits),
            ["target"] = TargetHex(h.Bits),
            ["difficulty"] = RegtestParams.GetDifficulty(h.Bits),
            ["chainwork"] = ChainWorkHex(entry.ChainWork),
            ["nTx"] = entry.TxCount,
        };
        if (entry.Parent is { } parent)
        {
            obj["previousblockhash"] = parent.Hash.ToString();
        }

        if (active && chain.GetActive(entry.Height + 1) is { } next)
        {
            obj["nextblockhash"] = next.Hash.ToString();
        }

        return obj;
    }

    /// <summary>getblock at verbosity 1 (txids) or 2 (transaction objects, with fees from undo data).</summary>
    public static JsonObject Block(BlockIndexEntry entry, Block block, ChainState chain, int verbosity, IReadOnlyList<Coin>? undo)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(block);
        var obj = Header(entry, chain);
        var next = obj["nextblockhash"];
        obj.Remove("nextblockhash");
        obj.Remove("previousblockhash");
        obj["strippedsize"] = block.BaseSize;
        obj["size"] = block.TotalSize;
        obj["weight"] = block.Weight;
        var txs = new JsonArray();
        var undoPos = 0;
        foreach (var tx in block.Transactions)
        {
            if (verbosity <= 1)
            {
                txs.Add(tx.Txid.ToString());
                continue;
            }

            long? fee = null;
            if (undo is not null && !tx.IsCoinBase)
            {
                long valueIn = 0;
                for (var i = 0; i < tx.Inputs.Count; i++)
                {
                    valueIn += undo[undoPos++].Value;
                }

                fee = valueIn - tx.Outputs.Sum(o => o.Value);
            }

            var txObj = Transaction(tx);
            if (fee is { } f)
            {
                txObj["fee"] = Amounts.ToJson(f);
            }

            txs.Add(txObj);
        }

        obj["tx"] = txs;
        if (entry.Parent is { } parent)
        {
            obj["previousblockhash"] = parent.Hash.ToString();
        }

        if (next is not null)
        {
            obj["nextblockhash"] = next.ToString();
        }

        return obj;
    }

    /// <summary>decoderawtransaction's object: txid, hash, sizes, vin, vout, hex.</summary>
    public static JsonObject Transaction(Transaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var vin = new JsonArray();
        foreach (var input in tx.Inputs)
        {
            vin.Add(BitcoindJson.Input(input, tx.IsCoinBase));
        }

        var vout = new JsonArray();
        for (var n = 0; n < tx.Outputs.Count; n++)
        {
            var output = tx.Outputs[n];
            vout.Add(new JsonObject
            {
                ["value"] = Amounts.ToJson(output.Value),
                ["n"] = n,
                ["scriptPubKey"] = ScriptPubKey(output.ScriptPubKey.Span),
            });
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
            ["hex"] = Convert.ToHexStringLower(tx.ToBytes()),
        };
    }

    /// <summary>ScriptToUniv: asm, desc, hex, address (single-address types only), type.</summary>
    public static JsonObject ScriptPubKey(ReadOnlySpan<byte> script)
    {
        var type = StandardScripts.Solve(script, out var solutions);
        var obj = new JsonObject
        {
            ["asm"] = Script.ToAsm(script),
            ["desc"] = InferDescriptor(script, type, solutions),
            ["hex"] = Convert.ToHexStringLower(script),
        };
        if (BitcoinAddress.TryEncode(script, Network, out var address))
        {
            obj["address"] = address;
        }

        obj["type"] = StandardScripts.GetName(type);
        return obj;
    }

    /// <summary>InferDescriptor without keys: addr() for address types, pk(), rawtr(), else raw().</summary>
    public static string InferDescriptor(ReadOnlySpan<byte> script, ScriptType type, IReadOnlyList<byte[]> solutions)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        string body;
        if (type == ScriptType.PubKey)
        {
            body = "pk(" + Convert.ToHexStringLower(solutions[0]) + ")";
        }
        else if (type == ScriptType.WitnessV1Taproot)
        {
            body = "rawtr(" + Convert.ToHexStringLower(solutions[0]) + ")";
        }
        else if (BitcoinAddress.TryEncode(script, Network, out var address))
        {
            body = "addr(" + address + ")";
        }
        else
        {
            body = "raw(" + Convert.ToHexStringLower(script) + ")";
        }

        return DescriptorChecksum.AddChecksum(body)!;
    }
}
