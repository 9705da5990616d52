using Blockstack.Regtest.Wallet;

namespace Blockstack.Regtest.Tests;

[Trait("Category", "Unit")]
public sealed class DescriptorChecksumTests
{
    [Theory]
    [InlineData("raw(deadbeef)", "89f8spxm")] // BIP 380's example
    [InlineData("addr(bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080)", "8pk5s7ya")]
    public void Compute_KnownDescriptor_MatchesChecksum(string descriptor, string checksum) =>
        Assert.Equal(checksum, DescriptorChecksum.Compute(descriptor));

    [Fact]
    public void Parse_WrongChecksum_NamesBoth()
    {
        Assert.False(Descriptors.TryParse("raw(deadbeef)#89f8spxn", false, out _, out var error));
        Assert.Equal("Provided checksum '89f8spxn' does not match computed checksum '89f8spxm'", error);
        Assert.False(Descriptors.TryParse("raw(deadbeef)", true, out _, out error));
        Assert.Equal("Missing checksum", error);
    }
}

/// <summary>Descriptor wallets over RPC: create/load/list, imports, listunspent filters, sends, gettransaction.</summary>
[Trait("Category", "Integration")]
public sealed class WalletTests : IAsyncLifetime
{
    private static readonly TestKey Key = TestKey.FromSeed(30);
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task WalletLifecycle_AnswersBitcoindErrors()
    {
        var (code, _) = await _node.ErrorAsync("listunspent");
        Assert.Equal(-18, code);
        Assert.Equal("w1", (await _node.ResultAsync("createwallet", "[\"w1\", true]")).GetProperty("name").GetString());
        (code, _) = await _node.ErrorAsync("createwallet", "[\"w1\"]");
        Assert.Equal(-4, code);
        (code, var message) = await _node.ErrorAsync("loadwallet", "[\"w1\"]");
        Assert.Equal((-35, "Wallet \"w1\" is already loaded."), (code, message));
        (code, _) = await _node.ErrorAsync("loadwallet", "[\"missing\"]");
        Assert.Equal(-18, code);
        await _node.ResultAsync("createwallet", "[\"w2\", true]");
        (code, _) = await _node.ErrorAsync("listunspent");
        Assert.Equal(-19, code);
        (code, _) = await _node.ErrorAsync("listunspent", "[]", "/wallet/nosuch");
        Assert.Equal(-18, code);
        Assert.Equal(2, (await _node.ResultAsync("listwallets")).GetArrayLength());
        Assert.Equal(2, (await _node.ResultAsync("listwalletdir")).GetProperty("wallets").GetArrayLength());
    }

    [Fact]
    public async Task ImportDescriptors_AddrDescriptor_ListsUnspentOldestFirst()
    {
        await _node.ResultAsync("createwallet", "[\"watch\", true, true]");
        var info = await _node.ResultAsync("getdescriptorinfo", $"[\"addr({Key.Address})\"]");
        Assert.False(info.GetProperty("issolvable").GetBoolean());
        var desc = info.GetProperty("descriptor").GetString()!;
        var results = await _node.ResultAsync("importdescriptors",
            $"[[{{\"desc\":\"{desc}\",\"timestamp\":\"now\",\"label\":\"miner\"}},{{\"desc\":\"addr({Key.Address})\",\"timestamp\":0}}]]", "/wallet/watch");
        Assert.True(results[0].GetProperty("success").GetBoolean());
        Assert.False(results[1].GetProperty("success").GetBoolean());
        Assert.Equal("Missing checksum", results[1].GetProperty("error").GetProperty("message").GetString());

        var hashes = await _node.ResultAsync("generatetoaddress", $"[103, \"{Key.Address}\"]");
        var all = await _node.ResultAsync("listunspent", "[]", "/wallet/watch");
        Assert.Equal(3, all.GetArrayLength());
        Assert.Equal(103, all[0].GetProperty("confirmations").GetInt32());
        Assert.Equal("miner", all[0].GetProperty("label").GetString());
        Assert.False(all[0].GetProperty("spendable").GetBoolean());
        var one = await _node.ResultAsync("listunspent", "[1, 9999999, [], true, {\"maximumCount\": 1}]", "/wallet/watch");
        Assert.Equal(1, one.GetArrayLength());
        Assert.Equal(103, one[0].GetProperty("confirmations").GetInt32());
        var immature = await _node.ResultAsync("listunspent", "[1, 9999999, [], true, {\"include_immature_coinbase\": true}]", "/wallet/watch");
        Assert.Equal(103, immature.GetArrayLength());
        var filtered = await _node.ResultAsync("listunspent", $"[1, 9999999, [\"{TestKey.FromSeed(31).Address}\"]]", "/wallet/watch");
        Assert.Equal(0, filtered.GetArrayLength());
        var (code, message) = await _node.ErrorAsync("listunspent", $"[1, 9999999, [\"{Key.Address}\", \"{Key.Address}\"]]", "/wallet/watch");
        Assert.Equal((-8, "Invalid parameter, duplicated address: " + Key.Address), (code, message));
        (code, _) = await _node.ErrorAsync("listunspent", "[1, 9999999, [\"nope\"]]", "/wallet/watch");
        Assert.Equal(-5, code);

        var coinbaseTx = (await _node.ResultAsync("getblock", $"[\"{hashes[0].GetString()}\"]")).GetProperty("tx")[0].GetString();
        var tx = await _node.ResultAsync("gettransaction", $"[\"{coinbaseTx}\"]", "/wallet/watch");
        Assert.Equal(103, tx.GetProperty("confirmations").GetInt32());
        Assert.True(tx.GetProperty("generated").GetBoolean());
        (code, _) = await _node.ErrorAsync("gettransaction", $"[\"{new string('1', 64)}\"]", "/wallet/watch");
        Assert.Equal(-5, code);
    }

    [Fact]
    public async Task SendToAddress_FromServerKeys_IsSignedAndConfirmed()
    {
        await _node.ResultAsync("createwallet", "[\"hot\"]");
        var address = (await _node.ResultAsync("getnewaddress")).GetString()!;
        Assert.StartsWith("bcrt1q", address, StringComparison.Ordinal);
        await _node.ResultAsync("generatetoaddress", $"[101, \"{address}\"]");
        var txid = (await _node.ResultAsync("sendtoaddress", $"[\"{Key.Address}\", 1.5]")).GetString()!;
        var pending = await _node.ResultAsync("gettransaction", $"[\"{txid}\"]");
        Assert.Equal(0, pending.GetProperty("confirmations").GetInt32());
        Assert.Equal("yes", pending.GetProperty("bip125-replaceable").GetString());
        Assert.Equal("-1.50000000", pending.GetProperty("amount").GetRawText());
        await _node.ResultAsync("generatetoaddress", $"[1, \"{address}\"]");
        Assert.Equal(1, (await _node.ResultAsync("gettransaction", $"[\"{txid}\"]")).GetProperty("confirmations").GetInt32());
        var (code, message) = await _node.ErrorAsync("sendtoaddress", $"[\"{Key.Address}\", 10000]");
        Assert.Equal((-6, "Insufficient funds"), (code, message));
        (code, _) = await _node.ErrorAsync("sendtoaddress", "[\"bogus\", 1]");
        Assert.Equal(-5, code);
    }
}
