using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Burnchain.Ops;

/// <summary>
/// A parsed Stacks burn operation. Every operation knows its Bitcoin txid (display order via
/// ToString), its index in the block (vtxindex), the block height and the block hash.
/// </summary>
public abstract record BurnOperation(Txid Txid, uint Vtxindex, ulong BlockHeight, BlockHash BurnHeaderHash)
{
    public abstract BurnOpcode Opcode { get; }
}

/// <summary>
/// <c>^</c>: a miner registers a VRF key. Memo: payload bytes 52.. (in Nakamoto its first 20 bytes
/// are the Hash160 of the miner's block-signing key).
/// </summary>
public sealed record LeaderKeyRegisterOp(
    ConsensusHash ConsensusHash,
    VrfPublicKeyBytes PublicKey,
    ByteString Memo,
    Txid Txid,
    uint Vtxindex,
    ulong BlockHeight,
    BlockHash BurnHeaderHash) : BurnOperation(Txid, Vtxindex, BlockHeight, BurnHeaderHash)
{
    public override BurnOpcode Opcode => BurnOpcode.LeaderKeyRegister;
}

/// <summary>
/// <c>[</c>: a miner commits BTC to a Stacks block. <see cref="BlockHeaderHash"/> and
/// <see cref="NewSeed"/> are raw payload bytes (Hash256 internal order = payload order).
/// <see cref="Memo"/> is the high 5 bits of payload byte 76 (the epoch marker), and
/// <see cref="BurnParentModulus"/> its low 3 bits. <see cref="BurnFee"/> is the sum of the commit
/// outputs; <see cref="SunsetBurn"/> the OP_RETURN value. <see cref="Input"/> is input 0's prevout
/// (UTXO chaining). <see cref="ApparentSender"/> is informational: the output right after the
/// commit outputs (the miner's change), null when there is none.
/// </summary>
public sealed record LeaderBlockCommitOp(
    Hash256 BlockHeaderHash,
    Hash256 NewSeed,
    uint ParentBlockPtr,
    ushort ParentVtxindex,
    uint KeyBlockPtr,
    ushort KeyVtxindex,
    byte Memo,
    byte BurnParentModulus,
    ulong BurnFee,
    ulong SunsetBurn,
    ValueList<PoxAddress> CommitOutputs,
    OutPoint Input,
    PoxAddress? ApparentSender,
    Txid Txid,
    uint Vtxindex,
    ulong BlockHeight,
    BlockHash BurnHeaderHash) : BurnOperation(Txid, Vtxindex, BlockHeight, BurnHeaderHash)
{
    public override BurnOpcode Opcode => BurnOpcode.LeaderBlockCommit;

    /// <summary>True when this commit builds on the genesis block (parent pointer 0/0).</summary>
    public bool BuildsOnGenesis => ParentBlockPtr == 0 && ParentVtxindex == 0;

    /// <summary>Payload byte 76 as the serializer writes it: (memo &lt;&lt; 3) + (modulus &amp; 7).</summary>
    public byte MemoByte => (byte)((Memo << 3) + (BurnParentModulus & 7));
}

/// <summary><c>p</c>: authorizes <see cref="Output"/> (vout 1 as a Stacks address) as the sender of the next STX op.</summary>
public sealed record PreStxOp(
    StacksAddressValue Output,
    Txid Txid,
    uint Vtxindex,
    ulong BlockHeight,
    BlockHash BurnHeaderHash) : BurnOperation(Txid, Vtxindex, BlockHeight, BurnHeaderHash)
{
    public override BurnOpcode Opcode => BurnOpcode.PreStx;
}

/// <summary>
/// <c>x</c>: lock <see cref="StackedUstx"/> for <see cref="NumCycles"/> cycles, rewards to
/// <see cref="RewardAddress"/> (vout 1). Optional pox-4 fields are present only when the payload
/// is long enough (≥50: signer key; ≥66: max amount; ≥70: auth id).
/// </summary>
public sealed record StackStxOp(
    StacksAddressValue Sender,
    PoxAddress RewardAddress,
    UInt128 StackedUstx,
    byte NumCycles,
    ByteString? SignerKey,
    UInt128? MaxAmount,
    uint? AuthId,
    Txid Txid,
    uint Vtxindex,
    ulong BlockHeight,
    BlockHash BurnHeaderHash) : BurnOperation(Txid, Vtxindex, BlockHeight, BurnHeaderHash)
{
    public override BurnOpcode Opcode => BurnOpcode.StackStx;
}

/// <summary><c>$</c>: transfer <see cref="TransferedUstx"/> from the PreStx-authorized sender to vout 1.</summary>
public sealed record TransferStxOp(
    StacksAddressValue Sender,
    StacksAddressValue Recipient,
    UInt128 TransferedUstx,
    ByteString Memo,
    Txid Txid,
    uint Vtxindex,
    ulong BlockHeight,
    BlockHash BurnHeaderHash) : BurnOperation(Txid, Vtxindex, BlockHeight, BurnHeaderHash)
{
    public override BurnOpcode Opcode => BurnOpcode.TransferStx;
}

/// <summary>The optional reward address of a DelegateStx: an index into the outputs after the OP_RETURN and that output's address.</summary>
public readonly record struct DelegateRewardAddress(uint OutputIndex, PoxAddress Address);

/// <summary><c>#</c> (2.1+): delegate <see cref="DelegatedUstx"/> to <see cref="DelegateTo"/> (vout 1).</summary>
public sealed record DelegateStxOp(
    StacksAddressValue Sender,
    StacksAddressValue DelegateTo,
    DelegateRewardAddress? RewardAddress,
    UInt128 DelegatedUstx,
    ulong? UntilBurnHeight,
    Txid Txid,
    uint Vtxindex,
    ulong BlockHeight,
    BlockHash BurnHeaderHash) : BurnOperation(Txid, Vtxindex, BlockHeight, BurnHeaderHash)
{
    public override BurnOpcode Opcode => BurnOpcode.DelegateStx;
}
