namespace Blockstack.Node.Cluster.Tests;

/// <summary>
/// The cluster the scenario tests share: a standalone burnchain, miner A with a small budget,
/// miner B with three times A's, follower F (miner off), and follower R, which only the SIGKILL
/// test touches (it stops R when done). Each test leaves the cluster converged.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Miner A's sats per block-commit; B commits <see cref="BudgetRatio"/> times as much.</summary>
    public const ulong BudgetA = 10_000;

    public const ulong BudgetRatio = 3;

    public const ulong BudgetB = BudgetA * BudgetRatio;

    private Cluster? _cluster;

    internal Cluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster did not start");

    public async Task InitializeAsync() =>
        _cluster = await Cluster.StartAsync([new ClusterNodeSpec("A", BudgetA), new ClusterNodeSpec("B", BudgetB), new ClusterNodeSpec("F"), new ClusterNodeSpec("R")], output: null);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
