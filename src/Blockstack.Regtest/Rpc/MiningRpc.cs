using System.Text.Json;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Regtest.Rpc;

/// <summary>Regtest control: generatetoaddress, generateblock, submitblock, invalidateblock, reconsiderblock, stop.</summary>
public sealed class MiningRpc
{
    private readonly RegtestEngine _engine;
    private readonly Action _requestStop;

    public MiningRpc(RegtestEngine engine, Action requestStop)
    {
        _engine = engine;
        _requestStop = requestStop;
    }

    public void Register(RpcMethodTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add("generatetoaddress", ["nblocks", "address", "maxtries"], 2, GenerateToAddress);
        table.Add("generateblock", ["output", "transactions", "submit"], 2, GenerateBlock);
        table.Add("submitblock", ["hexdata", "dummy"], 1, SubmitBlock);
        table.Add("invalidateblock", ["blockhash"], 1, call => ChangeValidity(call, invalidate: true));
        table.Add("reconsiderblock", ["blockhash"], 1, call => ChangeValidity(call, invalidate: false));
        table.Add("stop", ["wait"], 0, _ =>
        {
            _requestStop();
            return "Bitcoin Core stopping";
        });
    }

    private RpcResult GenerateToAddress(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetInt(0, out var count, out var error)
            || !p.TryGetString(1, out var address, out error)
            || !p.TryGetInt(2, out _, out error, 1_000_000))
        {
            return error;
        }

        if (!BitcoinAddress.TryDecode(address, BitcoinNetwork.Regtest, out var script, out _))
        {
            return RpcError.InvalidAddressOrKey("Error: Invalid address");
        }

        var hashes = _engine.Generate((int)Math.Clamp(count, 0, 100_000), script);
        return new JsonArray(hashes.Select(h => (JsonNode)h.ToString()).ToArray());
    }

    private RpcResult GenerateBlock(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetString(0, out var output, out var error)
            || !p.TryGetArray(1, out var items, out error)
            || !p.TryGetBool(2, out var submit, out error, true))
        {
            return error;
        }

        if (!TryOutputScript(output, out var script))
        {
            return RpcError.InvalidAddressOrKey("Error: Invalid address or descriptor");
        }

        var txs = new List<Transaction>();
        lock (_engine.SyncRoot)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return RpcParams.WrongType(item, "string");
                }

                var text = item.GetString()!;
                if (text.Length == 64 && HashParsing.IsHex(text))
                {
                    var txid = new Txid(Hash256.FromDisplayString(text));
                    if (_engine.Pool.Get(txid) is not { } entry)
                    {
                        return RpcError.InvalidAddressOrKey($"Transaction {text} not in mempool.");
                    }

                    txs.Add(entry.Tx);
                }
                else if (MempoolRpc.TryDecodeTransaction(text, out var tx))
                {
                    txs.Add(tx);
                }
                else
                {
                    return RpcResult.Fail(RpcErrorCode.DeserializationError, "Transaction decode failed for " + text + ". Make sure the tx has at least one input.");
                }
            }

            var (block, blockError) = _engine.GenerateBlock(script, txs, submit);
            if (block is null)
            {
                return RpcResult.Fail(RpcErrorCode.VerifyError, blockError!);
            }

            var result = new JsonObject { ["hash"] = block.Hash.ToString() };
            if (!submit)
            {
                result["hex"] = Convert.ToHexStringLower(block.ToBytes());
            }

            return result;
        }
    }

    /// <summary>An address, or an addr()/raw() descriptor, as generateblock's output argument.</summary>
    private static bool TryOutputScript(string output, out byte[] script)
    {
        if (BitcoinAddress.TryDecode(output, BitcoinNetwork.Regtest, out script, out _))
        {
            return true;
        }

        if (Wallet.Descriptors.TryParse(output, requireChecksum: false, out var descriptor, out _))
        {
            script = descriptor.Script;
            return true;
        }

        script = [];
        return false;
    }

    private RpcResult SubmitBlock(RpcCall call)
    {
        if (!call.Params.TryGetString(0, out var hex, out var error))
        {
            return error;
        }

        if (!HashParsing.IsHex(hex) || !Block.TryParse(Convert.FromHexString(hex), out var block, out _))
        {
            return RpcResult.Fail(RpcErrorCode.DeserializationError, "Block decode failed");
        }

        if (block.Transactions.Count == 0 || !block.Transactions[0].IsCoinBase)
        {
            return RpcResult.Fail(RpcErrorCode.DeserializationError, "Block does not start with a coinbase");
        }

        var (result, _) = _engine.SubmitBlock(block);
        return result is null ? RpcResult.Null : result;
    }

    private RpcResult ChangeValidity(RpcCall call, bool invalidate)
    {
        if (!call.Params.TryGetHash(0, "blockhash", out var hash, out var error))
        {
            return error;
        }

        lock (_engine.SyncRoot)
        {
            if (_engine.Chain.GetEntry(new BlockHash(hash)) is not { } entry)
            {
                return RpcError.BlockNotFound;
            }

            if (invalidate)
            {
                if (entry.Height == 0)
                {
                    return RpcError.Misc("Genesis block cannot be invalidated");
                }

                _engine.InvalidateBlock(entry);
            }
            else
            {
                _engine.ReconsiderBlock(entry);
            }

            return RpcResult.Null;
        }
    }
}
