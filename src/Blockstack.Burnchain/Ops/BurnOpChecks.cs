namespace Blockstack.Burnchain.Ops;

/// <summary>How a commit's burn-parent modulus relates to the block it was mined in.</summary>
public enum CommitModulusStatus
{
    /// <summary>(modulus + 1) mod 5 equals height mod 5: on time.</summary>
    OnTime,

    /// <summary>Missed by one block (2.1+: a missed commit, kept only for UTXO chaining).</summary>
    MissedByOne,

    /// <summary>Missed by more than one block (2.1+: rejected).</summary>
    MissedFurther,
}

/// <summary>
/// The context-free part of the check-time rules (consensus.md §1.3 check 1, 2, 8 and §1.6–1.7),
/// for the PoX layer to call; the rules that need the sortition database stay there.
/// </summary>
public static class BurnOpChecks
{
    public const int BurnBlockMinedAtModulus = 5;

    /// <summary>(height − intended) mod 5 with intended = (modulus + 1) mod 5.</summary>
    public static int MissDistance(LeaderBlockCommitOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var intended = (op.BurnParentModulus + 1) % BurnBlockMinedAtModulus;
        var actual = (int)(op.BlockHeight % BurnBlockMinedAtModulus);
        return ((actual - intended) % BurnBlockMinedAtModulus + BurnBlockMinedAtModulus) % BurnBlockMinedAtModulus;
    }

    public static CommitModulusStatus CheckModulus(LeaderBlockCommitOp op) => MissDistance(op) switch
    {
        0 => CommitModulusStatus.OnTime,
        1 => CommitModulusStatus.MissedByOne,
        _ => CommitModulusStatus.MissedFurther,
    };

    /// <summary>2.05+: the memo (epoch marker) must be at least the epoch's marker.</summary>
    public static bool HasEpochMarker(LeaderBlockCommitOp op, StacksEpoch epoch)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.Memo >= epoch.CommitMemoMarker();
    }

    /// <summary>
    /// The output a later commit must spend to chain to <paramref name="op"/>: vout 2 after a
    /// single-output commit, vout 3 after a two-output commit.
    /// </summary>
    public static uint ExpectedChainingVout(LeaderBlockCommitOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.CommitOutputs.Count == 1 ? 2u : 3u;
    }

    public static bool StackStxAmountPositive(StackStxOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.StackedUstx > 0;
    }

    /// <summary>TransferStx: amount &gt; 0 and sender ≠ recipient.</summary>
    public static bool TransferStxValid(TransferStxOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.TransferedUstx > 0 && op.Sender != op.Recipient;
    }
}
