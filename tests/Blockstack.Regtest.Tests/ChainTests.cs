using System.Text.Json;

namespace Blockstack.Regtest.Tests;

/// <summary>Reorgs by invalidateblock/reconsiderblock at depths 1, 6 and 100, and restarts over RocksDB.</summary>
[Trait("Category", "Integration")]
public sealed class ChainTests
{
    private static readonly TestKey Key = TestKey.FromSeed(20);
    private static readonly TestKey Other = TestKey.FromSeed(21);

    private static async Task<string> TipAsync(TestNode node) => (await node.ResultAsync("getbestblockhash")).GetString()!;

    private static async Task<int> HeightAsync(TestNode node) => (await node.ResultAsync("getblockcount")).GetInt32();

    private static async Task<List<string?>> MempoolAsync(TestNode node) =>
        (await node.ResultAsync("getrawmempool")).EnumerateArray().Select(e => e.GetString()).ToList();

    private static async Task<JsonElement> TxOutAsync(TestNode node, string txid, int n, bool includeMempool = false) =>
        await node.ResultAsync("gettxout", $"[\"{txid}\", {n}, {(includeMempool ? "true" : "false")}]");

    [Fact]
    public async Task InvalidateAndReconsider_AtDepths1And6And100_MoveTipUtxosAndMempool()
    {
        await using var node = await TestNode.StartAsync();
        var first = (await node.ResultAsync("generatetoaddress", $"[1, \"{Key.Address}\"]"))[0].GetString()!;
        await node.ResultAsync("generatetoaddress", $"[100, \"{Other.Address}\"]");
        var coin = await Coinbases.OfBlockAsync(node, first);
        var spend = JsSigner.Sign([new JsSigner.Input(coin.Txid, 0, coin.Value, Key)], [(Other.Address, coin.Value - 1000)]);
        var txid = (await node.ResultAsync("sendrawtransaction", $"[\"{spend}\"]")).GetString()!;
        var b102 = (await node.ResultAsync("generatetoaddress", $"[1, \"{Other.Address}\"]"))[0].GetString()!;
        var tip102 = await TipAsync(node);

        // Depth 1: the spend goes back to the mempool, the coin it spent is unspent again.
        Assert.Equal(JsonValueKind.Null, await node.ResultAsync("invalidateblock", $"[\"{b102}\"]") is var r1 ? r1.ValueKind : default);
        Assert.Equal(101, await HeightAsync(node));
        Assert.Equal([txid], await MempoolAsync(node));
        Assert.Equal(JsonValueKind.Object, (await TxOutAsync(node, coin.Txid, 0)).ValueKind);
        Assert.Equal(JsonValueKind.Null, (await TxOutAsync(node, txid, 0)).ValueKind);
        Assert.Equal(-1, (await node.ResultAsync("getblockheader", $"[\"{b102}\"]")).GetProperty("confirmations").GetInt32());

        await node.ResultAsync("reconsiderblock", $"[\"{b102}\"]");
        Assert.Equal(tip102, await TipAsync(node));
        Assert.Empty(await MempoolAsync(node));
        Assert.Equal(1, (await TxOutAsync(node, txid, 0)).GetProperty("confirmations").GetInt32());

        // Depth 6.
        await node.ResultAsync("generatetoaddress", $"[5, \"{Other.Address}\"]");
        var tip107 = await TipAsync(node);
        await node.ResultAsync("invalidateblock", $"[\"{b102}\"]");
        Assert.Equal(101, await HeightAsync(node));
        Assert.Equal([txid], await MempoolAsync(node));
        await node.ResultAsync("reconsiderblock", $"[\"{b102}\"]");
        Assert.Equal(tip107, await TipAsync(node));
        Assert.Equal(6, (await TxOutAsync(node, txid, 0)).GetProperty("confirmations").GetInt32());

        // Depth 100: back to height 7, where the coinbase the spend uses is immature again, so the
        // spend cannot return to the mempool.
        var b8 = (await node.ResultAsync("getblockhash", "[8]")).GetString()!;
        await node.ResultAsync("invalidateblock", $"[\"{b8}\"]");
        Assert.Equal(7, await HeightAsync(node));
        Assert.Empty(await MempoolAsync(node));
        Assert.Equal(JsonValueKind.Object, (await TxOutAsync(node, coin.Txid, 0)).ValueKind);
        Assert.Equal(JsonValueKind.Null, (await TxOutAsync(node, txid, 0)).ValueKind);

        // A competing branch grows while the old one is invalid; reconsidering brings back the one with more work.
        await node.ResultAsync("generatetoaddress", $"[3, \"{Key.Address}\"]");
        Assert.Equal(10, await HeightAsync(node));
        await node.ResultAsync("reconsiderblock", $"[\"{b8}\"]");
        Assert.Equal(tip107, await TipAsync(node));
        Assert.Equal(6, (await TxOutAsync(node, txid, 0)).GetProperty("confirmations").GetInt32());
    }

    [Fact]
    public async Task SubmitBlock_SideChainWithMoreWork_Reorgs()
    {
        await using var node = await TestNode.StartAsync();
        await node.ResultAsync("generatetoaddress", $"[3, \"{Key.Address}\"]");
        var b2 = (await node.ResultAsync("getblockhash", "[2]")).GetString()!;
        var b3 = (await node.ResultAsync("getblockhash", "[3]")).GetString()!;
        await node.ResultAsync("invalidateblock", $"[\"{b2}\"]");
        var side = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var made = await node.ResultAsync("generateblock", $"[\"{Other.Address}\", [], false]");
            side.Add(made.GetProperty("hex").GetString()!);
            Assert.Equal(JsonValueKind.Null, (await node.ResultAsync("submitblock", $"[\"{made.GetProperty("hex").GetString()}\"]")).ValueKind);
        }

        Assert.Equal(4, await HeightAsync(node));
        Assert.Equal("duplicate", (await node.ResultAsync("submitblock", $"[\"{side[0]}\"]")).GetString());
        await node.ResultAsync("reconsiderblock", $"[\"{b2}\"]");
        Assert.Equal(4, await HeightAsync(node));
        Assert.Equal(-1, (await node.ResultAsync("getblockheader", $"[\"{b3}\"]")).GetProperty("confirmations").GetInt32());
        var (code, _) = await node.ErrorAsync("submitblock", "[\"zz\"]");
        Assert.Equal(-22, code);
        var tampered = side[0][..^2] + "01";
        Assert.NotEqual(JsonValueKind.Null, (await node.ResultAsync("submitblock", $"[\"{tampered}\"]")).ValueKind);
        Assert.Equal(4, await HeightAsync(node));
    }

    [Fact]
    public async Task Automine_MinesBlocksToTheAddress()
    {
        await using var node = await TestNode.StartAsync(new RegtestOptions
        {
            InMemory = true,
            RpcUser = "u",
            RpcPassword = "p",
            AutomineInterval = TimeSpan.FromMilliseconds(100),
            AutomineAddress = Key.Address,
        });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await HeightAsync(node) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(await HeightAsync(node) >= 2);
        var block = await node.ResultAsync("getblock", $"[\"{await TipAsync(node)}\", 2]");
        Assert.Equal(Key.Address, block.GetProperty("tx")[0].GetProperty("vout")[0].GetProperty("scriptPubKey").GetProperty("address").GetString());
    }

    [Fact]
    public async Task Restart_WithRocksDb_KeepsChainWalletsAndCookieRules()
    {
        var dir = Path.Combine(Path.GetTempPath(), "regtest-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new RegtestOptions { DataDir = dir };
            string tip;
            string cookiePath;
            await using (var node = await TestNode.StartAsync(options))
            {
                cookiePath = node.Node.CookiePath!;
                var cookie = await File.ReadAllTextAsync(cookiePath);
                Assert.Matches("^__cookie__:[0-9a-f]{64}$", cookie);
                await node.ResultAsync("createwallet", "[\"watch\", true, true, \"\", false, true, true]");
                var desc = (await node.ResultAsync("getdescriptorinfo", $"[\"addr({Key.Address})\"]")).GetProperty("descriptor").GetString();
                var import = await node.ResultAsync("importdescriptors", $"[[{{\"desc\":\"{desc}\",\"timestamp\":\"now\"}}]]");
                Assert.True(import[0].GetProperty("success").GetBoolean());
                await node.ResultAsync("generatetoaddress", $"[101, \"{Key.Address}\"]");
                tip = await TipAsync(node);
            }

            Assert.False(File.Exists(cookiePath));
            await using (var node = await TestNode.StartAsync(options))
            {
                Assert.Equal(tip, await TipAsync(node));
                Assert.Equal(101, await HeightAsync(node));
                Assert.Equal("watch", (await node.ResultAsync("listwallets"))[0].GetString());
                var unspent = await node.ResultAsync("listunspent", "[]", "/wallet/watch");
                Assert.Equal(1, unspent.GetArrayLength());
                Assert.Equal(101, unspent[0].GetProperty("confirmations").GetInt32());
                await node.ResultAsync("generatetoaddress", $"[1, \"{Key.Address}\"]");
                Assert.Equal(102, await HeightAsync(node));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
