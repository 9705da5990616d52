namespace Blockstack.Regtest.Tests;

/// <summary>Spends signed by bitcoinjs-lib against the mempool rules: acceptance, double spends, bad signatures, fees, BIP125.</summary>
[Trait("Category", "Integration")]
public sealed class MempoolTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private readonly TestKey _key = TestKey.FromSeed(10);
    private readonly TestKey _other = TestKey.FromSeed(11);
    private (string Txid, long Value) _coin;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        var first = (await _node.ResultAsync("generatetoaddress", $"[1, \"{_key.Address}\"]"))[0].GetString()!;
        await _node.ResultAsync("generatetoaddress", $"[100, \"{_other.Address}\"]");
        _coin = await Coinbases.OfBlockAsync(_node, first);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private string Spend(long fee, uint sequence = 0xfffffffd, TestKey? to = null) =>
        JsSigner.Sign([new JsSigner.Input(_coin.Txid, 0, _coin.Value, _key, Sequence: sequence)], [((to ?? _other).Address, _coin.Value - fee)]);

    [Fact]
    public async Task SendRawTransaction_BitcoinJsSpend_IsAcceptedAndMined()
    {
        var hex = Spend(1000);
        var txid = (await _node.ResultAsync("sendrawtransaction", $"[\"{hex}\"]")).GetString()!;
        Assert.Contains(txid, (await _node.ResultAsync("getrawmempool")).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(txid, (await _node.ResultAsync("sendrawtransaction", $"[\"{hex}\"]")).GetString());
        var block = (await _node.ResultAsync("generatetoaddress", $"[1, \"{_other.Address}\"]"))[0].GetString()!;
        var verbose = await _node.ResultAsync("getblock", $"[\"{block}\", 2]");
        Assert.Equal(txid, verbose.GetProperty("tx")[1].GetProperty("txid").GetString());
        Assert.Equal("0.00001000", verbose.GetProperty("tx")[1].GetProperty("fee").GetRawText());
        Assert.Equal(0, (await _node.ResultAsync("getrawmempool")).GetArrayLength());
        var raw = await _node.ResultAsync("getrawtransaction", $"[\"{txid}\", 1, \"{block}\"]");
        Assert.Equal(1, raw.GetProperty("confirmations").GetInt32());
    }

    [Fact]
    public async Task SendRawTransaction_TaprootKeyPathSpend_IsAccepted()
    {
        var hex = JsSigner.Sign([new JsSigner.Input(_coin.Txid, 0, _coin.Value, _key)], [(_key.TaprootAddress, _coin.Value - 1000)]);
        var txid = (await _node.ResultAsync("sendrawtransaction", $"[\"{hex}\"]")).GetString()!;
        await _node.ResultAsync("generatetoaddress", $"[1, \"{_other.Address}\"]");
        var spend = JsSigner.Sign([new JsSigner.Input(txid, 0, _coin.Value - 1000, _key, "p2tr")], [(_other.Address, _coin.Value - 2000)]);
        Assert.Equal(64, (await _node.ResultAsync("sendrawtransaction", $"[\"{spend}\"]")).GetString()!.Length);
    }

    [Fact]
    public async Task SendRawTransaction_DoubleSpendOfConfirmedInput_IsMinus25()
    {
        await _node.ResultAsync("sendrawtransaction", $"[\"{Spend(1000)}\"]");
        await _node.ResultAsync("generatetoaddress", $"[1, \"{_other.Address}\"]");
        var (code, message) = await _node.ErrorAsync("sendrawtransaction", $"[\"{Spend(5000)}\"]");
        Assert.Equal((-25, "bad-txns-inputs-missingorspent"), (code, message));
    }

    [Fact]
    public async Task SendRawTransaction_BadSignature_IsMinus26()
    {
        var tx = Convert.FromHexString(Spend(1000));
        // The witness signature sits near the end: flip one byte inside its DER r value.
        var sigStart = tx.Length - 4 - 34 - 72 + 8;
        tx[sigStart] ^= 0x01;
        var (code, message) = await _node.ErrorAsync("sendrawtransaction", $"[\"{Convert.ToHexStringLower(tx)}\"]");
        Assert.Equal(-26, code);
        Assert.StartsWith("mandatory-script-verify-flag-failed (", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendRawTransaction_FeeBelowMinimum_IsMinus26()
    {
        var (code, message) = await _node.ErrorAsync("sendrawtransaction", $"[\"{Spend(50)}\"]");
        Assert.Equal(-26, code);
        Assert.Equal("min relay fee not met, 50 < 110", message);
    }

    [Fact]
    public async Task SendRawTransaction_ImmatureCoinbase_IsMinus26()
    {
        var tip = (await _node.ResultAsync("getbestblockhash")).GetString()!;
        var young = await Coinbases.OfBlockAsync(_node, tip);
        var hex = JsSigner.Sign([new JsSigner.Input(young.Txid, 0, young.Value, _other)], [(_key.Address, young.Value - 1000)]);
        var (code, message) = await _node.ErrorAsync("sendrawtransaction", $"[\"{hex}\"]");
        Assert.Equal(-26, code);
        Assert.Equal("bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 1", message);
    }

    [Fact]
    public async Task SendRawTransaction_MaxFeeRateExceeded_IsMinus25()
    {
        var (code, message) = await _node.ErrorAsync("sendrawtransaction", $"[\"{Spend(10_000_000)}\"]");
        Assert.Equal((-25, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)"), (code, message));
        Assert.Equal(64, (await _node.ResultAsync("sendrawtransaction", $"[\"{Spend(10_000_000)}\", 0]")).GetString()!.Length);
    }

    [Fact]
    public async Task Replacement_HigherFeeAndRate_ReplacesOriginal()
    {
        var original = (await _node.ResultAsync("sendrawtransaction", $"[\"{Spend(1000)}\"]")).GetString()!;
        var replacement = (await _node.ResultAsync("sendrawtransaction", $"[\"{Spend(3000, to: _key)}\"]")).GetString()!;
        var pool = (await _node.ResultAsync("getrawmempool")).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal([replacement], pool);
        Assert.DoesNotContain(original, pool);
    }

    [Fact]
    public async Task Replacement_NotEnoughAdditionalFee_IsRejectedAsBip125Says()
    {
        var original = (await _node.ResultAsync("sendrawtransaction", $"[\"{Spend(1000)}\"]")).GetString()!;
        var (code, message) = await _node.ErrorAsync("sendrawtransaction", $"[\"{Spend(1050, to: _key)}\"]");
        Assert.Equal(-26, code);
        Assert.StartsWith("insufficient fee, rejecting replacement ", message, StringComparison.Ordinal);
        Assert.EndsWith("not enough additional fees to relay; 0.0000005 < 0.0000011", message, StringComparison.Ordinal);
        (code, message) = await _node.ErrorAsync("sendrawtransaction", $"[\"{Spend(900, to: _key)}\"]");
        Assert.Equal(-26, code);
        Assert.Contains("new feerate", message, StringComparison.Ordinal);
        Assert.Equal([original], (await _node.ResultAsync("getrawmempool")).EnumerateArray().Select(e => e.GetString()).ToList());
    }

    [Fact]
    public async Task TestMempoolAccept_ReportsAllowedAndReasons()
    {
        var ok = (await _node.ResultAsync("testmempoolaccept", $"[[\"{Spend(1000)}\"]]"))[0];
        Assert.True(ok.GetProperty("allowed").GetBoolean());
        Assert.Equal("0.00001000", ok.GetProperty("fees").GetProperty("base").GetRawText());
        var low = (await _node.ResultAsync("testmempoolaccept", $"[[\"{Spend(10)}\"]]"))[0];
        Assert.False(low.GetProperty("allowed").GetBoolean());
        Assert.Equal("min relay fee not met", low.GetProperty("reject-reason").GetString());
        Assert.Equal(0, (await _node.ResultAsync("getrawmempool")).GetArrayLength());
    }

    [Fact]
    public async Task BlockAssembly_OrdersByFeeRate()
    {
        var second = (await _node.ResultAsync("generatetoaddress", "[1, \"" + _key.Address + "\"]"))[0].GetString()!;
        await _node.ResultAsync("generatetoaddress", $"[100, \"{_other.Address}\"]");
        var coin2 = await Coinbases.OfBlockAsync(_node, second);
        var cheap = (await _node.ResultAsync("sendrawtransaction", $"[\"{Spend(1000)}\"]")).GetString()!;
        var rich = JsSigner.Sign([new JsSigner.Input(coin2.Txid, 0, coin2.Value, _key)], [(_other.Address, coin2.Value - 50_000)]);
        var richTxid = (await _node.ResultAsync("sendrawtransaction", $"[\"{rich}\"]")).GetString()!;
        var block = (await _node.ResultAsync("generatetoaddress", $"[1, \"{_other.Address}\"]"))[0].GetString()!;
        var txs = (await _node.ResultAsync("getblock", $"[\"{block}\"]")).GetProperty("tx").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal([richTxid, cheap], txs.Skip(1).ToList());
        var coinbase = (await _node.ResultAsync("getblock", $"[\"{block}\", 2]")).GetProperty("tx")[0];
        // Height 203: one halving (every 150 blocks) has passed.
        Assert.Equal("25.00051000", coinbase.GetProperty("vout")[0].GetProperty("value").GetRawText());
    }
}
