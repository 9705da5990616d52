using System.Buffers.Binary;
using Blockstack.Bitcoin;

namespace Blockstack.Burnchain.Ops;

/// <summary>Finds the PreStx whose output 1 a transaction's input 0 spends (this block or earlier ones on the chain).</summary>
public interface IPreStxLookup
{
    /// <summary>The PreStx with this txid, or null when none is known on the current chain.</summary>
    PreStxOp? FindPreStx(Txid txid);
}

/// <summary>The result of parsing one candidate: an operation or a coded rejection (never both).</summary>
public readonly record struct BurnOpParseResult(BurnOperation? Operation, BurnOpRejection? Rejection)
{
    public bool IsAccepted => Operation is not null;

    /// <summary>Neither an operation nor a rejection: not a transaction this parser handles.</summary>
    public static BurnOpParseResult Default => default;
}

/// <summary>
/// The burn-operation parsers (stacks-core's <c>from_tx</c> for each op): a candidate transaction
/// and its block context in, an operation or a coded rejection out. Pure and total: bad input
/// never throws. Check-time rules that need the sortition database live in the PoX layer; the
/// context-free ones are in <see cref="BurnOpChecks"/>.
/// </summary>
public static class BurnOpParser
{
    public const int LeaderKeyRegisterMinLength = 52;
    public const int LeaderBlockCommitMinLength = 77;
    public const int StackStxMinLength = 17;
    public const int TransferStxMinLength = 16;
    public const int TransferStxMaxLength = 77;
    public const int DelegateStxMinLength = 22;

    /// <summary>
    /// Parses a candidate by its opcode. Unknown and retired opcodes (UserBurnSupport, Nakamoto's
    /// VoteForAggregateKey, legacy Blockstack name ops) return neither op nor rejection.
    /// </summary>
    public static BurnOpParseResult Parse(BurnchainTransaction tx, BurnOpContext context, IPreStxLookup preStx) => (BurnOpcode)tx.Opcode switch
    {
        BurnOpcode.LeaderKeyRegister => ParseLeaderKeyRegister(tx, context),
        BurnOpcode.LeaderBlockCommit => ParseLeaderBlockCommit(tx, context),
        BurnOpcode.PreStx => ParsePreStx(tx, context),
        BurnOpcode.StackStx => ParseStackStx(tx, context, preStx),
        BurnOpcode.TransferStx => ParseTransferStx(tx, context, preStx),
        BurnOpcode.DelegateStx => ParseDelegateStx(tx, context, preStx),
        _ => default,
    };

    public static BurnOpParseResult ParseLeaderKeyRegister(BurnchainTransaction tx, BurnOpContext context)
    {
        if (!HasOpcode(tx, BurnOpcode.LeaderKeyRegister, out var wrong))
        {
            return wrong;
        }

        var data = tx.Data.Span;
        if (tx.Inputs.Count == 0)
        {
            return Reject(tx, BurnOpRejectionCode.NoInputs, "no inputs");
        }

        if (tx.Outputs.Count == 0)
        {
            return Reject(tx, BurnOpRejectionCode.TooFewOutputs, "no output after the OP_RETURN");
        }

        if (data.Length < LeaderKeyRegisterMinLength)
        {
            return Reject(tx, BurnOpRejectionCode.BadLength, $"payload is {data.Length} bytes, needs {LeaderKeyRegisterMinLength}");
        }

        if (!VrfPublicKeyBytes.TryCreate(data.Slice(20, 32), out var key))
        {
            return Reject(tx, BurnOpRejectionCode.BadVrfKey, "VRF public key does not decompress");
        }

        return Accept(new LeaderKeyRegisterOp(
            new ConsensusHash(new Hash160Bytes(data[..20])),
            key,
            new ByteString(data[52..]),
            tx.Txid,
            tx.Vtxindex,
            context.BlockHeight,
            context.BurnHeaderHash));
    }

    public static BurnOpParseResult ParseLeaderBlockCommit(BurnchainTransaction tx, BurnOpContext context)
    {
        if (!HasOpcode(tx, BurnOpcode.LeaderBlockCommit, out var wrong))
        {
            return wrong;
        }

        var data = tx.Data.Span;
        if (data.Length < LeaderBlockCommitMinLength)
        {
            return Reject(tx, BurnOpRejectionCode.BadLength, $"payload is {data.Length} bytes, needs {LeaderBlockCommitMinLength}");
        }

        if (tx.Inputs.Count == 0)
        {
            return Reject(tx, BurnOpRejectionCode.NoInputs, "no inputs");
        }

        var parentBlockPtr = BinaryPrimitives.ReadUInt32BigEndian(data[64..]);
        var parentVtxindex = BinaryPrimitives.ReadUInt16BigEndian(data[68..]);
        var keyBlockPtr = BinaryPrimitives.ReadUInt32BigEndian(data[70..]);
        var keyVtxindex = BinaryPrimitives.ReadUInt16BigEndian(data[74..]);
        var memoByte = data[76];

        if (parentBlockPtr == 0 && parentVtxindex != 0)
        {
            return Reject(tx, BurnOpRejectionCode.BadParentPointer, "parent block pointer 0 with non-zero vtxindex");
        }

        if (parentBlockPtr >= context.BlockHeight)
        {
            return Reject(tx, BurnOpRejectionCode.BadParentPointer, $"parent block pointer {parentBlockPtr} is not below {context.BlockHeight}");
        }

        if (keyBlockPtr == 0 || keyBlockPtr >= context.BlockHeight)
        {
            return Reject(tx, BurnOpRejectionCode.BadKeyPointer, $"key block pointer {keyBlockPtr} is 0 or not below {context.BlockHeight}");
        }

        if (tx.Outputs.Count == 0)
        {
            return Reject(tx, BurnOpRejectionCode.TooFewOutputs, "no commit output");
        }

        List<PoxAddress> commitOuts;
        ulong burnFee;
        if (context.IsInPreparePhase || context.IsAfterSunset)
        {
            var first = tx.Outputs[0];
            if (!first.Address.IsBurn)
            {
                return Reject(tx, BurnOpRejectionCode.BadCommitOutputs, "a single-output commit must pay a burn address");
            }

            commitOuts = [first.Address];
            burnFee = first.Amount;
        }
        else
        {
            if (tx.Outputs.Count < 2)
            {
                return Reject(tx, BurnOpRejectionCode.TooFewOutputs, "a reward-phase commit needs 2 commit outputs");
            }

            var amount = tx.Outputs[0].Amount;
            if (tx.Outputs[1].Amount != amount)
            {
                return Reject(tx, BurnOpRejectionCode.UnequalCommitOutputs, $"commit outputs carry {amount} and {tx.Outputs[1].Amount}");
            }

            commitOuts = [tx.Outputs[0].Address, tx.Outputs[1].Address];
            burnFee = checked(amount * 2);
        }

        if (burnFee == 0)
        {
            return Reject(tx, BurnOpRejectionCode.ZeroBurnFee, "commit burns nothing");
        }

        return Accept(new LeaderBlockCommitOp(
            new Hash256(data[..32]),
            new Hash256(data.Slice(32, 32)),
            parentBlockPtr,
            parentVtxindex,
            keyBlockPtr,
            keyVtxindex,
            (byte)(memoByte >> 3),
            (byte)(memoByte & 7),
            burnFee,
            tx.DataAmount,
            new ValueList<PoxAddress>(commitOuts),
            tx.Inputs[0].PrevOut,
            tx.Outputs.Count > commitOuts.Count ? tx.Outputs[commitOuts.Count].Address : null,
            tx.Txid,
            tx.Vtxindex,
            context.BlockHeight,
            context.BurnHeaderHash));
    }

    public static BurnOpParseResult ParsePreStx(BurnchainTransaction tx, BurnOpContext context)
    {
        if (!HasOpcode(tx, BurnOpcode.PreStx, out var wrong))
        {
            return wrong;
        }

        if (tx.Inputs.Count == 0)
        {
            return Reject(tx, BurnOpRejectionCode.NoInputs, "no inputs");
        }

        if (tx.Outputs.Count == 0)
        {
            return Reject(tx, BurnOpRejectionCode.TooFewOutputs, "no output after the OP_RETURN");
        }

        if (context.IsAfterSunset)
        {
            return Reject(tx, BurnOpRejectionCode.AfterSunset, "PreStx at or after the PoX sunset end");
        }

        if (!tx.Outputs[0].Address.TryGetStacksAddress(out var output))
        {
            return Reject(tx, BurnOpRejectionCode.NotStacksAddress, "vout 1 is not a legacy address");
        }

        return Accept(new PreStxOp(output, tx.Txid, tx.Vtxindex, context.BlockHeight, context.BurnHeaderHash));
    }

    public static BurnOpParseResult ParseStackStx(BurnchainTransaction tx, BurnOpContext context, IPreStxLookup preStx) =>
        TryResolveSender(tx, preStx, out var sender, out var rejected) ? ParseStackStx(tx, context, sender) : rejected;

    /// <summary>StackStx with the sender already known (stacks-core's <c>from_tx</c> with a given sender).</summary>
    public static BurnOpParseResult ParseStackStx(BurnchainTransaction tx, BurnOpContext context, StacksAddressValue sender)
    {
        if (!HasOpcode(tx, BurnOpcode.StackStx, out var wrong))
        {
            return wrong;
        }

        var data = tx.Data.Span;
        if (data.Length < StackStxMinLength)
        {
            return Reject(tx, BurnOpRejectionCode.BadLength, $"payload is {data.Length} bytes, needs {StackStxMinLength}");
        }

        if (!CheckCommon(tx, context, out var rejected))
        {
            return rejected;
        }

        var amount = BinaryPrimitives.ReadUInt128BigEndian(data);
        var cycles = data[16];
        ByteString? signerKey = data.Length >= 50 ? new ByteString(data.Slice(17, 33)) : null;
        UInt128? maxAmount = data.Length >= 66 ? BinaryPrimitives.ReadUInt128BigEndian(data[50..]) : null;
        uint? authId = data.Length >= 70 ? BinaryPrimitives.ReadUInt32BigEndian(data[66..]) : null;
        return Accept(new StackStxOp(
            sender,
            tx.Outputs[0].Address,
            amount,
            cycles,
            signerKey,
            maxAmount,
            authId,
            tx.Txid,
            tx.Vtxindex,
            context.BlockHeight,
            context.BurnHeaderHash));
    }

    public static BurnOpParseResult ParseTransferStx(BurnchainTransaction tx, BurnOpContext context, IPreStxLookup preStx) =>
        TryResolveSender(tx, preStx, out var sender, out var rejected) ? ParseTransferStx(tx, context, sender) : rejected;

    /// <summary>TransferStx with the sender already known.</summary>
    public static BurnOpParseResult ParseTransferStx(BurnchainTransaction tx, BurnOpContext context, StacksAddressValue sender)
    {
        if (!HasOpcode(tx, BurnOpcode.TransferStx, out var wrong))
        {
            return wrong;
        }

        var data = tx.Data.Span;
        if (data.Length is < TransferStxMinLength or > TransferStxMaxLength)
        {
            return Reject(tx, BurnOpRejectionCode.BadLength, $"payload is {data.Length} bytes, must be {TransferStxMinLength}..{TransferStxMaxLength}");
        }

        if (!CheckCommon(tx, context, out var rejected))
        {
            return rejected;
        }

        if (!tx.Outputs[0].Address.TryGetStacksAddress(out var recipient))
        {
            return Reject(tx, BurnOpRejectionCode.NotStacksAddress, "vout 1 is not a legacy address");
        }

        return Accept(new TransferStxOp(
            sender,
            recipient,
            BinaryPrimitives.ReadUInt128BigEndian(data),
            new ByteString(data[16..]),
            tx.Txid,
            tx.Vtxindex,
            context.BlockHeight,
            context.BurnHeaderHash));
    }

    public static BurnOpParseResult ParseDelegateStx(BurnchainTransaction tx, BurnOpContext context, IPreStxLookup preStx) =>
        TryResolveSender(tx, preStx, out var sender, out var rejected) ? ParseDelegateStx(tx, context, sender) : rejected;

    /// <summary>DelegateStx with the sender already known.</summary>
    public static BurnOpParseResult ParseDelegateStx(BurnchainTransaction tx, BurnOpContext context, StacksAddressValue sender)
    {
        if (!HasOpcode(tx, BurnOpcode.DelegateStx, out var wrong))
        {
            return wrong;
        }

        if (!context.Epoch.IsAtLeast21())
        {
            return Reject(tx, BurnOpRejectionCode.WrongEpoch, "DelegateStx exists from epoch 2.1");
        }

        var data = tx.Data.Span;
        if (data.Length < DelegateStxMinLength)
        {
            return Reject(tx, BurnOpRejectionCode.BadLength, $"payload is {data.Length} bytes, needs {DelegateStxMinLength}");
        }

        var rewardFlag = data[16];
        var rewardIndex = BinaryPrimitives.ReadUInt32BigEndian(data[17..]);
        var untilFlag = data[21];
        if (rewardFlag > 1 || untilFlag > 1)
        {
            return Reject(tx, BurnOpRejectionCode.BadFlag, $"flags are {rewardFlag} and {untilFlag}, each must be 0 or 1");
        }

        ulong? until = null;
        if (untilFlag == 1)
        {
            if (data.Length < 30)
            {
                return Reject(tx, BurnOpRejectionCode.BadLength, $"payload is {data.Length} bytes, until_burn_height needs 30");
            }

            until = BinaryPrimitives.ReadUInt64BigEndian(data[22..]);
        }

        if (!CheckCommon(tx, context, out var rejected))
        {
            return rejected;
        }

        if (!tx.Outputs[0].Address.TryGetStacksAddress(out var delegateTo))
        {
            return Reject(tx, BurnOpRejectionCode.NotStacksAddress, "vout 1 is not a legacy address");
        }

        DelegateRewardAddress? reward = null;
        if (rewardFlag == 1 && rewardIndex < (uint)tx.Outputs.Count)
        {
            reward = new DelegateRewardAddress(rewardIndex, tx.Outputs[(int)rewardIndex].Address);
        }

        return Accept(new DelegateStxOp(
            sender,
            delegateTo,
            reward,
            BinaryPrimitives.ReadUInt128BigEndian(data),
            until,
            tx.Txid,
            tx.Vtxindex,
            context.BlockHeight,
            context.BurnHeaderHash));
    }

    /// <summary>
    /// The sender of a StackStx/TransferStx/DelegateStx: input 0 must spend vout 1 of a known
    /// PreStx, whose output is the sender.
    /// </summary>
    public static bool TryResolveSender(BurnchainTransaction tx, IPreStxLookup preStx, out StacksAddressValue sender, out BurnOpParseResult rejected)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(preStx);
        sender = default;
        rejected = default;
        if (tx.Inputs.Count == 0)
        {
            rejected = Reject(tx, BurnOpRejectionCode.NoInputs, "no inputs");
            return false;
        }

        var prevOut = tx.Inputs[0].PrevOut;
        var pre = prevOut.Index == 1 ? preStx.FindPreStx(prevOut.Txid) : null;
        if (pre is null)
        {
            rejected = Reject(tx, BurnOpRejectionCode.NoPreStx, $"input 0 spends {prevOut}, not vout 1 of a known PreStx");
            return false;
        }

        sender = pre.Output;
        return true;
    }

    // Rules shared by the STX ops: an input, an output after the OP_RETURN, and (pre-2.1) not after sunset.
    private static bool CheckCommon(BurnchainTransaction tx, BurnOpContext context, out BurnOpParseResult rejected)
    {
        rejected = default;
        if (tx.Inputs.Count == 0)
        {
            rejected = Reject(tx, BurnOpRejectionCode.NoInputs, "no inputs");
            return false;
        }

        if (tx.Outputs.Count == 0)
        {
            rejected = Reject(tx, BurnOpRejectionCode.TooFewOutputs, "no output after the OP_RETURN");
            return false;
        }

        if (context.IsAfterSunset)
        {
            rejected = Reject(tx, BurnOpRejectionCode.AfterSunset, "at or after the PoX sunset end");
            return false;
        }

        return true;
    }

    private static bool HasOpcode(BurnchainTransaction tx, BurnOpcode expected, out BurnOpParseResult wrong)
    {
        wrong = default;
        return tx.Opcode == (byte)expected;
    }

    private static BurnOpParseResult Accept(BurnOperation op) => new(op, null);

    private static BurnOpParseResult Reject(BurnchainTransaction tx, BurnOpRejectionCode code, string detail) =>
        new(null, new BurnOpRejection(code, tx.Txid, tx.Vtxindex, tx.Opcode, detail));
}
