using System.Net;
using Blockstack.Node.Peers;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Runtime.Tests.Peers;

/// <summary>PeerService over a real gRPC client and the p2p Kestrel on 127.0.0.1 (port 0), in front of a real runtime.</summary>
[Trait("Category", "Integration")]
public sealed class PeerGrpcServiceTests(PeerChain fixture) : IClassFixture<PeerChain>
{
    private NodeRuntime Runtime => fixture.Runtime;

    /// <summary>A p2p listener over the fixture's runtime with its own peer table, and a client channel to it.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private Server(RuntimePeerNode node, PeerBook book, PeerHost host, GrpcChannel channel)
        {
            Node = node;
            Book = book;
            Host = host;
            Channel = channel;
            Client = new PeerService.PeerServiceClient(channel);
        }

        public RuntimePeerNode Node { get; }

        public PeerBook Book { get; }

        public PeerHost Host { get; }

        public GrpcChannel Channel { get; }

        public PeerService.PeerServiceClient Client { get; }

        public static async Task<Server> StartAsync(PeerChain fixture, PeerOptions? options = null)
        {
            var node = new RuntimePeerNode(fixture.Runtime, fixture.Bns);
            var book = new PeerBook(options ?? new PeerOptions { Bind = new IPEndPoint(IPAddress.Loopback, 0) });
            var host = PeerHost.Create(new IPEndPoint(IPAddress.Loopback, 0), new PeerServerContext(node, book, () => fixture.Runtime.IsShuttingDown), NullLoggerFactory.Instance);
            await host.StartAsync(fixture.Ct);
            var channel = GrpcChannel.ForAddress($"http://{host.Endpoint}", new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
            return new Server(node, book, host, channel);
        }

        public HandshakeRequest Request(int peer) => new()
        {
            NetworkId = Node.NetworkId,
            ProtocolVersion = PeerOptions.CurrentProtocolVersion,
            FirstBurnBlockHash = Node.FirstBurnBlockHash,
            GenesisStateRoot = Node.GenesisStateRoot,
            NodeId = PeerChain.Peer(peer).NodeId,
            ListenAddress = PeerChain.Peer(peer).ListenAddress,
            UserAgent = "test-peer/1",
            Tips = Node.GetTips(),
        };

        public async Task<Metadata> SessionAsync(int peer)
        {
            var reply = await Client.HandshakeAsync(Request(peer));
            return new Metadata { { PeerErrors.SessionHeader, reply.SessionToken } };
        }

        public async ValueTask DisposeAsync()
        {
            Channel.Dispose();
            await Host.DisposeAsync();
            Node.Dispose();
        }
    }

    private static async Task<RpcException> Fails(StatusCode status, string code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(status, e.StatusCode);
        Assert.StartsWith(code + ": ", e.Status.Detail, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public async Task Handshake_SameChain_OpensASessionWithTheServersViewAndLimits()
    {
        await using var server = await Server.StartAsync(fixture, new PeerOptions { MaxBlocksPerRequest = 5, MaxInventoryEntries = 9 });
        var dialled = new List<PeerIdentity>();
        server.Book.InboundHandshake += dialled.Add;

        var reply = await server.Client.HandshakeAsync(server.Request(1));

        Assert.Equal(0x80000000u, reply.NetworkId);
        Assert.Equal(PeerOptions.CurrentProtocolVersion, reply.ProtocolVersion);
        Assert.Equal(server.Node.FirstBurnBlockHash, reply.FirstBurnBlockHash);
        Assert.Equal(server.Node.GenesisStateRoot, reply.GenesisStateRoot);
        Assert.Equal(server.Book.NodeId, reply.NodeId);
        Assert.Equal(server.Host.Endpoint.ToString(), reply.ListenAddress);
        Assert.Equal(Runtime.Chain.Tip.Id.ToString(), reply.Tips.StacksTipIndexBlockHash);
        Assert.Equal(48, reply.SessionToken.Length);
        Assert.Equal((4u * 1024 * 1024, 5u, 9u, 100u), (reply.MaxMessageBytes, reply.MaxBlocksPerRequest, reply.MaxInventoryEntries, reply.MaxZonefilesPerRequest));
        Assert.Equal(1, server.Book.Count);
        Assert.Equal(PeerChain.Peer(1), Assert.Single(dialled));
    }

    [Fact]
    public async Task Handshake_OtherChainOrSelfOrBadFields_RefusedWithAPreciseReason()
    {
        await using var server = await Server.StartAsync(fixture);
        var ok = server.Request(1);

        var network = await Fails(StatusCode.FailedPrecondition, PeerErrors.NetworkMismatch, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.NetworkId = 0x17000000)).ResponseAsync);
        Assert.Contains("0x17000000", network.Status.Detail, StringComparison.Ordinal);
        await Fails(StatusCode.FailedPrecondition, PeerErrors.VersionMismatch, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.ProtocolVersion = 99)).ResponseAsync);
        await Fails(StatusCode.FailedPrecondition, PeerErrors.ChainMismatch, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.FirstBurnBlockHash = new string('0', 64))).ResponseAsync);
        var genesis = await Fails(StatusCode.FailedPrecondition, PeerErrors.GenesisMismatch, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.GenesisStateRoot = new string('1', 64))).ResponseAsync);
        Assert.Contains(server.Node.GenesisStateRoot, genesis.Status.Detail, StringComparison.Ordinal);
        await Fails(StatusCode.FailedPrecondition, PeerErrors.Self, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.NodeId = server.Book.NodeId)).ResponseAsync);
        await Fails(StatusCode.InvalidArgument, PeerErrors.BadRequest, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.NodeId = "xyz")).ResponseAsync);
        await Fails(StatusCode.InvalidArgument, PeerErrors.BadRequest, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.ListenAddress = "no-port")).ResponseAsync);
        await Fails(StatusCode.InvalidArgument, PeerErrors.BadRequest, () => server.Client.HandshakeAsync(ok.Clone().With(r => r.UserAgent = new string('u', 300))).ResponseAsync);

        Assert.Equal(0, server.Book.Count);
    }

    [Fact]
    public async Task Handshake_NoRoomLeft_ResourceExhausted()
    {
        await using var server = await Server.StartAsync(fixture, new PeerOptions { MaxPeers = 1 });
        await server.Client.HandshakeAsync(server.Request(1));

        await Fails(StatusCode.ResourceExhausted, PeerErrors.Full, () => server.Client.HandshakeAsync(server.Request(2)).ResponseAsync);
        Assert.Equal(1, server.Book.Count);
    }

    [Fact]
    public async Task Calls_WithoutOrWithAnUnknownSession_Unauthenticated()
    {
        await using var server = await Server.StartAsync(fixture);

        await Fails(StatusCode.Unauthenticated, PeerErrors.NoSession, () => server.Client.GetBlockInventoryAsync(new BlockInventoryRequest { Count = 1 }).ResponseAsync);
        var bogus = new Metadata { { PeerErrors.SessionHeader, new string('0', 48) } };
        await Fails(StatusCode.Unauthenticated, PeerErrors.NoSession, () => server.Client.PushTransactionAsync(new TransactionData { Transaction = ByteString.CopyFrom(1, 2, 3) }, bogus).ResponseAsync);
        await Fails(StatusCode.Unauthenticated, PeerErrors.NoSession, () => ReadAll(server.Client.GetBlocks(new GetBlocksRequest(), bogus)));
    }

    [Fact]
    public async Task PushBlock_Invalid_BansThePeerAndChangesNothing()
    {
        await using var server = await Server.StartAsync(fixture);
        var session = await server.SessionAsync(1);
        var other = await server.SessionAsync(2);
        var tipBefore = Runtime.Chain.Tip.Id;
        var stagedBefore = Runtime.Staging.Count;
        var burnBefore = Runtime.Sortitions.Tip!.BurnHeaderHash;
        var bad = Mutations.BadMerkleRoot(fixture.Blocks[^1]);

        var result = await server.Client.PushBlockAsync(new BlockData { Block = ByteString.CopyFrom(bad.Serialize()) }, session);

        Assert.False(result.Accepted);
        Assert.False(result.Duplicate);
        Assert.Equal(StacksBlockRules.BadMerkleRoot, result.Code);
        Assert.NotEmpty(result.Message);
        var ban = Assert.Single(server.Book.Bans, b => b.Key == PeerChain.Peer(1).NodeId);
        Assert.Contains(StacksBlockRules.BadMerkleRoot, ban.Reason, StringComparison.Ordinal);
        Assert.True(server.Book.IsBanned(PeerChain.Peer(1).ListenAddress));
        await Fails(StatusCode.PermissionDenied, PeerErrors.Banned, () => server.Client.GetBlockInventoryAsync(new BlockInventoryRequest { Count = 1 }, session).ResponseAsync);
        await Fails(StatusCode.PermissionDenied, PeerErrors.Banned, () => server.Client.PushBlockAsync(new BlockData { Block = ByteString.CopyFrom(fixture.Blocks[0].Serialize()) }, session).ResponseAsync);
        await Fails(StatusCode.PermissionDenied, PeerErrors.Banned, () => server.Client.HandshakeAsync(server.Request(1)).ResponseAsync);
        Assert.Equal(tipBefore, Runtime.Chain.Tip.Id);
        Assert.Equal(stagedBefore, Runtime.Staging.Count);
        Assert.Equal(burnBefore, Runtime.Sortitions.Tip!.BurnHeaderHash);
        Assert.False(Runtime.Staging.Contains(bad.BlockHash));

        // Another peer is unaffected; an already held block is a duplicate, not a fault.
        var duplicate = await server.Client.PushBlockAsync(new BlockData { Block = ByteString.CopyFrom(fixture.Blocks[0].Serialize()) }, other);
        Assert.True(duplicate.Duplicate);
        Assert.Equal(1, server.Book.Count);
    }

    [Fact]
    public async Task PushZonefile_WrongHashBansUnknownHash_RefusedWithoutBan()
    {
        await using var server = await Server.StartAsync(fixture);
        var refusedSession = await server.SessionAsync(1);
        var wrongHashSession = await server.SessionAsync(2);
        var content = ByteString.CopyFromUtf8("$ORIGIN nobody.test\n");

        var refused = await server.Client.PushZonefileAsync(new ZonefileData { Content = content }, refusedSession);
        var wrong = await server.Client.PushZonefileAsync(new ZonefileData { Hash = new string('0', 40), Content = content }, wrongHashSession);

        Assert.Equal((false, Bns.BnsQueryErrors.ZonefileHashUnknown), (refused.Accepted, refused.Code));
        Assert.Equal((false, RuntimePeerNode.ZonefileHashMismatch), (wrong.Accepted, wrong.Code));
        Assert.False(server.Book.IsBanned(PeerChain.Peer(1).NodeId));
        Assert.True(server.Book.IsBanned(PeerChain.Peer(2).NodeId));
        var zonefiles = server.Client.GetZonefiles(new GetZonefilesRequest { Hashes = { Hash160.Of(content.Span).ToHex() } }, refusedSession);
        Assert.Empty(await ReadAll(zonefiles));
    }

    [Fact]
    public async Task PushBlock_OverMaxMessageBytes_ResourceExhaustedAndNodeUnchanged()
    {
        await using var server = await Server.StartAsync(fixture, new PeerOptions { MaxMessageBytes = 64 * 1024 });
        var session = await server.SessionAsync(1);
        var stagedBefore = Runtime.Staging.Count;

        await Assert.ThrowsAsync<RpcException>(async () =>
        {
            try
            {
                await server.Client.PushBlockAsync(new BlockData { Block = ByteString.CopyFrom(new byte[100 * 1024]) }, session);
            }
            catch (RpcException e)
            {
                Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
                throw;
            }
        });

        Assert.Equal(stagedBefore, Runtime.Staging.Count);
        Assert.False(server.Book.IsBanned(PeerChain.Peer(1).NodeId));
        var inventory = await server.Client.GetBlockInventoryAsync(new BlockInventoryRequest { Count = 1 }, session);
        Assert.Single(inventory.Entries);
    }

    [Fact]
    public async Task GetBlocks_HeldAndMissing_ExactBytesInRequestOrder()
    {
        await using var server = await Server.StartAsync(fixture, new PeerOptions { MaxBlocksPerRequest = 3 });
        var session = await server.SessionAsync(1);
        var (a, b) = (fixture.Blocks[0], fixture.Blocks[1]);
        var chB = Runtime.Sortitions.GetWinningSortition(b.BlockHash)!.ConsensusHash.ToString();
        var request = new GetBlocksRequest
        {
            Blocks =
            {
                new BlockRef { ConsensusHash = chB, BlockHash = b.BlockHash.ToString() },
                new BlockRef { BlockHash = new string('e', 64) },
                new BlockRef { BlockHash = a.BlockHash.ToString() },
            },
        };

        var blocks = await ReadAll(server.Client.GetBlocks(request, session));

        Assert.Equal(2, blocks.Count);
        Assert.Equal(b.Serialize(), blocks[0].Block.ToByteArray());
        Assert.Equal(chB, blocks[0].ConsensusHash);
        Assert.Equal(a.Serialize(), blocks[1].Block.ToByteArray());

        request.Blocks.Add(new BlockRef { BlockHash = a.BlockHash.ToString() });
        await Fails(StatusCode.InvalidArgument, PeerErrors.BadRequest, () => ReadAll(server.Client.GetBlocks(request, session)));
        var badHex = new GetBlocksRequest { Blocks = { new BlockRef { BlockHash = "zz" } } };
        await Fails(StatusCode.InvalidArgument, PeerErrors.BadRequest, () => ReadAll(server.Client.GetBlocks(badHex, session)));
        var badCh = new GetBlocksRequest { Blocks = { new BlockRef { ConsensusHash = "00", BlockHash = a.BlockHash.ToString() } } };
        await Fails(StatusCode.InvalidArgument, PeerErrors.BadRequest, () => ReadAll(server.Client.GetBlocks(badCh, session)));
        Assert.Equal(1, server.Book.Count);
    }

    [Fact]
    public async Task GetBlockInventory_Pages_ClampedAndEqualToTheWholeChain()
    {
        await using var server = await Server.StartAsync(fixture, new PeerOptions { MaxInventoryEntries = 10 });
        var session = await server.SessionAsync(1);
        var first = Runtime.NetworkParameters.Burnchain.FirstBlockHeight;
        var tip = Runtime.Sortitions.Tip!.BurnHeight;

        var entries = new List<InventoryEntry>();
        var start = first;
        while (true)
        {
            var page = await server.Client.GetBlockInventoryAsync(new BlockInventoryRequest { StartBurnHeight = start, Count = 1000 }, session);
            Assert.InRange(page.Entries.Count, 0, 10);
            Assert.Equal(Runtime.Sortitions.Tip!.BurnHeight, page.Tips.BurnHeight);
            if (page.Entries.Count == 0)
            {
                break;
            }

            entries.AddRange(page.Entries);
            start = page.Entries[^1].BurnHeight + 1;
        }

        Assert.Equal(Enumerable.Range(0, (int)(tip - first + 1)).Select(i => first + (ulong)i), entries.Select(e => e.BurnHeight));
        Assert.All(entries, e => Assert.Equal(Runtime.Sortitions.GetSnapshotAtHeight(e.BurnHeight)!.ConsensusHash.ToString(), e.ConsensusHash));
        Assert.All(fixture.Blocks, b => Assert.Contains(entries, e => e.WinningBlockHash == b.BlockHash.ToString() && e.HasBlock));
        await Fails(StatusCode.InvalidArgument, PeerErrors.BadRequest, () => server.Client.GetBlockInventoryAsync(new BlockInventoryRequest { Count = 0 }, session).ResponseAsync);
    }

    [Fact]
    public async Task Calls_WhileStopping_Unavailable()
    {
        await using var server = await Server.StartAsync(fixture);
        var session = await server.SessionAsync(1);

        server.Host.Context.MarkStopping();

        await Fails(StatusCode.Unavailable, PeerErrors.ShuttingDown, () => server.Client.HandshakeAsync(server.Request(2)).ResponseAsync);
        await Fails(StatusCode.Unavailable, PeerErrors.ShuttingDown, () => server.Client.GetBlockInventoryAsync(new BlockInventoryRequest { Count = 1 }, session).ResponseAsync);
    }

    private static async Task<List<T>> ReadAll<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            var list = new List<T>();
            await foreach (var item in call.ResponseStream.ReadAllAsync())
            {
                list.Add(item);
            }

            return list;
        }
    }
}

internal static class ProtoExtensions
{
    public static T With<T>(this T message, Action<T> change)
    {
        change(message);
        return message;
    }
}
