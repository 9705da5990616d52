using System.Text;

namespace Blockstack.Node.Peers.Sync.Tests;

[Trait("Category", "Integration")]
public sealed class ZonefileReplicationTests
{
    private static readonly IReadOnlyList<TestSortition> Chain = TestChain.Build(5);

    private static byte[] Zonefile(int i) => Encoding.ASCII.GetBytes($"$ORIGIN name{i}.id\n$TTL 3600\n_http._tcp URI 10 1 \"https://example.com/{i}\"\n");

    [Fact]
    public async Task MissingZonefiles_WrongContentPeerBanned_FetchedFromTheOther()
    {
        await using var liar = await TestPeer.StartAsync(new FakePeerNode(Chain), new PeerOptions { MaxZonefilesPerRequest = 4 });
        await using var honest = await TestPeer.StartAsync(new FakePeerNode(Chain), new PeerOptions { MaxZonefilesPerRequest = 4 });
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain));
        liar.Server.Faults.CorruptZonefiles = true;
        var hashes = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            hashes.Add(follower.Node.AddZonefileOnChain(Zonefile(i), holdContent: false));
            liar.Node.AddZonefileOnChain(Zonefile(i), holdContent: true);
            honest.Node.AddZonefileOnChain(Zonefile(i), holdContent: true);
        }

        // A hash on chain that no peer holds stays missing, and nobody is banned for it.
        var nowhere = follower.Node.AddZonefileOnChain(Zonefile(99), holdContent: false);

        var network = follower.RunNetwork(null, liar);
        Assert.True(await Eventually.TrueAsync(() => follower.Book.IsBanned(liar.Book.NodeId)), "the peer serving wrong zonefiles was not banned");
        Assert.Contains(follower.Book.Bans, b => b.Reason.Contains("hashing to", StringComparison.Ordinal));
        Assert.DoesNotContain(follower.Node.Offers, o => o.Kind == PeerItemKind.Zonefile);

        network.AddPeer(honest.Address);
        Assert.True(await Eventually.TrueAsync(() => hashes.All(follower.Node.HasZonefile)));

        Assert.All(hashes, h => Assert.Equal(Zonefile(hashes.IndexOf(h)), follower.Node.GetZonefile(Convert.FromHexString(h))));
        Assert.False(follower.Node.HasZonefile(nowhere));
        Assert.False(follower.Book.IsBanned(honest.Book.NodeId));
        Assert.Equal(10, network.Zonefiles.Stored);
    }

    [Fact]
    public async Task MissingZonefile_HeldOnlyByTheSecondPeer_FoundThere()
    {
        await using var empty = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var holder = await TestPeer.StartAsync(new FakePeerNode(Chain));
        await using var follower = await TestPeer.StartAsync(new FakePeerNode(Chain));
        var hash = follower.Node.AddZonefileOnChain(Zonefile(1), holdContent: false);
        holder.Node.AddZonefileOnChain(Zonefile(1), holdContent: true);

        follower.RunNetwork(null, empty, holder);

        Assert.True(await Eventually.TrueAsync(() => follower.Node.HasZonefile(hash)));
        Assert.Empty(follower.Book.Bans);
    }
}
