using System.Buffers.Binary;
using Blockstack.Bitcoin.Scripts;

namespace Blockstack.Burnchain.Ops;

/// <summary>
/// Writes operations back to their OP_RETURN push (magic || opcode || payload), the inverse of
/// <see cref="BurnOpParser"/> for the payload fields. Miners and tests build transactions with it.
/// </summary>
public static class BurnOpEncoder
{
    /// <summary>opcode || payload (without the magic).</summary>
    public static byte[] EncodePayload(BurnOperation op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var body = op switch
        {
            LeaderKeyRegisterOp k => LeaderKeyRegister(k.ConsensusHash, k.PublicKey, k.Memo.Span),
            LeaderBlockCommitOp c => LeaderBlockCommit(c),
            PreStxOp => [],
            StackStxOp s => StackStx(s.StackedUstx, s.NumCycles, s.SignerKey, s.MaxAmount, s.AuthId),
            TransferStxOp t => TransferStx(t.TransferedUstx, t.Memo.Span),
            DelegateStxOp d => DelegateStx(d.DelegatedUstx, d.RewardAddress?.OutputIndex, d.UntilBurnHeight),
            _ => throw new ArgumentException($"cannot encode {op.GetType().Name}", nameof(op)),
        };
        return [(byte)op.Opcode, .. body];
    }

    /// <summary>magic || opcode || payload: the bytes the OP_RETURN pushes.</summary>
    public static byte[] EncodePush(BurnchainParameters parameters, BurnOperation op)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [parameters.Magic0, parameters.Magic1, .. EncodePayload(op)];
    }

    /// <summary>The OP_RETURN output script carrying <paramref name="op"/>.</summary>
    public static byte[] OpReturnScript(BurnchainParameters parameters, BurnOperation op) =>
        StandardScripts.NullData(EncodePush(parameters, op));

    public static byte[] LeaderKeyRegister(ConsensusHash consensusHash, VrfPublicKeyBytes key, ReadOnlySpan<byte> memo)
    {
        var bytes = new byte[52 + memo.Length];
        consensusHash.Bytes.WriteTo(bytes);
        key.WriteTo(bytes.AsSpan(20));
        memo.CopyTo(bytes.AsSpan(52));
        return bytes;
    }

    public static byte[] LeaderBlockCommit(LeaderBlockCommitOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var bytes = new byte[77];
        op.BlockHeaderHash.WriteTo(bytes);
        op.NewSeed.WriteTo(bytes.AsSpan(32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(64), op.ParentBlockPtr);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(68), op.ParentVtxindex);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(70), op.KeyBlockPtr);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(74), op.KeyVtxindex);
        bytes[76] = op.MemoByte;
        return bytes;
    }

    public static byte[] StackStx(UInt128 ustx, byte cycles, ByteString? signerKey, UInt128? maxAmount, uint? authId)
    {
        var length = authId is not null ? 70 : maxAmount is not null ? 66 : signerKey is not null ? 50 : 17;
        var bytes = new byte[length];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, ustx);
        bytes[16] = cycles;
        signerKey?.Span.CopyTo(bytes.AsSpan(17, 33));
        if (length >= 66)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes.AsSpan(50), maxAmount ?? 0);
        }

        if (length >= 70)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(66), authId ?? 0);
        }

        return bytes;
    }

    public static byte[] TransferStx(UInt128 ustx, ReadOnlySpan<byte> memo)
    {
        var bytes = new byte[16 + memo.Length];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, ustx);
        memo.CopyTo(bytes.AsSpan(16));
        return bytes;
    }

    public static byte[] DelegateStx(UInt128 ustx, uint? rewardOutputIndex, ulong? untilBurnHeight)
    {
        var bytes = new byte[untilBurnHeight is null ? 22 : 30];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, ustx);
        bytes[16] = rewardOutputIndex is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(17), rewardOutputIndex ?? 0);
        bytes[21] = untilBurnHeight is null ? (byte)0 : (byte)1;
        if (untilBurnHeight is { } until)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(22), until);
        }

        return bytes;
    }
}
