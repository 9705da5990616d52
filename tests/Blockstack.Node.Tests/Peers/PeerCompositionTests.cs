using Blockstack.Node.Config;
using Blockstack.Node.Hosting;
using Blockstack.Node.Peers;
using Blockstack.Node.Runtime;
using Blockstack.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blockstack.Node.Tests.Peers;

/// <summary>The real composition (<c>start --regtest</c> in process): the p2p listener on its own port, wired to the runtime.</summary>
[Trait("Category", "Integration")]
public sealed class PeerCompositionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-peer-composition-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _out.Dispose();
        _err.Dispose();
    }

    [Fact]
    public async Task RunAsync_RegtestWithP2p_PeerServiceOnItsOwnPortCountsPeersAndIsAbsentFromTheClientPort()
    {
        var result = ConfigLoader.Load(new ConfigSources
        {
            SelfContained = true,
            Flags = [("--datadir", "node.data_dir", Path.Combine(_dir, "data")), ("--grpc-bind", "node.grpc_bind", "127.0.0.1:0"), ("--p2p-bind", "p2p.bind", "127.0.0.1:0")],
            Environment = new Dictionary<string, string> { ["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = "0", ["BLOCKSTACK__BURNCHAIN__BLOCK_INTERVAL"] = "0" },
        });
        Assert.True(result.IsOk, string.Join("\n", result.Errors));
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        Task<(HandshakeResponse Reply, uint PeerCount, StatusCode OnClientPort)>? probe = null;
        string? peerEndpoint = null;

        var exit = await NodeComposition.RunAsync(result.Config!, NodeComposition.DefaultRuntime, _out, _err, stop.Token, host =>
        {
            peerEndpoint = host.PeerEndpoint?.ToString();
            probe = Task.Run(async () =>
            {
                try
                {
                    return await ProbeAsync(host);
                }
                finally
                {
                    await stop.CancelAsync();
                }
            });
        });

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.NotNull(probe);
        var (reply, peerCount, onClientPort) = await probe;
        Assert.Equal(RuntimePeerNode.TestnetNetworkId, reply.NetworkId);
        Assert.Equal(48, reply.SessionToken.Length);
        Assert.Equal(peerEndpoint, reply.ListenAddress);
        Assert.Equal(1u, peerCount);
        Assert.Equal(StatusCode.Unimplemented, onClientPort);
        Assert.Empty(_err.ToString());
    }

    private static async Task<(HandshakeResponse, uint, StatusCode)> ProbeAsync(NodeHost host)
    {
        Assert.NotNull(host.PeerEndpoint);
        Assert.NotEqual(host.GrpcEndpoint.Port, host.PeerEndpoint.Port);
        using var client = GrpcChannel.ForAddress($"http://{host.GrpcEndpoint}");
        using var p2p = GrpcChannel.ForAddress($"http://{host.PeerEndpoint}");
        var node = new NodeService.NodeServiceClient(client);
        var genesis = await node.GetBlockAsync(new GetBlockRequest { Height = 0 });
        var request = new HandshakeRequest
        {
            NetworkId = RuntimePeerNode.TestnetNetworkId,
            ProtocolVersion = PeerOptions.CurrentProtocolVersion,
            FirstBurnBlockHash = NodeNetwork.Regtest.Burnchain.FirstBlockHash.ToString(),
            GenesisStateRoot = genesis.StateRoot,
            NodeId = new string('b', 64),
            ListenAddress = "127.0.0.1:1",
            UserAgent = "test",
        };
        var reply = await new PeerService.PeerServiceClient(p2p).HandshakeAsync(request);
        var info = await node.GetInfoAsync(new GetInfoRequest());
        var onClientPort = await Assert.ThrowsAsync<RpcException>(() => new PeerService.PeerServiceClient(client).HandshakeAsync(request).ResponseAsync);
        return (reply, info.PeerCount, onClientPort.StatusCode);
    }
}
