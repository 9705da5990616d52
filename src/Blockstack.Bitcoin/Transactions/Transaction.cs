using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Bitcoin.Transactions;

/// <summary>
/// An immutable Bitcoin transaction. Parsed transactions keep their wire bytes in one buffer that
/// every script and witness item is a slice of, so parsing allocates a handful of objects per
/// transaction and the txid of a legacy transaction is the hash of exactly the bytes received.
/// Txid and wtxid are computed on first use and cached.
/// </summary>
/// <remarks>
/// Wire format (BIP144): version (int32 LE), [marker 0x00, flag 0x01 when any input has a witness],
/// input count, inputs (outpoint, scriptSig, sequence), output count, outputs (int64 value,
/// scriptPubKey), [one witness stack per input], locktime (uint32 LE).
/// </remarks>
public sealed class Transaction
{
    /// <summary>Smallest possible input: outpoint (36), empty scriptSig (1), sequence (4).</summary>
    public const int MinInputSize = OutPoint.SerializedSize + 1 + 4;

    /// <summary>Smallest possible output: value (8), empty scriptPubKey (1).</summary>
    public const int MinOutputSize = 8 + 1;

    /// <summary>Smallest possible transaction: version, two empty counts, locktime.</summary>
    public const int MinSize = 4 + 1 + 1 + 4;

    public const int WitnessScaleFactor = 4;

    private readonly TxIn[] _inputs;
    private readonly TxOut[] _outputs;

    // The bytes this transaction was parsed from (with witness when it has one), or null.
    private readonly byte[]? _raw;

    // Offset of the witness section inside _raw; 0 when _raw is the legacy serialization.
    private readonly int _witnessStart;

    private Hash256 _txid;
    private Hash256 _wtxid;
    private int _hashState;
    private int _baseSize = -1;
    private int _totalSize = -1;

    /// <summary>Builds a transaction; the script and witness bytes are copied.</summary>
    public Transaction(int version, IReadOnlyList<TxIn> inputs, IReadOnlyList<TxOut> outputs, uint lockTime)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Version = version;
        LockTime = lockTime;
        _inputs = new TxIn[inputs.Count];
        for (var i = 0; i < _inputs.Length; i++)
        {
            var input = inputs[i];
            ReadOnlyMemory<byte>[]? witness = null;
            if (input.HasWitness)
            {
                witness = new ReadOnlyMemory<byte>[input.Witness.Count];
                for (var j = 0; j < witness.Length; j++)
                {
                    witness[j] = input.Witness[j].ToArray();
                }
            }

            _inputs[i] = TxIn.Owning(input.PrevOut, input.ScriptSig.ToArray(), input.Sequence, witness);
        }

        _outputs = new TxOut[outputs.Count];
        for (var i = 0; i < _outputs.Length; i++)
        {
            _outputs[i] = new TxOut(outputs[i].Value, outputs[i].ScriptPubKey.ToArray());
        }

        HasWitness = ComputeHasWitness(_inputs);
    }

    private Transaction(int version, TxIn[] inputs, TxOut[] outputs, uint lockTime, byte[] raw, int witnessStart)
    {
        Version = version;
        LockTime = lockTime;
        _inputs = inputs;
        _outputs = outputs;
        _raw = raw;
        _witnessStart = witnessStart;
        HasWitness = witnessStart != 0;
        if (HasWitness)
        {
            _totalSize = raw.Length;
        }
        else
        {
            _totalSize = _baseSize = raw.Length;
        }
    }

    public int Version { get; }

    public uint LockTime { get; }

    public IReadOnlyList<TxIn> Inputs => _inputs;

    public IReadOnlyList<TxOut> Outputs => _outputs;

    /// <summary>The inputs without the interface indirection, for hot loops.</summary>
    public ReadOnlySpan<TxIn> InputSpan => _inputs;

    public ReadOnlySpan<TxOut> OutputSpan => _outputs;

    /// <summary>True when some input carries a non-empty witness stack.</summary>
    public bool HasWitness { get; }

    /// <summary>One input spending the null outpoint.</summary>
    public bool IsCoinBase => _inputs.Length == 1 && _inputs[0].PrevOut.IsNull;

    /// <summary>SHA-256d of the serialization without witness.</summary>
    public Txid Txid
    {
        get
        {
            if ((Volatile.Read(ref _hashState) & 1) == 0)
            {
                _txid = ComputeTxid();
                Interlocked.Or(ref _hashState, 1);
            }

            return new Txid(_txid);
        }
    }

    /// <summary>SHA-256d of the serialization with witness; equals the txid without witnesses.</summary>
    public Hash256 Wtxid
    {
        get
        {
            if (!HasWitness)
            {
                return Txid.Hash;
            }

            if ((Volatile.Read(ref _hashState) & 2) == 0)
            {
                _wtxid = ComputeWtxid();
                Interlocked.Or(ref _hashState, 2);
            }

            return _wtxid;
        }
    }

    /// <summary>Serialized size without witness data.</summary>
    public int BaseSize => _baseSize >= 0 ? _baseSize : _baseSize = ComputeSize(withWitness: false);

    /// <summary>Serialized size with witness data (what <c>decoderawtransaction</c> calls size).</summary>
    public int TotalSize => _totalSize >= 0 ? _totalSize : _totalSize = ComputeSize(withWitness: true);

    /// <summary>BIP141 weight: base size × 3 + total size.</summary>
    public int Weight => checked((BaseSize * (WitnessScaleFactor - 1)) + TotalSize);

    /// <summary>Virtual size: weight / 4, rounded up.</summary>
    public int VirtualSize => (Weight + WitnessScaleFactor - 1) / WitnessScaleFactor;

    public int GetSerializedSize(bool withWitness = true) => withWitness ? TotalSize : BaseSize;

    /// <summary>Writes the transaction into <paramref name="destination"/> and returns the bytes written.</summary>
    public int Serialize(Span<byte> destination, bool withWitness = true)
    {
        var size = GetSerializedSize(withWitness);
        if (destination.Length < size)
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes; the transaction needs {size}", nameof(destination));
        }

        if (_raw is not null && (withWitness || !HasWitness))
        {
            _raw.CopyTo(destination);
            return size;
        }

        var writer = new SpanWriter(destination);
        Write(ref writer, withWitness);
        return writer.Position;
    }

    public byte[] ToBytes(bool withWitness = true)
    {
        var bytes = new byte[GetSerializedSize(withWitness)];
        Serialize(bytes, withWitness);
        return bytes;
    }

    public void Write(ref SpanWriter writer, bool withWitness = true)
    {
        if (_raw is not null && (withWitness || !HasWitness))
        {
            writer.WriteBytes(_raw);
            return;
        }

        var extended = withWitness && HasWitness;
        writer.WriteInt32LittleEndian(Version);
        if (extended)
        {
            writer.WriteByte(0);
            writer.WriteByte(1);
        }

        writer.WriteCompactSize((ulong)_inputs.Length);
        foreach (var input in _inputs)
        {
            input.PrevOut.Write(ref writer);
            writer.WriteVarBytes(input.ScriptSig.Span);
            writer.WriteUInt32LittleEndian(input.Sequence);
        }

        writer.WriteCompactSize((ulong)_outputs.Length);
        foreach (var output in _outputs)
        {
            output.Write(ref writer);
        }

        if (extended)
        {
            foreach (var input in _inputs)
            {
                var stack = input.WitnessSpan;
                writer.WriteCompactSize((ulong)stack.Length);
                foreach (var item in stack)
                {
                    writer.WriteVarBytes(item.Span);
                }
            }
        }

        writer.WriteUInt32LittleEndian(LockTime);
    }

    /// <summary>Parses one whole transaction; trailing bytes are an error. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Transaction? transaction, out string error)
    {
        var reader = new SpanReader(data);
        if (!TryRead(ref reader, out transaction, out error))
        {
            return false;
        }

        if (!reader.IsEnd)
        {
            transaction = null;
            error = "tx-trailing-bytes";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads one transaction at the reader's position (legacy or BIP144) and advances past it.
    /// On failure the reader is left where it was. Never throws; never allocates for a count the
    /// input cannot hold.
    /// </summary>
    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out Transaction? transaction, out string error)
    {
        transaction = null;
        if (!Scan(reader.Rest, null, out var scan, out error))
        {
            return false;
        }

        reader.TryReadBytes(scan.Length, out var bytes);
        var raw = bytes.ToArray();
        Scan(raw, raw, out scan, out _);
        transaction = new Transaction(scan.Version, scan.Inputs!, scan.Outputs!, scan.LockTime, raw, scan.WitnessStart);
        return true;
    }

    private struct ScanResult
    {
        public int Length;
        public int Version;
        public uint LockTime;
        public int WitnessStart;
        public TxIn[]? Inputs;
        public TxOut[]? Outputs;
    }

    /// <summary>
    /// Walks one transaction. With <paramref name="backing"/> null it only validates and measures;
    /// given the array that <paramref name="data"/> spans, it also builds inputs and outputs whose
    /// bytes are slices of that array.
    /// </summary>
    private static bool Scan(ReadOnlySpan<byte> data, byte[]? backing, out ScanResult result, out string error)
    {
        result = default;
        var r = new SpanReader(data);
        if (!r.TryReadInt32LittleEndian(out result.Version))
        {
            error = "tx-truncated";
            return false;
        }

        if (!TryReadCount(ref r, MinInputSize, out var inputCount))
        {
            error = "tx-bad-input-count";
            return false;
        }

        byte flags = 0;
        var readBody = true;
        if (inputCount == 0)
        {
            // BIP144: an empty input vector is the marker; the next byte is the flag. A zero flag
            // is read as an empty output vector, as Bitcoin Core reads it.
            if (!r.TryReadByte(out flags))
            {
                error = "tx-truncated";
                return false;
            }

            readBody = flags != 0;
            if (readBody && !TryReadCount(ref r, MinInputSize, out inputCount))
            {
                error = "tx-bad-input-count";
                return false;
            }
        }

        if (readBody)
        {
            if (!ScanInputs(ref r, backing, inputCount, out result.Inputs))
            {
                error = "tx-bad-input";
                return false;
            }

            if (!TryReadCount(ref r, MinOutputSize, out var outputCount))
            {
                error = "tx-bad-output-count";
                return false;
            }

            if (!ScanOutputs(ref r, backing, outputCount, out result.Outputs))
            {
                error = "tx-bad-output";
                return false;
            }
        }
        else if (backing is not null)
        {
            result.Inputs = [];
            result.Outputs = [];
        }

        if ((flags & 1) != 0)
        {
            flags ^= 1;
            result.WitnessStart = r.Position;
            if (!ScanWitnesses(ref r, backing, result.Inputs, inputCount, out var anyWitness))
            {
                error = "tx-bad-witness";
                return false;
            }

            if (!anyWitness)
            {
                error = "tx-superfluous-witness";
                return false;
            }
        }

        if (flags != 0)
        {
            error = "tx-unknown-optional-data";
            return false;
        }

        if (!r.TryReadUInt32LittleEndian(out result.LockTime))
        {
            error = "tx-truncated";
            return false;
        }

        result.Length = r.Position;
        error = string.Empty;
        return true;
    }

    private static bool TryReadCount(ref SpanReader r, int minElementSize, out int count)
    {
        count = 0;
        if (!r.TryReadCompactSize(out var value) || value > (ulong)(r.Remaining / minElementSize))
        {
            return false;
        }

        count = (int)value;
        return true;
    }

    private static bool ScanInputs(ref SpanReader r, byte[]? backing, int count, out TxIn[]? inputs)
    {
        inputs = backing is null ? null : new TxIn[count];
        for (var i = 0; i < count; i++)
        {
            if (!OutPoint.TryRead(ref r, out var prevOut) || !r.TryReadVarBytes(out var script))
            {
                return false;
            }

            var scriptStart = r.Position - script.Length;
            if (!r.TryReadUInt32LittleEndian(out var sequence))
            {
                return false;
            }

            if (inputs is not null)
            {
                inputs[i] = TxIn.Owning(prevOut, backing.AsMemory(scriptStart, script.Length), sequence, null);
            }
        }

        return true;
    }

    private static bool ScanOutputs(ref SpanReader r, byte[]? backing, int count, out TxOut[]? outputs)
    {
        outputs = backing is null ? null : new TxOut[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.TryReadInt64LittleEndian(out var value) || !r.TryReadVarBytes(out var script))
            {
                return false;
            }

            if (outputs is not null)
            {
                outputs[i] = new TxOut(value, backing.AsMemory(r.Position - script.Length, script.Length));
            }
        }

        return true;
    }

    private static bool ScanWitnesses(ref SpanReader r, byte[]? backing, TxIn[]? inputs, int count, out bool anyWitness)
    {
        anyWitness = false;
        for (var i = 0; i < count; i++)
        {
            if (!TryReadCount(ref r, 1, out var items))
            {
                return false;
            }

            var stack = inputs is not null && items > 0 ? new ReadOnlyMemory<byte>[items] : null;
            for (var j = 0; j < items; j++)
            {
                if (!r.TryReadVarBytes(out var item))
                {
                    return false;
                }

                if (stack is not null)
                {
                    stack[j] = backing.AsMemory(r.Position - item.Length, item.Length);
                }
            }

            anyWitness |= items > 0;
            if (stack is not null)
            {
                var input = inputs![i];
                inputs[i] = TxIn.Owning(input.PrevOut, input.ScriptSig, input.Sequence, stack);
            }
        }

        return true;
    }

    private static bool ComputeHasWitness(TxIn[] inputs)
    {
        foreach (var input in inputs)
        {
            if (input.HasWitness)
            {
                return true;
            }
        }

        return false;
    }

    private int ComputeSize(bool withWitness)
    {
        var extended = withWitness && HasWitness;
        var size = 4 + 4 + CompactSize.GetSize((ulong)_inputs.Length) + CompactSize.GetSize((ulong)_outputs.Length);
        if (extended)
        {
            size += 2;
        }

        foreach (var input in _inputs)
        {
            size += OutPoint.SerializedSize + CompactSize.GetVarBytesSize(input.ScriptSig.Length) + 4;
            if (extended)
            {
                var stack = input.WitnessSpan;
                size += CompactSize.GetSize((ulong)stack.Length);
                foreach (var item in stack)
                {
                    size += CompactSize.GetVarBytesSize(item.Length);
                }
            }
        }

        foreach (var output in _outputs)
        {
            size += output.SerializedSize;
        }

        return size;
    }

    private Hash256 ComputeTxid()
    {
        Span<byte> hash = stackalloc byte[Hash256.Size];
        if (_raw is not null && _witnessStart == 0)
        {
            Hashes.Sha256d(_raw, hash);
            return new Hash256(hash);
        }

        var size = BaseSize;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var span = buffer.AsSpan(0, size);
            if (_raw is not null)
            {
                // The legacy form is the witness form without marker, flag and witness section.
                _raw.AsSpan(0, 4).CopyTo(span);
                var body = _raw.AsSpan(6, _witnessStart - 6);
                body.CopyTo(span[4..]);
                _raw.AsSpan(_raw.Length - 4).CopyTo(span[(4 + body.Length)..]);
            }
            else
            {
                var writer = new SpanWriter(span);
                Write(ref writer, withWitness: false);
            }

            Hashes.Sha256d(span, hash);
            return new Hash256(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Hash256 ComputeWtxid()
    {
        Span<byte> hash = stackalloc byte[Hash256.Size];
        if (_raw is not null)
        {
            Hashes.Sha256d(_raw, hash);
            return new Hash256(hash);
        }

        var size = TotalSize;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var span = buffer.AsSpan(0, size);
            var writer = new SpanWriter(span);
            Write(ref writer, withWitness: true);
            Hashes.Sha256d(span, hash);
            return new Hash256(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
