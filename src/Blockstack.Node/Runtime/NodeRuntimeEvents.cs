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
