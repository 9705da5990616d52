using System.Buffers.Binary;
using System.Numerics;

namespace Blockstack.Storage.Trie;

/// <summary>A decoded trie node. Nodes are immutable and shared between versions.</summary>
internal abstract class TrieNode
{
    /// <summary>Decodes a stored node; throws <see cref="InvalidDataException"/> on corrupt bytes.</summary>
    public static TrieNode Decode(TrieRoot hash, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0 && bytes[0] == TrieHashing.LeafTag)
        {
            return LeafNode.DecodeLeaf(hash, bytes);
        }

        if (bytes.Length > 0 && bytes[0] == TrieHashing.BranchTag)
        {
            return BranchNode.DecodeBranch(bytes);
        }

        throw Corrupt(hash);
    }

    internal static InvalidDataException Corrupt(TrieRoot hash) =>
        new($"trie node {hash} is corrupt (unknown tag or bad length)");
}

/// <summary>
/// A leaf: the original key and its value. Stored as
/// <c>0x00 ‖ LEB128(key length) ‖ key ‖ value</c>; its hash is
/// <c>H(0x00 ‖ H(key) ‖ H(0x02 ‖ value))</c>, so it does not depend on the leaf's depth and a
/// leaf moving up or down the trie keeps its hash and its stored record.
/// </summary>
internal sealed class LeafNode(TrieRoot hash, byte[] key, byte[] value) : TrieNode
{
    private byte[]? _path;

    public TrieRoot Hash { get; } = hash;

    public byte[] Key { get; } = key;

    public byte[] Value { get; } = value;

    /// <summary>H(key), computed on first use (it is not stored).</summary>
    public byte[] Path => _path ??= TrieHashing.Path(Key);

    public static int EncodedSize(int keyLength, int valueLength) => 1 + LebSize((uint)keyLength) + keyLength + valueLength;

    public static int Encode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Span<byte> destination)
    {
        destination[0] = TrieHashing.LeafTag;
        var offset = 1;
        var length = (uint)key.Length;
        while (length >= 0x80)
        {
            destination[offset++] = (byte)((length & 0x7F) | 0x80);
            length >>= 7;
        }

        destination[offset++] = (byte)length;
        key.CopyTo(destination[offset..]);
        offset += key.Length;
        value.CopyTo(destination[offset..]);
        return offset + value.Length;
    }

    public static LeafNode DecodeLeaf(TrieRoot hash, ReadOnlySpan<byte> bytes)
    {
        var offset = 1;
        uint length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (offset >= bytes.Length || shift > 28)
            {
                throw Corrupt(hash);
            }

            var b = bytes[offset++];
            length |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        if (length > (uint)(bytes.Length - offset))
        {
            throw Corrupt(hash);
        }

        var key = bytes.Slice(offset, (int)length).ToArray();
        var value = bytes[(offset + (int)length)..].ToArray();
        return new LeafNode(hash, key, value);
    }

    private static int LebSize(uint n)
    {
        var size = 1;
        while (n >= 0x80)
        {
            n >>= 7;
            size++;
        }

        return size;
    }
}

/// <summary>
/// A branch: up to 16 children, one per nibble. Stored (and hashed) as
/// <c>0x01 ‖ bitmap (u16 big-endian, bit n = child n present) ‖ child hashes in nibble order</c>.
/// </summary>
internal sealed class BranchNode(ushort bitmap, TrieRoot[] children) : TrieNode
{
    /// <summary>Largest encoded branch: tag, bitmap, 16 hashes.</summary>
    public const int MaxEncodedSize = 3 + (16 * TrieRoot.Size);

    public ushort Bitmap { get; } = bitmap;

    /// <summary>The present children, in nibble order (as many as bits in <see cref="Bitmap"/>).</summary>
    public TrieRoot[] Children { get; } = children;

    public bool Has(int nibble) => (Bitmap & (1 << nibble)) != 0;

    public TrieRoot Child(int nibble) =>
        Has(nibble) ? Children[BitOperations.PopCount((uint)(Bitmap & ((1 << nibble) - 1)))] : TrieRoot.Empty;

    /// <summary>Encodes a branch from a 16-slot array (empty slots = <see cref="TrieRoot.Empty"/>).</summary>
    public static int Encode(ReadOnlySpan<TrieRoot> slots, Span<byte> destination)
    {
        destination[0] = TrieHashing.BranchTag;
        ushort bitmap = 0;
        var offset = 3;
        for (var n = 0; n < 16; n++)
        {
            if (!slots[n].IsEmpty)
            {
                bitmap |= (ushort)(1 << n);
                slots[n].CopyTo(destination[offset..]);
                offset += TrieRoot.Size;
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], bitmap);
        return offset;
    }

    public static BranchNode DecodeBranch(ReadOnlySpan<byte> bytes)
    {
        var bitmap = bytes.Length >= 3 ? BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]) : (ushort)0;
        var count = BitOperations.PopCount(bitmap);
        if (bitmap == 0 || bytes.Length != 3 + (count * TrieRoot.Size))
        {
            throw Corrupt(TrieHashing.Branch(bytes));
        }

        var children = new TrieRoot[count];
        for (var i = 0; i < count; i++)
        {
            children[i] = new TrieRoot(bytes.Slice(3 + (i * TrieRoot.Size), TrieRoot.Size));
        }

        return new BranchNode(bitmap, children);
    }
}
