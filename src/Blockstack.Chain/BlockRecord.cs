using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Stacks;
using Blockstack.Storage.Trie;

namespace Blockstack.Chain;

/// <summary>
/// A processed (accepted) Stacks block as the chain store keeps it. The genesis state is the record
/// with <see cref="Height"/> 0 and id <see cref="GenesisId"/>.
/// </summary>
public sealed record BlockRecord(
    StacksBlockId Id,
    StacksBlockHash BlockHash,
    ConsensusHash ConsensusHash,
    StacksBlockId ParentId,
    ulong Height,
    ulong BurnHeight,
    TrieRoot StateRoot,
    ulong Sequence)
{
    public const int Size = 32 + 32 + 20 + 32 + 8 + 8 + 32 + 8;

    /// <summary>The id of the genesis state: index hash of FIRST_STACKS_BLOCK_HASH under FIRST_BURNCHAIN_CONSENSUS_HASH.</summary>
    public static StacksBlockId GenesisId { get; } = StacksBlockId.Of(SortitionFacts.FirstBlockHash, SortitionFacts.FirstConsensusHash);

    public bool IsGenesis => Height == 0;

    public byte[] Encode()
    {
        var b = new byte[Size];
        var s = b.AsSpan();
        Id.Hash.WriteTo(s);
        BlockHash.Hash.WriteTo(s[32..]);
        ConsensusHash.Hash.WriteTo(s[64..]);
        ParentId.Hash.WriteTo(s[84..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[116..], Height);
        BinaryPrimitives.WriteUInt64BigEndian(s[124..], BurnHeight);
        StateRoot.CopyTo(s[132..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[164..], Sequence);
        return b;
    }

    public static BlockRecord Decode(ReadOnlySpan<byte> s)
    {
        if (s.Length != Size)
        {
            throw new InvalidDataException($"a block record is {Size} bytes, not {s.Length}");
        }

        return new BlockRecord(
            new StacksBlockId(new Hash256(s[..32])),
            new StacksBlockHash(new Hash256(s[32..64])),
            new ConsensusHash(new Hash160(s[64..84])),
            new StacksBlockId(new Hash256(s[84..116])),
            BinaryPrimitives.ReadUInt64BigEndian(s[116..]),
            BinaryPrimitives.ReadUInt64BigEndian(s[124..]),
            new TrieRoot(s[132..164]),
            BinaryPrimitives.ReadUInt64BigEndian(s[164..]));
    }
}

/// <summary>One account key a block changed: its value in the parent state and after the block (null = absent).</summary>
public sealed record AccountChange(byte[] Key, byte[]? Before, byte[]? After);

/// <summary>Codec of a block's account diff (the undo/redo record of the canonical account index).</summary>
public static class AccountDiffCodec
{
    public static byte[] Encode(IReadOnlyList<AccountChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var w = new StacksWriter(64 * (changes.Count + 1));
        w.WriteUInt32(checked((uint)changes.Count));
        foreach (var c in changes)
        {
            Write(w, c.Key);
            Write(w, c.Before);
            Write(w, c.After);
        }

        return w.ToArray();
    }

    public static IReadOnlyList<AccountChange> Decode(ReadOnlySpan<byte> bytes)
    {
        var pos = 0;
        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        pos += 4;
        var list = new List<AccountChange>();
        for (var i = 0; i < count; i++)
        {
            var key = Read(bytes, ref pos) ?? throw new InvalidDataException("account diff without key");
            var before = Read(bytes, ref pos);
            var after = Read(bytes, ref pos);
            list.Add(new AccountChange(key, before, after));
        }

        return list;
    }

    private static void Write(StacksWriter w, byte[]? value)
    {
        if (value is null)
        {
            w.WriteUInt32(uint.MaxValue);
            return;
        }

        w.WriteUInt32(checked((uint)value.Length));
        w.WriteBytes(value);
    }

    private static byte[]? Read(ReadOnlySpan<byte> bytes, ref int pos)
    {
        var len = BinaryPrimitives.ReadUInt32BigEndian(bytes[pos..]);
        pos += 4;
        if (len == uint.MaxValue)
        {
            return null;
        }

        var value = bytes.Slice(pos, (int)len).ToArray();
        pos += (int)len;
        return value;
    }
}
