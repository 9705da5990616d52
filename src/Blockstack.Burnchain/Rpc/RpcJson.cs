using System.Text.Json.Serialization;

namespace Blockstack.Burnchain.Rpc;

internal sealed record RpcRequest(
    [property: JsonPropertyName("jsonrpc")] string JsonRpc,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("params")] object?[] Params);

/// <summary>The JSON shape of one <c>importdescriptors</c> request.</summary>
internal sealed record ImportDescriptorRequest(
    [property: JsonPropertyName("desc")] string Desc,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("internal")] bool Internal);

[JsonSerializable(typeof(RpcRequest))]
[JsonSerializable(typeof(ImportDescriptorRequest[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(object[]))]
internal sealed partial class RpcJsonContext : JsonSerializerContext;
