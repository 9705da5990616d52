using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Ops;

namespace Blockstack.Burnchain.Index;

/// <summary>
/// The storage encoding of an operation (docs/storage-layout.md): opcode, txid (display order),
/// vtxindex u32, block height u64, burn block hash (display order), then the op's own fields.
/// Big-endian throughout. Written and read only by the index.
/// </summary>
internal static class BurnOpCodec
{
    public static byte[] Encode(BurnOperation op)
    {
        var w = new List<byte>(160) { (byte)op.Opcode };
        w.AddRange(op.Txid.ToDisplayBytes());
        U32(w, op.Vtxindex);
        U64(w, op.BlockHeight);
        w.AddRange(op.BurnHeaderHash.ToDisplayBytes());
        switch (op)
        {
            case LeaderKeyRegisterOp k:
                w.AddRange(k.ConsensusHash.Bytes.ToArray());
                w.AddRange(k.PublicKey.ToArray());
                Bytes(w, k.Memo.Span);
                break;
            case LeaderBlockCommitOp c:
                w.AddRange(BurnOpEncoder.LeaderBlockCommit(c));
                U64(w, c.BurnFee);
                U64(w, c.SunsetBurn);
                w.Add((byte)c.CommitOutputs.Count);
                foreach (var a in c.CommitOutputs)
                {
                    Pox(w, a);
                }

                w.AddRange(c.Input.Txid.ToDisplayBytes());
                U32(w, c.Input.Index);
                w.Add(c.ApparentSender is null ? (byte)0 : (byte)1);
                if (c.ApparentSender is { } sender)
                {
                    Pox(w, sender);
                }

                break;
            case PreStxOp p:
                Addr(w, p.Output);
                break;
            case StackStxOp s:
                Addr(w, s.Sender);
                Pox(w, s.RewardAddress);
                Bytes(w, BurnOpEncoder.StackStx(s.StackedUstx, s.NumCycles, s.SignerKey, s.MaxAmount, s.AuthId));
                break;
            case TransferStxOp t:
                Addr(w, t.Sender);
                Addr(w, t.Recipient);
                Bytes(w, BurnOpEncoder.TransferStx(t.TransferedUstx, t.Memo.Span));
                break;
            case DelegateStxOp d:
                Addr(w, d.Sender);
                Addr(w, d.DelegateTo);
                w.Add(d.RewardAddress is null ? (byte)0 : (byte)1);
                if (d.RewardAddress is { } r)
                {
                    U32(w, r.OutputIndex);
                    Pox(w, r.Address);
                }

                Bytes(w, BurnOpEncoder.DelegateStx(d.DelegatedUstx, d.RewardAddress?.OutputIndex, d.UntilBurnHeight));
                break;
            default:
                throw new ArgumentException($"cannot store {op.GetType().Name}", nameof(op));
        }

        return [.. w];
    }

    /// <summary>Decodes a stored op; a malformed value means a corrupt store and throws.</summary>
    public static BurnOperation Decode(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var opcode = (BurnOpcode)r.U8();
        var txid = BurnchainIds.TxidFromDisplayBytes(r.Take(32));
        var vtx = r.U32();
        var height = r.U64();
        var block = BurnchainIds.BlockHashFromDisplayBytes(r.Take(32));
        switch (opcode)
        {
            case BurnOpcode.LeaderKeyRegister:
                {
                    var ch = new ConsensusHash(new Hash160Bytes(r.Take(20)));
                    if (!VrfPublicKeyBytes.TryCreate(r.Take(32), out var key))
                    {
                        throw Corrupt();
                    }

                    return new LeaderKeyRegisterOp(ch, key, new ByteString(r.Bytes()), txid, vtx, height, block);
                }

            case BurnOpcode.LeaderBlockCommit:
                {
                    var p = r.Take(77);
                    var fee = r.U64();
                    var sunset = r.U64();
                    var n = r.U8();
                    var outs = new List<PoxAddress>(n);
                    for (var i = 0; i < n; i++)
                    {
                        outs.Add(r.Pox());
                    }

                    var input = new OutPoint(BurnchainIds.TxidFromDisplayBytes(r.Take(32)), r.U32());
                    PoxAddress? sender = r.U8() == 1 ? r.Pox() : null;
                    return new LeaderBlockCommitOp(
                        new Hash256(p[..32]),
                        new Hash256(p.Slice(32, 32)),
                        BinaryPrimitives.ReadUInt32BigEndian(p[64..]),
                        BinaryPrimitives.ReadUInt16BigEndian(p[68..]),
                        BinaryPrimitives.ReadUInt32BigEndian(p[70..]),
                        BinaryPrimitives.ReadUInt16BigEndian(p[74..]),
                        (byte)(p[76] >> 3),
                        (byte)(p[76] & 7),
                        fee,
                        sunset,
                        new ValueList<PoxAddress>(outs),
                        input,
                        sender,
                        txid,
                        vtx,
                        height,
                        block);
                }

            case BurnOpcode.PreStx:
                return new PreStxOp(r.Addr(), txid, vtx, height, block);
            case BurnOpcode.StackStx:
                {
                    var sender = r.Addr();
                    var reward = r.Pox();
                    var p = r.Bytes();
                    return new StackStxOp(
                        sender,
                        reward,
                        BinaryPrimitives.ReadUInt128BigEndian(p),
                        p[16],
                        p.Length >= 50 ? new ByteString(p.Slice(17, 33)) : null,
                        p.Length >= 66 ? BinaryPrimitives.ReadUInt128BigEndian(p[50..]) : null,
                        p.Length >= 70 ? BinaryPrimitives.ReadUInt32BigEndian(p[66..]) : null,
                        txid,
                        vtx,
                        height,
                        block);
                }

            case BurnOpcode.TransferStx:
                {
                    var sender = r.Addr();
                    var recipient = r.Addr();
                    var p = r.Bytes();
                    return new TransferStxOp(sender, recipient, BinaryPrimitives.ReadUInt128BigEndian(p), new ByteString(p[16..]), txid, vtx, height, block);
                }

            case BurnOpcode.DelegateStx:
                {
                    var sender = r.Addr();
                    var to = r.Addr();
                    DelegateRewardAddress? reward = r.U8() == 1 ? new DelegateRewardAddress(r.U32(), r.Pox()) : null;
                    var p = r.Bytes();
                    ulong? until = p[21] == 1 ? BinaryPrimitives.ReadUInt64BigEndian(p[22..]) : null;
                    return new DelegateStxOp(sender, to, reward, BinaryPrimitives.ReadUInt128BigEndian(p), until, txid, vtx, height, block);
                }

            default:
                throw Corrupt();
        }
    }

    private static InvalidDataException Corrupt() => new("burnchain index: stored operation is corrupt");

    private static void U32(List<byte> w, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        w.AddRange(b);
    }

    private static void U64(List<byte> w, ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        w.AddRange(b);
    }

    private static void Bytes(List<byte> w, ReadOnlySpan<byte> bytes)
    {
        U32(w, (uint)bytes.Length);
        w.AddRange(bytes);
    }

    private static void Addr(List<byte> w, StacksAddressValue a)
    {
        w.Add(a.Version);
        w.AddRange(a.Hash.ToArray());
    }

    private static void Pox(List<byte> w, PoxAddress a)
    {
        w.Add((byte)a.Kind);
        w.Add(a.Mainnet ? (byte)1 : (byte)0);
        Bytes(w, a.Hash.Span);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public ReadOnlySpan<byte> Take(int n)
        {
            if (_rest.Length < n)
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

        public ReadOnlySpan<byte> Bytes() => Take((int)U32());

        public StacksAddressValue Addr() => new(U8(), new Hash160Bytes(Take(20)));

        public PoxAddress Pox()
        {
            var kind = (PoxAddressKind)U8();
            var mainnet = U8() == 1;
            return new PoxAddress(kind, mainnet, new ByteString(Bytes()));
        }
    }
}
