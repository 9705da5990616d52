using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Stacks;

namespace Blockstack.Pox;

/// <summary>
/// Storage encodings of the sortition store (docs/storage-layout.md): big-endian integers,
/// hashes in their internal byte order, u32 length prefixes. Written and read only by the store;
/// a value that does not decode is corruption and throws.
/// </summary>
internal static class SortitionCodec
{
    public static byte[] Encode(SortitionSnapshot s)
    {
        var w = new Writer();
        w.U64(s.BurnHeight);
        w.H(s.BurnHeaderHash.Hash);
        w.H(s.ParentBurnHeaderHash.Hash);
        w.U32(s.Timestamp);
        w.H(s.SortitionId.Hash);
        w.H(s.ParentSortitionId.Hash);
        w.Ch(s.ConsensusHash);
        w.H(s.OpsHash.Hash);
        w.U64(s.TotalBurn);
        w.U8(s.Sortition ? (byte)1 : (byte)0);
        w.H(s.SortitionHash.Hash);
        w.H(s.WinningTxid.Hash);
        w.H(s.WinningBlockHash.Hash);
        w.H(s.LastVrfSeed);
        w.U64(s.NumSortitions);
        w.Str(s.PoxId.Bits);
        w.U8(s.LastAnchor is null ? (byte)0 : (byte)1);
        if (s.LastAnchor is { } a)
        {
            w.Anchor(a);
        }

        w.Addresses(s.RemainingRewardSet);
        w.Addresses(s.Payouts);
        w.U8(s.CommitsMustBurn ? (byte)1 : (byte)0);
        return w.ToArray();
    }

    public static SortitionSnapshot DecodeSnapshot(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var height = r.U64();
        var hash = new BlockHash(r.H());
        var parent = new BlockHash(r.H());
        var time = r.U32();
        var id = new SortitionId(r.H());
        var parentId = new SortitionId(r.H());
        var ch = r.Ch();
        var ops = new OpsHash(r.H());
        var total = r.U64();
        var sortition = r.U8() == 1;
        var sh = new SortitionHash(r.H());
        var txid = new Txid(r.H());
        var block = new StacksBlockHash(r.H());
        var seed = r.H();
        var num = r.U64();
        if (!PoxId.TryParse(r.Str(), out var poxId))
        {
            throw Corrupt();
        }

        AnchorBlock? anchor = r.U8() == 1 ? r.Anchor() : null;
        var remaining = r.Addresses();
        var payouts = r.Addresses();
        var mustBurn = r.U8() == 1;
        return new SortitionSnapshot(height, hash, parent, time, id, parentId, ch, ops, total, sortition, sh, txid, block, seed, num, poxId, anchor, remaining, payouts, mustBurn);
    }

    public static byte[] EncodeCommits(IReadOnlyList<CommitEntry> commits)
    {
        var w = new Writer();
        w.U32((uint)commits.Count);
        foreach (var c in commits)
        {
            w.Commit(c.Op);
            w.U64(c.Burn);
            w.U64(c.MedianBurn);
            w.U8(c.Frequency);
            w.U256(c.RangeStart);
            w.U256(c.RangeEnd);
            w.U8(c.Won ? (byte)1 : (byte)0);
        }

        return w.ToArray();
    }

    public static List<CommitEntry> DecodeCommits(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var n = r.U32();
        var list = new List<CommitEntry>((int)n);
        for (var i = 0; i < n; i++)
        {
            var op = r.Commit();
            list.Add(new CommitEntry(op, r.U64(), r.U64(), r.U8(), r.U256(), r.U256()) { Won = r.U8() == 1 });
        }

        return list;
    }

    public static byte[] EncodeKeys(IReadOnlyList<LeaderKeyRegisterOp> keys)
    {
        var w = new Writer();
        w.U32((uint)keys.Count);
        foreach (var k in keys)
        {
            w.Bytes(k.ConsensusHash.Bytes.ToArray());
            w.Bytes(k.PublicKey.ToArray());
            w.Bytes(k.Memo.Span);
            w.OpTail(k);
        }

        return w.ToArray();
    }

    public static List<LeaderKeyRegisterOp> DecodeKeys(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var n = r.U32();
        var list = new List<LeaderKeyRegisterOp>((int)n);
        for (var i = 0; i < n; i++)
        {
            var ch = new Burnchain.ConsensusHash(new Hash160Bytes(r.Bytes()));
            if (!VrfPublicKeyBytes.TryCreate(r.Bytes(), out var key))
            {
                throw Corrupt();
            }

            var memo = new ByteString(r.Bytes());
            var (txid, vtx, height, burnHash) = r.OpTail();
            list.Add(new LeaderKeyRegisterOp(ch, key, memo, txid, vtx, height, burnHash));
        }

        return list;
    }

    public static byte[] EncodeMissed(IReadOnlyList<MissedCommit> missed)
    {
        var w = new Writer();
        w.U32((uint)missed.Count);
        foreach (var m in missed)
        {
            w.H(m.Txid.Hash);
            w.H(m.Input.Txid.Hash);
            w.U32(m.Input.Index);
            w.H(m.IntendedSortition.Hash);
        }

        return w.ToArray();
    }

    public static List<MissedCommit> DecodeMissed(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var n = r.U32();
        var list = new List<MissedCommit>((int)n);
        for (var i = 0; i < n; i++)
        {
            list.Add(new MissedCommit(new Txid(r.H()), new OutPoint(new Txid(r.H()), r.U32()), new SortitionId(r.H())));
        }

        return list;
    }

    /// <summary>Accepted operations as (opcode, txid, vtxindex): the full operations live in the burnchain index.</summary>
    public static byte[] EncodeAccepted(IReadOnlyList<BurnOperation> ops)
    {
        var w = new Writer();
        w.U32((uint)ops.Count);
        foreach (var op in ops)
        {
            w.U8((byte)op.Opcode);
            w.H(op.Txid.Hash);
            w.U32(op.Vtxindex);
        }

        return w.ToArray();
    }

    public static List<AcceptedOp> DecodeAccepted(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var n = r.U32();
        var list = new List<AcceptedOp>((int)n);
        for (var i = 0; i < n; i++)
        {
            list.Add(new AcceptedOp((BurnOpcode)r.U8(), new Txid(r.H()), r.U32()));
        }

        return list;
    }

    public static byte[] EncodeRejections(IReadOnlyList<SortitionRejection> rejections)
    {
        var w = new Writer();
        w.U32((uint)rejections.Count);
        foreach (var x in rejections)
        {
            w.U8((byte)x.Code);
            w.H(x.Txid.Hash);
            w.U32(x.Vtxindex);
            w.Str(x.Detail);
        }

        return w.ToArray();
    }

    public static List<SortitionRejection> DecodeRejections(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var n = r.U32();
        var list = new List<SortitionRejection>((int)n);
        for (var i = 0; i < n; i++)
        {
            list.Add(new SortitionRejection((SortitionRejectionCode)r.U8(), new Txid(r.H()), r.U32(), r.Str()));
        }

        return list;
    }

    public static byte[] Encode(RewardCycleInfo info)
    {
        var w = new Writer();
        w.U64(info.Cycle);
        w.U8(info.Anchor is null ? (byte)0 : (byte)1);
        if (info.Anchor is { } a)
        {
            w.Anchor(a);
        }

        w.U8(info.AnchorKnown ? (byte)1 : (byte)0);
        w.U8(info.RewardSet is null ? (byte)0 : (byte)1);
        if (info.RewardSet is { } rs)
        {
            w.Addresses(rs.Slots);
            w.U128(rs.Threshold);
            w.U128(rs.Participation);
            w.U128(rs.LiquidUstx);
        }

        return w.ToArray();
    }

    public static RewardCycleInfo DecodeCycle(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var cycle = r.U64();
        AnchorBlock? anchor = r.U8() == 1 ? r.Anchor() : null;
        var known = r.U8() == 1;
        RewardSet? set = r.U8() == 1 ? new RewardSet(r.Addresses(), r.U128(), r.U128(), r.U128()) : null;
        return new RewardCycleInfo(cycle, anchor, known, set);
    }

    internal static InvalidDataException Corrupt() => new("corrupt sortition store value");

    private sealed class Writer
    {
        private readonly List<byte> _bytes = new(256);

        public byte[] ToArray() => [.. _bytes];

        public void U8(byte v) => _bytes.Add(v);

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, v);
            _bytes.AddRange(b);
        }

        public void U64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(b, v);
            _bytes.AddRange(b);
        }

        public void U128(UInt128 v)
        {
            Span<byte> b = stackalloc byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(b, v);
            _bytes.AddRange(b);
        }

        public void U256(UInt256 v)
        {
            Span<byte> b = stackalloc byte[32];
            v.WriteLittleEndian(b);
            _bytes.AddRange(b);
        }

        public void H(Hash256 h)
        {
            Span<byte> b = stackalloc byte[32];
            h.WriteTo(b);
            _bytes.AddRange(b);
        }

        public void Ch(ConsensusHash ch)
        {
            Span<byte> b = stackalloc byte[20];
            ch.Hash.WriteTo(b);
            _bytes.AddRange(b);
        }

        public void Bytes(ReadOnlySpan<byte> b)
        {
            U32((uint)b.Length);
            _bytes.AddRange(b);
        }

        public void Str(string s) => Bytes(System.Text.Encoding.UTF8.GetBytes(s));

        public void Address(PoxAddress a)
        {
            U8((byte)a.Kind);
            U8(a.Mainnet ? (byte)1 : (byte)0);
            Bytes(a.Hash.Span);
        }

        public void Addresses(ValueList<PoxAddress> list)
        {
            U32((uint)list.Count);
            foreach (var a in list)
            {
                Address(a);
            }
        }

        public void Anchor(AnchorBlock a)
        {
            U64(a.BurnHeight);
            H(a.SortitionId.Hash);
            Ch(a.ConsensusHash);
            H(a.BlockHash.Hash);
            H(a.CommitTxid.Hash);
        }

        public void OpTail(BurnOperation op)
        {
            H(op.Txid.Hash);
            U32(op.Vtxindex);
            U64(op.BlockHeight);
            H(op.BurnHeaderHash.Hash);
        }

        public void Commit(LeaderBlockCommitOp c)
        {
            H(c.BlockHeaderHash);
            H(c.NewSeed);
            U32(c.ParentBlockPtr);
            U32(c.ParentVtxindex);
            U32(c.KeyBlockPtr);
            U32(c.KeyVtxindex);
            U8(c.Memo);
            U8(c.BurnParentModulus);
            U64(c.BurnFee);
            U64(c.SunsetBurn);
            Addresses(c.CommitOutputs);
            H(c.Input.Txid.Hash);
            U32(c.Input.Index);
            U8(c.ApparentSender is null ? (byte)0 : (byte)1);
            if (c.ApparentSender is { } s)
            {
                Address(s);
            }

            OpTail(c);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || _rest.Length < n)
            {
                throw Corrupt();
            }

            var head = _rest[..n];
            _rest = _rest[n..];
            return head;
        }

        public byte U8() => Take(1)[0];

        public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

        public UInt128 U128() => BinaryPrimitives.ReadUInt128BigEndian(Take(16));

        public UInt256 U256() => UInt256.FromLittleEndian(Take(32));

        public Hash256 H() => new(Take(32));

        public ConsensusHash Ch() => new(new Stacks.Hash160(Take(20)));

        public ReadOnlySpan<byte> Bytes() => Take(checked((int)U32()));

        public string Str() => System.Text.Encoding.UTF8.GetString(Bytes());

        public PoxAddress Address()
        {
            var kind = (PoxAddressKind)U8();
            var mainnet = U8() == 1;
            return new PoxAddress(kind, mainnet, new ByteString(Bytes()));
        }

        public ValueList<PoxAddress> Addresses()
        {
            var n = U32();
            var list = new List<PoxAddress>((int)Math.Min(n, 65536));
            for (var i = 0; i < n; i++)
            {
                list.Add(Address());
            }

            return new ValueList<PoxAddress>(list);
        }

        public AnchorBlock Anchor() => new(U64(), new SortitionId(H()), Ch(), new StacksBlockHash(H()), new Txid(H()));

        public (Txid Txid, uint Vtx, ulong Height, BlockHash Hash) OpTail() => (new Txid(H()), U32(), U64(), new BlockHash(H()));

        public LeaderBlockCommitOp Commit()
        {
            var blockHash = H();
            var seed = H();
            var parentPtr = U32();
            var parentVtx = checked((ushort)U32());
            var keyPtr = U32();
            var keyVtx = checked((ushort)U32());
            var memo = U8();
            var modulus = U8();
            var fee = U64();
            var sunset = U64();
            var outs = Addresses();
            var input = new OutPoint(new Txid(H()), U32());
            PoxAddress? sender = U8() == 1 ? Address() : null;
            var (txid, vtx, height, burnHash) = OpTail();
            return new LeaderBlockCommitOp(blockHash, seed, parentPtr, parentVtx, keyPtr, keyVtx, memo, modulus, fee, sunset, outs, input, sender, txid, vtx, height, burnHash);
        }
    }
}

/// <summary>An accepted operation as the sortition store records it (the operation itself is in the burnchain index).</summary>
public readonly record struct AcceptedOp(BurnOpcode Opcode, Txid Txid, uint Vtxindex);
