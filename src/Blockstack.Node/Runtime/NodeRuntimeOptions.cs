using Blockstack.Burnchain;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Chain;
using Blockstack.Pox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Runtime;

/// <summary>
/// One network's parameters for every layer, chosen by name. Each project names its presets its
/// own way (<see cref="BurnchainParameters.ForNetwork"/>, <see cref="PoxParameters.For"/>,
/// <see cref="ChainParameters.Regtest"/>); this record keeps them together and consistent.
/// </summary>
public sealed record NodeNetwork(string Name, BurnchainParameters Burnchain, PoxParameters Pox, ChainParameters Chain)
{
    public static NodeNetwork Mainnet { get; } = Of(BurnchainParameters.Mainnet(), ChainParameters.Mainnet);

    public static NodeNetwork Testnet { get; } = Of(BurnchainParameters.Testnet(), ChainParameters.Testnet);

    public static NodeNetwork Regtest { get; } = Of(BurnchainParameters.Regtest(), ChainParameters.Regtest);

    /// <summary>"mainnet", "testnet" or "regtest"; false for any other name.</summary>
    public static bool TryForName(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NodeNetwork? network)
    {
        network = name switch
        {
            "mainnet" => Mainnet,
            "testnet" => Testnet,
            "regtest" => Regtest,
            _ => null,
        };
        return network is not null;
    }

    /// <summary>The same network with other genesis balances (regtest and tests fund accounts this way).</summary>
    public NodeNetwork WithGenesis(IReadOnlyList<GenesisBalance> balances) => this with { Chain = Chain with { GenesisBalances = balances } };

    private static NodeNetwork Of(BurnchainParameters burnchain, ChainParameters chain) =>
        new(burnchain.Name, burnchain, PoxParameters.For(burnchain), chain);
}

/// <summary>Hooks that let tests stop the runtime at chosen instants (crash tests). Never set by the host.</summary>
public sealed record NodeRuntimeTestHooks
{
    /// <summary>Run just before each burnchain index batch commits.</summary>
    public Action? WatcherBeforeCommit { get; init; }

    /// <summary>Run just before each sortition batch commits.</summary>
    public Action? SortitionBeforeCommit { get; init; }
}

/// <summary>Settings of the node runtime; each default is stated here once.</summary>
public sealed record NodeRuntimeOptions
{
    /// <summary>Root data directory; stores live under <c>&lt;DataDirectory&gt;/&lt;network&gt;/</c>. Required unless <see cref="InMemory"/>.</summary>
    public string? DataDirectory { get; init; }

    public required NodeNetwork Network { get; init; }

    /// <summary>bitcoind (or the embedded regtest chain) over JSON-RPC.</summary>
    public required IBitcoinRpc Rpc { get; init; }

    /// <summary>Poll interval, outage delay and stable confirmations of the watcher.</summary>
    public BurnchainWatcherOptions Watcher { get; init; } = new();

    /// <summary>Native contracts besides <c>pox</c> (the host adds BNS).</summary>
    public IReadOnlyList<INativeContract> NativeContracts { get; init; } = [];

    /// <summary>Keep every store in memory (tests only: nothing survives the process). Default false.</summary>
    public bool InMemory { get; init; }

    /// <summary>RocksDB settings for the on-disk stores; null: the storage defaults (sync writes on).</summary>
    public Blockstack.Storage.RocksStoreOptions? Rocks { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How many blocks may wait in staging at once. Default 1,024.</summary>
    public int StagingCapacity { get; init; } = 1024;

    /// <summary>
    /// Burn blocks a staged block is kept after it was staged or last won a sortition; older ones can
    /// no longer win (their sortition passed with another winner) and are dropped. Default 24.
    /// </summary>
    public ulong StagingRetentionBurnBlocks { get; init; } = 24;

    /// <summary>Synced turns false again when bitcoind is this many burn blocks ahead. Default 6.</summary>
    public ulong SyncedLagThreshold { get; init; } = 6;

    /// <summary>How many dropped transactions (with their reason) are remembered. Default 10,000.</summary>
    public int DroppedTransactionMemory { get; init; } = 10_000;

    /// <summary>Minimum time between two initial-sync progress log lines. Default 10 s.</summary>
    public TimeSpan ProgressLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Crash hooks for tests; null in production.</summary>
    public NodeRuntimeTestHooks? TestHooks { get; init; }

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> with a clear message.</summary>
    public void Validate()
    {
        if (!InMemory && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("the node runtime needs a data directory (or InMemory for tests)", nameof(DataDirectory));
        }

        if (Network.Burnchain.Name != Network.Chain.Name)
        {
            throw new ArgumentException($"burnchain parameters are for {Network.Burnchain.Name} but chain parameters for {Network.Chain.Name}", nameof(Network));
        }

        if (StagingCapacity < 1)
        {
            throw new ArgumentException("StagingCapacity must be at least 1", nameof(StagingCapacity));
        }

        if (DroppedTransactionMemory < 0)
        {
            throw new ArgumentException("DroppedTransactionMemory must not be negative", nameof(DroppedTransactionMemory));
        }
    }
}
