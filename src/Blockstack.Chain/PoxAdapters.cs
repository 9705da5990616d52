using Blockstack.Bitcoin;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Pox;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Chain;

/// <summary>Conversions between the burnchain's records and the chain's (addresses, ids, operations).</summary>
public static class PoxConversions
{
    /// <summary>
    /// A Bitcoin output address as the pox contract's <c>{version, hashbytes}</c>: legacy outputs
    /// take hash mode 0x00 (p2pkh) / 0x01 (p2sh), segwit outputs their pox-2 type byte.
    /// </summary>
    public static PoxRewardAddress ToRewardAddress(PoxAddress address) => new(
        address.Kind switch
        {
            PoxAddressKind.P2pkh => 0x00,
            PoxAddressKind.P2sh => 0x01,
            PoxAddressKind.P2wpkh => 0x04,
            PoxAddressKind.P2wsh => 0x05,
            _ => 0x06,
        },
        address.Hash.ToArray());

    /// <summary>
    /// The Bitcoin output a pox address pays to, or null when it names none (a version above 0x06
    /// or a hash of the wrong length). The p2sh-wrapped segwit modes (0x02, 0x03) pay a p2sh output.
    /// </summary>
    public static PoxAddress? ToPoxAddress(PoxRewardAddress address, bool mainnet)
    {
        ArgumentNullException.ThrowIfNull(address);
        (PoxAddressKind Kind, int Length)? shape = address.Version switch
        {
            0x00 => (PoxAddressKind.P2pkh, 20),
            0x01 or 0x02 or 0x03 => (PoxAddressKind.P2sh, 20),
            0x04 => (PoxAddressKind.P2wpkh, 20),
            0x05 => (PoxAddressKind.P2wsh, 32),
            0x06 => (PoxAddressKind.P2tr, 32),
            _ => null,
        };
        if (shape is not { } s || address.HashBytes.Length != s.Length)
        {
            return null;
        }

        return new PoxAddress(s.Kind, mainnet, new ByteString(address.HashBytes));
    }

    public static StacksAddress ToStacksAddress(StacksAddressValue address) => new(address.Version, new Hash160(address.Hash.ToArray()));

    /// <summary>The chain's record of a burnchain STX operation; null for the other opcodes.</summary>
    public static BurnStxOperation? ToChainOperation(BurnOperation operation) => operation switch
    {
        StackStxOp s => new StackStxOperation(s.Txid.Hash, s.BlockHeight, ToStacksAddress(s.Sender), ToRewardAddress(s.RewardAddress), s.StackedUstx, s.NumCycles),
        TransferStxOp t => new TransferStxOperation(t.Txid.Hash, t.BlockHeight, ToStacksAddress(t.Sender), ToStacksAddress(t.Recipient), t.TransferedUstx, t.Memo.ToArray()),
        DelegateStxOp d => new DelegateStxOperation(
            d.Txid.Hash, d.BlockHeight, ToStacksAddress(d.Sender), ToStacksAddress(d.DelegateTo), d.DelegatedUstx,
            d.RewardAddress is { } r ? ToRewardAddress(r.Address) : null, d.UntilBurnHeight),
        _ => null,
    };
}

/// <summary>
/// The sortition layer's reward-set source, answered by the chain: the anchor block's
/// <see cref="ChainState.GetRewardSetInputs"/>. An anchor this chain has not processed gives null
/// (the cycle burns and the PoX id records a 0). It reads the chain store directly, so the
/// sortition store can be built before the coordinator that needs it.
/// </summary>
public sealed class ChainRewardSetProvider : IRewardSetProvider
{
    private readonly ChainState _state;
    private readonly bool _mainnet;

    public ChainRewardSetProvider(ChainStore store, ChainParameters parameters, NativeContractRegistry contracts)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _state = new ChainState(store, parameters, contracts);
        _mainnet = parameters.TransactionVersion == TransactionVersion.Mainnet;
    }

    public RewardSetInputs? GetRewardSetInputs(AnchorBlock anchor, ulong cycle)
    {
        var state = _state;
        if (state.GetBlock(anchor.BlockId) is null)
        {
            return null;
        }

        var inputs = state.GetRewardSetInputs(anchor.BlockId, cycle);
        if (inputs is not { } found)
        {
            return null;
        }

        var entries = new List<StackingEntry>(found.Entries.Count);
        foreach (var entry in found.Entries)
        {
            // The pox contract accepts only versions 0x00–0x06 with the right length; anything
            // else here would be a corrupt state.
            var address = PoxConversions.ToPoxAddress(entry.Address, _mainnet)
                ?? throw new InvalidOperationException($"corrupt reward entry address version {entry.Address.Version}");
            entries.Add(new StackingEntry(address, entry.Ustx));
        }

        return new RewardSetInputs(entries, found.LiquidUstx);
    }
}

/// <summary>
/// The chain's <see cref="ISortitionView"/> over the real sortition layer: winners and canonicity
/// from the <see cref="SortitionStore"/> (canonical fork only: a sortition rolled back with its burn
/// block is unknown), burn operations from the <see cref="BurnchainIndex"/>.
/// </summary>
public sealed class SortitionStoreView(SortitionStore sortitions, BurnchainIndex burnchain) : ISortitionView
{
    /// <summary>Burn blocks in the 2.1 search window for STX operations.</summary>
    public const int BurnOperationWindow = 6;

    public SortitionFacts? GetSortition(ConsensusHash consensusHash)
    {
        var snapshot = sortitions.GetSnapshotByConsensusHash(consensusHash);
        if (snapshot is null || !snapshot.Sortition || snapshot.IsFirst)
        {
            return null;
        }

        var winner = sortitions.GetCommits(snapshot.SortitionId).FirstOrDefault(c => c.Won);
        var parent = sortitions.GetSnapshot(snapshot.ParentSortitionId);
        if (winner is null || parent is null)
        {
            return null;
        }

        var keyOp = Ancestor(snapshot, winner.Op.KeyBlockPtr) is { } keySnapshot
            ? sortitions.GetLeaderKeys(keySnapshot.SortitionId).FirstOrDefault(k => k.Vtxindex == winner.Op.KeyVtxindex)
            : null;
        if (keyOp is null || !VrfPublicKey.TryParse(keyOp.PublicKey.ToArray(), out var leaderKey, out _))
        {
            return null;
        }

        ConsensusHash parentConsensusHash;
        if (winner.Op.BuildsOnGenesis)
        {
            parentConsensusHash = SortitionFacts.FirstConsensusHash;
        }
        else if (Ancestor(snapshot, winner.Op.ParentBlockPtr) is { } parentBlockSnapshot)
        {
            parentConsensusHash = parentBlockSnapshot.ConsensusHash;
        }
        else
        {
            return null;
        }

        ulong missed = 0;
        for (var s = parent; !s.IsFirst && !s.Sortition; s = sortitions.GetSnapshot(s.ParentSortitionId)!)
        {
            missed++;
        }

        // The block's VRF proof is over the sortition hash of the burn block before the commit's
        // (the bytes SortitionStore.CheckWinnerVrfProof verifies; its output is the commit's new seed).
        return new SortitionFacts(
            snapshot.ConsensusHash,
            snapshot.BurnHeight,
            snapshot.WinningBlockHash,
            leaderKey,
            parent.SortitionHash.Hash,
            parentConsensusHash,
            snapshot.TotalBurn,
            missed);
    }

    public bool IsCanonical(ConsensusHash consensusHash) => sortitions.GetSnapshotByConsensusHash(consensusHash) is not null;

    public IReadOnlyList<BurnStxOperation> GetBurnOperations(ConsensusHash consensusHash)
    {
        var snapshot = sortitions.GetSnapshotByConsensusHash(consensusHash);
        var blocks = new List<BlockHash>(BurnOperationWindow);
        for (var s = snapshot; s is not null && blocks.Count < BurnOperationWindow; s = s.IsFirst ? null : sortitions.GetSnapshot(s.ParentSortitionId))
        {
            blocks.Add(s.BurnHeaderHash);
        }

        var result = new List<BurnStxOperation>();
        for (var i = blocks.Count - 1; i >= 0; i--)
        {
            foreach (var op in burnchain.GetOperations(blocks[i]))
            {
                if (PoxConversions.ToChainOperation(op) is { } chainOp)
                {
                    result.Add(chainOp);
                }
            }
        }

        return result;
    }

    /// <summary>The snapshot at <paramref name="height"/> on <paramref name="from"/>'s fork.</summary>
    private SortitionSnapshot? Ancestor(SortitionSnapshot from, ulong height)
    {
        var s = from;
        while (s.BurnHeight > height && !s.IsFirst)
        {
            s = sortitions.GetSnapshot(s.ParentSortitionId);
            if (s is null)
            {
                return null;
            }
        }

        return s.BurnHeight == height ? s : null;
    }
}
