using System.Text.Json.Nodes;
using System.Threading.Channels;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Regtest;
using Blockstack.Regtest.Rpc;
using Blockstack.TestKit;

namespace Blockstack.Burnchain.Tests.Regtest;

public enum ReorgVia
{
    /// <summary>invalidateblock; the watcher syncs the shorter chain; a longer branch is mined.</summary>
    InvalidateBlock,

    /// <summary>invalidateblock, mine a longer branch, reconsiderblock: the watcher only sees the switch.</summary>
    InvalidateMineReconsider,

    /// <summary>A second miner (another regtest node) builds on the fork point; its blocks arrive by submitblock.</summary>
    SubmitBlockFromCompetingMiner,
}

/// <summary>The watcher over real HTTP JSON-RPC against the embedded regtest bitcoind.</summary>
[Trait("Category", "Integration")]
public class RegtestWatcherTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Watcher_BitcoinJsFundedOpsSentAndMined_ComeOutWithTheFieldsPutIn()
    {
        await using var h = await RegtestHarness.StartAsync();
        var minerAddress = TestKeys.Address(TestKeys.Miner, SpendTemplate.PayToWitnessPubKeyHash);
        await h.Rpc.GenerateToAddressAsync(105, minerAddress);
        var utxos = new JsonArray();
        for (var height = 1; height <= 5; height++)
        {
            var coinbase = (await h.Rpc.GetBlockAsync(await h.Rpc.GetBlockHashAsync(height))).Transactions[0];
            utxos.Add(new JsonObject
            {
                ["txid"] = coinbase.Txid.ToString(),
                ["vout"] = 0,
                ["value"] = coinbase.Outputs[0].Value,
                ["key"] = Convert.ToHexStringLower(TestKeys.Miner),
            });
        }

        var request = new JsonObject { ["utxos"] = utxos, ["sender_key"] = Convert.ToHexStringLower(TestKeys.Sender), ["key_block_ptr"] = 106 };
        var crafted = JsonNode.Parse(NodeJs.Run("burnchain-ops.js", request.ToJsonString()))!.AsArray();
        Assert.Equal(["key", "commit", "pre", "pre", "pre", "stack", "transfer", "delegate"], crafted.Select(c => (string)c!["kind"]!));

        // Block 106: the key register and the three PreStx; block 107: the commit and the STX ops
        // (so the STX ops find their PreStx in the index, not in the same block).
        foreach (var c in crafted.Where(c => (string)c!["kind"]! is "key" or "pre"))
        {
            Assert.Equal((string)c!["txid"]!, await h.Rpc.SendRawTransactionAsync(Tx(c)));
        }

        var blockA = (await h.Rpc.GenerateToAddressAsync(1, minerAddress))[0];
        foreach (var c in crafted.Where(c => (string)c!["kind"]! is not ("key" or "pre")))
        {
            Assert.Equal((string)c!["txid"]!, await h.Rpc.SendRawTransactionAsync(Tx(c)));
        }

        var blockB = (await h.Rpc.GenerateToAddressAsync(1, minerAddress))[0];

        using var rpc = h.Client();
        using var index = BurnchainIndex.InMemory();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(rpc, index, BurnchainParameters.Regtest(), events: events.Writer);
        await WatcherChecks.SyncToTipAsync(watcher);

        var applied = WatcherTests.Drain(events).Cast<BurnchainEvent.Applied>().Select(a => a.Block).ToList();
        Assert.Equal(108, applied.Count);
        var ops = applied.SelectMany(b => b.Ops).ToDictionary(o => o.Txid.ToString());
        Assert.Equal(crafted.Count, ops.Count);
        var positions = new Dictionary<string, (BlockHash Block, ulong Height, int Position)>();
        foreach (var (hash, height) in new[] { (blockA, 106ul), (blockB, 107ul) })
        {
            var block = await h.Rpc.GetBlockAsync(hash);
            for (var i = 0; i < block.Transactions.Count; i++)
            {
                positions[block.Transactions[i].Txid.ToString()] = (hash, height, i);
            }
        }

        foreach (var c in crafted)
        {
            var txid = (string)c!["txid"]!;
            var op = ops[txid];
            var (block, height, position) = positions[txid];
            Assert.Equal(block, op.BurnHeaderHash);
            Assert.Equal(height, op.BlockHeight);
            Assert.Equal((uint)position, op.Vtxindex);
            Assert.Equal((string)c["kind"]! is "key" or "pre" ? 106ul : 107ul, op.BlockHeight);
            BitcoinJsOpsTests.AssertFields(c, op);
            if (op is LeaderBlockCommitOp commit)
            {
                Assert.Equal(TestKeys.MinerScript, commit.ApparentSender!.Value.ToScriptPubKey());
            }
        }

        var senderHash = TestKeys.Hash160Of(TestKeys.Sender);
        var sender = new StacksAddressValue(StacksAddressValue.TestnetSingleSig, senderHash);
        Assert.All(ops.Values.OfType<StackStxOp>(), s => Assert.Equal(sender, s.Sender));
        Assert.All(ops.Values.OfType<TransferStxOp>(), s => Assert.Equal(sender, s.Sender));
        Assert.All(ops.Values.OfType<DelegateStxOp>(), s => Assert.Equal(sender, s.Sender));
        Assert.StartsWith("ST", sender.ToC32(), StringComparison.Ordinal);
        Assert.Equal(sender, StacksAddressValue.FromStacksAddress(Stacks.StacksAddress.Parse(sender.ToC32())));
        foreach (var b in applied)
        {
            Assert.Equal(b.Ops, index.GetOperations(b.Header.Hash));
        }
    }

    public static TheoryData<int, ReorgVia> ReorgCases()
    {
        var data = new TheoryData<int, ReorgVia>();
        foreach (var via in Enum.GetValues<ReorgVia>())
        {
            foreach (var depth in new[] { 1, 2, 6, 7, 20, 288 })
            {
                data.Add(depth, via);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReorgCases))]
    public async Task Watcher_ReorgOnRealRegtest_EndsEqualToFreshWatcher(int depth, ReorgVia via)
    {
        await using var h = await RegtestHarness.StartAsync();
        h.MineWithOps(105, TestKeys.MinerScript);
        var fork = h.Height;
        h.MineWithOps(depth, TestKeys.MinerScript);
        using var rpc = h.Client();
        using var index = BurnchainIndex.InMemory();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(rpc, index, BurnchainParameters.Regtest(), events: events.Writer);
        await WatcherChecks.SyncToTipAsync(watcher);
        Assert.Equal((ulong)(fork + depth), index.Tip!.Value.Height);
        Assert.NotEmpty(index.GetOperations(index.Tip.Value.Hash));
        var oldFirst = await h.Rpc.GetBlockHashAsync(fork + 1);

        switch (via)
        {
            case ReorgVia.InvalidateBlock:
                await h.Rpc.CallAsync("invalidateblock", oldFirst.ToString());
                await WatcherChecks.SyncToTipAsync(watcher);
                Assert.Equal((ulong)fork, index.Tip!.Value.Height);
                h.MineWithOps(depth + 1, TestKeys.OtherMinerScript);
                break;
            case ReorgVia.InvalidateMineReconsider:
                await h.Rpc.CallAsync("invalidateblock", oldFirst.ToString());
                h.MineWithOps(depth + 1, TestKeys.OtherMinerScript);
                await h.Rpc.CallAsync("reconsiderblock", oldFirst.ToString());
                break;
            case ReorgVia.SubmitBlockFromCompetingMiner:
                await using (var other = await RegtestHarness.StartAsync())
                {
                    for (var height = 1; height <= fork; height++)
                    {
                        var shared = h.Node.Engine.Chain.ReadBlock(h.Node.Engine.Chain.GetActive(height)!.Hash)!;
                        Assert.Null(other.Node.Engine.SubmitBlock(shared).Result);
                    }

                    foreach (var hash in other.MineWithOps(depth + 1, TestKeys.OtherMinerScript))
                    {
                        var hex = Convert.ToHexStringLower(other.Node.Engine.Chain.ReadBlockBytes(hash)!);
                        var result = await h.Rpc.CallAsync("submitblock", hex);
                        Assert.True(result is null || (string?)result == "inconclusive", result?.ToJsonString());
                    }
                }

                break;
        }

        Assert.Equal(fork + depth + 1, h.Height);
        Assert.NotEqual(oldFirst, await h.Rpc.GetBlockHashAsync(fork + 1));
        await WatcherChecks.SyncToTipAsync(watcher);

        var stream = WatcherTests.Drain(events);
        Assert.Equal(depth, stream.OfType<BurnchainEvent.RolledBack>().Count());
        Assert.Equal(h.Node.Engine.Chain.Tip.Hash, index.Tip!.Value.Hash);
        await WatcherChecks.AssertEqualToFreshAsync(rpc, index, stream);
    }

    [Fact]
    public async Task RunAsync_RegtestStoppedThenRestartedOnSameDataDirAndPort_WaitsLogsAndRecovers_CookieAuth()
    {
        var dir = Path.Combine(Path.GetTempPath(), "burnchain-regtest-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var h = await RegtestHarness.StartAsync(new RegtestOptions { DataDir = dir, RpcPort = 0 });
            Assert.Equal(RpcCredentials.CookieUser, h.Node.Credentials.User);
            var cookiePath = h.Node.CookiePath!;
            var firstCookie = await File.ReadAllTextAsync(cookiePath);
            var port = h.Node.Endpoint.Port;
            h.MineWithOps(110, TestKeys.MinerScript);

            var clientLog = new ListLogger<BitcoinRpcClient>();
            using var rpc = h.Client(o => o with { User = null, Password = null, CookieFile = cookiePath, MaxAttempts = 2, RequestTimeout = TimeSpan.FromSeconds(2) }, clientLog);
            using var index = BurnchainIndex.InMemory();
            var events = Channel.CreateUnbounded<BurnchainEvent>();
            var log = new ListLogger<BurnchainWatcher>();
            var watcher = new BurnchainWatcher(
                rpc,
                index,
                BurnchainParameters.Regtest(),
                new BurnchainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(50), OutageDelay = TimeSpan.FromMilliseconds(200) },
                events.Writer,
                logger: log);
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var run = watcher.RunAsync(cts.Token);

            await WaitUntilAsync(() => index.Tip?.Hash == h.Node.Engine.Chain.Tip.Hash, "initial sync");
            var heightBefore = h.Height;
            await h.Node.StopAsync();
            Assert.False(File.Exists(cookiePath));
            await WaitUntilAsync(() => log.Entries.Count(e => e.EventId == 2103) >= 2, "the watcher logging that bitcoind is unavailable");
            Assert.Equal(WatcherState.WaitingForBitcoind, watcher.State);

            h.Replace(await RegtestNode.StartAsync(new RegtestOptions { DataDir = dir, RpcPort = port }));
            Assert.Equal(heightBefore, h.Height);
            Assert.NotEqual(firstCookie, await File.ReadAllTextAsync(cookiePath));
            h.MineWithOps(5, TestKeys.MinerScript);
            await WaitUntilAsync(() => index.Tip?.Hash == h.Node.Engine.Chain.Tip.Hash, "catching up after the restart");

            await cts.CancelAsync();
            await run;
            Assert.Equal(WatcherState.Stopped, watcher.State);
            Assert.Contains(clientLog.Entries, e => e.EventId == 2000);
            Assert.Contains(log.Entries, e => e.EventId == 2104 && e.Message.Contains("WaitingForBitcoind", StringComparison.Ordinal));
            await WatcherChecks.AssertEqualToFreshAsync(rpc, index, WatcherTests.Drain(events));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_RegtestAnswering503_WaitsLogsAndRecovers()
    {
        await using var h = await RegtestHarness.StartAsync(new RegtestOptions
        {
            InMemory = true,
            RpcPort = 0,
            RpcUser = "u",
            RpcPassword = "p",
            Limits = new RpcServerLimits { WorkQueueDepth = 1 },
        });
        h.MineWithOps(30, TestKeys.MinerScript);
        var clientLog = new ListLogger<BitcoinRpcClient>();
        using var rpc = h.Client(logger: clientLog);
        using var index = BurnchainIndex.InMemory();
        var log = new ListLogger<BurnchainWatcher>();
        var watcher = new BurnchainWatcher(
            rpc,
            index,
            BurnchainParameters.Regtest(),
            new BurnchainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(50), OutageDelay = TimeSpan.FromMilliseconds(200) },
            logger: log);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = watcher.RunAsync(cts.Token);
        await WaitUntilAsync(() => index.Tip?.Hash == h.Node.Engine.Chain.Tip.Hash, "initial sync");

        // Hold the chain lock; one request then sits in the server's only work slot, so every
        // other request is answered 503 "Work queue depth exceeded".
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            lock (h.Node.Engine.SyncRoot)
            {
                held.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            }
        });
        holder.Start();
        Assert.True(held.Wait(TimeSpan.FromSeconds(10)));
        var stuck = h.Rpc.CallAsync("getblockcount");
        try
        {
            await WaitUntilAsync(() => log.Entries.Count(e => e.EventId == 2103) >= 2, "the watcher waiting out the 503s");
            Assert.Contains(clientLog.Entries, e => e.EventId == 2000 && e.Message.Contains("HTTP 503", StringComparison.Ordinal));
            Assert.Contains(log.Entries, e => e.EventId == 2103 && e.Message.Contains("503", StringComparison.Ordinal));
        }
        finally
        {
            release.Set();
            holder.Join(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(h.Height, (int)(await stuck)!);
        h.MineWithOps(3, TestKeys.MinerScript);
        await WaitUntilAsync(() => index.Tip?.Hash == h.Node.Engine.Chain.Tip.Hash, "catching up after the 503s");
        await cts.CancelAsync();
        await run;
        await WatcherChecks.AssertEqualToFreshAsync(rpc, index, null);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {Bound.TotalSeconds} s waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    private static Transaction Tx(JsonNode c)
    {
        Assert.True(Transaction.TryParse(Convert.FromHexString((string)c["hex"]!), out var tx, out var error), error);
        Assert.Equal((string)c["txid"]!, tx.Txid.ToString());
        return tx;
    }
}
