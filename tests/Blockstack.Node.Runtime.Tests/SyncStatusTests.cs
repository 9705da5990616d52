using Blockstack.Bitcoin;
using Blockstack.Burnchain.Rpc;

namespace Blockstack.Node.Runtime.Tests;

/// <summary>The synced flag and progress as bitcoind runs ahead of the node and the node catches up.</summary>
[Trait("Category", "Integration")]
public sealed class SyncStatusTests
{
    [Fact]
    public async Task GetSyncStatus_BitcoindRunsFarAhead_SyncedTurnsFalseThenTrueAfterCatchingUp()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        await using var chain = await RegtestChain.StartAsync(ct);
        var gated = new GatedRpc(chain.Rpc);
        await using var host = RuntimeHost.Start(RuntimeHost.Options(chain, NodeNetwork.Regtest) with { Rpc = gated });
        var runtime = host.Runtime;
        await chain.GenerateAsync(5, TestMiner.SinkAddress, ct);
        await host.WaitSyncedAsync(chain, ct);
        await host.WaitUntilAsync(() => runtime.GetSyncStatus().Synced, "synced at 5");
        Assert.Equal(100.0, runtime.GetSyncStatus().ProgressPercent);

        // bitcoind mines 10 blocks; the node learns the height but cannot fetch the blocks.
        gated.Close();
        await chain.GenerateAsync(10, TestMiner.SinkAddress, ct);
        await host.WaitUntilAsync(() => runtime.GetSyncStatus().BitcoindHeight == 15, "bitcoind's height 15 seen");
        var behind = runtime.GetSyncStatus();
        Assert.False(behind.Synced);
        Assert.Equal(5UL, behind.BurnHeight);
        Assert.Equal(Math.Round(100.0 * 6 / 16, 2), behind.ProgressPercent); // heights 0..5 of 0..15

        // The blocks flow again: caught up, synced again.
        gated.Open();
        await host.WaitSyncedAsync(chain, ct);
        await host.WaitUntilAsync(() => runtime.GetSyncStatus().Synced, "synced at 15");
        var status = runtime.GetSyncStatus();
        Assert.Equal(15UL, status.BurnHeight);
        Assert.Equal(100.0, status.ProgressPercent);
    }

    /// <summary>Passes calls through; while closed, block downloads wait (bitcoind's height is still reported).</summary>
    private sealed class GatedRpc(IBitcoinRpc inner) : IBitcoinRpc
    {
        private volatile TaskCompletionSource _open = Opened();

        public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public Task<BlockchainInfo> GetBlockchainInfoAsync(CancellationToken cancellationToken) => inner.GetBlockchainInfoAsync(cancellationToken);

        public Task<BlockHash?> GetBlockHashAsync(ulong height, CancellationToken cancellationToken) => inner.GetBlockHashAsync(height, cancellationToken);

        public async Task<byte[]?> GetRawBlockAsync(BlockHash hash, CancellationToken cancellationToken)
        {
            await _open.Task.WaitAsync(cancellationToken);
            return await inner.GetRawBlockAsync(hash, cancellationToken);
        }

        private static TaskCompletionSource Opened()
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tcs.SetResult();
            return tcs;
        }
    }
}
