using Blockstack.Bns;
using Blockstack.Node.Peers;
using Blockstack.Stacks;
using Blockstack.Storage;

namespace Blockstack.Node.Runtime.Tests.Peers;

/// <summary>
/// One regtest chain with a running runtime, a BNS index and a miner that has mined two blocks,
/// shared by the tests of a class (xunit runs them one after another). Tests that mine more leave
/// the chain at a whole tenure.
/// </summary>
public sealed class PeerChain : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(10));
    private RegtestChain? _chain;
    private RuntimeHost? _host;
    private BnsChainIndex? _bns;
    private TestMiner? _miner;

    internal static TestStacksKey Alice { get; } = TestStacksKey.FromSeed(31);

    internal static TestStacksKey Bob { get; } = TestStacksKey.FromSeed(32);

    internal RegtestChain Chain => _chain!;

    internal RuntimeHost Host => _host!;

    public NodeRuntime Runtime => _host!.Runtime;

    public BnsChainIndex Bns => _bns!;

    internal TestMiner Miner => _miner!;

    public CancellationToken Ct => _timeout.Token;

    /// <summary>The blocks mined so far, in order.</summary>
    public List<StacksBlock> Blocks { get; } = [];

    public static PeerIdentity Peer(int n) =>
        new(n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), $"127.0.0.1:{30000 + n}", "test-peer/1");

    public async Task InitializeAsync()
    {
        _chain = await RegtestChain.StartAsync(Ct);
        _host = RuntimeHost.Start(RuntimeHost.Options(_chain, Networks.Funded(Alice)) with { NativeContracts = [new BnsNativeContract()] });
        _bns = new BnsChainIndex(new MemoryStore<BnsColumn>(), Runtime.Coordinator);
        _miner = new TestMiner(_chain, 7);
        await _miner.FundAsync(Ct);
        await _host.WaitSyncedAsync(_chain, Ct);
        await _miner.RegisterKeyAsync(_host, Ct);
        Blocks.Add(await Tenures.MineAsync(_chain, _host, _miner, StageAt.BeforeSortition, Ct));
        Blocks.Add(await Tenures.MineAsync(_chain, _host, _miner, StageAt.AfterSortition, Ct));
    }

    /// <summary>Mines the burn block of a commit already sent and waits until the runtime processed it.</summary>
    internal async Task MineBurnBlockAsync()
    {
        await _chain!.GenerateAsync(1, TestMiner.SinkAddress, Ct);
        await _host!.WaitSyncedAsync(_chain, Ct);
    }

    public async Task DisposeAsync()
    {
        _bns?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_chain is not null)
        {
            await _chain.DisposeAsync();
        }

        _timeout.Dispose();
    }

    public void Dispose()
    {
        _bns?.Dispose();
        _timeout.Dispose();
    }
}

/// <summary>Blocks that fail the checks an offered block goes through before staging.</summary>
internal static class Mutations
{
    /// <summary>The block with its Merkle root zeroed: bad merkle root.</summary>
    public static StacksBlock BadMerkleRoot(StacksBlock block) => block with { Header = block.Header with { TxMerkleRoot = Bitcoin.Hash256.Zero } };

    /// <summary>
    /// The block with a transfer whose fee was changed after signing (its signature no longer
    /// verifies) and the Merkle root recomputed, so only the signature check can catch it.
    /// </summary>
    public static StacksBlock BadSignature(StacksBlock block, StacksTransaction signed)
    {
        var condition = (SingleSigSpendingCondition)signed.Auth.Origin;
        var forged = signed with { Auth = signed.Auth with { Origin = condition with { Fee = condition.Fee + 1 } } };
        IReadOnlyList<StacksTransaction> txs = [block.Transactions[0], forged];
        return new StacksBlock(block.Header with { TxMerkleRoot = MerkleTree.TransactionRoot(txs.Select(t => t.Txid)) }, txs);
    }
}
