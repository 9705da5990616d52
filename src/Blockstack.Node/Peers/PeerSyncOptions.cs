namespace Blockstack.Node.Peers;

/// <summary>
/// Timings and bounds of the client side of the peer network (docs/peer-sync.md): dialling,
/// keep-alive, block download, relay and zonefile replication. Not in the config file; the
/// defaults suit a node, tests shorten them. Each default is stated here once.
/// </summary>
public sealed record PeerSyncOptions
{
    /// <summary>First delay before re-dialling a peer that dropped or could not be reached. Default 1 s.</summary>
    public TimeSpan DialBackoffInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between two dials of the same peer (the backoff doubles up to it). Default 30 s.</summary>
    public TimeSpan DialBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed dials after which a peer learned from a handshake (not a bootstrap peer) is forgotten. Default 5.</summary>
    public int MaxDialBackAttempts { get; init; } = 5;

    /// <summary>A connection idle this long is probed with a one-entry inventory call. Default 5 s.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the downloader looks for missing blocks without a burn-tip event. Default 2 s.</summary>
    public TimeSpan DownloadInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Age after which a peer's cached inventory is asked again when it lacks a wanted block. Default 1 s.</summary>
    public TimeSpan InventoryRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay before a block a peer did not deliver is asked from that same peer again. Default 5 s.</summary>
    public TimeSpan BlockRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most blocks requested and not yet applied at once (requests in flight plus staged blocks above the tip). Default 128.</summary>
    public int DownloadWindow { get; init; } = 128;

    /// <summary>Most GetBlocks calls outstanding to one peer. Default 2, so the next batch streams while the node applies the previous one.</summary>
    public int RequestsPerPeer { get; init; } = 2;

    /// <summary>Most pushes waiting for one peer; when full the oldest is dropped. Default 1,024.</summary>
    public int RelayQueueCapacity { get; init; } = 1_024;

    /// <summary>(kind, id, peer) pairs remembered to send an item to each peer at most once. Default 100,000.</summary>
    public int RelayMemory { get; init; } = 100_000;

    /// <summary>A block is relayed when its sortition is among this many newest burn blocks (or not yet known). Default 6.</summary>
    public int RelayRecentBurnBlocks { get; init; } = 6;

    /// <summary>How often missing zonefiles are looked for without a burn-tip event. Default 5 s.</summary>
    public TimeSpan ZonefileInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most missing zonefile hashes taken per replication round. Default 500.</summary>
    public int ZonefilesPerRound { get; init; } = 500;

    /// <summary>First delay before a zonefile no peer had is asked again (doubling per miss). Default 2 s.</summary>
    public TimeSpan ZonefileRetryInitial { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between two attempts at the same zonefile. Default 5 min.</summary>
    public TimeSpan ZonefileRetryMax { get; init; } = TimeSpan.FromMinutes(5);
}
