using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Blockstack.Bitcoin.Serialization;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Sighash;

/// <summary>Streams Bitcoin-serialized fields into SHA-256 without building the message.</summary>
internal sealed class HashWriter : IDisposable
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte>? _recording;

    /// <param name="record">Also keep the bytes written, for <see cref="ToArray"/>.</param>
    public HashWriter(bool record = false)
    {
        _recording = record ? new ArrayBufferWriter<byte>() : null;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        _sha.AppendData(bytes);
        _recording?.Write(bytes);
    }

    /// <summary>The bytes written so far (only when recording).</summary>
    public byte[] ToArray() => _recording?.WrittenSpan.ToArray() ?? throw new InvalidOperationException("not recording");

    public void WriteByte(byte value) => Write([value]);

    public void WriteUInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Write(b);
    }

    public void WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

    public void WriteInt64(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        Write(b);
    }

    public void WriteCompactSize(ulong value)
    {
        Span<byte> b = stackalloc byte[9];
        var writer = new SpanWriter(b);
        writer.WriteCompactSize(value);
        Write(writer.Written);
    }

    public void WriteVarBytes(ReadOnlySpan<byte> bytes)
    {
        WriteCompactSize((ulong)bytes.Length);
        Write(bytes);
    }

    public void WriteHash(Hash256 hash)
    {
        Span<byte> b = stackalloc byte[Hash256.Size];
        hash.WriteTo(b);
        Write(b);
    }

    public void WriteOutPoint(OutPoint outPoint)
    {
        WriteHash(outPoint.Txid.Hash);
        WriteUInt32(outPoint.Index);
    }

    public void WriteOutput(TxOut output)
    {
        WriteInt64(output.Value);
        WriteVarBytes(output.ScriptPubKey.Span);
    }

    /// <summary>SHA-256 of what was written.</summary>
    public Hash256 GetSha256()
    {
        Span<byte> hash = stackalloc byte[Hash256.Size];
        _sha.GetHashAndReset(hash);
        return new Hash256(hash);
    }

    /// <summary>SHA-256d of what was written.</summary>
    public Hash256 GetSha256d()
    {
        Span<byte> hash = stackalloc byte[Hash256.Size];
        _sha.GetHashAndReset(hash);
        SHA256.HashData(hash, hash);
        return new Hash256(hash);
    }

    public void Dispose() => _sha.Dispose();
}
