using System.Net;

namespace Blockstack.Node.Peers;

/// <summary>
/// The peer network's settings (<c>[p2p]</c> in the config, docs/peer-protocol.md). Each default
/// is stated here once.
/// </summary>
public sealed record PeerOptions
{
    /// <summary>Protocol version spoken by this build; a peer with another version is refused.</summary>
    public const uint CurrentProtocolVersion = 1;

    /// <summary>Where the PeerService listens; null: no listener (the node still dials out).</summary>
    public IPEndPoint? Bind { get; init; }

    /// <summary>host:port other nodes dial to reach this one; null: <see cref="Bind"/>'s address.</summary>
    public string? Advertise { get; init; }

    /// <summary>host:port of the peers dialled at start and re-dialled while disconnected.</summary>
    public IReadOnlyList<string> BootstrapPeers { get; init; } = [];

    /// <summary>Most peers at once, inbound and outbound together. Default 32.</summary>
    public int MaxPeers { get; init; } = 32;

    /// <summary>Largest message sent or received on the p2p listener and by the peer client. Default 4 MiB.</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a peer that sent invalid data stays banned. Default one hour.</summary>
    public TimeSpan BanDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// An inbound session with no call for this long is dropped (its peer is gone; connected peers
    /// call at least every keep-alive interval, 5 s). Default 60 s.
    /// </summary>
    public TimeSpan InboundSessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most blocks one GetBlocks call asks for or serves. Default 32.</summary>
    public int MaxBlocksPerRequest { get; init; } = 32;

    /// <summary>Most entries one inventory call asks for or serves. Default 2,000.</summary>
    public int MaxInventoryEntries { get; init; } = 2_000;

    /// <summary>Most zonefiles one GetZonefiles call asks for or serves. Default 100.</summary>
    public int MaxZonefilesPerRequest { get; init; } = 100;

    /// <summary>Deadline of one outbound call (a GetBlocks stream as a whole). Default 30 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The address peers are told to dial back, or "" when this node does not listen.</summary>
    public string AdvertisedAddress => Advertise ?? Bind?.ToString() ?? "";

    /// <summary>Every problem with these options, each a sentence; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxPeers < 1)
        {
            problems.Add($"max_peers must be at least 1, got {MaxPeers}");
        }

        if (MaxMessageBytes < 64 * 1024)
        {
            problems.Add($"max_message_bytes must be at least 65536, got {MaxMessageBytes}");
        }

        foreach (var peer in BootstrapPeers)
        {
            if (!PeerAddress.TryParse(peer, out _, out var error))
            {
                problems.Add($"bootstrap peer '{peer}': {error}");
            }
        }

        return problems;
    }
}
