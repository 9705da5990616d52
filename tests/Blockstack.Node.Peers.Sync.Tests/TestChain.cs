using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Blockstack.Node.Peers.Sync.Tests;

/// <summary>One burn block of a test chain: its sortition and, when it elected one, the winner's block.</summary>
public sealed record TestSortition(ulong Height, string BurnBlockHash, string ConsensusHash, bool Sortition, string BlockHash, byte[]? Block);

/// <summary>
/// A test burn chain with one Stacks block per winning sortition. The blocks are opaque to the
/// fake nodes except for their 247-byte header layout: total work (the Stacks height) at offset 9
/// and the parent block hash at offset 97; the block hash is SHA-512/256 of the header, as on the
/// real chain.
/// </summary>
public static class TestChain
{
    public const int HeaderSize = 247;
    public const int WorkOffset = 9;
    public const int ParentOffset = 97;

    /// <summary><paramref name="winners"/> winning sortitions from burn height 1; every <paramref name="gapEvery"/>-th burn block has none.</summary>
    public static IReadOnlyList<TestSortition> Build(int winners, int gapEvery = 7, int seed = 1, int bodyBytes = 64) =>
        Extend([], winners, gapEvery, seed, bodyBytes);

    /// <summary>
    /// <paramref name="prefix"/> followed by burn blocks electing <paramref name="winners"/> more
    /// blocks, each on the previous winner: with another <paramref name="seed"/> than the chain the
    /// prefix was cut from, a burnchain fork.
    /// </summary>
    public static IReadOnlyList<TestSortition> Extend(IReadOnlyList<TestSortition> prefix, int winners, int gapEvery = 7, int seed = 1, int bodyBytes = 64)
    {
        var list = new List<TestSortition>(prefix);
        var lastWinner = prefix.LastOrDefault(s => s.Sortition);
        var parent = lastWinner?.BlockHash ?? new string('0', 64);
        var height = prefix.Count == 0 ? 0 : prefix[^1].Height;
        var work = (ulong)prefix.Count(s => s.Sortition);
        var target = work + (ulong)winners;
        while (work < target)
        {
            height++;
            var burn = Hex($"burn-{seed}-{height}", 32);
            var ch = Hex($"ch-{seed}-{height}", 20);
            if (gapEvery > 0 && height % (ulong)gapEvery == 0)
            {
                list.Add(new TestSortition(height, burn, ch, false, "", null));
                continue;
            }

            work++;
            var block = MakeBlock(work, parent, $"{seed}-{height}", bodyBytes);
            var hash = BlockDownloader.HashOf(block)!;
            list.Add(new TestSortition(height, burn, ch, true, hash, block));
            parent = hash;
        }

        return list;
    }

    public static byte[] MakeBlock(ulong work, string parentHash, string salt, int bodyBytes)
    {
        var block = new byte[HeaderSize + 4 + bodyBytes];
        BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(1), work * 1_000);
        BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(WorkOffset), work);
        SHA512.HashData(System.Text.Encoding.UTF8.GetBytes("proof-" + salt)).AsSpan(0, 64).CopyTo(block.AsSpan(17));
        Convert.FromHexString(parentHash).CopyTo(block.AsSpan(ParentOffset));
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("merkle-" + salt)).CopyTo(block.AsSpan(163));
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("body-" + salt)).AsSpan(0, Math.Min(32, bodyBytes)).CopyTo(block.AsSpan(HeaderSize + 4));
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(HeaderSize), (uint)bodyBytes);
        return block;
    }

    public static ulong WorkOf(ReadOnlySpan<byte> block) => BinaryPrimitives.ReadUInt64BigEndian(block[WorkOffset..]);

    public static string ParentOf(ReadOnlySpan<byte> block) => Convert.ToHexStringLower(block.Slice(ParentOffset, 32));

    public static string Hex(string text, int bytes) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)).AsSpan(0, bytes));
}
