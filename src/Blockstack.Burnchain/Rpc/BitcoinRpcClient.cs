using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Blockstack.Bitcoin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Burnchain.Rpc;

/// <summary>
/// How to reach bitcoind. Either <see cref="User"/>/<see cref="Password"/> or
/// <see cref="CookieFile"/> (<c>&lt;datadir&gt;/&lt;chain&gt;/.cookie</c>, re-read after a 401
/// because bitcoind writes a new one on every start).
/// </summary>
public sealed record BitcoinRpcOptions
{
    public required Uri Endpoint { get; init; }

    public string? User { get; init; }

    public string? Password { get; init; }

    public string? CookieFile { get; init; }

    /// <summary>Per request. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per call on transient failures before <see cref="BitcoinRpcUnavailableException"/>. Default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>First back-off delay; doubles per attempt up to <see cref="MaxRetryDelay"/>. Default 100 ms.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Fails fast with a clear message when neither credentials nor a cookie file are set.</summary>
    public void Validate()
    {
        if (CookieFile is null && (User is null || Password is null))
        {
            throw new ArgumentException("bitcoind RPC needs rpcuser and rpcpassword, or a cookie file");
        }

        if (MaxAttempts < 1 || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("MaxAttempts must be at least 1 and RequestTimeout positive");
        }
    }

    public override string ToString() =>
        $"Endpoint={Endpoint}, User={User ?? "-"}, Password={(Password is null ? "-" : "****")}, CookieFile={CookieFile ?? "-"}, " +
        $"RequestTimeout={RequestTimeout}, MaxAttempts={MaxAttempts}";
}

/// <summary>
/// A bitcoind JSON-RPC client (JSON-RPC 2.0 framing, positional params, HTTP Basic auth). It
/// checks that every response carries the id it sent, retries with exponential back-off on
/// connection errors, timeouts, HTTP 503 and error -28 (warm-up), opens new connections after
/// bitcoind restarts, and re-reads the cookie file after a 401.
/// </summary>
public sealed class BitcoinRpcClient : IBitcoinRpc, IDisposable
{
    public const int ErrorInvalidAddressOrKey = -5;
    public const int ErrorInvalidParameter = -8;
    public const int ErrorInWarmup = -28;

    private readonly BitcoinRpcOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _nextId;
    private AuthenticationHeaderValue? _auth;

    public BitcoinRpcClient(BitcoinRpcOptions options, TimeProvider? time = null, ILogger<BitcoinRpcClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var handler = new SocketsHttpHandler
        {
            // Short-lived pooled connections: after bitcoind restarts, a stale one is dropped soon.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = options.RequestTimeout,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<BlockchainInfo> GetBlockchainInfoAsync(CancellationToken cancellationToken)
    {
        using var doc = await CallAsync("getblockchaininfo", [], cancellationToken).ConfigureAwait(false);
        var r = doc.RootElement;
        return new BlockchainInfo(
            r.GetProperty("chain").GetString() ?? string.Empty,
            r.GetProperty("blocks").GetUInt64(),
            r.TryGetProperty("headers", out var headers) ? headers.GetUInt64() : r.GetProperty("blocks").GetUInt64(),
            BlockHash.Parse(r.GetProperty("bestblockhash").GetString()!),
            r.TryGetProperty("initialblockdownload", out var ibd) && ibd.GetBoolean());
    }

    public async Task<BlockHash?> GetBlockHashAsync(ulong height, CancellationToken cancellationToken)
    {
        try
        {
            using var doc = await CallAsync("getblockhash", [height], cancellationToken).ConfigureAwait(false);
            return BlockHash.Parse(doc.RootElement.GetString()!);
        }
        catch (BitcoinRpcException e) when (e.Code == ErrorInvalidParameter)
        {
            return null;
        }
    }

    public async Task<byte[]?> GetRawBlockAsync(BlockHash hash, CancellationToken cancellationToken)
    {
        try
        {
            using var doc = await CallAsync("getblock", [hash.ToString(), 0], cancellationToken).ConfigureAwait(false);
            return Convert.FromHexString(doc.RootElement.GetString()!);
        }
        catch (BitcoinRpcException e) when (e.Code == ErrorInvalidAddressOrKey)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListWalletsAsync(CancellationToken cancellationToken)
    {
        using var doc = await CallAsync("listwallets", [], cancellationToken).ConfigureAwait(false);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? string.Empty)];
    }

    public async Task LoadWalletAsync(string name, CancellationToken cancellationToken)
    {
        using var doc = await CallAsync("loadwallet", [name], cancellationToken).ConfigureAwait(false);
    }

    public async Task CreateWalletAsync(string name, bool disablePrivateKeys, bool blank, CancellationToken cancellationToken)
    {
        using var doc = await CallAsync("createwallet", [name, disablePrivateKeys, blank], cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DescriptorImportResult>> ImportDescriptorsAsync(string wallet, IReadOnlyList<DescriptorImport> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var body = requests.Select(r => new ImportDescriptorRequest(r.Descriptor, r.Timestamp, r.Internal)).ToArray();
        using var doc = await CallAsync("importdescriptors", [body], cancellationToken, wallet).ConfigureAwait(false);
        var results = new List<DescriptorImportResult>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var success = item.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.True;
            int? code = null;
            string? message = null;
            if (item.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var ci) ? ci : null;
                message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
            }

            results.Add(new DescriptorImportResult(success, code, message));
        }

        return results;
    }

    public async Task<IReadOnlyList<UnspentOutput>> ListUnspentAsync(string wallet, int minConfirmations, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        using var doc = await CallAsync("listunspent", [minConfirmations, 9_999_999, addresses.ToArray(), true], cancellationToken, wallet).ConfigureAwait(false);
        var list = new List<UnspentOutput>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            if (!item.TryGetProperty("txid", out var txid) || !Hash256.TryParseDisplay(txid.GetString(), out var hash)
                || !item.TryGetProperty("vout", out var vout) || !vout.TryGetUInt32(out var index)
                || !item.TryGetProperty("amount", out var amount) || !BtcAmount.TryParseSatoshis(amount, out var sats)
                || !item.TryGetProperty("scriptPubKey", out var script) || script.GetString() is not { } scriptHex
                || !item.TryGetProperty("confirmations", out var confirmations) || !confirmations.TryGetInt64(out var conf))
            {
                throw new BitcoinRpcException("bitcoind listunspent: a row lacks txid, vout, amount, scriptPubKey or confirmations");
            }

            byte[] scriptBytes;
            try
            {
                scriptBytes = Convert.FromHexString(scriptHex);
            }
            catch (FormatException)
            {
                throw new BitcoinRpcException("bitcoind listunspent: scriptPubKey is not hex");
            }

            list.Add(new UnspentOutput(new Txid(hash.Value), index, sats, scriptBytes, conf));
        }

        return list;
    }

    public async Task<WalletTransaction?> GetWalletTransactionAsync(string wallet, Txid txid, CancellationToken cancellationToken)
    {
        try
        {
            using var doc = await CallAsync("gettransaction", [txid.ToString()], cancellationToken, wallet).ConfigureAwait(false);
            var r = doc.RootElement;
            var confirmations = r.TryGetProperty("confirmations", out var c) && c.TryGetInt64(out var ci) ? ci : 0;
            BlockHash? block = r.TryGetProperty("blockhash", out var bh) && Hash256.TryParseDisplay(bh.GetString(), out var h) ? new BlockHash(h.Value) : null;
            ulong? height = r.TryGetProperty("blockheight", out var bhe) && bhe.TryGetUInt64(out var hv) ? hv : null;
            return new WalletTransaction(txid, confirmations, block, height);
        }
        catch (BitcoinRpcException e) when (e.Code == ErrorInvalidAddressOrKey)
        {
            return null;
        }
    }

    public async Task<Txid> SendRawTransactionAsync(ReadOnlyMemory<byte> transaction, CancellationToken cancellationToken)
    {
        using var doc = await CallAsync("sendrawtransaction", [Convert.ToHexStringLower(transaction.Span), 0], cancellationToken).ConfigureAwait(false);
        return Hash256.TryParseDisplay(doc.RootElement.GetString(), out var hash)
            ? new Txid(hash.Value)
            : throw new BitcoinRpcException("bitcoind sendrawtransaction: the answer is not a txid");
    }

    /// <summary>
    /// Calls <paramref name="method"/> with positional <paramref name="parameters"/> and returns
    /// the <c>result</c> as a document the caller disposes. Throws <see cref="BitcoinRpcException"/>
    /// for RPC errors, <see cref="BitcoinRpcUnavailableException"/> when transient failures
    /// outlast the retry budget, <see cref="BitcoinRpcAuthException"/> on bad credentials.
    /// </summary>
    public async Task<JsonDocument> CallAsync(string method, object?[] parameters, CancellationToken cancellationToken, string? walletPath = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        var delay = _options.InitialRetryDelay;
        var rereadCookie = false;
        string lastReason = "none";
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            var id = Interlocked.Increment(ref _nextId);
            var outcome = await TryOnceAsync(method, parameters, id, walletPath, rereadCookie, cancellationToken).ConfigureAwait(false);
            if (outcome.Result is not null)
            {
                return outcome.Result;
            }

            if (outcome.AuthFailed)
            {
                if (_options.CookieFile is null || rereadCookie)
                {
                    throw new BitcoinRpcAuthException("bitcoind rejected the RPC credentials (HTTP 401)");
                }

                _logger.RpcCookieReread(_options.CookieFile);
                rereadCookie = true;
            }

            lastReason = outcome.TransientReason ?? lastReason;
            if (attempt == _options.MaxAttempts)
            {
                break;
            }

            _logger.RpcRetry(method, lastReason, attempt, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }

        throw new BitcoinRpcUnavailableException($"bitcoind {method}: {lastReason} after {_options.MaxAttempts} attempts");
    }

    private readonly record struct Outcome(JsonDocument? Result, string? TransientReason, bool AuthFailed);

    private async Task<Outcome> TryOnceAsync(string method, object?[] parameters, long id, string? walletPath, bool rereadCookie, CancellationToken cancellationToken)
    {
        AuthenticationHeaderValue auth;
        try
        {
            auth = GetAuth(rereadCookie);
        }
        catch (IOException e)
        {
            // bitcoind deletes its cookie on shutdown and writes a new one on start.
            return new Outcome(null, "cookie file unreadable: " + e.Message, false);
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new RpcRequest("2.0", id, method, parameters), RpcJsonContext.Default.RpcRequest);
        var uri = walletPath is null ? _options.Endpoint : new Uri(_options.Endpoint, "/wallet/" + Uri.EscapeDataString(walletPath));
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = auth;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        byte[] content;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            content = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(null, "timeout", false);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(null, "connection: " + e.Message, false);
        }
        catch (IOException e)
        {
            return new Outcome(null, "connection: " + e.Message, false);
        }

        using (response)
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                _logger.RpcCall(method, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized:
                    return new Outcome(null, "HTTP 401", true);
                case HttpStatusCode.ServiceUnavailable:
                    return new Outcome(null, "HTTP 503 " + Encoding.UTF8.GetString(content).Trim(), false);
                case HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError:
                    break;
                default:
                    return new Outcome(null, $"HTTP {(int)response.StatusCode}", false);
            }
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content);
        }
        catch (JsonException)
        {
            throw new BitcoinRpcException($"bitcoind {method}: response is not JSON");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var idElement)
                || idElement.ValueKind != JsonValueKind.Number
                || !idElement.TryGetInt64(out var gotId)
                || gotId != id)
            {
                throw new BitcoinRpcException($"bitcoind {method}: response id does not match request id {id}");
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var ci) ? ci : 0;
                var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty;
                if (code == ErrorInWarmup)
                {
                    return new Outcome(null, "warming up (-28): " + message, false);
                }

                throw new BitcoinRpcException(code, message);
            }

            if (!root.TryGetProperty("result", out var result))
            {
                throw new BitcoinRpcException($"bitcoind {method}: response has neither result nor error");
            }

            return new Outcome(JsonDocument.Parse(result.GetRawText()), null, false);
        }
    }

    private AuthenticationHeaderValue GetAuth(bool reread)
    {
        if (_auth is not null && !reread)
        {
            return _auth;
        }

        string credentials;
        if (_options.CookieFile is not null)
        {
            credentials = File.ReadAllText(_options.CookieFile).Trim();
        }
        else
        {
            credentials = $"{_options.User}:{_options.Password}";
        }

        _auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return _auth;
    }

    public void Dispose() => _http.Dispose();
}
