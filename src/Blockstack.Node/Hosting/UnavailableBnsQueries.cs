using System.Runtime.CompilerServices;
using Blockstack.Bns;
using Blockstack.Stacks;

namespace Blockstack.Node.Hosting;

/// <summary>
/// BNS queries for a node whose runtime does not provide a BNS index (yet): BnsService answers
/// FAILED_PRECONDITION (<c>bns-not-synced</c>) and its health NOT_SERVING; NodeService is unaffected.
/// </summary>
public sealed class UnavailableBnsQueries : IBnsQueries
{
    private static readonly BnsQueryError NotAvailable = new(BnsQueryErrors.NotSynced, "this node has no BNS index");

    public BnsServiceState State => BnsServiceState.Syncing;

    public ulong TipHeight => 0;

    public BnsQueryResult<NameInfo> GetName(NameId id) => NotAvailable;

    public BnsQueryResult<BnsPage<NameInfo>> ListNames(Buff ns, byte[]? cursor, int limit) => NotAvailable;

    public BnsPage<NameInfo> ListNamesByOwner(Principal owner, byte[]? cursor, int limit) => new([], null);

    public BnsQueryResult<BnsPage<NameHistoryEntry>> GetNameHistory(NameId id, byte[]? cursor, int limit) => NotAvailable;

    public BnsPage<NamespaceInfo> ListNamespaces(byte[]? cursor, int limit) => new([], null);

    public BnsQueryResult<NamespaceInfo> GetNamespace(Buff ns) => NotAvailable;

    public BnsQueryResult<UInt128> GetNamePrice(NameId id) => NotAvailable;

    public BnsQueryResult<UInt128> GetNamespacePrice(Buff ns) => NotAvailable;

    public BnsQueryResult<string?> CanRegisterName(NameId id) => NotAvailable;

    public BnsQueryResult<(Buff Hash, byte[] Content)> GetZonefile(NameId id) => NotAvailable;

    public BnsQueryResult<byte[]> GetZonefile(Buff hash) => NotAvailable;

    public BnsQueryResult<(Buff Hash, IReadOnlyList<NameId> Names)> PutZonefile(ReadOnlySpan<byte> content) => NotAvailable;

    public async IAsyncEnumerable<NameEventInfo> WatchNames(Buff? ns, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}
