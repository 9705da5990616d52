using System.Buffers.Binary;
using System.Numerics;

namespace Blockstack.Storage.Trie;

/// <summary>How a proof's path from the root ends.</summary>
public enum TrieProofEnd : byte
{
    /// <summary>At the key's own leaf: the key is present (inclusion proof).</summary>
    KeyLeaf = 0,

    /// <summary>At an empty slot (or the empty trie): the key is absent.</summary>
    EmptySlot = 1,

    /// <summary>At another key's leaf sitting where the key's leaf would be: the key is absent.</summary>
    OtherLeaf = 2,
}

/// <summary>
/// A proof that a key is (or is not) in the map committed to by a <see cref="TrieRoot"/>: for each
/// branch from the root down the key's path, the bitmap and hashes of the children NOT on the path,
/// then how the path ends. Serialized (see <c>docs/state-trie.md</c>) as
/// <c>end (u8) ‖ depth (u8, ≤ 64) ‖ depth × (siblingBitmap u16 BE ‖ popcount × 32-byte hash)
/// [‖ otherPath 32 ‖ otherValueHash 32 when end = OtherLeaf]</c>.
/// </summary>
public sealed class TrieProof
{
    /// <summary>Most branches on one path: one per nibble of a 32-byte path.</summary>
    public const int MaxDepth = 64;

    private readonly ushort[] _siblingBitmaps;
    private readonly TrieRoot[][] _siblings;
    private readonly byte[] _otherPath;
    private readonly byte[] _otherValueHash;

    internal TrieProof(TrieProofEnd end, ushort[] siblingBitmaps, TrieRoot[][] siblings, byte[]? otherPath, byte[]? otherValueHash)
    {
        End = end;
        _siblingBitmaps = siblingBitmaps;
        _siblings = siblings;
        _otherPath = otherPath ?? [];
        _otherValueHash = otherValueHash ?? [];
    }

    public TrieProofEnd End { get; }

    /// <summary>Number of branches from the root to the end of the path.</summary>
    public int Depth => _siblingBitmaps.Length;

    /// <summary>Exact size of <see cref="ToBytes"/>.</summary>
    public int SerializedSize
    {
        get
        {
            var size = 2 + (End == TrieProofEnd.OtherLeaf ? 2 * TrieRoot.Size : 0);
            foreach (var bitmap in _siblingBitmaps)
            {
                size += 2 + (BitOperations.PopCount(bitmap) * TrieRoot.Size);
            }

            return size;
        }
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[SerializedSize];
        bytes[0] = (byte)End;
        bytes[1] = (byte)Depth;
        var offset = 2;
        for (var i = 0; i < Depth; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset), _siblingBitmaps[i]);
            offset += 2;
            foreach (var sibling in _siblings[i])
            {
                sibling.CopyTo(bytes.AsSpan(offset));
                offset += TrieRoot.Size;
            }
        }

        if (End == TrieProofEnd.OtherLeaf)
        {
            _otherPath.CopyTo(bytes, offset);
            _otherValueHash.CopyTo(bytes, offset + TrieRoot.Size);
        }

        return bytes;
    }

    /// <summary>Parses a serialized proof; false (never an exception) on any malformed input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out TrieProof? proof)
    {
        proof = null;
        if (bytes.Length < 2 || bytes[0] > (byte)TrieProofEnd.OtherLeaf || bytes[1] > MaxDepth)
        {
            return false;
        }

        var end = (TrieProofEnd)bytes[0];
        var depth = bytes[1];
        var bitmaps = new ushort[depth];
        var siblings = new TrieRoot[depth][];
        var offset = 2;
        for (var i = 0; i < depth; i++)
        {
            if (bytes.Length - offset < 2)
            {
                return false;
            }

            bitmaps[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[offset..]);
            offset += 2;
            var count = BitOperations.PopCount(bitmaps[i]);
            if (bytes.Length - offset < count * TrieRoot.Size)
            {
                return false;
            }

            var hashes = new TrieRoot[count];
            for (var j = 0; j < count; j++)
            {
                hashes[j] = new TrieRoot(bytes.Slice(offset, TrieRoot.Size));
                offset += TrieRoot.Size;
            }

            siblings[i] = hashes;
        }

        byte[]? otherPath = null;
        byte[]? otherValueHash = null;
        if (end == TrieProofEnd.OtherLeaf)
        {
            if (bytes.Length - offset < 2 * TrieRoot.Size)
            {
                return false;
            }

            otherPath = bytes.Slice(offset, TrieRoot.Size).ToArray();
            otherValueHash = bytes.Slice(offset + TrieRoot.Size, TrieRoot.Size).ToArray();
            offset += 2 * TrieRoot.Size;
        }

        if (offset != bytes.Length)
        {
            return false;
        }

        proof = new TrieProof(end, bitmaps, siblings, otherPath, otherValueHash);
        return true;
    }

    /// <summary>
    /// True when this proof shows that, in the map committed to by <paramref name="root"/>,
    /// <paramref name="key"/> maps to <paramref name="value"/> (<paramref name="present"/> true) or
    /// is absent (<paramref name="present"/> false, <paramref name="value"/> empty). Pure: no store.
    /// </summary>
    public bool Verify(TrieRoot root, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool present)
    {
        if (present != (End == TrieProofEnd.KeyLeaf) || (!present && !value.IsEmpty))
        {
            return false;
        }

        Span<byte> path = stackalloc byte[TrieRoot.Size];
        TrieHashing.Path(key, path);
        var depth = Depth;
        TrieRoot current;
        switch (End)
        {
            case TrieProofEnd.KeyLeaf:
                current = TrieHashing.LeafOfValue(path, value);
                break;
            case TrieProofEnd.OtherLeaf:
                if (_otherPath.AsSpan().SequenceEqual(path) || !SharesNibbles(path, _otherPath, depth))
                {
                    return false;
                }

                current = TrieHashing.Leaf(_otherPath, _otherValueHash);
                break;
            default:
                if (depth == 0)
                {
                    return root.IsEmpty;
                }

                current = TrieRoot.Empty;
                break;
        }

        Span<byte> encoded = stackalloc byte[BranchNode.MaxEncodedSize];
        Span<TrieRoot> slots = stackalloc TrieRoot[16];
        for (var i = depth - 1; i >= 0; i--)
        {
            var nibble = TrieHashing.Nibble(path, i);
            var bitmap = _siblingBitmaps[i];
            if ((bitmap & (1 << nibble)) != 0)
            {
                return false;
            }

            slots.Clear();
            var next = 0;
            for (var n = 0; n < 16; n++)
            {
                if ((bitmap & (1 << n)) != 0)
                {
                    slots[n] = _siblings[i][next++];
                }
            }

            slots[nibble] = current;
            if ((bitmap == 0 && current.IsEmpty) || (i < depth - 1 && current.IsEmpty))
            {
                return false;
            }

            var length = BranchNode.Encode(slots, encoded);
            current = TrieHashing.Branch(encoded[..length]);
        }

        return current == root;
    }

    /// <summary>
    /// The static form of <see cref="Verify(TrieRoot, ReadOnlySpan{byte}, ReadOnlySpan{byte}, bool)"/>.
    /// </summary>
    public static bool Verify(TrieRoot root, ReadOnlySpan<byte> key, ReadOnlySpan<byte> valueOrEmptyForAbsence, bool present, TrieProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return proof.Verify(root, key, valueOrEmptyForAbsence, present);
    }

    private static bool SharesNibbles(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int nibbles)
    {
        for (var d = 0; d < nibbles; d++)
        {
            if (TrieHashing.Nibble(a, d) != TrieHashing.Nibble(b, d))
            {
                return false;
            }
        }

        return true;
    }
}
