using System.Net;
using Blockstack.Node.Config;
using Blockstack.Node.Hosting;

namespace Blockstack.Node.Tests.Peers;

/// <summary>The [p2p] section: defaults, file, environment and flags, and a clear error for each bad value.</summary>
[Trait("Category", "Unit")]
public sealed class P2pConfigTests : IDisposable
{
    private const string Minimal = "[node]\nnetwork = \"testnet\"\ndata_dir = \"/srv/bsn\"\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-p2p-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string toml)
    {
        var path = Path.Combine(_dir, "node.toml");
        System.IO.File.WriteAllText(path, toml);
        return path;
    }

    private static ConfigResult Load(string? file, Dictionary<string, string>? env = null, (string, string, string)[]? flags = null, bool selfContained = false) =>
        ConfigLoader.Load(new ConfigSources
        {
            FilePath = file,
            Environment = new Dictionary<string, string>(env ?? []) { ["BLOCKSTACK__BURNCHAIN__COOKIE_FILE"] = "/srv/btc/.cookie" },
            Flags = flags ?? [],
            SelfContained = selfContained,
            HomeDirectory = "/home/op",
        });

    [Fact]
    public void Load_NoP2pSection_DefaultsApply()
    {
        var r = Load(File(Minimal));

        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        var p2p = r.Config!.P2p;
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:20444"), p2p.Bind);
        Assert.Null(p2p.Advertise);
        Assert.Empty(p2p.BootstrapPeers);
        Assert.Equal(32, p2p.MaxPeers);
        Assert.Equal(4_194_304, p2p.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromHours(1), p2p.BanDuration);
    }

    [Fact]
    public void Load_FullSection_MapsToPeerOptions()
    {
        var r = Load(File(Minimal + "\n[p2p]\nbind = \"0.0.0.0:30444\"\nadvertise = \"node1.example.org:30444\"\nbootstrap_peers = \" 10.0.0.2:20444, Node3.Example.org:20444 ,10.0.0.2:20444\"\nmax_peers = 8\nmax_message_bytes = 1048576\nban_seconds = 60\n"));

        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        var options = r.Config!.P2p.ToPeerOptions();
        Assert.Equal(IPEndPoint.Parse("0.0.0.0:30444"), options.Bind);
        Assert.Equal("node1.example.org:30444", options.AdvertisedAddress);
        Assert.Equal(["10.0.0.2:20444", "node3.example.org:20444"], options.BootstrapPeers);
        Assert.Equal(8, options.MaxPeers);
        Assert.Equal(1_048_576, options.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(60), options.BanDuration);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Load_BindOff_NoListenerAndAdvertisesNothing()
    {
        var r = Load(File(Minimal + "\n[p2p]\nbind = \"off\"\n"));

        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        Assert.Null(r.Config!.P2p.Bind);
        Assert.Equal("", r.Config.P2p.ToPeerOptions().AdvertisedAddress);
    }

    [Theory]
    [InlineData("bind = \"localhost\"", "node.toml:6", "'p2p.bind' must be an IP address and port")]
    [InlineData("bind = 20444", "node.toml:6", "'p2p.bind' must be a string")]
    [InlineData("advertise = \"no-port\"", "node.toml:6", "'p2p.advertise' must be host:port")]
    [InlineData("bootstrap_peers = \"10.0.0.2:20444,10.0.0.3:99999\"", "node.toml:6", "bad peer address: '10.0.0.3:99999': the port must be 1..65535")]
    [InlineData("bootstrap_peers = \"10.0.0.2\"", "node.toml:6", "bad peer address: '10.0.0.2' is not host:port")]
    [InlineData("max_peers = 0", "node.toml:6", "'p2p.max_peers' must be between 1 and 10000 (got 0)")]
    [InlineData("max_message_bytes = 1000", "node.toml:6", "'p2p.max_message_bytes' must be between 65536 and 268435456 (got 1000)")]
    [InlineData("ban_seconds = -5", "node.toml:6", "'p2p.ban_seconds' must be between 1 and 2592000 (got -5)")]
    [InlineData("bind = \"127.0.0.1:20443\"", "node.toml:6", "'p2p.bind' must differ from 'node.grpc_bind'")]
    [InlineData("max_peer = 3", "node.toml:6", "did you mean 'p2p.max_peers'")]
    public void Load_BadValue_OneErrorWithItsLine(string line, string where, string message)
    {
        var r = Load(File(Minimal + "\n[p2p]\n" + line + "\n"));

        Assert.False(r.IsOk);
        var e = Assert.Single(r.Errors);
        Assert.Equal(where, e.Where);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EnvironmentAndFlags_LaterSourcesWin()
    {
        var r = Load(
            File(Minimal + "\n[p2p]\nbind = \"127.0.0.1:1111\"\nmax_peers = 5\n"),
            new() { ["BLOCKSTACK__P2P__MAX_PEERS"] = "7", ["BLOCKSTACK__P2P__BIND"] = "127.0.0.1:2222" },
            [("--p2p-bind", "p2p.bind", "127.0.0.1:0"), ("--bootstrap-peers", "p2p.bootstrap_peers", "127.0.0.1:3333,127.0.0.1:4444")]);

        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:0"), r.Config!.P2p.Bind);
        Assert.Equal(7, r.Config.P2p.MaxPeers);
        Assert.Equal(["127.0.0.1:3333", "127.0.0.1:4444"], r.Config.P2p.BootstrapPeers);
    }

    [Fact]
    public void Load_BadBootstrapFlag_ErrorNamesTheFlag()
    {
        var r = Load(File(Minimal), flags: [("--bootstrap-peers", "p2p.bootstrap_peers", "127.0.0.1:1,:5")]);

        var e = Assert.Single(r.Errors);
        Assert.Equal("--bootstrap-peers", e.Where);
        Assert.Contains("':5' is not host:port", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Regtest_KeepsTheDefaultP2pPort()
    {
        var r = Load(null, selfContained: true);

        Assert.True(r.IsOk, string.Join("\n", r.Errors));
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:20444"), r.Config!.P2p.Bind);
    }

    [Fact]
    public void Effective_ListsTheP2pSection()
    {
        var r = Load(File(Minimal + "\n[p2p]\nbootstrap_peers = \"10.0.0.2:20444\"\nban_seconds = 90\n"));

        var text = NodeLogging.Describe(r.Config!);
        Assert.Contains("p2p.bind = 127.0.0.1:20444\n", text, StringComparison.Ordinal);
        Assert.Contains("p2p.advertise = (unset)\n", text, StringComparison.Ordinal);
        Assert.Contains("p2p.bootstrap_peers = \"10.0.0.2:20444\"\n", text, StringComparison.Ordinal);
        Assert.Contains("p2p.max_peers = 32\n", text, StringComparison.Ordinal);
        Assert.Contains("p2p.max_message_bytes = 4194304\n", text, StringComparison.Ordinal);
        Assert.Contains("p2p.ban_seconds = 90\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_P2pFlags_ShowInTheEffectiveSettings()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Program.RunAsync(
            ["check-config", "--config", File(Minimal), "--p2p-bind", "off", "--bootstrap-peers", "10.0.0.9:20444"],
            stdout,
            stderr,
            new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__COOKIE_FILE"] = "/srv/btc/.cookie" },
            null);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("p2p.bind = off\n", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("p2p.bootstrap_peers = \"10.0.0.9:20444\"\n", stdout.ToString(), StringComparison.Ordinal);
    }
}
