using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>A minimal bitcoind JSON-RPC client (basic auth) for the standalone burnchain the cluster shares.</summary>
internal sealed class BitcoindRpc : IDisposable
{
    private readonly HttpClient _http;

    public BitcoindRpc(int port, string user, string password)
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
    }

    /// <summary>Calls <paramref name="method"/>; a JSON-RPC error throws <see cref="InvalidOperationException"/> with its text.</summary>
    public async Task<JsonElement> CallAsync(string method, params object[] parameters)
    {
        var body = JsonSerializer.Serialize(new { jsonrpc = "1.0", id = 1, method, @params = parameters });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(string.Empty, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidOperationException($"bitcoind {method}: {error}");
        }

        return doc.RootElement.GetProperty("result").Clone();
    }

    /// <summary>Like <see cref="CallAsync"/>, but null when the server is not reachable or answers an error.</summary>
    public async Task<JsonElement?> TryCallAsync(string method, params object[] parameters)
    {
        try
        {
            return await CallAsync(method, parameters);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<ulong> GetBlockCountAsync() => (await CallAsync("getblockcount")).GetUInt64();

    public async Task<string> GetBlockHashAsync(ulong height) => (await CallAsync("getblockhash", height)).GetString()!;

    public async Task<int> MempoolSizeAsync() => (await CallAsync("getrawmempool")).GetArrayLength();

    public async Task GenerateAsync(int count, string address) => await CallAsync("generatetoaddress", count, address);

    public void Dispose() => _http.Dispose();
}
