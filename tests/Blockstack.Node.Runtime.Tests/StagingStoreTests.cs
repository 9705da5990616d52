using Blockstack.Bitcoin;
using Blockstack.Chain;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;

namespace Blockstack.Node.Runtime.Tests;

[Trait("Category", "Unit")]
public sealed class StagingStoreTests
{
    [Fact]
    public void Entries_StagedBlocksAndAShortRow_HashesAndHeightsWithoutTheShortRow()
    {
        var kv = new MemoryStore<StagingColumn>();
        using var staging = new StagingStore(kv);
        var a = Block(1);
        var b = Block(2);
        staging.Put(new StagedBlock(a.BlockHash, a, 10, 0));
        staging.Put(new StagedBlock(b.BlockHash, b, 12, 15));
        using (var batch = kv.CreateBatch())
        {
            batch.Put(StagingColumn.Blocks, new byte[32], [1, 2, 3]);
            batch.Commit();
        }

        var entries = staging.Entries();

        var expected = new[] { new StagedEntry(a.BlockHash, 10, 0), new StagedEntry(b.BlockHash, 12, 15) }
            .OrderBy(e => Convert.ToHexString(e.Hash.Hash.ToArray()), StringComparer.Ordinal);
        Assert.Equal(expected, entries);
        Assert.Equal(entries.Select(e => e.Hash), staging.All().Select(s => s.Hash));
    }

    [Fact]
    public void Entries_AfterPutsDeletesAndReopen_FollowTheStoredRows()
    {
        var dir = Directory.CreateTempSubdirectory("bsn-staging-").FullName;
        try
        {
            var a = Block(1);
            var b = Block(2);
            var c = Block(3);
            using (var staging = StagingStore.Open(dir))
            {
                staging.Put(new StagedBlock(a.BlockHash, a, 10, 0));
                staging.Put(new StagedBlock(b.BlockHash, b, 11, 0));
                staging.Put(new StagedBlock(c.BlockHash, c, 12, 0));
                staging.Put(new StagedBlock(b.BlockHash, b, 11, 20));
                staging.Delete(a.BlockHash);

                Assert.Equal(2, staging.Count);
                Assert.Equal(Sorted(new StagedEntry(b.BlockHash, 11, 20), new StagedEntry(c.BlockHash, 12, 0)), staging.Entries());
            }

            using var reopened = StagingStore.Open(dir);

            Assert.Equal(2, reopened.Count);
            Assert.Equal(Sorted(new StagedEntry(b.BlockHash, 11, 20), new StagedEntry(c.BlockHash, 12, 0)), reopened.Entries());
            Assert.Equal(reopened.Entries().Select(e => e.Hash), reopened.All().Select(s => s.Hash));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IEnumerable<StagedEntry> Sorted(params StagedEntry[] entries) =>
        entries.OrderBy(e => Convert.ToHexString(e.Hash.Hash.ToArray()), StringComparer.Ordinal);

    private static StacksBlock Block(byte seed)
    {
        var vrf = new VrfPrivateKey(Enumerable.Repeat(seed, 32).ToArray());
        var coinbase = new StacksTransaction(
            TransactionVersion.Testnet, StacksTransaction.TestnetChainId,
            new TransactionAuth(TestStacksKey.Signer.SingleSigCondition(TestStacksKey.FromSeed(seed).Key, 0, 0), null),
            AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
        var header = new StacksBlockHeader(
            1, 0, 1, EcVrf.Prove(vrf, [seed]), SortitionFacts.FirstBlockHash, Hash256.Zero, 0,
            Stacks.MerkleTree.TransactionRoot([coinbase.Txid]), Hash256.Zero, Hash160.Zero);
        return new StacksBlock(header, [coinbase]);
    }
}
