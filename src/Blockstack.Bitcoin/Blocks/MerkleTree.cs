using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Blocks;

/// <summary>Bitcoin's merkle trees of txids (and BIP141 wtxids).</summary>
public static class MerkleTree
{
    /// <summary>
    /// Core's ComputeMerkleRoot: pairs are hashed with SHA-256d, an odd last node is paired with
    /// itself. <paramref name="mutated"/> reports two equal adjacent nodes at any level, the
    /// CVE-2012-2459 pattern by which different transaction lists share a root. Empty → zero.
    /// </summary>
    public static Hash256 ComputeRoot(ReadOnlySpan<Hash256> leaves, out bool mutated)
    {
        mutated = false;
        if (leaves.IsEmpty)
        {
            return Hash256.Zero;
        }

        var level = leaves.ToArray();
        var count = level.Length;
        Span<byte> pair = stackalloc byte[2 * Hash256.Size];
        Span<byte> hash = stackalloc byte[Hash256.Size];
        while (count > 1)
        {
            for (var pos = 0; pos + 1 < count; pos += 2)
            {
                if (level[pos] == level[pos + 1])
                {
                    mutated = true;
                }
            }

            var next = 0;
            for (var pos = 0; pos < count; pos += 2)
            {
                var left = level[pos];
                var right = pos + 1 < count ? level[pos + 1] : left;
                left.WriteTo(pair);
                right.WriteTo(pair[Hash256.Size..]);
                Hashes.Sha256d(pair, hash);
                level[next++] = new Hash256(hash);
            }

            count = next;
        }

        return level[0];
    }

    public static Hash256 ComputeRoot(ReadOnlySpan<Hash256> leaves) => ComputeRoot(leaves, out _);

    /// <summary>The merkle root of a block's txids, with the mutation flag.</summary>
    public static Hash256 BlockMerkleRoot(Block block, out bool mutated)
    {
        ArgumentNullException.ThrowIfNull(block);
        var txs = block.TransactionSpan;
        var leaves = new Hash256[txs.Length];
        for (var i = 0; i < txs.Length; i++)
        {
            leaves[i] = txs[i].Txid.Hash;
        }

        return ComputeRoot(leaves, out mutated);
    }

    /// <summary>BIP141: the merkle root of wtxids, the coinbase's taken as zero.</summary>
    public static Hash256 BlockWitnessMerkleRoot(Block block, out bool mutated)
    {
        ArgumentNullException.ThrowIfNull(block);
        var txs = block.TransactionSpan;
        var leaves = new Hash256[txs.Length];
        for (var i = 1; i < txs.Length; i++)
        {
            leaves[i] = txs[i].Wtxid;
        }

        return ComputeRoot(leaves, out mutated);
    }
}
