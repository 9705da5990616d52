namespace Blockstack.Node.Peers.Sync.Tests;

/// <summary>
/// One test node: a <see cref="FakePeerNode"/>, its <see cref="PeerBook"/>, a test server on
/// 127.0.0.1 (port 0) and, when started, a real <see cref="PeerNetwork"/> whose dial-back hook the
/// server drives.
/// </summary>
public sealed class TestPeer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    private TestPeer(FakePeerNode node, PeerBook book, TestPeerHost host, PeerOptions options)
    {
        Node = node;
        Book = book;
        Host = host;
        Options = options;
    }

    /// <summary>Short timings so tests finish quickly; every wait in a test is still bounded.</summary>
    public static PeerSyncOptions FastSync { get; } = new()
    {
        DialBackoffInitial = TimeSpan.FromMilliseconds(100),
        DialBackoffMax = TimeSpan.FromSeconds(1),
        KeepAliveInterval = TimeSpan.FromMilliseconds(300),
        DownloadInterval = TimeSpan.FromMilliseconds(200),
        InventoryRefresh = TimeSpan.FromMilliseconds(100),
        BlockRetryDelay = TimeSpan.FromSeconds(1),
        ZonefileInterval = TimeSpan.FromMilliseconds(200),
        ZonefileRetryInitial = TimeSpan.FromMilliseconds(200),
        ZonefileRetryMax = TimeSpan.FromSeconds(1),
    };

    public FakePeerNode Node { get; }

    public PeerBook Book { get; }

    public TestPeerHost Host { get; private set; }

    public TestServerState Server => Host.State;

    public PeerOptions Options { get; }

    public PeerNetwork? Network { get; private set; }

    public PeerAddress Address => Host.Address;

    /// <summary>This node as its peers see it.</summary>
    public PeerIdentity Identity => new(Book.NodeId, Address.ToString(), "test-peer");

    public static async Task<TestPeer> StartAsync(FakePeerNode node, PeerOptions? options = null)
    {
        options ??= new PeerOptions();
        var book = new PeerBook(options);
        var host = await TestPeerHost.StartAsync(new TestServerState(node, book));
        return new TestPeer(node, book, host, options with { Advertise = host.Address.ToString() });
    }

    /// <summary>Runs a <see cref="PeerNetwork"/> for this node, dialling <paramref name="bootstrap"/>.</summary>
    public PeerNetwork RunNetwork(PeerSyncOptions? sync = null, params TestPeer[] bootstrap)
    {
        var options = Options with { BootstrapPeers = [.. bootstrap.Select(p => p.Address.ToString())] };
        Network = new PeerNetwork(Node, Book, options, sync: sync ?? FastSync);
        Server.InboundHandshake = Network.OnInboundHandshake;
        _run = Network.RunAsync(_stop.Token);
        return Network;
    }

    /// <summary>Stops the server and starts a new one on the same port with a new book (a restarted node: new node id, no sessions).</summary>
    public async Task<PeerBook> RestartServerAsync()
    {
        var port = Address.Port;
        await Host.StopAsync();
        var book = new PeerBook(Book.Options);
        Host = await TestPeerHost.StartAsync(new TestServerState(Node, book), port);
        return book;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }

        Network?.Dispose();
        await Host.DisposeAsync();
        _stop.Dispose();
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until true or <paramref name="bound"/> passes (a bound on the test's run time, not an assertion about speed).</summary>
    public static async Task<bool> TrueWithinAsync(Func<bool> condition, TimeSpan bound)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < until)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }

    public static Task<bool> TrueAsync(Func<bool> condition) => TrueWithinAsync(condition, TimeSpan.FromSeconds(60));
}
