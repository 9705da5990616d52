using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Blockstack.Regtest.Rpc;
using Blockstack.TestKit;

namespace Blockstack.Regtest.Tests;

/// <summary>Drives the server over plain HTTP with raw JSON, as third-party clients do, and checks spec §5.1–5.3.</summary>
[Trait("Category", "Integration")]
public sealed class RpcConformanceTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Legacy_Success_HasResultErrorAndId()
    {
        var (status, body) = await _node.PostAsync("{\"jsonrpc\":\"1.0\",\"id\":\"x\",\"method\":\"getblockcount\",\"params\":[]}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body!.Value.GetProperty("result").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.Value.GetProperty("error").ValueKind);
        Assert.Equal("x", body.Value.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Legacy_UnknownMethod_Is404WithMinus32601()
    {
        var (status, body) = await _node.PostAsync("{\"id\":1,\"method\":\"nosuch\"}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(RpcErrorCode.MethodNotFound, body!.Value.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.Value.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task Legacy_OtherError_Is500()
    {
        var (status, body) = await _node.PostAsync("{\"id\":1,\"method\":\"getblockhash\",\"params\":[99]}");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(-8, body!.Value.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("Block height out of range", body.Value.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Legacy_InvalidRequest_Is400()
    {
        var (status, body) = await _node.PostAsync("{\"id\":1,\"method\":\"getblockcount\",\"params\":5}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(RpcErrorCode.InvalidRequest, body!.Value.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task V2_Error_Is200WithErrorOnly()
    {
        var (status, body) = await _node.PostAsync("{\"jsonrpc\":\"2.0\",\"id\":\"stacks\",\"method\":\"nosuch\",\"params\":[]}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body!.Value.TryGetProperty("result", out _));
        Assert.Equal(RpcErrorCode.MethodNotFound, body.Value.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("2.0", body.Value.GetProperty("jsonrpc").GetString());
        Assert.Equal("stacks", body.Value.GetProperty("id").GetString());
    }

    [Fact]
    public async Task V2_Success_HasResultOnly()
    {
        var (status, body) = await _node.PostAsync("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"getbestblockhash\"}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body!.Value.TryGetProperty("error", out _));
        Assert.Equal("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206", body.Value.GetProperty("result").GetString());
        Assert.Equal(7, body.Value.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task V2_Notification_Is204()
    {
        var (status, body) = await _node.PostAsync("{\"jsonrpc\":\"2.0\",\"method\":\"getblockcount\"}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Null(body);
    }

    [Fact]
    public async Task MalformedJson_IsParseError()
    {
        var (status, body) = await _node.PostAsync("{\"id\":1,\"method\":");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(RpcErrorCode.ParseError, body!.Value.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Batch_AnswersInOrder_OmittingNotifications()
    {
        var (status, body) = await _node.PostAsync(
            "[{\"id\":1,\"method\":\"getblockcount\"},{\"jsonrpc\":\"2.0\",\"method\":\"getblockcount\"},5,{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nosuch\"}]");
        Assert.Equal(HttpStatusCode.OK, status);
        var replies = body!.Value.EnumerateArray().ToList();
        Assert.Equal(3, replies.Count);
        Assert.Equal(1, replies[0].GetProperty("id").GetInt32());
        Assert.Equal(RpcErrorCode.InvalidRequest, replies[1].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(3, replies[2].GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task WrongParameterType_IsMinus3()
    {
        var (code, message) = await _node.ErrorAsync("getblockhash", "[\"1\"]");
        Assert.Equal(RpcErrorCode.TypeError, code);
        Assert.Equal("JSON value of type string is not of expected type number", message);
    }

    [Fact]
    public async Task NamedParameters_AreMapped()
    {
        var result = await _node.ResultAsync("getblockhash", "{\"height\":0}");
        Assert.Equal("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206", result.GetString());
        var (code, _) = await _node.ErrorAsync("getblockhash", "{\"heigth\":0}");
        Assert.Equal(RpcErrorCode.InvalidParameter, code);
    }

    [Fact]
    public async Task Get_Is405()
    {
        using var response = await _node.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task MissingAuth_Is401WithRealm()
    {
        using var http = new HttpClient { BaseAddress = _node.Node.Url };
        using var content = new StringContent("{\"id\":1,\"method\":\"getblockcount\"}");
        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"jsonrpc\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongPassword_Is401()
    {
        using var http = new HttpClient { BaseAddress = _node.Node.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("user:wrong")));
        using var content = new StringContent("{\"id\":1,\"method\":\"getblockcount\"}");
        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OversizedBody_Is413AndServerStaysUp()
    {
        await using var small = await TestNode.StartAsync(new RegtestOptions
        {
            InMemory = true,
            RpcUser = "u",
            RpcPassword = "p",
            Limits = new RpcServerLimits { MaxBodyBytes = 1024 },
        });
        var (status, _) = await small.PostAsync("{\"id\":1,\"method\":\"getblockcount\",\"params\":[\"" + new string('a', 4096) + "\"]}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(0, (await small.ResultAsync("getblockcount")).GetInt32());
    }

    [VectorFact]
    public async Task GetBlock_Genesis_MatchesCoreVector()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "genesis.json"));
        var regtest = doc.RootElement.GetProperty("networks").GetProperty("regtest");
        var hash = regtest.GetProperty("block_hash").GetString()!;
        Assert.Equal(hash, (await _node.ResultAsync("getblockhash", "[0]")).GetString());
        Assert.Equal(regtest.GetProperty("block_hex").GetString(), (await _node.ResultAsync("getblock", $"[\"{hash}\", 0]")).GetString());
        Assert.Equal(regtest.GetProperty("header_hex").GetString(), (await _node.ResultAsync("getblockheader", $"[\"{hash}\", false]")).GetString());
    }

    [Fact]
    public async Task GetBlockHeader_Verbose_HasSpecFields()
    {
        var hashes = await _node.ResultAsync("generatetoaddress", $"[2, \"{TestKey.FromSeed(1).Address}\"]");
        var tipHash = hashes[1].GetString()!;
        var header = await _node.ResultAsync("getblockheader", $"[\"{tipHash}\"]");
        Assert.Equal(1, header.GetProperty("confirmations").GetInt32());
        Assert.Equal(2, header.GetProperty("height").GetInt32());
        Assert.Equal("20000000", header.GetProperty("versionHex").GetString());
        Assert.Equal("207fffff", header.GetProperty("bits").GetString());
        Assert.Equal("7fffff0000000000000000000000000000000000000000000000000000000000", header.GetProperty("target").GetString());
        Assert.Equal("0000000000000000000000000000000000000000000000000000000000000006", header.GetProperty("chainwork").GetString());
        Assert.Equal(hashes[0].GetString(), header.GetProperty("previousblockhash").GetString());
        Assert.False(header.TryGetProperty("nextblockhash", out _));
        var (code, message) = await _node.ErrorAsync("getblockheader", $"[\"{new string('0', 64)}\"]");
        Assert.Equal((-5, "Block not found"), (code, message));
        (code, message) = await _node.ErrorAsync("getblockheader", "[\"abcd\"]");
        Assert.Equal((-8, "blockhash must be of length 64 (not 4, for 'abcd')"), (code, message));
    }

    [Fact]
    public async Task GetBlock_Verbosity2_HasCoinbaseShapeAndAmounts()
    {
        var key = TestKey.FromSeed(2);
        var hash = (await _node.ResultAsync("generatetoaddress", $"[1, \"{key.Address}\"]"))[0].GetString()!;
        var reply = await _node.PostAsync($"{{\"id\":1,\"method\":\"getblock\",\"params\":[\"{hash}\", 2]}}");
        var block = reply.Body!.Value.GetProperty("result");
        var coinbase = block.GetProperty("tx")[0];
        Assert.True(coinbase.GetProperty("vin")[0].TryGetProperty("coinbase", out _));
        Assert.Equal(1, coinbase.GetProperty("vin")[0].GetProperty("txinwitness").GetArrayLength());
        var vout = coinbase.GetProperty("vout")[0];
        Assert.Equal("50.00000000", vout.GetProperty("value").GetRawText());
        Assert.Equal("witness_v0_keyhash", vout.GetProperty("scriptPubKey").GetProperty("type").GetString());
        Assert.Equal(key.Address, vout.GetProperty("scriptPubKey").GetProperty("address").GetString());
        Assert.StartsWith("addr(" + key.Address + ")#", vout.GetProperty("scriptPubKey").GetProperty("desc").GetString(), StringComparison.Ordinal);
        Assert.Equal("nulldata", coinbase.GetProperty("vout")[1].GetProperty("scriptPubKey").GetProperty("type").GetString());
        Assert.False(coinbase.TryGetProperty("fee", out _));
        var verbosity1 = await _node.ResultAsync("getblock", $"[\"{hash}\"]");
        Assert.Equal(coinbase.GetProperty("txid").GetString(), verbosity1.GetProperty("tx")[0].GetString());
    }

    [Fact]
    public async Task GetBlockchainInfo_HasSpecFields()
    {
        var info = await _node.ResultAsync("getblockchaininfo");
        Assert.Equal("regtest", info.GetProperty("chain").GetString());
        Assert.Equal(0, info.GetProperty("blocks").GetInt32());
        Assert.True(info.GetProperty("initialblockdownload").GetBoolean());
        Assert.Equal(JsonValueKind.Array, info.GetProperty("warnings").ValueKind);
        await _node.ResultAsync("generatetoaddress", $"[1, \"{TestKey.FromSeed(1).Address}\"]");
        info = await _node.ResultAsync("getblockchaininfo");
        Assert.False(info.GetProperty("initialblockdownload").GetBoolean());
    }

    [Fact]
    public async Task GenerateToAddress_BadAddress_IsMinus5()
    {
        var (code, message) = await _node.ErrorAsync("generatetoaddress", "[1, \"notanaddress\"]");
        Assert.Equal((-5, "Error: Invalid address"), (code, message));
    }

    [Fact]
    public async Task EstimateSmartFee_NoData_AnswersErrorsAndBlocks()
    {
        var result = await _node.ResultAsync("estimatesmartfee", "[6]");
        Assert.Equal("Insufficient data or no feerate found", result.GetProperty("errors")[0].GetString());
        Assert.False(result.TryGetProperty("feerate", out _));
        var (code, _) = await _node.ErrorAsync("estimatesmartfee", "[0]");
        Assert.Equal(-8, code);
    }

    [Fact]
    public async Task SendRawTransaction_Garbage_IsMinus22()
    {
        var (code, _) = await _node.ErrorAsync("sendrawtransaction", "[\"00ff\"]");
        Assert.Equal(RpcErrorCode.DeserializationError, code);
    }

    [Fact]
    public async Task ParallelCallers_AreAllServed()
    {
        var address = TestKey.FromSeed(3).Address;
        var tasks = Enumerable.Range(0, 40).Select(i => i % 4 == 0
            ? _node.ResultAsync("generatetoaddress", $"[1, \"{address}\"]")
            : _node.ResultAsync("getblockchaininfo")).ToList();
        await Task.WhenAll(tasks);
        Assert.Equal(10, (await _node.ResultAsync("getblockcount")).GetInt32());
    }

    [Fact]
    public async Task Stop_AnswersAndStops()
    {
        await using var other = await TestNode.StartAsync();
        Assert.Equal("Bitcoin Core stopping", (await other.ResultAsync("stop")).GetString());
        var finished = await Task.WhenAny(other.Node.Stopped, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.Same(other.Node.Stopped, finished);
    }
}
