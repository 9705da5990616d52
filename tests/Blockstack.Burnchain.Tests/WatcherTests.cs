using System.Threading.Channels;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Watcher;

namespace Blockstack.Burnchain.Tests;

[Trait("Category", "Unit")]
public class WatcherTests
{
    [Fact]
    public async Task SyncAsync_FreshChain_AppliesEveryBlockInOrder()
    {
        var chain = new FakeBitcoinChain();
        chain.Mine(25);
        using var index = BurnchainIndex.InMemory();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(chain, index, chain.Parameters(), events: events.Writer);

        var committed = await watcher.SyncAsync(int.MaxValue, CancellationToken.None);

        Assert.Equal(26, committed);
        Assert.Equal(chain.Tip, index.Tip!.Value.Hash);
        var applied = Drain(events).Cast<BurnchainEvent.Applied>().Select(a => a.Block.Header.Height).ToList();
        Assert.Equal(Enumerable.Range(0, 26).Select(i => (ulong)i), applied);
        Assert.Equal(25ul, watcher.StableHeight);
    }

    [Fact]
    public async Task SyncAsync_WrongFirstBlock_Throws()
    {
        var chain = new FakeBitcoinChain();
        using var index = BurnchainIndex.InMemory();
        var watcher = new BurnchainWatcher(chain, index, BurnchainParameters.Regtest());

        await Assert.ThrowsAsync<InvalidOperationException>(() => watcher.SyncAsync(10, CancellationToken.None));
        Assert.Null(index.Tip);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(6, false)]
    [InlineData(7, false)]
    [InlineData(20, false)]
    [InlineData(288, false)]
    [InlineData(1, true)]
    [InlineData(7, true)]
    [InlineData(288, true)]
    public async Task SyncAsync_ReorgOfDepth_EndsEqualToFreshWatcher(int depth, bool viaInvalidate)
    {
        var chain = new FakeBitcoinChain();
        var ops = new OpFactory(chain.Parameters());
        chain.Mine(10, ops.Block);
        chain.Mine(depth, ops.Block);
        using var index = BurnchainIndex.InMemory();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(chain, index, chain.Parameters(), events: events.Writer);
        await watcher.SyncAsync(int.MaxValue, CancellationToken.None);

        var forkPoint = chain.HashAt(10);
        if (viaInvalidate)
        {
            chain.Invalidate(chain.HashAt(11));
            await watcher.SyncAsync(int.MaxValue, CancellationToken.None);
            Assert.Equal(10ul, index.Tip!.Value.Height);
        }

        chain.MineOn(forkPoint, depth + 1, ops.Block);
        await watcher.SyncAsync(int.MaxValue, CancellationToken.None);

        var stream = Drain(events);
        Assert.Equal(depth, stream.OfType<BurnchainEvent.RolledBack>().Count());
        await AssertEqualToFreshAsync(chain, index, NetApplied(null, stream));
    }

    [Fact]
    public async Task SyncAsync_ReorgWithinSync_PicksUpNewBranchNextPass()
    {
        var chain = new FakeBitcoinChain();
        chain.Mine(5);
        using var index = BurnchainIndex.InMemory();
        var watcher = new BurnchainWatcher(chain, index, chain.Parameters());
        await watcher.SyncAsync(3, CancellationToken.None);
        chain.MineOn(chain.HashAt(1), 8);

        while (await watcher.SyncAsync(int.MaxValue, CancellationToken.None) > 0)
        {
        }

        await AssertEqualToFreshAsync(chain, index, null);
    }

    [Fact]
    public async Task SyncAsync_CrashAtRandomBatchBoundaries_ReopenedRocksIndexMatchesFresh()
    {
        var chain = new FakeBitcoinChain();
        var ops = new OpFactory(chain.Parameters());
        chain.Mine(60, ops.Block);
        var dir = Path.Combine(Path.GetTempPath(), "burnchain-crash-" + Guid.NewGuid().ToString("N"));
        var random = new Random(1234);
        var allEvents = new List<BurnchainEvent>();
        try
        {
            var reorged = false;
            var crashes = 0;
            for (var run = 0; run < 200; run++)
            {
                using var index = BurnchainIndex.Open(dir, new Storage.RocksStoreOptions { SyncWrites = false });
                var crashAfter = random.Next(0, 12);
                var commits = 0;
                var events = Channel.CreateUnbounded<BurnchainEvent>();
                var watcher = new BurnchainWatcher(chain, index, chain.Parameters(), events: events.Writer)
                {
                    BeforeCommit = () =>
                    {
                        if (commits++ == crashAfter)
                        {
                            throw new SimulatedCrashException();
                        }
                    },
                };
                try
                {
                    // Abandon mid-sync either by a crash before a commit or by stopping at a batch boundary.
                    await watcher.SyncAsync(random.Next(1, 15), CancellationToken.None);
                }
                catch (SimulatedCrashException)
                {
                    crashes++;
                }

                allEvents.AddRange(Drain(events));
                if (!reorged && index.Tip?.Height >= 40)
                {
                    chain.MineOn(chain.HashAt(33), 30, ops.Block);
                    reorged = true;
                }

                if (reorged && index.Tip?.Hash == chain.Tip)
                {
                    break;
                }
            }

            Assert.True(crashes > 3);
            using var final = BurnchainIndex.Open(dir);
            Assert.Equal(chain.Tip, final.Tip!.Value.Hash);
            await AssertEqualToFreshAsync(chain, final, NetApplied(null, allEvents));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_BitcoindDownForAWhile_WaitsAndRecovers()
    {
        var chain = new FakeBitcoinChain();
        chain.Mine(5);
        chain.FailingCalls = 7;
        using var index = BurnchainIndex.InMemory();
        var logger = new ListLogger<BurnchainWatcher>();
        var watcher = new BurnchainWatcher(
            chain,
            index,
            chain.Parameters(),
            new BurnchainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(5), OutageDelay = TimeSpan.FromMilliseconds(5) },
            logger: logger);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = watcher.RunAsync(cts.Token);
        var sawWaiting = false;

        while (index.Tip?.Hash != chain.Tip && !cts.IsCancellationRequested)
        {
            sawWaiting |= watcher.State == WatcherState.WaitingForBitcoind;
            await Task.Delay(2, CancellationToken.None);
        }

        chain.Mine(3);
        while (index.Tip?.Hash != chain.Tip && !cts.IsCancellationRequested)
        {
            await Task.Delay(2, CancellationToken.None);
        }

        await cts.CancelAsync();
        await run;
        Assert.Equal(chain.Tip, index.Tip!.Value.Hash);
        Assert.Equal(WatcherState.Stopped, watcher.State);
        Assert.Equal(7, logger.Entries.Count(e => e.EventId == 2103));
        Assert.True(sawWaiting || logger.Entries.Any(e => e.EventId == 2104 && e.Message.Contains("WaitingForBitcoind", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SyncAsync_BlockWithOps_EmitsOpsInVtxindexOrderAndLogsRejections()
    {
        var chain = new FakeBitcoinChain();
        var parameters = chain.Parameters();
        var factory = new OpFactory(parameters);
        chain.Mine(3);
        chain.Mine(1, factory.Block);
        using var index = BurnchainIndex.InMemory();
        var logger = new ListLogger<BurnchainWatcher>();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(chain, index, parameters, events: events.Writer, logger: logger);
        await watcher.SyncAsync(int.MaxValue, CancellationToken.None);

        var last = Drain(events).Cast<BurnchainEvent.Applied>().Last().Block;
        var kinds = last.Ops.Select(o => o.Opcode).ToList();
        Assert.Equal(
            [BurnOpcode.LeaderKeyRegister, BurnOpcode.LeaderBlockCommit, BurnOpcode.PreStx, BurnOpcode.StackStx, BurnOpcode.TransferStx, BurnOpcode.DelegateStx],
            kinds);
        Assert.Equal(last.Ops.Select(o => o.Vtxindex).Order(), last.Ops.Select(o => o.Vtxindex));
        Assert.Equal(last.Ops.ToList(), index.GetOperations(last.Header.Hash));
        var rejected = Assert.Single(logger.Entries, e => e.EventId == 2200);
        Assert.Contains("burn-op-no-pre-stx", rejected.Message, StringComparison.Ordinal);
    }

    internal static async Task AssertEqualToFreshAsync(FakeBitcoinChain chain, BurnchainIndex index, List<BurnBlock>? netApplied)
    {
        using var fresh = BurnchainIndex.InMemory();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(chain, fresh, chain.Parameters(), events: events.Writer);
        await watcher.SyncAsync(int.MaxValue, CancellationToken.None);
        var freshEvents = Drain(events).Cast<BurnchainEvent.Applied>().Select(a => a.Block).ToList();

        var expectedDump = fresh.Dump().Select(Hex).ToList();
        var actualDump = index.Dump().Select(Hex).ToList();
        Assert.Equal(expectedDump, actualDump);
        if (netApplied is not null)
        {
            Assert.Equal(freshEvents, netApplied);
        }
    }

    private static string Hex((BurnchainColumn Column, byte[] Key, byte[] Value) e) =>
        $"{e.Column}:{Convert.ToHexString(e.Key)}={Convert.ToHexString(e.Value)}";

    // Applies the stream to a list: Applied pushes, RolledBack pops the matching block.
    internal static List<BurnBlock> NetApplied(Channel<BurnchainEvent>? channel, List<BurnchainEvent> earlier)
    {
        var stream = channel is null ? earlier : earlier.Concat(Drain(channel)).ToList();
        var chain = new List<BurnBlock>();
        foreach (var e in stream)
        {
            switch (e)
            {
                case BurnchainEvent.Applied a:
                    Assert.True(chain.Count == 0 || chain[^1].Header.Hash == a.Block.Header.ParentHash, "applied block does not extend the stream's tip");
                    chain.Add(a.Block);
                    break;
                case BurnchainEvent.RolledBack r:
                    Assert.Equal(chain[^1].Header, r.Block);
                    chain.RemoveAt(chain.Count - 1);
                    break;
            }
        }

        return chain;
    }

    internal static List<BurnchainEvent> Drain(Channel<BurnchainEvent> channel)
    {
        var list = new List<BurnchainEvent>();
        while (channel.Reader.TryRead(out var e))
        {
            list.Add(e);
        }

        return list;
    }

    private sealed class SimulatedCrashException : Exception;
}

/// <summary>Builds blocks' worth of unsigned op transactions (the watcher does not check signatures).</summary>
internal sealed class OpFactory(BurnchainParameters parameters)
{
    private static readonly VrfPublicKeyBytes Key = VrfPublicKeyBytes.FromHex("a366b51292bef4edd64063d9145c617fec373bceb0758e98cd72becd84d54c7a");
    private int _counter;

    public IEnumerable<Transaction> Block(ulong height)
    {
        var n = (byte)_counter++;
        var sender = new byte[20];
        sender[0] = n;
        sender[1] = 1;
        var recipient = new byte[20];
        recipient[0] = n;
        recipient[1] = 2;
        var key = Tx(OutPoint(n, 0), Payload(BurnOpcode.LeaderKeyRegister, BurnOpEncoder.LeaderKeyRegister(default, Key, [n])), P2pkh(sender, 1000));
        var commitBody = new byte[77];
        commitBody[0] = n;
        commitBody[73] = 1; // key ptr = 1
        commitBody[76] = (byte)((6 << 3) | (int)((height + 4) % 5));
        var commit = Tx(OutPoint(n, 1), Payload(BurnOpcode.LeaderBlockCommit, commitBody), P2pkh(new byte[20], 5000), P2pkh(new byte[20], 5000), P2pkh(sender, 100));
        var pre = Tx(OutPoint(n, 2), Payload(BurnOpcode.PreStx, []), P2pkh(sender, 600));
        var stack = Tx(new OutPoint(pre.Txid, 1), Payload(BurnOpcode.StackStx, BurnOpEncoder.StackStx((UInt128)(1000 + n), 3, null, null, null)), P2pkh(recipient, 600));
        var transfer = Tx(new OutPoint(pre.Txid, 1), Payload(BurnOpcode.TransferStx, BurnOpEncoder.TransferStx(77, [1, 2, 3])), P2pkh(recipient, 600));
        var delegate_ = Tx(new OutPoint(pre.Txid, 1), Payload(BurnOpcode.DelegateStx, BurnOpEncoder.DelegateStx(5, 1, height + 100)), P2pkh(recipient, 600), P2pkh(sender, 700));
        var orphan = Tx(OutPoint(n, 3), Payload(BurnOpcode.TransferStx, BurnOpEncoder.TransferStx(1, [])), P2pkh(recipient, 600));
        return height > 1 ? [key, commit, pre, stack, transfer, delegate_, orphan] : [key, pre];
    }

    private byte[] Payload(BurnOpcode opcode, byte[] body) => StandardScripts.NullData([parameters.Magic0, parameters.Magic1, (byte)opcode, .. body]);

    private static TxOut P2pkh(byte[] hash, long value) => new(value, StandardScripts.PayToPubKeyHash(hash));

    private static OutPoint OutPoint(byte n, byte k)
    {
        var h = new byte[32];
        h[0] = n;
        h[1] = k;
        h[2] = 0xaa;
        return new OutPoint(new Txid(new Hash256(h)), 0);
    }

    private static Transaction Tx(OutPoint spend, byte[] opReturn, params TxOut[] outputs) =>
        new(2, [new TxIn(spend, new byte[] { 0x51 })], [new TxOut(0, opReturn), .. outputs], 0);
}
