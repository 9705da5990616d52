using Blockstack.Stacks;

namespace Blockstack.Chain;

/// <summary>An initial balance written into the genesis state.</summary>
public readonly record struct GenesisBalance(StacksAddress Address, ulong Ustx);

/// <summary>
/// Network parameters of the chain state machine: immutable, chosen by name
/// (<see cref="Mainnet"/>, <see cref="Testnet"/>, <see cref="Regtest"/>), never global.
/// </summary>
public sealed record ChainParameters
{
    public required string Name { get; init; }

    public required TransactionVersion TransactionVersion { get; init; }

    public required uint ChainId { get; init; }

    /// <summary>First burn block height; PoX cycles and the coinbase schedule count from here.</summary>
    public required ulong FirstBurnHeight { get; init; }

    public required ulong RewardCycleLength { get; init; }

    public required ulong PrepareLength { get; init; }

    /// <summary>pox-2 <c>STACKING_THRESHOLD_25</c>: the minimum is liquid supply divided by this.</summary>
    public required ulong StackingThresholdDivisor { get; init; }

    /// <summary>Stacks blocks until a miner reward is credited (100).</summary>
    public int MinerRewardMaturity { get; init; } = 100;

    /// <summary>Initial balances (genesis state). Order does not matter: the root depends on the map only.</summary>
    public IReadOnlyList<GenesisBalance> GenesisBalances { get; init; } = [];

    /// <summary>Most transactions the mempool holds.</summary>
    public int MempoolCapacity { get; init; } = 10_000;

    /// <summary>Most pending transactions per sender nonce chain.</summary>
    public int MempoolMaxChain { get; init; } = 25;

    /// <summary>The boot address that owns the native contracts (<c>SP000…</c> / <c>ST000…</c>).</summary>
    public StacksAddress BootAddress => new(
        TransactionVersion == TransactionVersion.Mainnet ? StacksAddressVersion.MainnetSingleSig : StacksAddressVersion.TestnetSingleSig,
        Hash160.Zero);

    public static ChainParameters Mainnet { get; } = new()
    {
        Name = "mainnet",
        TransactionVersion = TransactionVersion.Mainnet,
        ChainId = StacksTransaction.MainnetChainId,
        FirstBurnHeight = 666050,
        RewardCycleLength = 2100,
        PrepareLength = 100,
        StackingThresholdDivisor = 20000,
    };

    public static ChainParameters Testnet { get; } = new()
    {
        Name = "testnet",
        TransactionVersion = TransactionVersion.Testnet,
        ChainId = StacksTransaction.TestnetChainId,
        FirstBurnHeight = 2000000,
        RewardCycleLength = 1050,
        PrepareLength = 50,
        StackingThresholdDivisor = 8000,
    };

    /// <summary>Regtest: short cycles; pass the genesis balances with <c>with { GenesisBalances = … }</c>.</summary>
    public static ChainParameters Regtest { get; } = new()
    {
        Name = "regtest",
        TransactionVersion = TransactionVersion.Testnet,
        ChainId = StacksTransaction.TestnetChainId,
        FirstBurnHeight = 0,
        RewardCycleLength = 5,
        PrepareLength = 3,
        StackingThresholdDivisor = 8000,
    };

    /// <summary>Reward cycle of a burn height (pox-2 <c>burn-height-to-reward-cycle</c>).</summary>
    public ulong RewardCycleOf(ulong burnHeight) =>
        burnHeight < FirstBurnHeight ? 0 : (burnHeight - FirstBurnHeight) / RewardCycleLength;

    /// <summary>Burn height where a cycle starts (pox-2 <c>reward-cycle-to-burn-height</c>; no +1).</summary>
    public ulong RewardCycleStart(ulong cycle) => checked(FirstBurnHeight + (cycle * RewardCycleLength));

    /// <summary>Reward slots per cycle: (L − P) × 2.</summary>
    public ulong RewardSlots => (RewardCycleLength - PrepareLength) * 2;
}

/// <summary>The coinbase schedule (consensus.md §6), in µSTX.</summary>
public static class CoinbaseSchedule
{
    public const ulong MicroStxPerStx = 1_000_000;
    private const ulong Interval = 52596;

    /// <summary>Coinbase of a sortition at <paramref name="burnHeight"/>.</summary>
    public static ulong At(ChainParameters parameters, ulong burnHeight)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var effective = burnHeight < parameters.FirstBurnHeight ? 0 : burnHeight - parameters.FirstBurnHeight;
        return effective switch
        {
            < 4 * Interval => 1000 * MicroStxPerStx,
            < 8 * Interval => 500 * MicroStxPerStx,
            < 12 * Interval => 250 * MicroStxPerStx,
            _ => 125 * MicroStxPerStx,
        };
    }

    /// <summary>
    /// What the winner of the sortition at <paramref name="burnHeight"/> is paid: its own coinbase plus
    /// the coinbases of the <paramref name="missedBefore"/> burn blocks just before it that had no winner.
    /// </summary>
    public static UInt128 WithAccumulated(ChainParameters parameters, ulong burnHeight, ulong missedBefore)
    {
        UInt128 total = At(parameters, burnHeight);
        for (ulong k = 1; k <= missedBefore && k <= burnHeight; k++)
        {
            total = checked(total + At(parameters, burnHeight - k));
        }

        return total;
    }
}
