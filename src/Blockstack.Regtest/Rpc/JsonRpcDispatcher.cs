using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Blockstack.Regtest.Rpc;

/// <summary>An HTTP answer: status code and an optional JSON body.</summary>
public sealed record RpcHttpReply(int StatusCode, byte[]? Body);

/// <summary>
/// Turns a request body into a reply with bitcoind's framing rules (v28+): legacy requests always
/// carry result, error and id, and errors set HTTP 404 (-32601), 400 (-32600) or 500; JSON-RPC 2.0
/// requests get HTTP 200 with exactly one of result/error, and a notification (no id) gets 204.
/// A batch is answered by an array in request order with HTTP 200. No HTTP types here.
/// </summary>
public sealed partial class JsonRpcDispatcher
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 512 };

    private readonly RpcMethodTable _methods;
    private readonly ILogger _logger;

    public JsonRpcDispatcher(RpcMethodTable methods, ILogger logger)
    {
        _methods = methods;
        _logger = logger;
    }

    public RpcHttpReply Handle(ReadOnlyMemory<byte> body, string? walletFromUri, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            LogBadRequest(_logger, "Parse error");
            return Error(500, new RpcError(RpcErrorCode.ParseError, "Parse error"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var (reply, status) = HandleOne(root, walletFromUri, cancellationToken);
                return reply is null ? new RpcHttpReply(204, null) : new RpcHttpReply(status, Serialize(reply));
            }

            if (root.ValueKind == JsonValueKind.Array)
            {
                var replies = new JsonArray();
                foreach (var item in root.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        replies.Add(Reply(false, null, null, new RpcError(RpcErrorCode.InvalidRequest, "Invalid Request object")));
                        continue;
                    }

                    var (reply, _) = HandleOne(item, walletFromUri, cancellationToken);
                    if (reply is not null)
                    {
                        replies.Add(reply);
                    }
                }

                return new RpcHttpReply(200, Serialize(replies));
            }

            LogBadRequest(_logger, "Top-level object parse error");
            return Error(500, new RpcError(RpcErrorCode.ParseError, "Top-level object parse error"));
        }
    }

    /// <summary>One request object: the reply object (null for a 2.0 notification) and the legacy HTTP status.</summary>
    private (JsonObject? Reply, int Status) HandleOne(JsonElement request, string? walletFromUri, CancellationToken cancellationToken)
    {
        var hasId = request.TryGetProperty("id", out var idElement);
        var id = hasId ? JsonNode.Parse(idElement.GetRawText()) : null;
        var v2 = false;
        if (request.TryGetProperty("jsonrpc", out var version) && version.ValueKind != JsonValueKind.Null)
        {
            if (version.ValueKind != JsonValueKind.String)
            {
                return Failed(false, id, new RpcError(RpcErrorCode.InvalidRequest, "jsonrpc field must be a string"));
            }

            switch (version.GetString())
            {
                case "1.0":
                    break;
                case "2.0":
                    v2 = true;
                    break;
                default:
                    return Failed(false, id, new RpcError(RpcErrorCode.InvalidRequest, "JSON-RPC version not supported"));
            }
        }

        var notification = v2 && !hasId;
        var (reply, status) = Execute(request, v2, id, walletFromUri, cancellationToken);
        return (notification ? null : reply, status);
    }

    private (JsonObject Reply, int Status) Execute(JsonElement request, bool v2, JsonNode? id, string? walletFromUri, CancellationToken cancellationToken)
    {
        if (!request.TryGetProperty("method", out var methodElement) || methodElement.ValueKind == JsonValueKind.Null)
        {
            return Failed(v2, id, new RpcError(RpcErrorCode.InvalidRequest, "Missing method"));
        }

        if (methodElement.ValueKind != JsonValueKind.String)
        {
            return Failed(v2, id, new RpcError(RpcErrorCode.InvalidRequest, "Method must be a string"));
        }

        JsonElement? rawParams = null;
        if (request.TryGetProperty("params", out var paramsElement) && paramsElement.ValueKind != JsonValueKind.Null)
        {
            if (paramsElement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            {
                return Failed(v2, id, new RpcError(RpcErrorCode.InvalidRequest, "Params must be an array or object"));
            }

            rawParams = paramsElement;
        }

        var name = methodElement.GetString()!;
        if (!_methods.TryGet(name, out var method))
        {
            LogUnknownMethod(_logger, name);
            return Failed(v2, id, new RpcError(RpcErrorCode.MethodNotFound, "Method not found"));
        }

        if (!RpcParams.TryCreate(method, rawParams, out var parameters, out var paramError))
        {
            LogRejected(_logger, name, paramError.Code, paramError.Message);
            return Failed(v2, id, paramError);
        }

        RpcResult result;
        try
        {
            result = method.Handler(new RpcCall(parameters, walletFromUri, cancellationToken));
        }
#pragma warning disable CA1031 // The RPC edge: a bug in one handler is answered and logged, never a crash.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, e, name);
            return Failed(v2, id, new RpcError(RpcErrorCode.InternalError, "Internal error: " + e.Message));
        }

        if (result.Error is { } error)
        {
            LogRejected(_logger, name, error.Code, error.Message);
            return Failed(v2, id, error);
        }

        return (Reply(v2, id, result.Value, null), 200);
    }

    private static (JsonObject Reply, int Status) Failed(bool v2, JsonNode? id, RpcError error) =>
        (Reply(v2, id, null, error), v2 ? 200 : LegacyStatus(error.Code));

    public static int LegacyStatus(int code) => code switch
    {
        RpcErrorCode.InvalidRequest => 400,
        RpcErrorCode.MethodNotFound => 404,
        _ => 500,
    };

    private static JsonObject Reply(bool v2, JsonNode? id, JsonNode? result, RpcError? error)
    {
        var errorObject = error is null ? null : new JsonObject { ["code"] = error.Code, ["message"] = error.Message };
        if (v2)
        {
            var reply = new JsonObject { ["jsonrpc"] = "2.0" };
            if (errorObject is null)
            {
                reply["result"] = result;
            }
            else
            {
                reply["error"] = errorObject;
            }

            reply["id"] = id;
            return reply;
        }

        return new JsonObject { ["result"] = result, ["error"] = errorObject, ["id"] = id };
    }

    private static RpcHttpReply Error(int status, RpcError error) => new(status, Serialize(Reply(false, null, null, error)));

    private static byte[] Serialize(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            node.WriteTo(writer);
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "RPC request rejected: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string reason);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "RPC unknown method {Method}")]
    private static partial void LogUnknownMethod(ILogger logger, string method);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Debug, Message = "RPC {Method} answered error {Code}: {Message}")]
    private static partial void LogRejected(ILogger logger, string method, int code, string message);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "RPC {Method} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method);
}
