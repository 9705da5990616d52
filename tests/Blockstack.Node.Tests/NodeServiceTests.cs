using System.Globalization;
using System.Net;
using Blockstack.Node.Grpc;
using Blockstack.Node.Hosting;
using Blockstack.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using ProtoStatus = Blockstack.Protos.V1.TransactionStatus;

namespace Blockstack.Node.Tests;

/// <summary>NodeService, health and metrics over a real Kestrel on 127.0.0.1:0, called by Grpc.Net.Client.</summary>
[Trait("Category", "Integration")]
public sealed class NodeServiceTests : IAsyncLifetime, IDisposable
{
    private readonly NodeHarness _h = new();
    private readonly TestBackend _backend;
    private NodeHost _host = null!;
    private GrpcChannel _channel = null!;

    public NodeServiceTests()
    {
        _backend = new TestBackend(_h);
        _h.Start();
        _h.Mine();
        _h.Mine();
        _h.Mine();
    }

    private NodeService.NodeServiceClient Client => new(_channel);

    public async Task InitializeAsync()
    {
        _host = NodeHost.Create(
            new NodeHostOptions(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0)),
            _backend, new UnavailableBnsQueries(), NullLoggerFactory.Instance);
        await _host.StartAsync();
        _channel = GrpcChannel.ForAddress($"http://{_host.GrpcEndpoint}");
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }

    public void Dispose() => _h.Dispose();

    private static void AssertFails(RpcException e, StatusCode code, string errorCode)
    {
        Assert.Equal(code, e.StatusCode);
        Assert.StartsWith(errorCode + ":", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(errorCode, e.Trailers.GetValue(NodeErrors.Trailer));
    }

    [Fact]
    public async Task GetInfo_AfterThreeTenures_ReportsTipsAndSync()
    {
        var info = await Client.GetInfoAsync(new GetInfoRequest());

        var tip = _h.Coordinator.Tip;
        Assert.Equal("regtest", info.Network);
        Assert.Equal(3UL, info.StacksTipHeight);
        Assert.Equal(tip.BlockHash.ToString(), info.StacksTipBlockHash);
        Assert.Equal(tip.Id.ToString(), info.StacksTipIndexBlockHash);
        Assert.Equal(tip.StateRoot.ToString(), info.StateRoot);
        Assert.Equal(_h.Sortitions.Tip!.BurnHeight, info.BurnHeight);
        Assert.Equal(_h.Sortitions.Tip.ConsensusHash.ToString(), info.ConsensusHash);
        Assert.True(info.Synced);
        Assert.Equal(100, info.SyncProgressPercent);
        Assert.False(string.IsNullOrEmpty(info.Version));
    }

    [Fact]
    public async Task GetAccount_GenesisAccount_ReturnsBalanceAndNonce()
    {
        var account = await Client.GetAccountAsync(new GetAccountRequest { Principal = _h.Accounts[0].Address.ToString() });
        var unknown = await Client.GetAccountAsync(new GetAccountRequest { Principal = TestKey.FromSeed(77).Address.ToString() });

        Assert.Equal("1000000000000", account.BalanceUstx);
        Assert.Equal("0", account.LockedUstx);
        Assert.Equal(0UL, account.Nonce);
        Assert.Equal("0", unknown.BalanceUstx);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-address")]
    [InlineData("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7")]
    public async Task GetAccount_BadPrincipal_InvalidArgument(string principal)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.GetAccountAsync(new GetAccountRequest { Principal = principal }).ResponseAsync);

        AssertFails(e, StatusCode.InvalidArgument, NodeErrors.PrincipalInvalid);
    }

    [Fact]
    public async Task GetAccountAndSubmit_WhileSyncing_FailedPrecondition()
    {
        _backend.Synced = false;

        var e1 = await Assert.ThrowsAsync<RpcException>(() => Client.GetAccountAsync(new GetAccountRequest { Principal = _h.Accounts[0].Address.ToString() }).ResponseAsync);
        var e2 = await Assert.ThrowsAsync<RpcException>(() => Client.SubmitTransactionAsync(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(1, 2) }).ResponseAsync);
        var block = await Client.GetBlockAsync(new GetBlockRequest { Height = 1 });

        AssertFails(e1, StatusCode.FailedPrecondition, NodeErrors.NotSynced);
        AssertFails(e2, StatusCode.FailedPrecondition, NodeErrors.NotSynced);
        Assert.Equal(1UL, block.Height);
    }

    [Fact]
    public async Task SubmitTransaction_ThenMined_PendingThenConfirmedWithReceipt()
    {
        var tx = _h.Transfer(_h.Accounts[0], _h.Accounts[1].Address, 12_345, 0);

        var submitted = await Client.SubmitTransactionAsync(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(tx.Serialize()) });
        var pending = await Client.GetTransactionAsync(new GetTransactionRequest { Txid = submitted.Txid });
        _h.Mine([tx]);
        var confirmed = await Client.GetTransactionAsync(new GetTransactionRequest { Txid = submitted.Txid });

        Assert.Equal(tx.Txid.ToString(), submitted.Txid);
        Assert.Equal(ProtoStatus.Types.Status.Pending, pending.Status);
        Assert.Equal(tx.Serialize(), pending.RawTransaction.ToByteArray());
        Assert.Equal(ProtoStatus.Types.Status.Confirmed, confirmed.Status);
        Assert.Equal(4UL, confirmed.Receipt.BlockHeight);
        Assert.Equal(1U, confirmed.Receipt.TxIndex);
        Assert.Equal("success", confirmed.Receipt.Status);
        Assert.Equal("1000", confirmed.Receipt.FeeUstx);
        var transfer = Assert.Single(confirmed.Receipt.Events, e => e.Type == "stx_transfer");
        Assert.Equal("12345", transfer.AmountUstx);
        Assert.Equal(_h.Accounts[1].Address.ToString(), transfer.Recipient);
        Assert.Equal(tx.Serialize(), confirmed.RawTransaction.ToByteArray());
    }

    [Fact]
    public async Task SubmitTransaction_Garbage_InvalidArgumentWithReasonCode()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.SubmitTransactionAsync(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(0x00, 0x01, 0x02) }).ResponseAsync);
        var empty = await Assert.ThrowsAsync<RpcException>(() => Client.SubmitTransactionAsync(new SubmitTransactionRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var code = e.Trailers.GetValue(NodeErrors.Trailer);
        Assert.False(string.IsNullOrEmpty(code));
        Assert.StartsWith(code + ":", e.Status.Detail, StringComparison.Ordinal);
        AssertFails(empty, StatusCode.InvalidArgument, NodeErrors.TxEmpty);
    }

    [Fact]
    public async Task SubmitTransaction_BadNonce_RejectedWithChainCode()
    {
        var tx = _h.Transfer(_h.Accounts[0], _h.Accounts[1].Address, 1, nonce: 40);

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.SubmitTransactionAsync(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(tx.Serialize()) }).ResponseAsync);

        AssertFails(e, StatusCode.InvalidArgument, "mempool-nonce-too-far");
    }

    [Fact]
    public async Task GetTransaction_UnknownBadAndDropped()
    {
        var unknown = new string('a', 64);
        var droppedTx = _h.Transfer(_h.Accounts[2], _h.Accounts[1].Address, 1, 0);
        _backend.Dropped[droppedTx.Txid] = "replaced";

        var notFound = await Assert.ThrowsAsync<RpcException>(() => Client.GetTransactionAsync(new GetTransactionRequest { Txid = unknown }).ResponseAsync);
        var bad = await Assert.ThrowsAsync<RpcException>(() => Client.GetTransactionAsync(new GetTransactionRequest { Txid = "xyz" }).ResponseAsync);
        var dropped = await Client.GetTransactionAsync(new GetTransactionRequest { Txid = droppedTx.Txid.ToString() });

        AssertFails(notFound, StatusCode.NotFound, NodeErrors.TxNotFound);
        AssertFails(bad, StatusCode.InvalidArgument, NodeErrors.TxidInvalid);
        Assert.Equal(ProtoStatus.Types.Status.Dropped, dropped.Status);
        Assert.Equal("replaced", dropped.DroppedReason);
    }

    [Fact]
    public async Task GetBlock_ByHeightIndexHashAndBlockHash_SameBlock()
    {
        var record = _h.Coordinator.State.GetBlockAtHeight(2)!;

        var byHeight = await Client.GetBlockAsync(new GetBlockRequest { Height = 2, IncludeTransactions = true });
        var byIndex = await Client.GetBlockAsync(new GetBlockRequest { IndexBlockHash = record.Id.ToString() });
        var byHash = await Client.GetBlockAsync(new GetBlockRequest { BlockHash = record.BlockHash.ToString() });

        foreach (var b in new[] { byHeight, byIndex, byHash })
        {
            Assert.Equal(record.Id.ToString(), b.IndexBlockHash);
            Assert.Equal(record.BlockHash.ToString(), b.BlockHash);
            Assert.Equal(2UL, b.Height);
            Assert.True(b.Canonical);
            Assert.Single(b.Txids);
        }

        var body = _h.Coordinator.State.GetBlockBody(record.Id)!;
        Assert.Equal(body.Header.ParentBlock.ToString(), byHeight.ParentBlockHash);
        Assert.Equal(body.Transactions[0].Serialize(), Assert.Single(byHeight.Transactions).ToByteArray());
        Assert.Empty(byIndex.Transactions);
        Assert.Equal(_h.Sortitions.GetSnapshotByConsensusHash(record.ConsensusHash)!.BurnHeaderHash.ToString(), byHeight.BurnBlockHash);
    }

    [Fact]
    public async Task GetBlock_MissingOrMalformed_NotFoundOrInvalid()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.GetBlockAsync(new GetBlockRequest { Height = 99 }).ResponseAsync);
        var unknownHash = await Assert.ThrowsAsync<RpcException>(() => Client.GetBlockAsync(new GetBlockRequest { BlockHash = new string('b', 64) }).ResponseAsync);
        var bad = await Assert.ThrowsAsync<RpcException>(() => Client.GetBlockAsync(new GetBlockRequest { IndexBlockHash = "zz" }).ResponseAsync);
        var none = await Assert.ThrowsAsync<RpcException>(() => Client.GetBlockAsync(new GetBlockRequest()).ResponseAsync);

        AssertFails(missing, StatusCode.NotFound, NodeErrors.BlockNotFound);
        AssertFails(unknownHash, StatusCode.NotFound, NodeErrors.BlockNotFound);
        AssertFails(bad, StatusCode.InvalidArgument, NodeErrors.BlockIdInvalid);
        AssertFails(none, StatusCode.InvalidArgument, NodeErrors.RequestInvalid);
    }

    [Fact]
    public async Task GetSortition_ByHeightAndHash_WinnerAndCommits()
    {
        var snapshot = _h.Sortitions.Tip!;

        var byHeight = await Client.GetSortitionAsync(new GetSortitionRequest { BurnHeight = snapshot.BurnHeight });
        var byHash = await Client.GetSortitionAsync(new GetSortitionRequest { BurnBlockHash = snapshot.BurnHeaderHash.ToString() });

        Assert.Equal(byHeight, byHash);
        Assert.True(byHeight.Sortition_);
        Assert.Equal(_h.Coordinator.Tip.BlockHash.ToString(), byHeight.WinningBlockHash);
        var commit = Assert.Single(byHeight.Commits);
        Assert.True(commit.Won);
        Assert.Equal(10_000UL, commit.BurnFeeSats);
        Assert.Equal(byHeight.WinningCommitTxid, commit.Txid);
        Assert.Equal(snapshot.ConsensusHash.ToString(), byHeight.ConsensusHash);
    }

    [Fact]
    public async Task GetSortition_UnknownOrBad_NotFoundOrInvalid()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.GetSortitionAsync(new GetSortitionRequest { BurnHeight = 10_000 }).ResponseAsync);
        var bad = await Assert.ThrowsAsync<RpcException>(() => Client.GetSortitionAsync(new GetSortitionRequest { BurnBlockHash = "00" }).ResponseAsync);

        AssertFails(missing, StatusCode.NotFound, NodeErrors.SortitionNotFound);
        AssertFails(bad, StatusCode.InvalidArgument, NodeErrors.BurnHashInvalid);
    }

    [Fact]
    public async Task GetRewardCycle_StartedAndFuture()
    {
        var pox = _h.Sortitions.Pox;
        while (_h.NextBurnHeight <= pox.FirstBlockHeight + pox.RewardCycleLength + 1)
        {
            _h.Mine();
        }

        var cycle = await Client.GetRewardCycleAsync(new GetRewardCycleRequest { Cycle = 1 });
        var future = await Assert.ThrowsAsync<RpcException>(() => Client.GetRewardCycleAsync(new GetRewardCycleRequest { Cycle = 1000 }).ResponseAsync);

        Assert.Equal(1UL, cycle.Cycle);
        Assert.Equal(pox.FirstBlockHeight + pox.RewardCycleLength, cycle.FirstBurnHeight);
        Assert.Equal(cycle.FirstBurnHeight + 1, cycle.RewardPhaseStart);
        var info = _h.Sortitions.GetRewardCycle(1)!;
        Assert.Equal(info.Anchor is not null, cycle.HasAnchorBlock);
        AssertFails(future, StatusCode.NotFound, NodeErrors.RewardCycleNotFound);
    }

    [Fact]
    public async Task StreamBlocks_HistoryThenLive_UntilDeadline()
    {
        using var call = Client.StreamBlocks(new StreamBlocksRequest { StartHeight = 2 }, deadline: DateTime.UtcNow.AddSeconds(20));
        var received = new List<ulong>();
        var stream = call.ResponseStream;
        Assert.True(await stream.MoveNext(CancellationToken.None));
        received.Add(stream.Current.Height);
        Assert.True(await stream.MoveNext(CancellationToken.None));
        received.Add(stream.Current.Height);
        _h.Mine();
        Assert.True(await stream.MoveNext(CancellationToken.None));
        received.Add(stream.Current.Height);

        Assert.Equal([2UL, 3UL, 4UL], received);
        Assert.Equal(_h.Coordinator.Tip.Id.ToString(), stream.Current.IndexBlockHash);
    }

    [Fact]
    public async Task StreamBlocks_NothingNew_EndsWithDeadlineExceeded()
    {
        using var call = Client.StreamBlocks(new StreamBlocksRequest { StartHeight = 10 }, deadline: DateTime.UtcNow.AddMilliseconds(300));

        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
    }

    [Fact]
    public async Task StreamBlocks_HostStops_StreamEndsUnavailableAtOnce()
    {
        using var call = Client.StreamBlocks(new StreamBlocksRequest { StartHeight = 3 }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var stopping = _host.StopAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        await stopping;

        AssertFails(e, StatusCode.Unavailable, NodeErrors.ShuttingDown);
    }

    [Fact]
    public async Task Calls_WhileShuttingDown_Unavailable()
    {
        _backend.IsShuttingDown = true;

        var info = await Assert.ThrowsAsync<RpcException>(() => Client.GetInfoAsync(new GetInfoRequest()).ResponseAsync);
        var block = await Assert.ThrowsAsync<RpcException>(() => Client.GetBlockAsync(new GetBlockRequest { Height = 1 }).ResponseAsync);

        AssertFails(info, StatusCode.Unavailable, NodeErrors.ShuttingDown);
        AssertFails(block, StatusCode.Unavailable, NodeErrors.ShuttingDown);
    }

    [Fact]
    public async Task Health_NotServingUntilSynced_ThenServing_ThenNotServingWhenStopping()
    {
        var health = new Health.HealthClient(_channel);
        async Task<HealthCheckResponse.Types.ServingStatus> Status(string service) =>
            (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status;

        _backend.Synced = false;
        var syncing = (await Status(""), await Status(NodeHost.NodeServiceName), await Status(NodeHost.BnsServiceName));
        _backend.Synced = true;
        var synced = (await Status(""), await Status(NodeHost.NodeServiceName), await Status(NodeHost.BnsServiceName));
        _host.State.MarkStopping();
        var stopping = await Status(NodeHost.NodeServiceName);
        var call = await Assert.ThrowsAsync<RpcException>(() => Client.GetInfoAsync(new GetInfoRequest()).ResponseAsync);

        var notServing = HealthCheckResponse.Types.ServingStatus.NotServing;
        var serving = HealthCheckResponse.Types.ServingStatus.Serving;
        Assert.Equal((notServing, notServing, notServing), syncing);

        // BnsService stays NOT_SERVING: this host has no BNS index behind it.
        Assert.Equal((notServing, serving, notServing), synced);
        Assert.Equal(notServing, stopping);
        AssertFails(call, StatusCode.Unavailable, NodeErrors.ShuttingDown);
    }

    [Fact]
    public async Task Metrics_ScrapedOverHttp_ShowHeightsAndRequestCounts()
    {
        await Client.GetInfoAsync(new GetInfoRequest());
        await Assert.ThrowsAsync<RpcException>(() => Client.GetBlockAsync(new GetBlockRequest { Height = 99 }).ResponseAsync);
        using var http = new HttpClient();

        var text = await http.GetStringAsync(new Uri($"http://{_host.MetricsEndpoint}/metrics"));

        Assert.Contains("blockstack_node_stacks_tip_height 3", text, StringComparison.Ordinal);
        Assert.Contains($"blockstack_node_burn_block_height {_h.Sortitions.Tip!.BurnHeight.ToString(CultureInfo.InvariantCulture)}", text, StringComparison.Ordinal);
        Assert.Contains("blockstack_node_sync_progress_percent 100", text, StringComparison.Ordinal);
        Assert.Contains("blockstack_node_mempool_size 0", text, StringComparison.Ordinal);
        Assert.Contains("blockstack_node_grpc_requests_total{method=\"/blockstack.v1.NodeService/GetInfo\",code=\"OK\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("blockstack_node_grpc_requests_total{method=\"/blockstack.v1.NodeService/GetBlock\",code=\"NotFound\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_BlocksProcessed_CountsNewCanonicalBlocks()
    {
        using var http = new HttpClient();
        var uri = new Uri($"http://{_host.MetricsEndpoint}/metrics");

        // The counter subscribes when the host starts; wait (bounded) until it sees a block mined now.
        _h.Mine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string text;
        do
        {
            text = await http.GetStringAsync(uri);
            if (text.Contains("blockstack_node_blocks_processed_total 1", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.True(text.Contains("blockstack_node_blocks_processed_total 1", StringComparison.Ordinal), text);
        Assert.Contains("blockstack_node_stacks_tip_height 4", text, StringComparison.Ordinal);
    }
}
