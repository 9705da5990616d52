using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Bitcoin.Blocks;

/// <summary>The 80-byte block header. Its SHA-256d is the block hash.</summary>
public readonly record struct BlockHeader(int Version, BlockHash PrevBlock, Hash256 MerkleRoot, uint Time, uint Bits, uint Nonce)
{
    public const int Size = 80;

    public BlockHash Hash
    {
        get
        {
            Span<byte> bytes = stackalloc byte[Size];
            Write(bytes);
            Span<byte> hash = stackalloc byte[Hash256.Size];
            Hashes.Sha256d(bytes, hash);
            return new BlockHash(new Hash256(hash));
        }
    }

    public static bool TryRead(ref SpanReader reader, out BlockHeader header)
    {
        header = default;
        if (reader.Remaining < Size)
        {
            return false;
        }

        reader.TryReadInt32LittleEndian(out var version);
        reader.TryReadHash256(out var prev);
        reader.TryReadHash256(out var merkle);
        reader.TryReadUInt32LittleEndian(out var time);
        reader.TryReadUInt32LittleEndian(out var bits);
        reader.TryReadUInt32LittleEndian(out var nonce);
        header = new BlockHeader(version, new BlockHash(prev), merkle, time, bits, nonce);
        return true;
    }

    /// <summary>Parses exactly 80 bytes. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out BlockHeader header)
    {
        header = default;
        var reader = new SpanReader(data);
        return data.Length == Size && TryRead(ref reader, out header);
    }

    public void Write(ref SpanWriter writer)
    {
        writer.WriteInt32LittleEndian(Version);
        writer.WriteHash256(PrevBlock.Hash);
        writer.WriteHash256(MerkleRoot);
        writer.WriteUInt32LittleEndian(Time);
        writer.WriteUInt32LittleEndian(Bits);
        writer.WriteUInt32LittleEndian(Nonce);
    }

    public void Write(Span<byte> destination)
    {
        var writer = new SpanWriter(destination);
        Write(ref writer);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Write(bytes);
        return bytes;
    }
}
