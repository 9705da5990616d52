using Blockstack.Bitcoin;

namespace Blockstack.Burnchain.Ops;

/// <summary>Why a candidate burn transaction was not turned into an operation (catalogue in docs/burnchain.md).</summary>
public enum BurnOpRejectionCode
{
    /// <summary>The payload is shorter (or longer) than the operation allows.</summary>
    BadLength,

    /// <summary>The transaction has no inputs.</summary>
    NoInputs,

    /// <summary>Too few outputs after the OP_RETURN for this operation.</summary>
    TooFewOutputs,

    /// <summary>An output after the OP_RETURN is not an address the epoch accepts.</summary>
    BadOutput,

    /// <summary>Pre-2.1: an input is not a structured (recognisable) spend.</summary>
    BadInput,

    /// <summary>The VRF public key is not a curve point.</summary>
    BadVrfKey,

    /// <summary>Parent pointer is not in the past, or 0 with a non-zero vtxindex.</summary>
    BadParentPointer,

    /// <summary>Key pointer is 0 or not in the past.</summary>
    BadKeyPointer,

    /// <summary>Commit outputs are not what the block's phase requires (a burn in the prepare phase or after sunset).</summary>
    BadCommitOutputs,

    /// <summary>The two PoX commit outputs carry different amounts.</summary>
    UnequalCommitOutputs,

    /// <summary>The commit burns nothing.</summary>
    ZeroBurnFee,

    /// <summary>Pre-2.1: the operation is not allowed at or after the PoX sunset end.</summary>
    AfterSunset,

    /// <summary>Output 1 is not a legacy address that converts to a Stacks address.</summary>
    NotStacksAddress,

    /// <summary>Input 0 does not spend output 1 of a known PreStx.</summary>
    NoPreStx,

    /// <summary>A DelegateStx flag byte is neither 0 nor 1.</summary>
    BadFlag,

    /// <summary>The operation does not exist in this epoch (DelegateStx before 2.1).</summary>
    WrongEpoch,
}

/// <summary>A rejected candidate: the stable code, the transaction, and a human-readable detail.</summary>
public sealed record BurnOpRejection(BurnOpRejectionCode Code, Txid Txid, uint Vtxindex, byte Opcode, string Detail)
{
    /// <summary>The stable kebab-case code (<c>burn-op-bad-length</c>, ...).</summary>
    public string CodeText => Code.ToCode();

    public override string ToString() => $"{CodeText} ({(char)Opcode}) {Txid}: {Detail}";
}

public static class BurnOpRejectionCodes
{
    public static string ToCode(this BurnOpRejectionCode code) => code switch
    {
        BurnOpRejectionCode.BadLength => "burn-op-bad-length",
        BurnOpRejectionCode.NoInputs => "burn-op-no-inputs",
        BurnOpRejectionCode.TooFewOutputs => "burn-op-too-few-outputs",
        BurnOpRejectionCode.BadOutput => "burn-op-bad-output",
        BurnOpRejectionCode.BadInput => "burn-op-bad-input",
        BurnOpRejectionCode.BadVrfKey => "burn-op-bad-vrf-key",
        BurnOpRejectionCode.BadParentPointer => "burn-op-bad-parent-pointer",
        BurnOpRejectionCode.BadKeyPointer => "burn-op-bad-key-pointer",
        BurnOpRejectionCode.BadCommitOutputs => "burn-op-bad-commit-outputs",
        BurnOpRejectionCode.UnequalCommitOutputs => "burn-op-unequal-commit-outputs",
        BurnOpRejectionCode.ZeroBurnFee => "burn-op-zero-burn-fee",
        BurnOpRejectionCode.AfterSunset => "burn-op-after-sunset",
        BurnOpRejectionCode.NotStacksAddress => "burn-op-not-stacks-address",
        BurnOpRejectionCode.NoPreStx => "burn-op-no-pre-stx",
        BurnOpRejectionCode.BadFlag => "burn-op-bad-flag",
        BurnOpRejectionCode.WrongEpoch => "burn-op-wrong-epoch",
        _ => "burn-op-unknown",
    };

    /// <summary>The stacks-core <c>op_error</c> variant the same input produces there (for vectors).</summary>
    public static string ToUpstreamError(this BurnOpRejectionCode code) => code switch
    {
        BurnOpRejectionCode.BadCommitOutputs => "BlockCommitBadOutputs",
        BurnOpRejectionCode.BadLength or BurnOpRejectionCode.UnequalCommitOutputs or BurnOpRejectionCode.ZeroBurnFee
            or BurnOpRejectionCode.BadFlag or BurnOpRejectionCode.BadVrfKey => "ParseError",
        _ => "InvalidInput",
    };
}
