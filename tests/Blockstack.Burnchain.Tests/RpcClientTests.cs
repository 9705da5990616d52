using System.Text;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;

namespace Blockstack.Burnchain.Tests;

[Trait("Category", "Integration")]
public class RpcClientTests
{
    private static BitcoinRpcOptions Options(Uri endpoint) => new()
    {
        Endpoint = endpoint,
        User = "alice",
        Password = "secret",
        InitialRetryDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Fact]
    public async Task GetBlockHashAsync_UserPassword_SendsBasicAuthAndParsesResult()
    {
        var hash = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
        await using var server = new FakeBitcoindHttp((auth, req) =>
            auth != Basic("alice:secret") ? (401, string.Empty)
            : (string)req["method"]! == "getblockhash" && (int)req["params"]![0]! == 0 ? (200, FakeBitcoindHttp.Result(req, hash))
            : (200, FakeBitcoindHttp.Error(req, -8, "Block height out of range")));
        server.Start();
        using var client = new BitcoinRpcClient(Options(server.Endpoint));

        Assert.Equal(BlockHash.Parse(hash), await client.GetBlockHashAsync(0, CancellationToken.None));
        Assert.Null(await client.GetBlockHashAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task CallAsync_LegacyErrorFraming_ThrowsWithCode()
    {
        await using var server = new FakeBitcoindHttp((_, req) =>
            (500, new JsonObject { ["result"] = null, ["error"] = new JsonObject { ["code"] = -5, ["message"] = "Block not found" }, ["id"] = req["id"]!.DeepClone() }.ToJsonString()));
        server.Start();
        using var client = new BitcoinRpcClient(Options(server.Endpoint));

        var e = await Assert.ThrowsAsync<BitcoinRpcException>(() => client.CallAsync("getblockheader", ["00"], CancellationToken.None));
        Assert.Equal(-5, e.Code);
        Assert.Null(await client.GetRawBlockAsync(default, CancellationToken.None));
    }

    [Fact]
    public async Task CallAsync_503ThenWarmupThenOk_RetriesAndSucceeds()
    {
        var calls = 0;
        await using var server = new FakeBitcoindHttp((_, req) => Interlocked.Increment(ref calls) switch
        {
            1 => (503, "Work queue depth exceeded"),
            2 => (200, FakeBitcoindHttp.Error(req, -28, "Loading block index…")),
            _ => (200, FakeBitcoindHttp.Result(req, 42)),
        });
        server.Start();
        var logger = new ListLogger<BitcoinRpcClient>();
        using var client = new BitcoinRpcClient(Options(server.Endpoint), logger: logger);

        using var doc = await client.CallAsync("getblockcount", [], CancellationToken.None);

        Assert.Equal(42, doc.RootElement.GetInt32());
        Assert.Equal(3, calls);
        Assert.Equal(2, logger.Entries.Count(e => e.EventId == 2000));
    }

    [Fact]
    public async Task CallAsync_ResponseIdMismatch_Throws()
    {
        await using var server = new FakeBitcoindHttp((_, req) =>
            (200, new JsonObject { ["jsonrpc"] = "2.0", ["result"] = 1, ["id"] = 999_999 }.ToJsonString()));
        server.Start();
        using var client = new BitcoinRpcClient(Options(server.Endpoint));

        var e = await Assert.ThrowsAsync<BitcoinRpcException>(() => client.CallAsync("getblockcount", [], CancellationToken.None));
        Assert.Contains("id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_NothingListening_ThrowsUnavailableAfterBudget()
    {
        await using var server = new FakeBitcoindHttp((_, req) => (200, FakeBitcoindHttp.Result(req, 1)));
        server.Start();
        var endpoint = server.Endpoint;
        await server.StopAsync();
        using var client = new BitcoinRpcClient(Options(endpoint) with { MaxAttempts = 3 });

        await Assert.ThrowsAsync<BitcoinRpcUnavailableException>(() => client.CallAsync("getblockcount", [], CancellationToken.None));
    }

    [Fact]
    public async Task CallAsync_BitcoindRestartsWithNewCookie_RereadsCookieAndReconnects()
    {
        var dir = Directory.CreateTempSubdirectory("burnchain-cookie-");
        var cookie = Path.Combine(dir.FullName, ".cookie");
        var current = "__cookie__:" + new string('a', 64);
        await File.WriteAllTextAsync(cookie, current);
        Func<string?, JsonObject, (int, string)> handler = (auth, req) =>
            auth == Basic(Volatile.Read(ref current)) ? (200, FakeBitcoindHttp.Result(req, 7)) : (401, string.Empty);
        var server = new FakeBitcoindHttp(handler);
        server.Start();
        var port = server.Port;
        using var client = new BitcoinRpcClient(new BitcoinRpcOptions
        {
            Endpoint = server.Endpoint,
            CookieFile = cookie,
            InitialRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            MaxAttempts = 20,
        });
        using (var first = await client.CallAsync("getblockcount", [], CancellationToken.None))
        {
            Assert.Equal(7, first.RootElement.GetInt32());
        }

        // "Restart": down (cookie deleted), then up on the same port with a new cookie.
        await server.StopAsync();
        File.Delete(cookie);
        var call = client.CallAsync("getblockcount", [], CancellationToken.None);
        await Task.Delay(100);
        Volatile.Write(ref current, "__cookie__:" + new string('b', 64));
        await File.WriteAllTextAsync(cookie, Volatile.Read(ref current));
        await using var restarted = new FakeBitcoindHttp(handler, port);
        restarted.Start();

        using var second = await call;
        Assert.Equal(7, second.RootElement.GetInt32());
        dir.Delete(recursive: true);
        await server.DisposeAsync();
    }

    [Theory]
    [InlineData("0.1", 10_000_000)]
    [InlineData("0.30000000", 30_000_000)]
    [InlineData("20999999.97690000", 2_099_999_997_690_000)]
    [InlineData("0.00000001", 1)]
    [InlineData("1e-8", 1)]
    [InlineData("-0.5", -50_000_000)]
    public void TryParseSatoshis_DecimalText_IsExact(string text, long expected)
    {
        Assert.True(BtcAmount.TryParseSatoshis(text, out var sats));
        Assert.Equal(expected, sats);
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        Assert.True(BtcAmount.TryParseSatoshis(doc.RootElement, out var fromJson));
        Assert.Equal(expected, fromJson);
    }

    [Theory]
    [InlineData("0.000000001")]
    [InlineData("abc")]
    [InlineData("")]
    public void TryParseSatoshis_SubSatoshiOrJunk_False(string text) =>
        Assert.False(BtcAmount.TryParseSatoshis(text, out _));

    [Fact]
    public async Task Watcher_OverHttpWithOutage_FollowsTheChain()
    {
        var chain = new FakeBitcoinChain();
        chain.Mine(12, new OpFactory(chain.Parameters()).Block);
        var down = 0;
        await using var server = new FakeBitcoindHttp((_, req) =>
        {
            if (Volatile.Read(ref down) > 0)
            {
                Interlocked.Decrement(ref down);
                return (503, "Work queue depth exceeded");
            }

            var p = req["params"]!.AsArray();
            return (string)req["method"]! switch
            {
                "getblockchaininfo" => (200, FakeBitcoindHttp.Result(req, new JsonObject
                {
                    ["chain"] = "regtest",
                    ["blocks"] = chain.TipHeight,
                    ["headers"] = chain.TipHeight,
                    ["bestblockhash"] = chain.Tip.ToString(),
                    ["initialblockdownload"] = false,
                })),
                "getblockhash" => (ulong)p[0]! <= chain.TipHeight
                    ? (200, FakeBitcoindHttp.Result(req, chain.HashAt((ulong)p[0]!).ToString()))
                    : (200, FakeBitcoindHttp.Error(req, -8, "Block height out of range")),
                "getblock" => chain.RawBlock(BlockHash.Parse((string)p[0]!)) is { } raw
                    ? (200, FakeBitcoindHttp.Result(req, Convert.ToHexStringLower(raw)))
                    : (200, FakeBitcoindHttp.Error(req, -5, "Block not found")),
                _ => (200, FakeBitcoindHttp.Error(req, -32601, "Method not found")),
            };
        });
        server.Start();
        using var client = new BitcoinRpcClient(Options(server.Endpoint) with { MaxAttempts = 2 });
        using var index = BurnchainIndex.InMemory();
        var watcher = new BurnchainWatcher(
            client,
            index,
            chain.Parameters(),
            new BurnchainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(10), OutageDelay = TimeSpan.FromMilliseconds(10) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Volatile.Write(ref down, 9);
        var run = watcher.RunAsync(cts.Token);
        while (index.Tip?.Hash != chain.Tip && !cts.IsCancellationRequested)
        {
            await Task.Delay(5, CancellationToken.None);
        }

        await cts.CancelAsync();
        await run;
        await WatcherTests.AssertEqualToFreshAsync(chain, index, null);
    }
}
