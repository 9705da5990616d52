using System.Security.Cryptography;
using System.Text;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Pox.Tests;

/// <summary>A miner of the synthetic chain: a VRF key and a commit history for UTXO chaining.</summary>
internal sealed class SimMiner(byte id, ulong fee)
{
    public byte Id { get; } = id;

    public ulong Fee { get; set; } = fee;

    public VrfPrivateKey Vrf { get; } = new(SHA256.HashData([id, 0x76]));

    public VrfPublicKeyBytes Key => VrfPublicKeyBytes.FromHex(Vrf.PublicKey.ToHex());

    public (ulong Height, uint Vtxindex) KeyPtr { get; set; }

    public List<(ulong Height, Txid Txid, bool Single)> History { get; } = [];

    /// <summary>When set, the miner pays this address instead of the expected recipients.</summary>
    public PoxAddress? WrongRecipient { get; set; }
}

/// <summary>
/// Builds burn blocks the way the watcher would deliver them (headers plus parsed operations),
/// with miners that register keys, follow the last winner, chain UTXOs, pay the expected reward
/// recipients (or burn) and prove VRF over the tip's sortition hash.
/// </summary>
internal sealed class ChainSim
{
    public static readonly PoxAddress Burn = PoxAddress.Legacy(false, false, Hash160Bytes.Zero);
    public static readonly PoxAddress StackerA = PoxAddress.Legacy(false, false, new Hash160Bytes(Enumerable.Repeat((byte)0x11, 20).ToArray()));
    public static readonly PoxAddress StackerB = PoxAddress.Legacy(false, false, new Hash160Bytes(Enumerable.Repeat((byte)0x22, 20).ToArray()));
    public static readonly UInt128 Stx = 1_000_000;

    public ChainSim(SortitionStore store, string tag, params SimMiner[] miners)
    {
        Store = store;
        Tag = tag;
        Miners = miners;
    }

    public SortitionStore Store { get; }

    public string Tag { get; set; }

    public SimMiner[] Miners { get; }

    public List<BurnBlock> Blocks { get; } = [];

    public Dictionary<Txid, VrfProof> Proofs { get; } = [];

    public static PoxParameters Regtest => PoxParameters.For(BurnchainParameters.Regtest());

    /// <summary>Stacker A 1,000,000 STX, stacker B 500,000 STX of 4,000,000 liquid: threshold 380,000 STX, slots [B, A, A].</summary>
    public static RewardSetInputs TwoStackers => new([new StackingEntry(StackerA, 1_000_000 * Stx), new StackingEntry(StackerB, 500_000 * Stx)], 4_000_000 * Stx);

    public static Hash256 H(params object[] parts) => new(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('/', parts))));

    /// <summary>Builds the next block on the store's tip (genesis first, keys at height 1, commits after) and applies it.</summary>
    public SortitionResult Step()
    {
        var block = Build();
        Blocks.Add(block);
        return Store.Apply(block);
    }

    public BurnBlock Build()
    {
        var tip = Store.Tip;
        var height = tip is null ? Regtest.FirstBlockHeight : tip.BurnHeight + 1;
        var hash = new BlockHash(H(Tag, "block", height));
        var header = new BurnBlockHeader(height, hash, tip?.BurnHeaderHash ?? default, (uint)(1_600_000_000 + height));
        var ops = new List<BurnOperationRef>();
        if (tip is not null && height == 1)
        {
            for (var i = 0; i < Miners.Length; i++)
            {
                var vtx = (uint)(i + 1);
                Miners[i].KeyPtr = (height, vtx);
                ops.Add(new(new LeaderKeyRegisterOp(default, Miners[i].Key, ByteString.Empty, new Txid(H(Tag, "key", height, vtx)), vtx, height, hash)));
            }
        }
        else if (tip is not null)
        {
            var recipients = Store.GetNextBlockRecipients();
            var (parentHeight, parentVtx) = LastWinner(tip);
            for (var i = 0; i < Miners.Length; i++)
            {
                ops.Add(new(Commit(Miners[i], (uint)(i + 1), height, hash, tip, recipients, parentHeight, parentVtx)));
            }
        }

        return new BurnBlock(header, new ValueList<BurnOperationRef>(ops));
    }

    private LeaderBlockCommitOp Commit(SimMiner m, uint vtx, ulong height, BlockHash hash, SortitionSnapshot tip, RecipientInfo? recipients, uint parentHeight, ushort parentVtx)
    {
        m.History.RemoveAll(x => x.Height >= height);
        var prepare = Regtest.IsInPreparePhase(height);
        List<PoxAddress> outs;
        if (prepare)
        {
            outs = [Burn];
        }
        else if (recipients is null)
        {
            outs = [Burn, Burn];
        }
        else
        {
            outs = recipients.Recipients.Select(r => r.Address).ToList();
            if (outs.Count == 1)
            {
                outs.Add(Burn);
            }
        }

        if (m.WrongRecipient is { } wrong && !prepare)
        {
            outs = [wrong, wrong];
        }

        var txid = new Txid(H(Tag, "commit", height, vtx));
        var proof = EcVrf.Prove(m.Vrf, tip.SortitionHash.Hash.ToArray());
        Proofs[txid] = proof;
        var input = m.History.Count == 0
            ? new OutPoint(new Txid(H(Tag, "fund", m.Id)), 0)
            : new OutPoint(m.History[^1].Txid, m.History[^1].Single ? 2u : 3u);
        m.History.Add((height, txid, outs.Count == 1));
        return new LeaderBlockCommitOp(
            H(Tag, "stacks-block", height, m.Id),
            proof.Seed,
            parentHeight,
            parentVtx,
            (uint)m.KeyPtr.Height,
            (ushort)m.KeyPtr.Vtxindex,
            6,
            (byte)((height - 1) % 5),
            m.Fee,
            0,
            new ValueList<PoxAddress>(outs),
            input,
            null,
            txid,
            vtx,
            height,
            hash);
    }

    private (uint Height, ushort Vtx) LastWinner(SortitionSnapshot tip)
    {
        var sn = tip;
        while (!sn.IsFirst)
        {
            if (sn.Sortition)
            {
                var winner = Store.GetDetails(sn.SortitionId)!.Winner!;
                return ((uint)winner.Op.BlockHeight, (ushort)winner.Op.Vtxindex);
            }

            sn = Store.GetSnapshot(sn.ParentSortitionId)!;
        }

        return (0, 0);
    }
}
