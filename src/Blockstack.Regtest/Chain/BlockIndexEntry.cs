using System.Buffers.Binary;
using System.Numerics;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;

namespace Blockstack.Regtest.Chain;

/// <summary>Validity of a known block.</summary>
public enum BlockStatus : byte
{
    /// <summary>Passed the checks that need no UTXO set; not (yet) connected.</summary>
    Accepted = 0,

    /// <summary>Connected once: its transactions are valid on its parent.</summary>
    Connected = 1,

    /// <summary>Invalid itself, or marked by invalidateblock.</summary>
    Failed = 2,

    /// <summary>Descends from a failed block.</summary>
    FailedChild = 3,
}

/// <summary>What the node knows about one block, kept in memory and in the BlockIndex column.</summary>
public sealed class BlockIndexEntry
{
    public const int RecordSize = 4 + BlockHeader.Size + 1 + 4 + 4 + 4 + 4 + 8 + 8;

    public BlockIndexEntry(BlockHeader header, int height, BlockIndexEntry? parent, BlockStatus status, int txCount, int size, int strippedSize, int weight, long sequence, long fees)
    {
        Header = header;
        Hash = header.Hash;
        Height = height;
        Parent = parent;
        Status = status;
        TxCount = txCount;
        Size = size;
        StrippedSize = strippedSize;
        Weight = weight;
        Sequence = sequence;
        Fees = fees;
        ChainWork = (parent?.ChainWork ?? BigInteger.Zero) + RegtestParams.GetWork(header.Bits);
    }

    public BlockHeader Header { get; }

    public BlockHash Hash { get; }

    public int Height { get; }

    public BlockIndexEntry? Parent { get; }

    public BlockStatus Status { get; set; }

    public bool IsFailed => Status is BlockStatus.Failed or BlockStatus.FailedChild;

    public int TxCount { get; }

    public int Size { get; }

    public int StrippedSize { get; }

    public int Weight { get; }

    /// <summary>Order of arrival: among chains of equal work the first seen wins.</summary>
    public long Sequence { get; }

    /// <summary>Total fees of the block's transactions, known once connected (-1 before).</summary>
    public long Fees { get; set; }

    public BigInteger ChainWork { get; }

    public BlockIndexEntry? GetAncestor(int height)
    {
        var entry = this;
        while (entry is not null && entry.Height > height)
        {
            entry = entry.Parent;
        }

        return entry?.Height == height ? entry : null;
    }

    /// <summary>Median of the last 11 block times up to this one (bitcoind's GetMedianTimePast).</summary>
    public long MedianTimePast
    {
        get
        {
            Span<long> times = stackalloc long[11];
            var count = 0;
            for (var e = this; e is not null && count < 11; e = e.Parent)
            {
                times[count++] = e.Header.Time;
            }

            var slice = times[..count];
            slice.Sort();
            return slice[count / 2];
        }
    }

    public byte[] Serialize()
    {
        var bytes = new byte[RecordSize];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, Height);
        Header.Write(span.Slice(4, BlockHeader.Size));
        var o = 4 + BlockHeader.Size;
        span[o++] = (byte)Status;
        BinaryPrimitives.WriteInt32LittleEndian(span[o..], TxCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[(o + 4)..], Size);
        BinaryPrimitives.WriteInt32LittleEndian(span[(o + 8)..], StrippedSize);
        BinaryPrimitives.WriteInt32LittleEndian(span[(o + 12)..], Weight);
        BinaryPrimitives.WriteInt64LittleEndian(span[(o + 16)..], Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[(o + 24)..], Fees);
        return bytes;
    }

    /// <summary>Reads a record; the parent must already be loaded (null for genesis).</summary>
    public static BlockIndexEntry Deserialize(ReadOnlySpan<byte> bytes, Func<BlockHash, BlockIndexEntry?> parentLookup)
    {
        ArgumentNullException.ThrowIfNull(parentLookup);
        if (bytes.Length != RecordSize || !BlockHeader.TryParse(bytes.Slice(4, BlockHeader.Size), out var header))
        {
            throw new InvalidDataException("corrupt block index record");
        }

        var height = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var o = 4 + BlockHeader.Size;
        var parent = height == 0 ? null : parentLookup(header.PrevBlock) ?? throw new InvalidDataException("block index record without its parent");
        return new BlockIndexEntry(
            header,
            height,
            parent,
            (BlockStatus)bytes[o],
            BinaryPrimitives.ReadInt32LittleEndian(bytes[(o + 1)..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[(o + 5)..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[(o + 9)..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[(o + 13)..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[(o + 17)..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[(o + 25)..]));
    }
}
