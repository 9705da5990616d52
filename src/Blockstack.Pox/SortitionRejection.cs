using Blockstack.Bitcoin;

namespace Blockstack.Pox;

/// <summary>Why an operation parsed by the burnchain layer did not enter a sortition (catalogue in docs/pox.md).</summary>
public enum SortitionRejectionCode
{
    /// <summary>The VRF key was registered before in this fork, or earlier in the same block.</summary>
    KeyDuplicate,

    /// <summary>The commit burns nothing.</summary>
    CommitZeroBurn,

    /// <summary>The commit missed its target block by one; kept for UTXO chaining only.</summary>
    CommitMissed,

    /// <summary>The commit missed its target block by more than one (or before genesis).</summary>
    CommitBadModulus,

    /// <summary>The commit outputs are not the expected reward recipients or burns.</summary>
    CommitBadOutputs,

    /// <summary>The commit pays burns although its parent descends from the cycle's anchor block.</summary>
    CommitMustPayRecipients,

    /// <summary>The commit pays the recipients although its parent does not descend from the anchor.</summary>
    CommitNotAnchorDescendant,

    /// <summary>Another commit earlier in this fork already committed to the same Stacks block.</summary>
    CommitDuplicateBlock,

    /// <summary>No accepted leader key at the key pointer in this fork (or not earlier than the commit).</summary>
    CommitNoLeaderKey,

    /// <summary>No accepted commit at the parent pointer in this fork, or the parent is in the same block.</summary>
    CommitNoParent,

    /// <summary>The memo is below the 2.1 epoch marker (0x06).</summary>
    CommitBadEpochMarker,
}

/// <summary>A rejected operation: the stable code, the transaction and a human-readable detail.</summary>
public sealed record SortitionRejection(SortitionRejectionCode Code, Txid Txid, uint Vtxindex, string Detail)
{
    public string CodeText => Code.ToCode();

    public override string ToString() => $"{CodeText} {Txid}: {Detail}";
}

public static class SortitionRejectionCodes
{
    public static string ToCode(this SortitionRejectionCode code) => code switch
    {
        SortitionRejectionCode.KeyDuplicate => "pox-key-duplicate",
        SortitionRejectionCode.CommitZeroBurn => "pox-commit-zero-burn",
        SortitionRejectionCode.CommitMissed => "pox-commit-missed",
        SortitionRejectionCode.CommitBadModulus => "pox-commit-bad-modulus",
        SortitionRejectionCode.CommitBadOutputs => "pox-commit-bad-outputs",
        SortitionRejectionCode.CommitMustPayRecipients => "pox-commit-must-pay-recipients",
        SortitionRejectionCode.CommitNotAnchorDescendant => "pox-commit-not-anchor-descendant",
        SortitionRejectionCode.CommitDuplicateBlock => "pox-commit-duplicate-block",
        SortitionRejectionCode.CommitNoLeaderKey => "pox-commit-no-leader-key",
        SortitionRejectionCode.CommitNoParent => "pox-commit-no-parent",
        SortitionRejectionCode.CommitBadEpochMarker => "pox-commit-bad-epoch-marker",
        _ => "pox-unknown",
    };
}
