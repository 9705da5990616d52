using System.Text.Json.Nodes;

namespace Blockstack.Regtest.Rpc;

/// <summary>What a method returns: a JSON value (null is a valid result) or an <see cref="RpcError"/>.</summary>
public readonly struct RpcResult
{
    private RpcResult(JsonNode? value, RpcError? error)
    {
        Value = value;
        Error = error;
    }

    public JsonNode? Value { get; }

    public RpcError? Error { get; }

    public bool IsError => Error is not null;

    public static RpcResult Ok(JsonNode? value) => new(value, null);

    public static RpcResult Null => new(null, null);

    public static RpcResult Fail(RpcError error) => new(null, error);

    public static RpcResult Fail(int code, string message) => new(null, new RpcError(code, message));

    public static implicit operator RpcResult(RpcError error) => Fail(error);

    public static implicit operator RpcResult(JsonNode? value) => Ok(value);

    public static implicit operator RpcResult(string value) => Ok(JsonValue.Create(value));

    public static implicit operator RpcResult(long value) => Ok(JsonValue.Create(value));

    public static implicit operator RpcResult(bool value) => Ok(JsonValue.Create(value));
}
