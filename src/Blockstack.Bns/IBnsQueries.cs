using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>
/// What the BNS gRPC service asks of the node, at the canonical tip. Listings page by an opaque
/// cursor (the last key served); the edge turns cursors into page tokens.
/// </summary>
public interface IBnsQueries
{
    BnsServiceState State { get; }

    ulong TipHeight { get; }

    BnsQueryResult<NameInfo> GetName(NameId id);

    /// <summary>
    /// True when <see cref="GetName"/> hands out one shared, immutable <see cref="NameInfo"/> per name
    /// and tip, so a caller may cache what it derives from one by the instance; false when every
    /// call builds a new one (caching by instance would then only grow).
    /// </summary>
    bool SharesNameInfos => false;

    BnsQueryResult<BnsPage<NameInfo>> ListNames(Buff ns, byte[]? cursor, int limit);

    BnsPage<NameInfo> ListNamesByOwner(Principal owner, byte[]? cursor, int limit);

    BnsQueryResult<BnsPage<NameHistoryEntry>> GetNameHistory(NameId id, byte[]? cursor, int limit);

    BnsPage<NamespaceInfo> ListNamespaces(byte[]? cursor, int limit);

    BnsQueryResult<NamespaceInfo> GetNamespace(Buff ns);

    BnsQueryResult<UInt128> GetNamePrice(NameId id);

    BnsQueryResult<UInt128> GetNamespacePrice(Buff ns);

    /// <summary>Whether a preorder+register of the name would be accepted now, and if not why (a kebab-case reason).</summary>
    BnsQueryResult<string?> CanRegisterName(NameId id);

    BnsQueryResult<(Buff Hash, byte[] Content)> GetZonefile(NameId id);

    BnsQueryResult<byte[]> GetZonefile(Buff hash);

    /// <summary>Stores a zonefile whose hash160 is a zonefile hash on chain; returns the hash and the names it matched.</summary>
    BnsQueryResult<(Buff Hash, IReadOnlyList<NameId> Names)> PutZonefile(ReadOnlySpan<byte> content);

    /// <summary>Name events from now on, optionally of one namespace, until cancelled.</summary>
    IAsyncEnumerable<NameEventInfo> WatchNames(Buff? ns, CancellationToken cancellationToken);
}
