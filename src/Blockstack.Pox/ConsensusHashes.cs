using System.Buffers.Binary;
using System.Text;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Burnchain;

namespace Blockstack.Pox;

/// <summary>Ops hash and consensus hash (consensus.md §2.3).</summary>
public static class ConsensusHashes
{
    /// <summary>The fork-set version stacks-core prefixes the consensus hash preimage with.</summary>
    public static ReadOnlySpan<byte> SystemForkSetVersion => [0x17, 0x00, 0x00, 0x00];

    /// <summary>SHA256(txid_1 || txid_2 || …) with txids in display order; SHA256("") when empty.</summary>
    public static OpsHash OpsHashOf(IEnumerable<Txid> txids)
    {
        ArgumentNullException.ThrowIfNull(txids);
        var data = new List<byte>();
        foreach (var txid in txids)
        {
            data.AddRange(txid.ToDisplayBytes());
        }

        return new OpsHash(new Hash256(Hashes.Sha256(data.ToArray())));
    }

    /// <summary>
    /// RIPEMD160(SHA256(17000000 || burn hash || ops hash || total burn u64 BE || ASCII PoX id ||
    /// previous consensus hashes, most recent first)).
    /// </summary>
    public static ConsensusHash Compute(BlockHash burnHeaderHash, OpsHash opsHash, ulong totalBurn, PoxId poxId, IReadOnlyList<ConsensusHash> previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var bits = Encoding.ASCII.GetBytes(poxId.Bits);
        var data = new byte[4 + 32 + 32 + 8 + bits.Length + (20 * previous.Count)];
        SystemForkSetVersion.CopyTo(data);
        burnHeaderHash.ToDisplayBytes().CopyTo(data, 4);
        opsHash.Hash.WriteTo(data.AsSpan(36));
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(68), totalBurn);
        bits.CopyTo(data, 76);
        var offset = 76 + bits.Length;
        foreach (var ch in previous)
        {
            ch.Hash.WriteTo(data.AsSpan(offset));
            offset += 20;
        }

        return new ConsensusHash(Stacks.Hash160.Of(data));
    }

    /// <summary>
    /// The heights whose consensus hashes a block with parent height <paramref name="parentHeight"/>
    /// commits to: parent − (2^i − 1) for i = 0, 1, … while ≥ the first block height.
    /// </summary>
    public static List<ulong> AncestorHeights(ulong parentHeight, ulong firstBlockHeight)
    {
        var heights = new List<ulong>();
        for (var i = 0; i < 64; i++)
        {
            var distance = (1UL << i) - 1;
            if (parentHeight < distance || parentHeight - distance < firstBlockHeight)
            {
                break;
            }

            heights.Add(parentHeight - distance);
        }

        return heights;
    }
}
