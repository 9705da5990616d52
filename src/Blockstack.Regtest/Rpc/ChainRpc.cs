using System.Text.Json.Nodes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Regtest.Rpc;

/// <summary>The follower's methods: chain info, block hashes, headers, blocks and raw transactions.</summary>
public sealed class ChainRpc
{
    private readonly RegtestEngine _engine;

    public ChainRpc(RegtestEngine engine) => _engine = engine;

    public void Register(RpcMethodTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add("getblockchaininfo", [], 0, _ => GetBlockchainInfo());
        table.Add("getblockcount", [], 0, _ => { lock (_engine.SyncRoot) { return (long)_engine.Chain.Height; } });
        table.Add("getbestblockhash", [], 0, _ => { lock (_engine.SyncRoot) { return _engine.Chain.Tip.Hash.ToString(); } });
        table.Add("getblockhash", ["height"], 1, GetBlockHash);
        table.Add("getblockheader", ["blockhash", "verbose"], 1, GetBlockHeader);
        table.Add("getblock", ["blockhash", "verbosity"], 1, GetBlock);
        table.Add("getrawtransaction", ["txid", "verbosity", "blockhash"], 1, GetRawTransaction);
        table.Add("gettxout", ["txid", "n", "include_mempool"], 2, GetTxOut);
    }

    private RpcResult GetTxOut(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetHash(0, "txid", out var hash, out var error)
            || !p.TryGetInt(1, out var n, out error)
            || !p.TryGetBool(2, out var includeMempool, out error, true))
        {
            return error;
        }

        if (n < 0 || n > uint.MaxValue)
        {
            return RpcError.InvalidParameter("Invalid vout");
        }

        var outPoint = new OutPoint(new Txid(hash), (uint)n);
        lock (_engine.SyncRoot)
        {
            var chain = _engine.Chain;
            Chain.Coin? coin;
            if (includeMempool)
            {
                coin = _engine.Pool.GetSpender(outPoint) is not null ? null : _engine.Pool.GetOutput(outPoint) ?? chain.GetCoin(outPoint);
            }
            else
            {
                coin = chain.GetCoin(outPoint);
            }

            if (coin is null)
            {
                return RpcResult.Null;
            }

            return new JsonObject
            {
                ["bestblock"] = chain.Tip.Hash.ToString(),
                ["confirmations"] = coin.Height == Chain.Coin.MempoolHeight ? 0 : chain.Height - coin.Height + 1,
                ["value"] = Amounts.ToJson(coin.Value),
                ["scriptPubKey"] = JsonShapes.ScriptPubKey(coin.Script),
                ["coinbase"] = coin.IsCoinbase,
            };
        }
    }

    private RpcResult GetBlockchainInfo()
    {
        lock (_engine.SyncRoot)
        {
            var chain = _engine.Chain;
            var tip = chain.Tip;
            var headers = chain.AllEntries.Where(e => !e.IsFailed).Max(e => e.Height);
            return new JsonObject
            {
                ["chain"] = "regtest",
                ["blocks"] = chain.Height,
                ["headers"] = Math.Max(headers, chain.Height),
                ["bestblockhash"] = tip.Hash.ToString(),
                ["bits"] = JsonShapes.Hex32(tip.Header.Bits),
                ["target"] = JsonShapes.TargetHex(tip.Header.Bits),
                ["difficulty"] = Chain.RegtestParams.GetDifficulty(tip.Header.Bits),
                ["time"] = tip.Header.Time,
                ["mediantime"] = tip.MedianTimePast,
                ["verificationprogress"] = 1.0,
                ["initialblockdownload"] = chain.IsInitialBlockDownload,
                ["chainwork"] = JsonShapes.ChainWorkHex(tip.ChainWork),
                ["size_on_disk"] = 0,
                ["pruned"] = false,
                ["warnings"] = new JsonArray(),
            };
        }
    }

    private RpcResult GetBlockHash(RpcCall call)
    {
        if (!call.Params.TryGetInt(0, out var height, out var error))
        {
            return error;
        }

        lock (_engine.SyncRoot)
        {
            if (height < 0 || height > _engine.Chain.Height)
            {
                return RpcError.InvalidParameter("Block height out of range");
            }

            return _engine.Chain.GetActive((int)height)!.Hash.ToString();
        }
    }

    private RpcResult GetBlockHeader(RpcCall call)
    {
        if (!call.Params.TryGetHash(0, "blockhash", out var hash, out var error)
            || !call.Params.TryGetBool(1, out var verbose, out error, true))
        {
            return error;
        }

        lock (_engine.SyncRoot)
        {
            if (_engine.Chain.GetEntry(new BlockHash(hash)) is not { } entry)
            {
                return RpcError.BlockNotFound;
            }

            return verbose ? JsonShapes.Header(entry, _engine.Chain) : Convert.ToHexStringLower(entry.Header.ToBytes());
        }
    }

    private RpcResult GetBlock(RpcCall call)
    {
        if (!call.Params.TryGetHash(0, "blockhash", out var hash, out var error)
            || !call.Params.TryGetVerbosity(1, out var verbosity, out error, 1))
        {
            return error;
        }

        Chain.BlockIndexEntry? entry;
        byte[]? bytes;
        List<Chain.Coin>? undo = null;
        lock (_engine.SyncRoot)
        {
            entry = _engine.Chain.GetEntry(new BlockHash(hash));
            if (entry is null)
            {
                return RpcError.BlockNotFound;
            }

            bytes = _engine.Chain.ReadBlockBytes(entry.Hash);
            if (bytes is null)
            {
                return RpcError.Misc("Block not available (pruned data)");
            }

            if (verbosity <= 0)
            {
                return Convert.ToHexStringLower(bytes);
            }

            if (verbosity >= 2)
            {
                undo = _engine.Chain.ReadUndo(entry.Hash);
            }

            if (!Bitcoin.Blocks.Block.TryParse(bytes, out var block, out _))
            {
                return RpcError.Misc("Block not available (corrupt data)");
            }

            return JsonShapes.Block(entry, block, _engine.Chain, (int)verbosity, undo);
        }
    }

    private RpcResult GetRawTransaction(RpcCall call)
    {
        if (!call.Params.TryGetHash(0, "parameter 1", out var hash, out var error)
            || !call.Params.TryGetVerbosity(1, out var verbosity, out error, 0))
        {
            return error;
        }

        var txid = new Txid(hash);
        lock (_engine.SyncRoot)
        {
            var chain = _engine.Chain;
            if (call.Params.Has(2))
            {
                if (!call.Params.TryGetHash(2, "parameter 3", out var blockHash, out error))
                {
                    return error;
                }

                if (chain.GetEntry(new BlockHash(blockHash)) is not { } entry)
                {
                    return RpcError.InvalidAddressOrKey("Block hash not found");
                }

                var block = chain.ReadBlock(entry.Hash);
                var tx = block?.Transactions.FirstOrDefault(t => t.Txid == txid);
                if (tx is null)
                {
                    return RpcError.InvalidAddressOrKey("No such transaction found in the provided block. Use gettransaction for wallet transactions.");
                }

                return Answer(tx, entry, verbosity, inActiveChain: true);
            }

            if (entry0(chain) is { } genesis && genesis.Header.MerkleRoot == hash)
            {
                return RpcError.InvalidAddressOrKey("The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved");
            }

            if (_engine.Pool.Get(txid) is { } pooled)
            {
                return Answer(pooled.Tx, null, verbosity, inActiveChain: false);
            }

            return RpcError.InvalidAddressOrKey("No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.");
        }

        static Chain.BlockIndexEntry? entry0(Chain.ChainState chain) => chain.GetActive(0);

        RpcResult Answer(Transaction tx, Chain.BlockIndexEntry? entry, long verbosity, bool inActiveChain)
        {
            if (verbosity <= 0)
            {
                return Convert.ToHexStringLower(tx.ToBytes());
            }

            var obj = JsonShapes.Transaction(tx);
            if (entry is not null)
            {
                var active = _engine.Chain.IsActive(entry);
                if (inActiveChain)
                {
                    obj["in_active_chain"] = active;
                }

                obj["blockhash"] = entry.Hash.ToString();
                obj["confirmations"] = active ? _engine.Chain.Height - entry.Height + 1 : 0;
                obj["time"] = entry.Header.Time;
                obj["blocktime"] = entry.Header.Time;
            }

            return obj;
        }
    }
}
