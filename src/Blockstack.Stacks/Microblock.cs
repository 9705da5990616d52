using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Stacks;

/// <summary>
/// A microblock header (132 bytes): version, sequence, previous block, tx Merkle root, signature.
/// Decoded for poison-microblock payloads; this node has no microblock streams of its own.
/// </summary>
public sealed record MicroblockHeader(byte Version, ushort Sequence, Hash256 PrevBlock, Hash256 TxMerkleRoot, MessageSignature Signature)
{
    public const int Size = 1 + 2 + 32 + 32 + MessageSignature.Size;

    public MicroblockHash Hash => new(new Hash256(Hashes.Sha512t256(Serialize())));

    /// <summary>The hash the miner signs: the header with 65 zero bytes in the signature slot.</summary>
    public Hash256 SigningHash => new(Hashes.Sha512t256((this with { Signature = MessageSignature.Empty }).Serialize()));

    public byte[] Serialize()
    {
        var w = new StacksWriter(Size);
        WriteTo(w);
        return w.ToArray();
    }

    public void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte(Version);
        writer.WriteUInt16(Sequence);
        writer.WriteHash256(PrevBlock);
        writer.WriteHash256(TxMerkleRoot);
        writer.WriteBytes(Signature.ToArray());
    }

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out MicroblockHeader? header, out StacksError error)
    {
        header = null;
        if (!reader.TryReadByte(out var version)
            || !reader.TryReadUInt16BigEndian(out var sequence)
            || !reader.TryReadHash256(out var prev)
            || !reader.TryReadHash256(out var root)
            || !reader.TryReadBytes(MessageSignature.Size, out var sig))
        {
            error = StacksRead.Truncated("a microblock header");
            return false;
        }

        header = new MicroblockHeader(version, sequence, prev, root, MessageSignature.FromBytes(sig));
        error = default;
        return true;
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out MicroblockHeader? header, out StacksError error)
    {
        var reader = new SpanReader(bytes);
        if (!TryRead(ref reader, out header, out error))
        {
            return false;
        }

        if (!reader.IsEnd)
        {
            header = null;
            error = new StacksError(StacksErrorCodes.TrailingBytes, $"{reader.Remaining} bytes after the microblock header");
            return false;
        }

        return true;
    }
}
