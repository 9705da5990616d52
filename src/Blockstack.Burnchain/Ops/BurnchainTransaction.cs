using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Burnchain.Ops;

/// <summary>One input of a candidate transaction, taken raw (2.1 rules: inputs never reject a tx).</summary>
public readonly record struct BurnchainInput(OutPoint PrevOut, ByteString ScriptSig, ValueList<ByteString> Witness);

/// <summary>One output after the OP_RETURN: its decoded address and value in satoshis.</summary>
public readonly record struct BurnchainOutput(PoxAddress Address, ulong Amount);

/// <summary>
/// A Bitcoin transaction that carries a Stacks burn operation: OP_RETURN output 0 pushes
/// magic || opcode || data. <see cref="Outputs"/> excludes the OP_RETURN, so Outputs[0] is
/// Bitcoin vout 1. <see cref="DataAmount"/> is the OP_RETURN's value (the pre-2.1 sunset burn).
/// </summary>
public sealed record BurnchainTransaction(
    Txid Txid,
    uint Vtxindex,
    byte Opcode,
    ByteString Data,
    ulong DataAmount,
    ValueList<BurnchainInput> Inputs,
    ValueList<BurnchainOutput> Outputs);

/// <summary>The header facts of one burn block the layers above need.</summary>
public readonly record struct BurnBlockHeader(ulong Height, BlockHash Hash, BlockHash ParentHash, uint Timestamp)
{
    public override string ToString() => $"{Height}:{Hash}";
}

/// <summary>
/// Where a burn operation sits: the block it was mined in and its index there. Parsers take it
/// with the transaction; nothing in it is read from a clock or a database.
/// </summary>
public sealed record BurnOpContext(BurnchainParameters Parameters, ulong BlockHeight, BlockHash BurnHeaderHash, StacksEpoch Epoch)
{
    public static BurnOpContext For(BurnchainParameters parameters, BurnBlockHeader header) =>
        new(parameters, header.Height, header.Hash, parameters.EpochAt(header.Height));

    public bool IsInPreparePhase => Parameters.Pox.IsInPreparePhase(Parameters.FirstBlockHeight, BlockHeight);

    public bool IsAfterSunset => !Epoch.IsAtLeast21() && BlockHeight >= Parameters.Pox.SunsetEnd;
}
