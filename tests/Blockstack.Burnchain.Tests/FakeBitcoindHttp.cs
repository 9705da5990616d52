using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Blockstack.Burnchain.Tests;

/// <summary>
/// A minimal HTTP/1.1 JSON-RPC server on 127.0.0.1 (port picked by the OS) whose answers a test
/// scripts: handler(authorization header, request JSON) → (status, body). Can stop and restart on
/// the same port to imitate a bitcoind restart.
/// </summary>
internal sealed class FakeBitcoindHttp : IAsyncDisposable
{
    private readonly Func<string?, JsonObject, (int Status, string Body)> _handler;
    private TcpListener? _listener;
    private CancellationTokenSource? _cts;
    private Task? _loop;

    public FakeBitcoindHttp(Func<string?, JsonObject, (int Status, string Body)> handler, int port = 0)
    {
        _handler = handler;
        Port = port;
    }

    public int Port { get; private set; }

    public int Requests;

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _cts = new CancellationTokenSource();
        _loop = AcceptLoop(_listener, _cts.Token);
    }

    public async Task StopAsync()
    {
        if (_cts is null)
        {
            return;
        }

        await _cts.CancelAsync();
        _listener!.Stop();
        try
        {
            await _loop!;
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
        _cts = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptLoop(TcpListener listener, CancellationToken ct)
    {
        var clients = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(ct);
                clients.Add(Serve(client, ct));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(clients.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private async Task Serve(TcpClient client, CancellationToken ct)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[8192];
            while (!ct.IsCancellationRequested)
            {
                int headerEnd;
                while ((headerEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
                {
                    var n = await stream.ReadAsync(chunk, ct);
                    if (n == 0)
                    {
                        return;
                    }

                    buffer.AddRange(chunk.AsSpan(0, n));
                }

                var head = Encoding.ASCII.GetString([.. buffer.Take(headerEnd)]);
                var lines = head.Split("\r\n");
                var length = 0;
                string? auth = null;
                foreach (var line in lines.Skip(1))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    var name = line[..colon].Trim();
                    var value = line[(colon + 1)..].Trim();
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                    {
                        auth = value;
                    }
                }

                while (buffer.Count < headerEnd + 4 + length)
                {
                    var n = await stream.ReadAsync(chunk, ct);
                    if (n == 0)
                    {
                        return;
                    }

                    buffer.AddRange(chunk.AsSpan(0, n));
                }

                var body = Encoding.UTF8.GetString([.. buffer.Skip(headerEnd + 4).Take(length)]);
                buffer.RemoveRange(0, headerEnd + 4 + length);
                Interlocked.Increment(ref Requests);
                var (status, reply) = _handler(auth, JsonNode.Parse(body)!.AsObject());
                var replyBytes = Encoding.UTF8.GetBytes(reply);
                var extra = status == 401 ? "WWW-Authenticate: Basic realm=\"jsonrpc\"\r\n" : string.Empty;
                var response = $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}Content-Length: {replyBytes.Length}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), ct);
                await stream.WriteAsync(replyBytes, ct);
            }
        }
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    public static string Result(JsonObject request, JsonNode? result) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["result"] = result, ["id"] = request["id"]!.DeepClone() }.ToJsonString();

    public static string Error(JsonObject request, int code, string message) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["error"] = new JsonObject { ["code"] = code, ["message"] = message }, ["id"] = request["id"]!.DeepClone() }.ToJsonString();
}
