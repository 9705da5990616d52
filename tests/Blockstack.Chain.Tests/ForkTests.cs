using Blockstack.Stacks;

namespace Blockstack.Chain.Tests;

[Trait("Category", "Unit")]
public class ForkTests
{
    [Fact]
    public void ForkChoice_LongerForkWins_TieKeepsFirst_AndIndexesFollow()
    {
        using var chain = new TestChain();
        var (a, b, c) = (chain.Keys[0], chain.Keys[1], chain.Keys[2]);
        var root = chain.Mine().Block!;
        var txA = chain.Transfer(a, b.Address, 111, 0);
        var forkA = chain.Mine([txA], parent: root).Block!;
        var txB = chain.Transfer(a, c.Address, 222, 0);
        var forkB = chain.Mine([txB], parent: root);

        Assert.False(forkB.BecameTip); // tie: first processed wins
        Assert.Equal(forkA.Id, chain.Tip.Id);
        Assert.NotNull(chain.Coordinator.State.GetReceipt(txA.Txid));
        Assert.Null(chain.Coordinator.State.GetReceipt(txB.Txid));

        var forkB2 = chain.Mine(parent: forkB.Block);
        Assert.True(forkB2.BecameTip);
        var state = chain.Coordinator.State;
        Assert.Null(state.GetReceipt(txA.Txid));
        Assert.NotNull(state.GetReceipt(txB.Txid));
        Assert.Equal(1_000_000_000_000UL, (ulong)state.GetAccount(b.Address).Unlocked);
        Assert.Equal(1_000_000_000_222UL, (ulong)state.GetAccount(c.Address).Unlocked);
        Assert.Equal(forkB.Block!.Id, state.GetBlockAtHeight(2)!.Id);

        // The account index equals the trie at the tip, for every account.
        foreach (var k in chain.Keys.Append(chain.Miner))
        {
            Assert.Equal(state.GetAccountAt(chain.Tip.Id, k.Principal), state.GetAccount(k.Address));
        }
    }

    [Fact]
    public void ForkChoice_SwitchToForkAndBack_IndexesAndRootsIdentical()
    {
        using var chain = new TestChain();
        var (a, b) = (chain.Keys[0], chain.Keys[1]);
        var baseBlock = chain.Mine().Block!;
        var a1 = chain.Mine([chain.Transfer(a, b.Address, 5, 0)], parent: baseBlock).Block!;
        var indexBefore = Index(chain);
        var rootBefore = chain.Tip.StateRoot;

        var b1 = chain.Mine([chain.Transfer(b, a.Address, 7, 0)], parent: baseBlock).Block!;
        var b2 = chain.Mine(parent: b1).Block!;
        Assert.Equal(b2.Id, chain.Tip.Id);
        var a2 = chain.Mine(parent: a1).Block!;
        var a3 = chain.Mine(parent: a2).Block!;
        Assert.Equal(a3.Id, chain.Tip.Id);

        // a1's state is untouched by the excursion, and the indexes equal those of a chain that never forked.
        Assert.Equal(rootBefore, chain.Coordinator.State.GetBlock(a1.Id)!.StateRoot);
        Assert.NotEqual(indexBefore, Index(chain));
        using var straight = new TestChain();
        straight.Mine();
        straight.Mine([straight.Transfer(a, b.Address, 5, 0)]);
        straight.Mine();
        straight.Mine();
        Assert.Equal(Index(straight), Index(chain));
        Assert.Equal(straight.Tip.StateRoot, a3.StateRoot);
    }

    [Fact]
    public void ReevaluateTip_SortitionForkBecomesNonCanonical_TipMovesBack()
    {
        using var chain = new TestChain();
        var one = chain.Mine().Block!;
        var two = chain.Mine().Block!;
        chain.Sortitions.NonCanonical.Add(two.ConsensusHash);

        chain.Coordinator.ReevaluateTip();

        Assert.Equal(one.Id, chain.Tip.Id);
        Assert.Null(chain.Coordinator.State.GetBlockAtHeight(2));
    }

    [Fact]
    public void Replay_StoredBlocksFromGenesis_ReproducesEveryRoot()
    {
        using var chain = new TestChain();
        var rng = new Random(42);
        RandomWorkload(chain, rng, blocks: 12);
        var original = Blocks(chain);

        using var replay = new TestChain();
        foreach (var (record, body) in original)
        {
            var sortition = chain.Sortitions.Sortitions[record.ConsensusHash];
            replay.Sortitions.Sortitions[record.ConsensusHash] = sortition;
            var parentCh = chain.Coordinator.State.GetBlock(record.ParentId)!.ConsensusHash;
            replay.Sortitions.Sortitions[record.ConsensusHash] = sortition with { ParentConsensusHash = parentCh };
            var outcome = replay.Coordinator.ProcessBlock(body, record.ConsensusHash);
            Assert.True(outcome.IsAccepted, outcome.Rejection?.ToString());
            Assert.Equal(record.StateRoot, outcome.Block!.StateRoot);
        }

        Assert.Equal(chain.Tip.Id, replay.Tip.Id);
    }

    [Fact]
    public void RandomTransfersAcrossForks_ConserveTotalStx()
    {
        using var chain = new TestChain(accounts: 5);
        var rng = new Random(7);
        RandomWorkload(chain, rng, blocks: 20);

        foreach (var record in ChainStore.AllBlocks(chain.Store))
        {
            var (held, liquid) = chain.Conservation(record.Id);
            Assert.Equal(liquid, held);
        }
    }

    /// <summary>Random transfers on random parents (so forks appear), each block valid on its own parent.</summary>
    internal static void RandomWorkload(TestChain chain, Random rng, int blocks)
    {
        var all = new List<BlockRecord> { chain.Tip };
        for (var i = 0; i < blocks; i++)
        {
            var parent = rng.Next(3) == 0 ? all[rng.Next(all.Count)] : chain.Tip;
            var txs = new List<StacksTransaction>();
            var used = new HashSet<int>();
            for (var t = 0; t < rng.Next(0, 4); t++)
            {
                var from = rng.Next(chain.Keys.Count);
                if (!used.Add(from))
                {
                    continue;
                }

                var to = (from + 1 + rng.Next(chain.Keys.Count - 1)) % chain.Keys.Count;
                txs.Add(chain.Transfer(chain.Keys[from], chain.Keys[to].Address, (ulong)rng.Next(1, 1_000_000), chain.NonceAt(parent.Id, chain.Keys[from]), fee: (ulong)rng.Next(200, 2000)));
            }

            all.Add(chain.Mine(txs, parent: parent).Block!);
        }
    }

    private static List<(BlockRecord Record, StacksBlock Body)> Blocks(TestChain chain) =>
        ChainStore.AllBlocks(chain.Store).Where(b => !b.IsGenesis).OrderBy(b => b.Sequence)
            .Select(b => (b, chain.Coordinator.State.GetBlockBody(b.Id)!)).ToList();

    private static List<string> Index(TestChain chain) =>
        chain.Store.Prefix(ChainColumn.CanonicalAccounts, []).Select(kv => Convert.ToHexString(kv.Key) + Convert.ToHexString(kv.Value)).ToList();
}
