using Blockstack.Bitcoin;

namespace Blockstack.Burnchain.Rpc;

/// <summary>What the watcher reads from bitcoind's <c>getblockchaininfo</c>.</summary>
public sealed record BlockchainInfo(string Chain, ulong Blocks, ulong Headers, BlockHash BestBlockHash, bool InitialBlockDownload);

/// <summary>
/// The bitcoind JSON-RPC calls the burnchain follower needs. <see cref="BitcoinRpcClient"/> talks
/// to a real bitcoind (or the embedded regtest chain); tests use in-memory fakes.
/// Transient failures (connection refused, timeouts, HTTP 503, -28 warm-up) are retried inside
/// the client; when they outlast its budget it throws <see cref="BitcoinRpcUnavailableException"/>.
/// </summary>
public interface IBitcoinRpc
{
    Task<BlockchainInfo> GetBlockchainInfoAsync(CancellationToken cancellationToken);

    /// <summary>The hash of the active-chain block at <paramref name="height"/>, or null when beyond the tip (-8).</summary>
    Task<BlockHash?> GetBlockHashAsync(ulong height, CancellationToken cancellationToken);

    /// <summary>The serialized block (<c>getblock hash 0</c>), or null when bitcoind does not know it (-5).</summary>
    Task<byte[]?> GetRawBlockAsync(BlockHash hash, CancellationToken cancellationToken);
}

/// <summary>bitcoind answered with a JSON-RPC error that is not transient.</summary>
public sealed class BitcoinRpcException : Exception
{
    public BitcoinRpcException(int code, string message)
        : base($"bitcoind error {code}: {message}")
    {
        Code = code;
        RpcMessage = message;
    }

    public BitcoinRpcException()
    {
        RpcMessage = string.Empty;
    }

    public BitcoinRpcException(string message)
        : base(message)
    {
        RpcMessage = message;
    }

    public BitcoinRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        RpcMessage = message;
    }

    public int Code { get; }

    public string RpcMessage { get; }
}

/// <summary>bitcoind could not be reached (or stayed busy or warming up) for the whole retry budget.</summary>
public sealed class BitcoinRpcUnavailableException : Exception
{
    public BitcoinRpcUnavailableException()
    {
    }

    public BitcoinRpcUnavailableException(string message)
        : base(message)
    {
    }

    public BitcoinRpcUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>bitcoind rejected our credentials (HTTP 401), after re-reading the cookie file if one is used.</summary>
public sealed class BitcoinRpcAuthException : Exception
{
    public BitcoinRpcAuthException()
    {
    }

    public BitcoinRpcAuthException(string message)
        : base(message)
    {
    }

    public BitcoinRpcAuthException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
