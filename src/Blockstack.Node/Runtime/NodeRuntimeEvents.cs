using Blockstack.Burnchain.Rpc;
using Blockstack.Chain;
using Blockstack.Pox;

namespace Blockstack.Node.Runtime;

/// <summary>A burn block went through the sortition (and any Stacks block it elected that was staged).</summary>
public sealed class BurnBlockProcessedEventArgs(SortitionSnapshot snapshot, int commits, bool synced) : EventArgs
{
    public SortitionSnapshot Snapshot { get; } = snapshot;

    /// <summary>Accepted block commits in this burn block.</summary>
    public int Commits { get; } = commits;

    /// <summary>Whether the node counted as synced with bitcoind after this block.</summary>
    public bool Synced { get; } = synced;
}

/// <summary>A Stacks block was validated and committed to the chain store.</summary>
public sealed class StacksBlockAcceptedEventArgs(BlockRecord block, int transactionCount, bool becameTip) : EventArgs
{
    public BlockRecord Block { get; } = block;

    public int TransactionCount { get; } = transactionCount;

    /// <summary>True when the block became the canonical tip.</summary>
    public bool BecameTip { get; } = becameTip;
}

/// <summary>A transaction was newly admitted to the mempool.</summary>
public sealed class TransactionAdmittedEventArgs(Stacks.StacksTransaction transaction, byte[] raw, object? origin) : EventArgs
{
    public Stacks.StacksTransaction Transaction { get; } = transaction;

    /// <summary>The transaction's wire bytes as submitted.</summary>
    public ReadOnlyMemory<byte> Raw { get; } = raw;

    /// <summary>Who submitted it, as the submitter said (a peer), or null for a local client.</summary>
    public object? Origin { get; } = origin;
}

/// <summary>A block was newly put in staging (it waits for its sortition and parent).</summary>
public sealed class BlockStagedEventArgs(Stacks.StacksBlock block, byte[] raw, object? origin) : EventArgs
{
    public Stacks.StacksBlock Block { get; } = block;

    /// <summary>The block's wire bytes.</summary>
    public ReadOnlyMemory<byte> Raw { get; } = raw;

    /// <summary>Who sent it (a peer), or null for the node's own miner.</summary>
    public object? Origin { get; } = origin;
}

/// <summary>A staged block failed validation against the sortition that elected it and was dropped.</summary>
public sealed class StagedBlockRejectedEventArgs(Stacks.StacksBlockHash blockHash, Stacks.ConsensusHash consensusHash, string code, string message) : EventArgs
{
    public Stacks.StacksBlockHash BlockHash { get; } = blockHash;

    public Stacks.ConsensusHash ConsensusHash { get; } = consensusHash;

    public string Code { get; } = code;

    public string Message { get; } = message;
}

/// <summary>
/// Work run on the runtime's loop after every fully processed burn block once the node is synced
/// (the host plugs the miner in here). It runs outside the write lock: it may read any store, call
/// <see cref="NodeRuntime.StageBlock"/> and <see cref="NodeRuntime.SubmitTransaction"/>; the next
/// burn event waits until it returns. Exceptions are logged and do not stop the node.
/// </summary>
public interface INodeRoundHandler
{
    Task RunRoundAsync(CancellationToken cancellationToken);
}

/// <summary>An <see cref="INodeRoundHandler"/> from a delegate.</summary>
public sealed class DelegateRoundHandler(Func<CancellationToken, Task> round) : INodeRoundHandler
{
    public Task RunRoundAsync(CancellationToken cancellationToken) => round(cancellationToken);
}

/// <summary>Passes every call through and reports each <c>getblockchaininfo</c> answer (bitcoind's height for the sync status).</summary>
internal sealed class ObservedBitcoinRpc(IBitcoinRpc inner, Action<BlockchainInfo> observe) : IBitcoinRpc
{
    public async Task<BlockchainInfo> GetBlockchainInfoAsync(CancellationToken cancellationToken)
    {
        var info = await inner.GetBlockchainInfoAsync(cancellationToken).ConfigureAwait(false);
        observe(info);
        return info;
    }

    public Task<Bitcoin.BlockHash?> GetBlockHashAsync(ulong height, CancellationToken cancellationToken) => inner.GetBlockHashAsync(height, cancellationToken);

    public Task<byte[]?> GetRawBlockAsync(Bitcoin.BlockHash hash, CancellationToken cancellationToken) => inner.GetRawBlockAsync(hash, cancellationToken);
}
