using Blockstack.Bitcoin;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Chain;

/// <summary>
/// What the sortition layer decided for one burn block that had a winner, as the chain needs it.
/// </summary>
/// <param name="ConsensusHash">The sortition's consensus hash (names the Stacks block with its hash).</param>
/// <param name="BurnHeight">Height of the burn block.</param>
/// <param name="WinningBlockHash">The Stacks block header hash the winning commit put on Bitcoin.</param>
/// <param name="LeaderKey">The winner's registered VRF public key.</param>
/// <param name="VrfSeed">The bytes the winner's block VRF proof must be over: the sortition hash of the burn block before the commit's (the proof's output is the commit's new seed).</param>
/// <param name="ParentConsensusHash">Consensus hash of the sortition that elected the parent Stacks block
/// (<see cref="SortitionFacts.FirstConsensusHash"/> when the parent is the genesis).</param>
/// <param name="TotalBurn">Cumulative burn of this sortition's snapshot.</param>
/// <param name="MissedSortitionsBefore">Burn blocks without a winner right before this one: their coinbases accumulate to this winner.</param>
public sealed record SortitionFacts(
    ConsensusHash ConsensusHash,
    ulong BurnHeight,
    StacksBlockHash WinningBlockHash,
    VrfPublicKey LeaderKey,
    Hash256 VrfSeed,
    ConsensusHash ParentConsensusHash,
    ulong TotalBurn,
    ulong MissedSortitionsBefore)
{
    /// <summary>FIRST_BURNCHAIN_CONSENSUS_HASH: 20 zero bytes.</summary>
    public static ConsensusHash FirstConsensusHash => new(Hash160.Zero);

    /// <summary>FIRST_STACKS_BLOCK_HASH: the parent-hash sentinel of the first Stacks block.</summary>
    public static StacksBlockHash FirstBlockHash => new(Hash256.Zero);
}

/// <summary>
/// The chain's view of the sortition layer (implemented over Blockstack.Pox by the host; tests use a
/// fake). Owned by Chain so that the chain layer states exactly what it needs.
/// </summary>
public interface ISortitionView
{
    /// <summary>The winning sortition with this consensus hash, or null when unknown / no winner.</summary>
    SortitionFacts? GetSortition(ConsensusHash consensusHash);

    /// <summary>True when the sortition is on the canonical burnchain (sortition) fork.</summary>
    bool IsCanonical(ConsensusHash consensusHash);

    /// <summary>
    /// The burnchain STX operations (StackStx, TransferStx, DelegateStx) in the burn blocks of the
    /// 2.1 search window (the last 6 burn blocks ending at this sortition, on its fork), oldest first.
    /// </summary>
    IReadOnlyList<BurnStxOperation> GetBurnOperations(ConsensusHash consensusHash);
}

/// <summary>A PoX reward address: hash mode (pox-2 version 0x00–0x06) and 20 or 32 hash bytes.</summary>
public sealed record PoxRewardAddress(byte Version, byte[] HashBytes)
{
    public ClarityValue ToClarity() => new ClarityTuple(
    [
        new("version", new ClarityBuffer([Version])),
        new("hashbytes", new ClarityBuffer(HashBytes)),
    ]);

    public bool Equals(PoxRewardAddress? other) => other is not null && other.Version == Version && other.HashBytes.AsSpan().SequenceEqual(HashBytes);

    public override int GetHashCode() => HashCode.Combine(Version, HashBytes.Length);

    public static bool TryFromClarity(ClarityValue? value, out PoxRewardAddress? address)
    {
        address = null;
        if (value is ClarityTuple t && t.Fields.Count == 2
            && t.Fields.TryGetValue("version", out var v) && v is ClarityBuffer { Data.Length: 1 } vb
            && t.Fields.TryGetValue("hashbytes", out var h) && h is ClarityBuffer { Data.Length: <= 32 } hb)
        {
            address = new PoxRewardAddress(vb.Data[0], hb.Data);
            return true;
        }

        return false;
    }

    public byte[] Encode() => [Version, checked((byte)HashBytes.Length), .. HashBytes];
}

/// <summary>A burnchain operation with an STX effect, applied by the Stacks block whose window holds it.</summary>
public abstract record BurnStxOperation(Hash256 BurnTxid, ulong BurnHeight, StacksAddress Sender);

/// <summary>StackStx (<c>x</c>): lock for <paramref name="Cycles"/> cycles, rewards to <paramref name="RewardAddress"/>.</summary>
public sealed record StackStxOperation(Hash256 BurnTxid, ulong BurnHeight, StacksAddress Sender, PoxRewardAddress RewardAddress, UInt128 Ustx, byte Cycles)
    : BurnStxOperation(BurnTxid, BurnHeight, Sender);

/// <summary>TransferStx (<c>$</c>).</summary>
public sealed record TransferStxOperation(Hash256 BurnTxid, ulong BurnHeight, StacksAddress Sender, StacksAddress Recipient, UInt128 Ustx, byte[] Memo)
    : BurnStxOperation(BurnTxid, BurnHeight, Sender);

/// <summary>DelegateStx (<c>#</c>).</summary>
public sealed record DelegateStxOperation(Hash256 BurnTxid, ulong BurnHeight, StacksAddress Sender, StacksAddress DelegateTo, UInt128 Ustx, PoxRewardAddress? RewardAddress, ulong? UntilBurnHeight)
    : BurnStxOperation(BurnTxid, BurnHeight, Sender);
