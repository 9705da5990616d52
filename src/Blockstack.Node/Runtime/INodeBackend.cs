using Blockstack.Burnchain.Index;
using Blockstack.Chain;
using Blockstack.Pox;
using Blockstack.Stacks;

namespace Blockstack.Node.Runtime;

/// <summary>Where the node is in following the burnchain.</summary>
/// <param name="BurnHeight">Height of the last burn block processed (sortition and chain), or 0.</param>
/// <param name="StableBurnHeight">The highest processed burn block with the stable number of confirmations.</param>
/// <param name="BurnBlockHash">Hash of the last processed burn block (display order hex), or null before the first.</param>
/// <param name="BitcoindHeight">The burnchain tip height bitcoind last reported.</param>
/// <param name="ProgressPercent">0..100: burn blocks processed over burn blocks known.</param>
/// <param name="Synced">True once the node has processed up to bitcoind's tip at least once and is following.</param>
/// <param name="PeerCount">Connected peers (0 until the peer network exists).</param>
public sealed record NodeSyncStatus(
    ulong BurnHeight,
    ulong? StableBurnHeight,
    string? BurnBlockHash,
    ulong BitcoindHeight,
    double ProgressPercent,
    bool Synced,
    int PeerCount);

/// <summary>The result of submitting a raw transaction: its txid, or a rejection code and message.</summary>
public sealed record SubmitOutcome(StacksTxid? Txid, string? RejectionCode, string? RejectionMessage)
{
    public bool Accepted => Txid is not null && RejectionCode is null;
}

/// <summary>
/// What the gRPC services read from and ask of the running node. <c>NodeRuntime</c> implements
/// it; tests may build one over in-memory stores. Reads are safe from any thread; writes
/// (submission) are serialized by the implementation.
/// </summary>
public interface INodeBackend
{
    /// <summary>mainnet, testnet or regtest.</summary>
    string Network { get; }

    ChainParameters ChainParameters { get; }

    /// <summary>Chain state at the canonical Stacks tip (accounts, blocks, receipts, proofs).</summary>
    ChainState Chain { get; }

    SortitionStore Sortitions { get; }

    BurnchainIndex Burnchain { get; }

    /// <summary>True from the moment shutdown starts; services answer UNAVAILABLE.</summary>
    bool IsShuttingDown { get; }

    NodeSyncStatus GetSyncStatus();

    /// <summary>Decodes, validates and admits a raw transaction to the mempool.</summary>
    SubmitOutcome SubmitTransaction(ReadOnlySpan<byte> raw);

    /// <summary>The pending mempool entry, or null.</summary>
    MempoolEntry? GetPending(StacksTxid txid);

    /// <summary>Why a transaction left the mempool without being mined (bounded memory of recent drops), or null.</summary>
    string? GetDroppedReason(StacksTxid txid);

    /// <summary>Every Stacks block that becomes canonical from now on, in order, until cancelled.</summary>
    IAsyncEnumerable<BlockRecord> WatchCanonicalBlocks(CancellationToken cancellationToken);
}
