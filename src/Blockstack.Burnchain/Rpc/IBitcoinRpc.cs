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

    // ----- wallet and broadcast calls (the miner). A follower-only client need not implement them:
    // the defaults say so with NotSupportedException. -----

    /// <summary><c>listwallets</c>: the names of the loaded wallets.</summary>
    Task<IReadOnlyList<string>> ListWalletsAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("this bitcoind client has no wallet calls (listwallets)");

    /// <summary><c>loadwallet</c>; -18 (missing) and -35 (already loaded) surface as <see cref="BitcoinRpcException"/>.</summary>
    Task LoadWalletAsync(string name, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this bitcoind client has no wallet calls (loadwallet)");

    /// <summary><c>createwallet</c> (descriptor wallet).</summary>
    Task CreateWalletAsync(string name, bool disablePrivateKeys, bool blank, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this bitcoind client has no wallet calls (createwallet)");

    /// <summary><c>importdescriptors</c> on <paramref name="wallet"/>: one result per request (errors are per item).</summary>
    Task<IReadOnlyList<DescriptorImportResult>> ImportDescriptorsAsync(string wallet, IReadOnlyList<DescriptorImport> requests, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this bitcoind client has no wallet calls (importdescriptors)");

    /// <summary><c>listunspent minconf maxconf [addresses] include_unsafe=true</c> on <paramref name="wallet"/>.</summary>
    Task<IReadOnlyList<UnspentOutput>> ListUnspentAsync(string wallet, int minConfirmations, IReadOnlyList<string> addresses, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this bitcoind client has no wallet calls (listunspent)");

    /// <summary><c>gettransaction</c> on <paramref name="wallet"/>; null when the wallet does not know the txid (-5).</summary>
    Task<WalletTransaction?> GetWalletTransactionAsync(string wallet, Txid txid, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this bitcoind client has no wallet calls (gettransaction)");

    /// <summary><c>sendrawtransaction hex 0</c> (no fee-rate cap): the txid bitcoind reports.</summary>
    Task<Txid> SendRawTransactionAsync(ReadOnlyMemory<byte> transaction, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this bitcoind client cannot broadcast (sendrawtransaction)");
}

/// <summary>One <c>importdescriptors</c> request: a descriptor with its checksum.</summary>
public sealed record DescriptorImport(string Descriptor, long Timestamp, bool Internal);

/// <summary>One <c>importdescriptors</c> answer; <see cref="Error"/> is bitcoind's per-item message.</summary>
public sealed record DescriptorImportResult(bool Success, int? ErrorCode, string? Error);

/// <summary>One <c>listunspent</c> row, amounts in satoshis.</summary>
public sealed record UnspentOutput(Txid Txid, uint Vout, long Satoshis, byte[] ScriptPubKey, long Confirmations);

/// <summary>What the miner reads from <c>gettransaction</c>: confirmations (0 in the mempool, negative when conflicted) and the block.</summary>
public sealed record WalletTransaction(Txid Txid, long Confirmations, BlockHash? BlockHash, ulong? BlockHeight);

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
