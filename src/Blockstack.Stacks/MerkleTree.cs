using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Stacks;

/// <summary>
/// The Stacks Merkle tree: leaf = H(0x00 || data), node = H(0x01 || left || right); a row of odd
/// length (including a single leaf) repeats its last element; the root row holds one hash; an
/// empty tree's root is 32 zero bytes. Blocks use H = SHA-512/256 over txids.
/// </summary>
public sealed class MerkleTree
{
    private MerkleTree(IReadOnlyList<IReadOnlyList<Hash256>> rows)
    {
        Rows = rows;
    }

    /// <summary>Every row from the (padded) leaf row up to the root row.</summary>
    public IReadOnlyList<IReadOnlyList<Hash256>> Rows { get; }

    public Hash256 Root => Rows.Count == 0 ? Hash256.Zero : Rows[^1][0];

    /// <summary>The tree with SHA-512/256, as blocks commit to their transactions.</summary>
    public static MerkleTree Build(IReadOnlyList<byte[]> leaves) => Build(leaves, static data => Hashes.Sha512t256(data));

    public static Hash256 TransactionRoot(IEnumerable<StacksTxid> txids) =>
        Build(txids.Select(t => t.Hash.ToArray()).ToList()).Root;

    public static MerkleTree Build(IReadOnlyList<byte[]> leaves, Func<byte[], byte[]> hash)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(hash);
        var rows = new List<IReadOnlyList<Hash256>>();
        if (leaves.Count == 0)
        {
            return new MerkleTree(rows);
        }

        var row = new List<Hash256>(leaves.Count + 1);
        foreach (var leaf in leaves)
        {
            var buffer = new byte[leaf.Length + 1];
            leaf.CopyTo(buffer, 1);
            row.Add(new Hash256(hash(buffer)));
        }

        if (row.Count % 2 == 1)
        {
            row.Add(row[^1]);
        }

        rows.Add(row);
        while (row.Count > 1)
        {
            var next = new List<Hash256>(row.Count / 2 + 1);
            var buffer = new byte[65];
            buffer[0] = 0x01;
            for (var i = 0; i < row.Count; i += 2)
            {
                row[i].WriteTo(buffer.AsSpan(1));
                row[i + 1].WriteTo(buffer.AsSpan(33));
                next.Add(new Hash256(hash(buffer)));
            }

            if (next.Count > 1 && next.Count % 2 == 1)
            {
                next.Add(next[^1]);
            }

            rows.Add(next);
            row = next;
        }

        return new MerkleTree(rows);
    }
}
