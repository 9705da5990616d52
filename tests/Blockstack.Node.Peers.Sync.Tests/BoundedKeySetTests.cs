using Blockstack.Bitcoin;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Node.Peers.Sync.Tests;

[Trait("Category", "Unit")]
public sealed class BoundedKeySetTests
{
    [Fact]
    public void TryAdd_OverCapacity_ForgetsTheOldest()
    {
        var set = new BoundedKeySet<int>(3);

        Assert.True(set.TryAdd(1));
        Assert.True(set.TryAdd(2));
        Assert.True(set.TryAdd(3));
        Assert.False(set.TryAdd(2));
        Assert.True(set.TryAdd(4));

        Assert.Equal(3, set.Count);
        Assert.False(set.Contains(1));
        Assert.True(set.Contains(2));
        Assert.True(set.Contains(4));
        Assert.True(set.TryAdd(1));
        Assert.False(set.Contains(2));
    }

    [Fact]
    public void HashOf_ShortBlock_Null_HeaderHashOtherwise()
    {
        var block = TestChain.MakeBlock(1, new string('0', 64), "x", 10);

        Assert.Null(BlockDownloader.HashOf(block.AsSpan(0, 246)));
        Assert.Equal(BlockDownloader.HashOf(block), BlockDownloader.HashOf(block.AsSpan(0, 247)));
        Assert.Equal(64, BlockDownloader.HashOf(block)!.Length);
    }

    [Fact]
    public void HashOf_RealBlock_EqualsTheHeadersBlockHash_AndWorkIsAtTheTestOffset()
    {
        var vrf = new VrfPrivateKey(Enumerable.Repeat((byte)7, 32).ToArray());
        var header = new StacksBlockHeader(0, 5_000, 42, EcVrf.Prove(vrf, [7]), new StacksBlockHash(Hash256.Zero), Hash256.Zero, 0, Hash256.Zero, Hash256.Zero, Hash160.Zero);
        var bytes = new StacksBlock(header, []).Serialize();

        Assert.Equal(header.BlockHash.ToString(), BlockDownloader.HashOf(bytes));
        Assert.Equal(42UL, TestChain.WorkOf(bytes));
    }
}
