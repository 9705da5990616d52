namespace Blockstack.Regtest.Rpc;

/// <summary>bitcoind's RPC error codes (its <c>rpc/protocol.h</c>), the ones this server answers with.</summary>
public static class RpcErrorCode
{
    public const int MiscError = -1;
    public const int TypeError = -3;
    public const int WalletError = -4;
    public const int InvalidAddressOrKey = -5;
    public const int WalletInsufficientFunds = -6;
    public const int InvalidParameter = -8;
    public const int WalletNotFound = -18;
    public const int WalletNotSpecified = -19;
    public const int DatabaseError = -20;
    public const int DeserializationError = -22;
    public const int VerifyError = -25;
    public const int VerifyRejected = -26;
    public const int VerifyAlreadyInUtxoSet = -27;
    public const int InWarmup = -28;
    public const int WalletAlreadyLoaded = -35;
    public const int WalletAlreadyExists = -36;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int ParseError = -32700;
}

/// <summary>A JSON-RPC error: bitcoind's code and message. Expected failures are values of this type.</summary>
public sealed record RpcError(int Code, string Message)
{
    public static RpcError Misc(string message) => new(RpcErrorCode.MiscError, message);

    public static RpcError Type(string message) => new(RpcErrorCode.TypeError, message);

    public static RpcError InvalidParameter(string message) => new(RpcErrorCode.InvalidParameter, message);

    public static RpcError InvalidAddressOrKey(string message) => new(RpcErrorCode.InvalidAddressOrKey, message);

    public static RpcError BlockNotFound { get; } = new(RpcErrorCode.InvalidAddressOrKey, "Block not found");
}
