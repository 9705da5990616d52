using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Mempool;

namespace Blockstack.Regtest.Rpc;

/// <summary>sendrawtransaction, testmempoolaccept, getrawmempool and estimatesmartfee.</summary>
public sealed class MempoolRpc
{
    /// <summary>sendrawtransaction's default maxfeerate: 0.10 BTC/kvB.</summary>
    public const long DefaultMaxFeeRatePerKvB = 10_000_000;

    private readonly RegtestEngine _engine;

    public MempoolRpc(RegtestEngine engine) => _engine = engine;

    public void Register(RpcMethodTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add("sendrawtransaction", ["hexstring", "maxfeerate", "maxburnamount"], 1, SendRawTransaction);
        table.Add("testmempoolaccept", ["rawtxs", "maxfeerate"], 1, TestMempoolAccept);
        table.Add("getrawmempool", ["verbose", "mempool_sequence"], 0, GetRawMempool);
        table.Add("estimatesmartfee", ["conf_target", "estimate_mode"], 1, EstimateSmartFee);
    }

    public static bool TryDecodeTransaction(string hex, [NotNullWhen(true)] out Transaction? tx)
    {
        tx = null;
        return HashParsing.IsHex(hex) && Transaction.TryParse(Convert.FromHexString(hex), out tx, out _);
    }

    /// <summary>The reject reason alone, as testmempoolaccept reports it ("min relay fee not met").</summary>
    public static string ReasonOnly(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var comma = reason.IndexOf(", ", StringComparison.Ordinal);
        return comma < 0 ? reason : reason[..comma];
    }

    private RpcResult SendRawTransaction(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetString(0, out var hex, out var error)
            || !p.TryGetAmount(1, out var maxFeeRate, out error, DefaultMaxFeeRatePerKvB)
            || !p.TryGetAmount(2, out var maxBurn, out error, 0))
        {
            return error;
        }

        if (!TryDecodeTransaction(hex, out var tx))
        {
            return RpcResult.Fail(RpcErrorCode.DeserializationError, "TX decode failed. Make sure the tx has at least one input.");
        }

        foreach (var output in tx.Outputs)
        {
            if (Script.IsUnspendable(output.ScriptPubKey.Span) && output.Value > maxBurn)
            {
                return RpcResult.Fail(RpcErrorCode.VerifyError, "Unspendable output exceeds maximum configured by user (maxburnamount)");
            }
        }

        lock (_engine.SyncRoot)
        {
            var test = _engine.AcceptToMempool(tx, testOnly: true);
            if (test.Kind == RejectKind.AlreadyInMempool)
            {
                return tx.Txid.ToString();
            }

            if (!test.IsAccepted)
            {
                return MapReject(test);
            }

            if (maxFeeRate > 0 && test.Fee > maxFeeRate * test.VSize / 1000)
            {
                return RpcResult.Fail(RpcErrorCode.VerifyError, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
            }

            var result = _engine.AcceptToMempool(tx);
            return result.IsAccepted ? tx.Txid.ToString() : MapReject(result);
        }
    }

    /// <summary>bitcoind's mapping: missing inputs -25, already in the UTXO set -27, every other rejection -26.</summary>
    public static RpcError MapReject(AcceptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Kind switch
        {
            RejectKind.MissingInputs => new RpcError(RpcErrorCode.VerifyError, result.Reason!),
            RejectKind.AlreadyInChain => new RpcError(RpcErrorCode.VerifyAlreadyInUtxoSet, "Transaction outputs already in utxo set"),
            _ => new RpcError(RpcErrorCode.VerifyRejected, result.Reason!),
        };
    }

    private RpcResult TestMempoolAccept(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetArray(0, out var rawTxs, out var error)
            || !p.TryGetAmount(1, out var maxFeeRate, out error, DefaultMaxFeeRatePerKvB))
        {
            return error;
        }

        var count = rawTxs.GetArrayLength();
        if (count is < 1 or > 25)
        {
            return RpcError.InvalidParameter("Array must contain between 1 and 25 transactions.");
        }

        var txs = new List<Transaction>();
        foreach (var item in rawTxs.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return RpcParams.WrongType(item, "string");
            }

            if (!TryDecodeTransaction(item.GetString()!, out var tx))
            {
                return RpcResult.Fail(RpcErrorCode.DeserializationError, "TX decode failed: " + item.GetString() + " Make sure the tx has at least one input.");
            }

            txs.Add(tx);
        }

        if (txs.Count > 1)
        {
            // Packages are not supported here; bitcoind checks them together.
            return RpcError.InvalidParameter("Package validation of more than one transaction is not supported by the regtest server");
        }

        var result = new JsonArray();
        lock (_engine.SyncRoot)
        {
            foreach (var tx in txs)
            {
                var obj = new JsonObject { ["txid"] = tx.Txid.ToString(), ["wtxid"] = tx.Wtxid.ToDisplayString() };
                var accept = _engine.AcceptToMempool(tx, testOnly: true);
                if (accept.IsAccepted && maxFeeRate > 0 && accept.Fee > maxFeeRate * accept.VSize / 1000)
                {
                    obj["allowed"] = false;
                    obj["reject-reason"] = "max-fee-exceeded";
                }
                else if (accept.IsAccepted)
                {
                    obj["allowed"] = true;
                    obj["vsize"] = accept.VSize;
                    obj["fees"] = new JsonObject
                    {
                        ["base"] = Amounts.ToJson(accept.Fee),
                        ["effective-feerate"] = Amounts.ToJson(accept.Fee * 1000 / accept.VSize),
                        ["effective-includes"] = new JsonArray(tx.Wtxid.ToDisplayString()),
                    };
                }
                else
                {
                    obj["allowed"] = false;
                    obj["reject-reason"] = accept.Kind switch
                    {
                        RejectKind.MissingInputs => "missing-inputs",
                        RejectKind.AlreadyInMempool => "txn-already-in-mempool",
                        _ => ReasonOnly(accept.Reason!),
                    };
                    obj["reject-details"] = accept.Reason;
                }

                result.Add(obj);
            }
        }

        return result;
    }

    private RpcResult GetRawMempool(RpcCall call)
    {
        if (!call.Params.TryGetBool(0, out var verbose, out var error, false))
        {
            return error;
        }

        lock (_engine.SyncRoot)
        {
            var pool = _engine.Pool;
            if (!verbose)
            {
                return new JsonArray(pool.Entries.Select(e => (JsonNode)e.Txid.ToString()).ToArray());
            }

            var obj = new JsonObject();
            foreach (var e in pool.Entries)
            {
                var depends = e.Tx.Inputs.Select(i => i.PrevOut.Txid).Where(pool.Contains).Distinct().Select(t => (JsonNode)t.ToString()).ToArray();
                var spentBy = new JsonArray();
                for (var o = 0; o < e.Tx.Outputs.Count; o++)
                {
                    if (pool.GetSpender(new OutPoint(e.Txid, (uint)o)) is { } child)
                    {
                        spentBy.Add(child.ToString());
                    }
                }

                obj[e.Txid.ToString()] = new JsonObject
                {
                    ["vsize"] = e.VSize,
                    ["weight"] = e.Tx.Weight,
                    ["time"] = e.Time,
                    ["height"] = _engine.Chain.Height,
                    ["wtxid"] = e.Tx.Wtxid.ToDisplayString(),
                    ["fees"] = new JsonObject { ["base"] = Amounts.ToJson(e.Fee), ["modified"] = Amounts.ToJson(e.Fee) },
                    ["depends"] = new JsonArray(depends),
                    ["spentby"] = spentBy,
                    ["bip125-replaceable"] = e.SignalsReplaceable,
                    ["unbroadcast"] = false,
                };
            }

            return obj;
        }
    }

    private static RpcResult EstimateSmartFee(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetInt(0, out var target, out var error) || !p.TryGetString(1, out var mode, out error, "economical"))
        {
            return error;
        }

        if (target is < 1 or > 1008)
        {
            return RpcError.InvalidParameter("Invalid conf_target, must be between 1 and 1008");
        }

        if (mode is not ("unset" or "economical" or "conservative" or "ECONOMICAL" or "CONSERVATIVE" or "UNSET"))
        {
            return RpcError.InvalidParameter("Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
        }

        // The regtest node keeps no fee history, as a fresh bitcoind: its no-data answer.
        return new JsonObject
        {
            ["errors"] = new JsonArray("Insufficient data or no feerate found"),
            ["blocks"] = 0,
        };
    }
}
