using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;
using Blockstack.Regtest.Wallet;

namespace Blockstack.Regtest.Rpc;

/// <summary>Descriptor-wallet methods over <see cref="WalletManager"/> and the chain.</summary>
public sealed class WalletRpc
{
    private readonly RegtestEngine _engine;
    private readonly WalletManager _wallets;

    public WalletRpc(RegtestEngine engine, WalletManager wallets)
    {
        _engine = engine;
        _wallets = wallets;
    }

    /// <summary>Fee rate sendtoaddress uses without fee_rate (bitcoind's -fallbackfee as test setups set it: 0.0002 BTC/kvB).</summary>
    public long FallbackFeePerKvB { get; init; } = 20_000;

    public void Register(RpcMethodTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add("createwallet", ["wallet_name", "disable_private_keys", "blank", "passphrase", "avoid_reuse", "descriptors", "load_on_startup", "external_signer"], 1, CreateWallet);
        table.Add("loadwallet", ["filename", "load_on_startup"], 1, LoadWallet);
        table.Add("unloadwallet", ["wallet_name", "load_on_startup"], 0, UnloadWallet);
        table.Add("listwallets", [], 0, _ => Locked(() => new JsonArray(_wallets.LoadedNames.Select(n => (JsonNode)n).ToArray())));
        table.Add("listwalletdir", [], 0, _ => Locked(() => new JsonObject
        {
            ["wallets"] = new JsonArray(_wallets.AllNames.Select(n => (JsonNode)new JsonObject { ["name"] = n }).ToArray()),
        }));
        table.Add("getdescriptorinfo", ["descriptor"], 1, GetDescriptorInfo);
        table.Add("importdescriptors", ["requests"], 1, ImportDescriptors);
        table.Add("getnewaddress", ["label", "address_type"], 0, GetNewAddress);
        table.Add("listunspent", ["minconf", "maxconf", "addresses", "include_unsafe", "query_options"], 0, ListUnspent);
        table.Add("gettransaction", ["txid", "include_watchonly", "verbose"], 1, GetTransaction);
        table.Add("sendtoaddress", ["address", "amount", "comment", "comment_to", "subtractfeefromamount", "replaceable", "conf_target", "estimate_mode", "avoid_reuse", "fee_rate", "verbose"], 2, SendToAddress);
    }

    private RpcResult Locked(Func<RpcResult> body)
    {
        lock (_engine.SyncRoot)
        {
            return body();
        }
    }

    private RpcResult CreateWallet(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetString(0, out var name, out var error)
            || !p.TryGetBool(1, out var disablePrivateKeys, out error, false)
            || !p.TryGetBool(2, out var blank, out error, false)
            || !p.TryGetBool(5, out var descriptors, out error, true))
        {
            return error;
        }

        if (!descriptors)
        {
            return RpcResult.Fail(RpcErrorCode.WalletError, "descriptors argument must be set to \"true\"; it is no longer possible to create a legacy wallet.");
        }

        bool? loadOnStartup = null;
        if (p.Has(6))
        {
            if (!p.TryGetBool(6, out var flag, out error))
            {
                return error;
            }

            loadOnStartup = flag;
        }

        lock (_engine.SyncRoot)
        {
            return _wallets.TryCreate(name, disablePrivateKeys, blank, loadOnStartup, out var wallet, out error)
                ? new JsonObject { ["name"] = wallet.Name }
                : error;
        }
    }

    private RpcResult LoadWallet(RpcCall call)
    {
        if (!call.Params.TryGetString(0, out var name, out var error))
        {
            return error;
        }

        bool? loadOnStartup = null;
        if (call.Params.Has(1))
        {
            if (!call.Params.TryGetBool(1, out var flag, out error))
            {
                return error;
            }

            loadOnStartup = flag;
        }

        lock (_engine.SyncRoot)
        {
            return _wallets.TryLoad(name, loadOnStartup, out var wallet, out error)
                ? new JsonObject { ["name"] = wallet.Name }
                : error;
        }
    }

    private RpcResult UnloadWallet(RpcCall call)
    {
        if (!call.Params.TryGetString(0, out var name, out var error, call.WalletFromUri ?? string.Empty))
        {
            return error;
        }

        lock (_engine.SyncRoot)
        {
            if (name.Length == 0)
            {
                if (!_wallets.TryResolve(null, out var only, out error))
                {
                    return error;
                }

                name = only.Name;
            }

            return _wallets.TryUnload(name, out error) ? new JsonObject() : error;
        }
    }

    private static RpcResult GetDescriptorInfo(RpcCall call)
    {
        if (!call.Params.TryGetString(0, out var text, out var error))
        {
            return error;
        }

        if (!Descriptors.TryParse(text, requireChecksum: false, out var descriptor, out var message))
        {
            return RpcError.InvalidAddressOrKey(message);
        }

        var hash = text.IndexOf('#', StringComparison.Ordinal);
        return new JsonObject
        {
            ["descriptor"] = descriptor.WithChecksum,
            ["checksum"] = DescriptorChecksum.Compute(hash < 0 ? text : text[..hash]),
            ["isrange"] = false,
            ["issolvable"] = descriptor.IsSolvable,
            ["hasprivatekeys"] = false,
        };
    }

    private RpcResult ImportDescriptors(RpcCall call)
    {
        if (!call.Params.TryGetArray(0, out var requests, out var error))
        {
            return error;
        }

        lock (_engine.SyncRoot)
        {
            if (!_wallets.TryResolve(call.WalletFromUri, out var wallet, out error))
            {
                return error;
            }

            var results = new JsonArray();
            foreach (var request in requests.EnumerateArray())
            {
                results.Add(ImportOne(wallet, request));
            }

            _wallets.Save(wallet);
            return results;
        }
    }

    private JsonObject ImportOne(RegtestWallet wallet, JsonElement request)
    {
        static JsonObject Failure(int code, string message) => new()
        {
            ["success"] = false,
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        };

        if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("desc", out var descElement) || descElement.ValueKind != JsonValueKind.String)
        {
            return Failure(RpcErrorCode.TypeError, "Descriptor not found.");
        }

        if (!request.TryGetProperty("timestamp", out var stamp) || stamp.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
        {
            return Failure(RpcErrorCode.TypeError, "Missing required timestamp field for key");
        }

        long timestamp;
        if (stamp.ValueKind == JsonValueKind.String)
        {
            if (stamp.GetString() != "now")
            {
                return Failure(RpcErrorCode.TypeError, $"Expected number or \"now\" timestamp value for key. got type string");
            }

            timestamp = _engine.NowSeconds;
        }
        else if (!stamp.TryGetInt64(out timestamp))
        {
            return Failure(RpcErrorCode.TypeError, "Invalid timestamp");
        }

        if (!Descriptors.TryParse(descElement.GetString()!, requireChecksum: true, out var descriptor, out var message))
        {
            return Failure(RpcErrorCode.InvalidAddressOrKey, message);
        }

        if (!wallet.DisablePrivateKeys)
        {
            return Failure(RpcErrorCode.WalletError, "Cannot import descriptor without private keys to a wallet with private keys enabled");
        }

        var isInternal = request.TryGetProperty("internal", out var internalElement) && internalElement.ValueKind == JsonValueKind.True;
        string? label = request.TryGetProperty("label", out var labelElement) && labelElement.ValueKind == JsonValueKind.String ? labelElement.GetString() : null;
        if (isInternal && label is not null)
        {
            return Failure(RpcErrorCode.InvalidParameter, "Internal addresses should not have a label");
        }

        BitcoinAddress.TryEncode(descriptor.Script, BitcoinNetwork.Regtest, out var address);
        wallet.Add(new WalletAddress(address, descriptor.Script, descriptor.WithChecksum, null, isInternal, isInternal ? null : label ?? string.Empty, timestamp));
        return new JsonObject { ["success"] = true };
    }

    private RpcResult GetNewAddress(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetString(0, out var label, out var error, string.Empty) || !p.TryGetString(1, out var type, out error, "bech32"))
        {
            return error;
        }

        if (type is not ("bech32" or "legacy" or "p2sh-segwit"))
        {
            return RpcResult.Fail(RpcErrorCode.InvalidAddressOrKey, $"Unknown address type '{type}'");
        }

        lock (_engine.SyncRoot)
        {
            if (!_wallets.TryResolve(call.WalletFromUri, out var wallet, out error))
            {
                return error;
            }

            if (wallet.DisablePrivateKeys)
            {
                return RpcResult.Fail(RpcErrorCode.WalletError, "Error: Private keys are disabled for this wallet");
            }

            var entry = NewKey(wallet, type, label, isInternal: false);
            return entry.Address;
        }
    }

    private WalletAddress NewKey(RegtestWallet wallet, string type, string? label, bool isInternal)
    {
        var secp = Secp256k1.Default;
        byte[] key;
        do
        {
            key = RandomNumberGenerator.GetBytes(32);
        }
        while (!secp.IsValidPrivateKey(key));

        var pub = Convert.ToHexStringLower(secp.GetPublicKey(key, compressed: true));
        var body = type switch
        {
            "legacy" => $"pkh({pub})",
            "p2sh-segwit" => $"sh(wpkh({pub}))",
            _ => $"wpkh({pub})",
        };
        Descriptors.TryParse(body, requireChecksum: false, out var descriptor, out _);
        BitcoinAddress.TryEncode(descriptor!.Script, BitcoinNetwork.Regtest, out var address);
        var entry = new WalletAddress(address, descriptor.Script, descriptor.WithChecksum, key, isInternal, label, _engine.NowSeconds);
        wallet.Add(entry);
        _wallets.Save(wallet);
        return entry;
    }

    /// <summary>A wallet output with what listunspent reports about it.</summary>
    private sealed record WalletCoin(OutPoint OutPoint, Coin Coin, WalletAddress Owner, int Confirmations);

    /// <summary>Unspent outputs of the wallet's scripts: confirmed ones not spent in the mempool, then mempool outputs.</summary>
    private List<WalletCoin> WalletCoins(RegtestWallet wallet)
    {
        var chain = _engine.Chain;
        var pool = _engine.Pool;
        var coins = new List<WalletCoin>();
        foreach (var owner in wallet.Addresses)
        {
            foreach (var (outPoint, coin) in chain.GetCoinsByScript(owner.Script))
            {
                if (pool.GetSpender(outPoint) is null)
                {
                    coins.Add(new WalletCoin(outPoint, coin, owner, chain.Height - coin.Height + 1));
                }
            }
        }

        foreach (var entry in pool.Entries)
        {
            for (var o = 0; o < entry.Tx.Outputs.Count; o++)
            {
                var outPoint = new OutPoint(entry.Txid, (uint)o);
                if (wallet.Find(entry.Tx.Outputs[o].ScriptPubKey.Span) is { } owner && pool.GetSpender(outPoint) is null)
                {
                    coins.Add(new WalletCoin(outPoint, pool.GetOutput(outPoint)!, owner, 0));
                }
            }
        }

        // Oldest first, as bitcoind lists them when maximumCount truncates (#5224).
        return [.. coins.OrderByDescending(c => c.Confirmations).ThenBy(c => c.OutPoint.Txid.ToString(), StringComparer.Ordinal).ThenBy(c => c.OutPoint.Index)];
    }

    private RpcResult ListUnspent(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetInt(0, out var minConf, out var error, 1)
            || !p.TryGetInt(1, out var maxConf, out error, 9_999_999)
            || !p.TryGetArray(2, out var addressesElement, out error, optional: true)
            || !p.TryGetBool(3, out var includeUnsafe, out error, true)
            || !p.TryGetObject(4, out var options, out error, optional: true))
        {
            return error;
        }

        HashSet<string>? filter = null;
        if (p.Has(2) && addressesElement.GetArrayLength() > 0)
        {
            filter = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in addressesElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return RpcParams.WrongType(item, "string");
                }

                var text = item.GetString()!;
                if (!BitcoinAddress.TryDecode(text, BitcoinNetwork.Regtest, out var script, out _))
                {
                    return RpcError.InvalidAddressOrKey("Invalid Bitcoin address: " + text);
                }

                BitcoinAddress.TryEncode(script, BitcoinNetwork.Regtest, out var canonical);
                if (!filter.Add(canonical))
                {
                    return RpcError.InvalidParameter("Invalid parameter, duplicated address: " + text);
                }
            }
        }

        long minimumAmount = 0, maximumAmount = Amounts.MaxMoney, minimumSum = -1, maximumCount = 0;
        var includeImmature = false;
        if (p.Has(4))
        {
            foreach (var property in options.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "minimumAmount" when !Amounts.TryParse(property.Value, out minimumAmount, out error):
                    case "maximumAmount" when !Amounts.TryParse(property.Value, out maximumAmount, out error):
                    case "minimumSumAmount" when !Amounts.TryParse(property.Value, out minimumSum, out error):
                        return error!;
                    case "maximumCount":
                        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out maximumCount))
                        {
                            return RpcParams.WrongType(property.Value, "number");
                        }

                        break;
                    case "include_immature_coinbase":
                        if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            return RpcParams.WrongType(property.Value, "bool");
                        }

                        includeImmature = property.Value.GetBoolean();
                        break;
                    case "minimumAmount" or "maximumAmount" or "minimumSumAmount":
                        break;
                    default:
                        return RpcError.Type("Unexpected key " + property.Name);
                }
            }
        }

        lock (_engine.SyncRoot)
        {
            if (!_wallets.TryResolve(call.WalletFromUri, out var wallet, out error))
            {
                return error;
            }

            var result = new JsonArray();
            long sum = 0;
            foreach (var c in WalletCoins(wallet))
            {
                if (c.Confirmations < minConf || c.Confirmations > maxConf
                    || (filter is not null && !filter.Contains(c.Owner.Address))
                    || c.Coin.Value < minimumAmount || c.Coin.Value > maximumAmount
                    || (c.Coin.IsCoinbase && c.Confirmations < _engine.Chain.Params.CoinbaseMaturity + 1 && !includeImmature)
                    || (c.Confirmations == 0 && !includeUnsafe && !c.Owner.IsMine))
                {
                    continue;
                }

                var obj = new JsonObject
                {
                    ["txid"] = c.OutPoint.Txid.ToString(),
                    ["vout"] = c.OutPoint.Index,
                    ["address"] = c.Owner.Address,
                };
                if (c.Owner.Label is not null)
                {
                    obj["label"] = c.Owner.Label;
                }

                obj["scriptPubKey"] = Convert.ToHexStringLower(c.Coin.Script);
                obj["amount"] = Amounts.ToJson(c.Coin.Value);
                obj["confirmations"] = c.Confirmations;
                obj["spendable"] = c.Owner.IsMine;
                obj["solvable"] = c.Owner.IsMine;
                if (c.Owner.IsMine)
                {
                    obj["desc"] = c.Owner.Descriptor;
                }

                obj["parent_descs"] = new JsonArray(c.Owner.Descriptor);
                obj["safe"] = c.Confirmations > 0 || c.Owner.IsMine;
                result.Add(obj);
                sum += c.Coin.Value;
                if ((maximumCount > 0 && result.Count >= maximumCount) || (minimumSum >= 0 && sum >= minimumSum))
                {
                    break;
                }
            }

            return result;
        }
    }

    private RpcResult GetTransaction(RpcCall call)
    {
        if (!call.Params.TryGetHash(0, "txid", out var hash, out var error))
        {
            return error;
        }

        var txid = new Txid(hash);
        lock (_engine.SyncRoot)
        {
            if (!_wallets.TryResolve(call.WalletFromUri, out var wallet, out error))
            {
                return error;
            }

            var chain = _engine.Chain;
            Transaction? tx = null;
            BlockIndexEntry? entry = null;
            var position = -1;
            long time;
            if (_engine.Pool.Get(txid) is { } pooled)
            {
                tx = pooled.Tx;
                time = pooled.Time;
            }
            else if (chain.FindTransaction(txid) is { } location && chain.GetEntry(location.Block) is { } found)
            {
                entry = found;
                position = location.Position;
                tx = chain.ReadBlock(found.Hash)?.Transactions[position];
                time = found.Header.Time;
            }
            else
            {
                return RpcError.InvalidAddressOrKey("Invalid or non-wallet transaction id");
            }

            if (tx is null)
            {
                return RpcError.InvalidAddressOrKey("Invalid or non-wallet transaction id");
            }

            long credit = 0, debit = 0, valueIn = 0;
            var allFromMe = !tx.IsCoinBase;
            foreach (var input in tx.Inputs)
            {
                if (tx.IsCoinBase)
                {
                    break;
                }

                var prev = FindOutput(input.PrevOut);
                if (prev is { } output && wallet.Find(output.ScriptPubKey.Span) is not null)
                {
                    debit += output.Value;
                }
                else
                {
                    allFromMe = false;
                }

                valueIn += prev?.Value ?? 0;
            }

            var details = new JsonArray();
            var confirmations = entry is null ? 0 : chain.Height - entry.Height + 1;
            var valueOut = tx.Outputs.Sum(o => o.Value);
            var fee = allFromMe ? valueIn - valueOut : 0;
            for (var n = 0; n < tx.Outputs.Count; n++)
            {
                var output = tx.Outputs[n];
                var owner = wallet.Find(output.ScriptPubKey.Span);
                BitcoinAddress.TryEncode(output.ScriptPubKey.Span, BitcoinNetwork.Regtest, out var address);
                if (owner is not null)
                {
                    credit += output.Value;
                    var category = !tx.IsCoinBase ? "receive" : confirmations > chain.Params.CoinbaseMaturity ? "generate" : "immature";
                    var detail = new JsonObject { ["address"] = address, ["category"] = category, ["amount"] = Amounts.ToJson(output.Value) };
                    if (owner.Label is not null)
                    {
                        detail["label"] = owner.Label;
                    }

                    detail["vout"] = n;
                    details.Add(detail);
                }

                if (allFromMe && (owner is null || owner.Internal))
                {
                    if (owner?.Internal == true)
                    {
                        continue;
                    }

                    details.Add(new JsonObject
                    {
                        ["address"] = address,
                        ["category"] = "send",
                        ["amount"] = Amounts.ToJson(-output.Value),
                        ["vout"] = n,
                        ["fee"] = Amounts.ToJson(-fee),
                        ["abandoned"] = false,
                    });
                }
            }

            if (credit == 0 && debit == 0)
            {
                return RpcError.InvalidAddressOrKey("Invalid or non-wallet transaction id");
            }

            var result = new JsonObject { ["amount"] = Amounts.ToJson(credit - debit + fee) };
            if (allFromMe)
            {
                result["fee"] = Amounts.ToJson(-fee);
            }

            result["confirmations"] = confirmations;
            if (tx.IsCoinBase)
            {
                result["generated"] = true;
            }

            if (entry is not null)
            {
                result["blockhash"] = entry.Hash.ToString();
                result["blockheight"] = entry.Height;
                result["blockindex"] = position;
                result["blocktime"] = entry.Header.Time;
            }
            else
            {
                result["trusted"] = allFromMe;
            }

            result["txid"] = txid.ToString();
            result["wtxid"] = tx.Wtxid.ToDisplayString();
            result["walletconflicts"] = new JsonArray();
            result["mempoolconflicts"] = new JsonArray();
            result["time"] = time;
            result["timereceived"] = time;
            result["bip125-replaceable"] = entry is null && tx.Inputs.Any(i => i.Sequence < 0xffff_fffe) ? "yes" : "no";
            result["details"] = details;
            result["hex"] = Convert.ToHexStringLower(tx.ToBytes());
            return result;
        }
    }

    private TxOut? FindOutput(OutPoint outPoint)
    {
        if (_engine.Pool.Get(outPoint.Txid) is { } pooled)
        {
            return outPoint.Index < pooled.Tx.Outputs.Count ? pooled.Tx.Outputs[(int)outPoint.Index] : null;
        }

        if (_engine.Chain.FindTransaction(outPoint.Txid) is { } location && _engine.Chain.ReadBlock(location.Block) is { } block)
        {
            var tx = block.Transactions[location.Position];
            return outPoint.Index < tx.Outputs.Count ? tx.Outputs[(int)outPoint.Index] : null;
        }

        return null;
    }

    private RpcResult SendToAddress(RpcCall call)
    {
        var p = call.Params;
        if (!p.TryGetString(0, out var address, out var error)
            || !p.TryGetAmount(1, out var amount, out error)
            || !p.TryGetBool(4, out var subtractFee, out error, false)
            || !p.TryGetBool(5, out var replaceable, out error, true))
        {
            return error;
        }

        var feeRate = FallbackFeePerKvB;
        if (p.Has(9))
        {
            // fee_rate is in sat/vB.
            if (!p.TryGetAmount(9, out var satPerVbyteScaled, out error))
            {
                return error;
            }

            feeRate = satPerVbyteScaled * 1000 / Amounts.Coin;
        }

        if (!BitcoinAddress.TryDecode(address, BitcoinNetwork.Regtest, out var destination, out _))
        {
            return RpcError.InvalidAddressOrKey("Invalid address");
        }

        if (amount <= 0)
        {
            return RpcError.Type("Invalid amount for send");
        }

        lock (_engine.SyncRoot)
        {
            if (!_wallets.TryResolve(call.WalletFromUri, out var wallet, out error))
            {
                return error;
            }

            if (wallet.DisablePrivateKeys)
            {
                return RpcResult.Fail(RpcErrorCode.WalletError, "Error: Private keys are disabled for this wallet");
            }

            var maturity = _engine.Chain.Params.CoinbaseMaturity;
            var spendable = WalletCoins(wallet)
                .Where(c => c.Owner.IsMine && (!c.Coin.IsCoinbase || c.Confirmations > maturity))
                .OrderByDescending(c => c.Coin.Value)
                .ToList();
            var build = WalletSigner.Build(spendable.Select(c => (c.OutPoint, c.Coin, c.Owner)).ToList(), destination, amount, subtractFee, replaceable, feeRate,
                () => NewKey(wallet, "bech32", null, isInternal: true).Script);
            if (build.Error is not null)
            {
                return build.Error;
            }

            var accept = _engine.AcceptToMempool(build.Transaction!);
            if (!accept.IsAccepted)
            {
                return MempoolRpc.MapReject(accept);
            }

            return build.Transaction!.Txid.ToString();
        }
    }
}
