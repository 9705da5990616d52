using System.Text;
using Blockstack.Storage.Trie;
using Org.BouncyCastle.Crypto.Digests;

namespace Blockstack.Storage.Tests;

[Trait("Category", "Unit")]
public sealed class TrieHashingTests
{
    private static byte[] Sha512t256(params byte[][] parts)
    {
        var digest = new Sha512tDigest(256);
        foreach (var part in parts)
        {
            digest.BlockUpdate(part, 0, part.Length);
        }

        var hash = new byte[32];
        digest.DoFinal(hash, 0);
        return hash;
    }

    [Fact]
    public void Path_Abc_IsSha512Slash256KnownAnswer()
    {
        // FIPS 180-4 example for SHA-512/256("abc").
        Assert.Equal(
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
            Convert.ToHexStringLower(TrieHashing.Path("abc"u8)));
    }

    [Fact]
    public void Apply_OneKey_RootIsTaggedLeafHash()
    {
        var store = new MemoryStore<TestColumn>();
        var trie = new StateTrie<TestColumn>(TestColumn.Alpha);
        var key = Encoding.ASCII.GetBytes("alice");
        var value = Encoding.ASCII.GetBytes("100");
        using var batch = store.CreateBatch();

        var root = trie.Apply(store, TrieRoot.Empty, [new(key, value)], batch);

        var expected = Sha512t256([0x00], Sha512t256(key), Sha512t256([0x02], value));
        Assert.Equal(Convert.ToHexStringLower(expected), root.ToString());
    }

    [Fact]
    public void Apply_TwoKeysOnDifferentFirstNibbles_RootIsTaggedBranchOfTheLeaves()
    {
        // Keys whose paths differ in the first nibble: found by search, checked below.
        byte[] a = [0];
        var b = Enumerable.Range(1, 255).Select(i => new[] { (byte)i }).First(k => Sha512t256(k)[0] >> 4 != Sha512t256(a)[0] >> 4);
        var store = new MemoryStore<TestColumn>();
        var trie = new StateTrie<TestColumn>(TestColumn.Alpha);
        using var batch = store.CreateBatch();

        var root = trie.Apply(store, TrieRoot.Empty, [new(b, [2]), new(a, [1])], batch);

        var (first, second) = Sha512t256(a)[0] >> 4 < Sha512t256(b)[0] >> 4 ? ((a, (byte)1), (b, (byte)2)) : ((b, (byte)2), (a, (byte)1));
        var leafFirst = Sha512t256([0x00], Sha512t256(first.Item1), Sha512t256([0x02, first.Item2]));
        var leafSecond = Sha512t256([0x00], Sha512t256(second.Item1), Sha512t256([0x02, second.Item2]));
        var bitmap = (1 << (Sha512t256(a)[0] >> 4)) | (1 << (Sha512t256(b)[0] >> 4));
        var expected = Sha512t256([0x01, (byte)(bitmap >> 8), (byte)bitmap], leafFirst, leafSecond);
        Assert.Equal(Convert.ToHexStringLower(expected), root.ToString());
        Assert.Equal(3, batch.Count); // two leaves and one branch
    }

    [Fact]
    public void EmptyRoot_IsAllZeroAndDefault()
    {
        Assert.Equal(new TrieRoot(new byte[32]), TrieRoot.Empty);
        Assert.Equal(default, TrieRoot.Empty);
        Assert.True(TrieRoot.Empty.IsEmpty);
    }

    [Fact]
    public void TrieRoot_BytesRoundTrip_Equal()
    {
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            var root = new TrieRoot(bytes);
            Assert.Equal(bytes, root.ToArray());
            Assert.Equal(Convert.ToHexStringLower(bytes), root.ToString());
            Assert.Equal(root, new TrieRoot(root.ToArray()));
        }
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(8);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (bytes.Length > 1 && random.Next(2) == 0)
            {
                bytes[0] = (byte)random.Next(3);
                bytes[1] = (byte)random.Next(4);
            }

            if (TrieProof.TryParse(bytes, out var proof))
            {
                Assert.Equal(bytes, proof!.ToBytes());
                var root = new byte[32];
                random.NextBytes(root);
                Assert.False(StateTrie.Verify(new TrieRoot(root), [1], [], present: false, proof));
                Assert.False(StateTrie.Verify(new TrieRoot(root), [1], [2], present: true, proof));
            }
        }
    }
}
