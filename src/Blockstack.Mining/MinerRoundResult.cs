using Blockstack.Bitcoin;
using Blockstack.Stacks;

namespace Blockstack.Mining;

/// <summary>What a miner round did.</summary>
public enum MinerAction
{
    /// <summary>Sent a LeaderKeyRegister.</summary>
    KeyRegistered,

    /// <summary>Sent a fresh LeaderBlockCommit for a new target.</summary>
    Committed,

    /// <summary>Replaced the ongoing commit (same inputs, higher fee rate).</summary>
    Replaced,

    /// <summary>Sent nothing; <see cref="MinerRoundResult.Reason"/> says why.</summary>
    Skipped,
}

/// <summary>Stable kebab-case codes of skipped rounds.</summary>
public static class MinerSkipCodes
{
    public const string NotInitialized = "miner-not-initialized";
    public const string NoBurnchain = "miner-no-burnchain";
    public const string WaitingForKey = "miner-waiting-for-key";
    public const string IdenticalCommit = "miner-identical-commit";
    public const string CommitConfirmed = "miner-commit-confirmed";
    public const string RbfCapReached = "miner-rbf-cap-reached";
    public const string InsufficientFunds = "miner-insufficient-funds";
    public const string AssemblyFailed = "miner-assembly-failed";
    public const string BitcoindError = "miner-bitcoind-error";
    public const string BitcoindUnavailable = "miner-bitcoind-unavailable";
    public const string StateError = "miner-state-error";
}

/// <summary>The outcome of <see cref="Miner.RunRoundAsync"/>, for logs and tests.</summary>
public sealed record MinerRoundResult(
    MinerAction Action,
    string? Code,
    string? Reason,
    Txid? Txid,
    ulong FeeRate,
    ulong Burn,
    ulong TargetBurnHeight,
    StacksBlockHash? BlockHash)
{
    public static MinerRoundResult Skipped(string code, string reason) => new(MinerAction.Skipped, code, reason, null, 0, 0, 0, null);

    public override string ToString() => Action == MinerAction.Skipped
        ? $"Skipped({Code}: {Reason})"
        : $"{Action}(txid {Txid}, target {TargetBurnHeight}, fee rate {FeeRate}, burn {Burn})";
}

/// <summary>Counters the host can read (and export): updated by the miner's single writer loop, read from anywhere.</summary>
public sealed class MinerMetrics
{
    private long _keyRegistrations;
    private long _commits;
    private long _rbfs;
    private long _blocksWon;
    private long _skipped;
    private long _errors;

    public long KeyRegistrationsSent => Interlocked.Read(ref _keyRegistrations);

    public long CommitsSent => Interlocked.Read(ref _commits);

    public long RbfsSent => Interlocked.Read(ref _rbfs);

    public long BlocksWon => Interlocked.Read(ref _blocksWon);

    public long RoundsSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Rounds that ended on a bitcoind or state error.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    internal void KeyRegistration() => Interlocked.Increment(ref _keyRegistrations);

    internal void Commit() => Interlocked.Increment(ref _commits);

    internal void Rbf() => Interlocked.Increment(ref _rbfs);

    internal void Won() => Interlocked.Increment(ref _blocksWon);

    internal void Skip() => Interlocked.Increment(ref _skipped);

    internal void Error() => Interlocked.Increment(ref _errors);
}
