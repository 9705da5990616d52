using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Regtest.Tests;

/// <summary>A regtest node on 127.0.0.1 (port 0) and a plain HttpClient speaking raw JSON to it.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private TestNode(RegtestNode node, HttpClient http)
    {
        Node = node;
        Http = http;
    }

    public RegtestNode Node { get; }

    public HttpClient Http { get; }

    public static async Task<TestNode> StartAsync(RegtestOptions? options = null)
    {
        options ??= new RegtestOptions { InMemory = true, RpcUser = "user", RpcPassword = "pass" };
        var node = await RegtestNode.StartAsync(options);
        var http = new HttpClient { BaseAddress = node.Url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(node.Credentials.ToAuthorizationHeader());
        return new TestNode(node, http);
    }

    /// <summary>POSTs a raw body; returns the status and the parsed body (null when empty).</summary>
    public async Task<(HttpStatusCode Status, JsonElement? Body)> PostAsync(string body, string path = "/")
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>A legacy call: returns the full reply object.</summary>
    public async Task<JsonElement> CallAsync(string method, string paramsJson = "[]", string path = "/")
    {
        var (_, body) = await PostAsync($"{{\"id\":1,\"method\":\"{method}\",\"params\":{paramsJson}}}", path);
        return body!.Value;
    }

    /// <summary>A call that must succeed: returns its result.</summary>
    public async Task<JsonElement> ResultAsync(string method, string paramsJson = "[]", string path = "/")
    {
        var reply = await CallAsync(method, paramsJson, path);
        Assert.True(reply.GetProperty("error").ValueKind == JsonValueKind.Null, $"{method} failed: {reply.GetProperty("error")}");
        return reply.GetProperty("result");
    }

    /// <summary>A call that must fail: returns (code, message).</summary>
    public async Task<(int Code, string Message)> ErrorAsync(string method, string paramsJson = "[]", string path = "/")
    {
        var reply = await CallAsync(method, paramsJson, path);
        var error = reply.GetProperty("error");
        Assert.True(error.ValueKind == JsonValueKind.Object, $"{method} succeeded: {reply}");
        return (error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Node.DisposeAsync();
    }
}

/// <summary>A key the tests control, with its P2WPKH address.</summary>
public sealed record TestKey(byte[] PrivateKey, byte[] PublicKey, string Address, byte[] Script)
{
    public string PrivateKeyHex => Convert.ToHexStringLower(PrivateKey);

    public static TestKey FromSeed(byte seed)
    {
        var key = Hashes.Sha256([seed, 0x42]);
        var pub = BouncySecp256k1.Instance.GetPublicKey(key, compressed: true);
        var script = BitcoinAddress.WitnessProgram(0, Hashes.Hash160(pub));
        BitcoinAddress.TryEncode(script, BitcoinNetwork.Regtest, out var address);
        return new TestKey(key, pub, address, script);
    }

    public string TaprootAddress
    {
        get
        {
            Span<byte> output = stackalloc byte[32];
            var tweak = Hashes.TaggedHash("TapTweak", PublicKey.AsSpan(1));
            BouncySecp256k1.Instance.TryTweakXOnlyPublicKey(PublicKey.AsSpan(1), tweak, output, out _);
            BitcoinAddress.TryEncode(BitcoinAddress.WitnessProgram(1, output), BitcoinNetwork.Regtest, out var address);
            return address;
        }
    }
}

/// <summary>Signs spends with bitcoinjs-lib (tests/interop/regtest-sign.js).</summary>
public static class JsSigner
{
    public sealed record Input(string Txid, int Vout, long Value, TestKey Key, string Type = "p2wpkh", uint Sequence = 0xfffffffd);

    public static string Sign(IEnumerable<Input> inputs, IEnumerable<(string Address, long Value)> outputs)
    {
        var request = new
        {
            inputs = inputs.Select(i => new { txid = i.Txid, vout = i.Vout, value = i.Value, key = i.Key.PrivateKeyHex, type = i.Type, sequence = i.Sequence }),
            outputs = outputs.Select(o => new { address = o.Address, value = o.Value }),
        };
        return TestKit.NodeJs.Run("regtest-sign.js", JsonSerializer.Serialize(request)).Trim();
    }
}

/// <summary>Finds a coinbase output of a mined block for spending.</summary>
public static class Coinbases
{
    public static async Task<(string Txid, long Value)> OfBlockAsync(TestNode node, string blockHash)
    {
        var block = await node.ResultAsync("getblock", $"[\"{blockHash}\", 2]");
        var coinbase = block.GetProperty("tx")[0];
        var value = Rpc.Amounts.TryParseFixed(coinbase.GetProperty("vout")[0].GetProperty("value").GetRawText(), out var sats) ? sats : 0;
        return (coinbase.GetProperty("txid").GetString()!, value);
    }

    public static Txid ToTxid(string hex) => Txid.Parse(hex);
}
