using Blockstack.Node.Peers;
using Microsoft.Extensions.Time.Testing;

namespace Blockstack.Node.Tests.Peers;

/// <summary>The peer table: admission, the peer limit, self, bans (by id and address, expiring) and sessions.</summary>
[Trait("Category", "Unit")]
public sealed class PeerBookTests
{
    private static readonly string Self = new('a', 64);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private PeerBook Book(int maxPeers = 3, TimeSpan? ban = null) =>
        new(new PeerOptions { MaxPeers = maxPeers, BanDuration = ban ?? TimeSpan.FromMinutes(10) }, _time, Self);

    private static PeerIdentity Peer(int n, string? listen = null) =>
        new(n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), listen ?? $"127.0.0.1:{20000 + n}", "test/1");

    [Fact]
    public void TryOpenInbound_NewPeer_AdmittedWithAFreshTokenAndAnEvent()
    {
        var book = Book();
        var seen = new List<PeerIdentity>();
        book.InboundHandshake += seen.Add;

        Assert.Equal(PeerAdmission.Admitted, book.TryOpenInbound(Peer(1), out var token));

        Assert.Equal(48, token.Length);
        Assert.Equal(1, book.Count);
        Assert.Equal(Peer(1), Assert.Single(seen));
        Assert.Equal(PeerSessionStatus.Open, book.GetSession(token, out var peer));
        Assert.Equal(Peer(1), peer);
        Assert.Equal(Peer(1), book.FindSession(token));
    }

    [Fact]
    public void TryOpenInbound_SamePeerTwice_CountsOnceAndOnlyTheNewTokenWorks()
    {
        var book = Book();
        book.TryOpenInbound(Peer(1), out var first);
        book.TryOpenInbound(Peer(1), out var second);
        Assert.Equal(PeerAdmission.Admitted, book.TryAddOutbound(Peer(1)));

        Assert.NotEqual(first, second);
        Assert.Equal(1, book.Count);
        Assert.Equal(PeerSessionStatus.Unknown, book.GetSession(first, out _));
        Assert.Equal(PeerSessionStatus.Open, book.GetSession(second, out _));
    }

    [Fact]
    public void TryOpenInbound_RestartedPeerAtTheSameAddress_ReplacesItsOldSession()
    {
        var book = Book();
        book.TryOpenInbound(Peer(1, "127.0.0.1:9000"), out var old);
        book.TryOpenInbound(Peer(2, "127.0.0.1:9000"), out var renewed);

        Assert.Equal(1, book.Count);
        Assert.Equal(PeerSessionStatus.Unknown, book.GetSession(old, out _));
        Assert.Equal(PeerSessionStatus.Open, book.GetSession(renewed, out _));
    }

    [Fact]
    public void TryOpenInbound_OverTheLimit_Full()
    {
        var book = Book(maxPeers: 2);
        Assert.Equal(PeerAdmission.Admitted, book.TryOpenInbound(Peer(1), out _));
        Assert.Equal(PeerAdmission.Admitted, book.TryAddOutbound(Peer(2)));

        Assert.Equal(PeerAdmission.Full, book.TryOpenInbound(Peer(3), out var token));
        Assert.Equal("", token);
        Assert.Equal(2, book.Count);

        book.Remove(Peer(2).NodeId, PeerDirection.Outbound);
        Assert.Equal(PeerAdmission.Admitted, book.TryOpenInbound(Peer(3), out _));
    }

    [Fact]
    public void TryOpenInbound_OwnNodeId_Self()
    {
        var book = Book();

        Assert.Equal(PeerAdmission.Self, book.TryOpenInbound(new PeerIdentity(Self, "127.0.0.1:1", "me"), out _));
        Assert.Equal(PeerAdmission.Self, book.TryAddOutbound(new PeerIdentity(Self, "127.0.0.1:1", "me")));
        Assert.Equal(0, book.Count);
    }

    [Fact]
    public void Ban_CoversNodeIdAndAddress_AndTheOldSessionIsDeniedUntilItExpires()
    {
        var book = Book(ban: TimeSpan.FromMinutes(10));
        var banned = new List<string>();
        book.PeerBanned += (p, reason) => banned.Add(p.NodeId + " " + reason);
        book.TryOpenInbound(Peer(1, "127.0.0.1:9001"), out var token);

        book.Ban(Peer(1, "127.0.0.1:9001"), "invalid block");

        Assert.Equal(0, book.Count);
        Assert.Equal(Peer(1).NodeId + " invalid block", Assert.Single(banned));
        Assert.Equal(PeerSessionStatus.Banned, book.GetSession(token, out _));
        Assert.Null(book.FindSession(token));
        // The same id elsewhere, and another id at the same address, are both refused.
        Assert.Equal(PeerAdmission.Banned, book.TryOpenInbound(Peer(1, "127.0.0.1:7777"), out _));
        Assert.Equal(PeerAdmission.Banned, book.TryOpenInbound(Peer(2, "127.0.0.1:9001"), out _));
        Assert.Equal(PeerAdmission.Banned, book.TryAddOutbound(Peer(1, "127.0.0.1:9001")));
        Assert.True(book.IsBanned("127.0.0.1:9001"));
        Assert.Equal(2, book.Bans.Count);
        Assert.Equal("invalid block", book.Bans[0].Reason);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(PeerAdmission.Banned, book.TryOpenInbound(Peer(1, "127.0.0.1:9001"), out _));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(book.Bans);
        Assert.Equal(PeerSessionStatus.Unknown, book.GetSession(token, out _));
        Assert.Equal(PeerAdmission.Admitted, book.TryOpenInbound(Peer(1, "127.0.0.1:9001"), out _));
    }

    [Fact]
    public void ListenAddress_AdvertisedUntilBoundThenSet()
    {
        var listening = new PeerBook(new PeerOptions { Bind = System.Net.IPEndPoint.Parse("127.0.0.1:0") }, _time, Self);
        var advertised = new PeerBook(new PeerOptions { Bind = System.Net.IPEndPoint.Parse("0.0.0.0:20444"), Advertise = "node1.example.org:20444" }, _time, Self);
        var silent = new PeerBook(new PeerOptions(), _time, Self);

        Assert.Equal("127.0.0.1:0", listening.ListenAddress);
        listening.ListenAddress = "127.0.0.1:40123";
        Assert.Equal("127.0.0.1:40123", listening.ListenAddress);
        Assert.Equal("node1.example.org:20444", advertised.ListenAddress);
        Assert.Equal("", silent.ListenAddress);
    }

    [Fact]
    public void GetSession_NoOrUnknownToken_Unknown()
    {
        var book = Book();
        book.TryOpenInbound(Peer(1), out _);

        Assert.Equal(PeerSessionStatus.Unknown, book.GetSession(null, out var none));
        Assert.Null(none);
        Assert.Equal(PeerSessionStatus.Unknown, book.GetSession("", out _));
        Assert.Equal(PeerSessionStatus.Unknown, book.GetSession(new string('0', 48), out _));
    }

    [Fact]
    public void TryOpenInbound_FullTable_APeerRestartedAtItsAddressStillGetsItsPlaceBack()
    {
        var book = Book(maxPeers: 2);
        book.TryOpenInbound(Peer(1, "127.0.0.1:9001"), out _);
        book.TryOpenInbound(Peer(2, "127.0.0.1:9002"), out _);

        Assert.Equal(PeerAdmission.Full, book.TryOpenInbound(Peer(3, "127.0.0.1:9003"), out _));
        Assert.Equal(PeerAdmission.Admitted, book.TryOpenInbound(Peer(4, "127.0.0.1:9002"), out var renewed));
        Assert.Equal(2, book.Count);
        Assert.Equal(Peer(4, "127.0.0.1:9002"), book.FindSession(renewed));
    }

    [Fact]
    public void InboundSession_IdleLongerThanTheTimeout_IsDroppedAndFreesItsPlace()
    {
        var book = new PeerBook(new PeerOptions { MaxPeers = 2, InboundSessionIdleTimeout = TimeSpan.FromSeconds(60) }, _time, Self);
        book.TryOpenInbound(Peer(1), out var busy);
        book.TryOpenInbound(Peer(2), out var idle);
        Assert.Equal(PeerAdmission.Full, book.TryOpenInbound(Peer(3), out _));

        // Peer 1 keeps calling; peer 2 falls silent.
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            Assert.Equal(PeerSessionStatus.Open, book.GetSession(busy, out _));
        }

        Assert.Equal(1, book.Count);
        Assert.Equal(PeerSessionStatus.Unknown, book.GetSession(idle, out _));
        Assert.Equal(PeerAdmission.Admitted, book.TryOpenInbound(Peer(3), out _));
        Assert.Equal(2, book.Count);
    }

    [Fact]
    public void InboundSession_UsedWithinTheTimeout_StaysOpen()
    {
        var book = new PeerBook(new PeerOptions { InboundSessionIdleTimeout = TimeSpan.FromSeconds(60) }, _time, Self);
        book.TryOpenInbound(Peer(1), out var token);
        _time.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal(Peer(1), book.FindSession(token));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, book.Count);
        Assert.Equal(PeerSessionStatus.Open, book.GetSession(token, out _));
    }
}
