using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Chain;
using Blockstack.Node.Config;
using Blockstack.Node.Hosting;
using Blockstack.Node.Runtime;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Serilog.Extensions.Logging;
using static Blockstack.Benchmarks.DaemonBench;
using BoundedChannel = System.Threading.Channels.Channel;

namespace Blockstack.Benchmarks;

/// <summary>
/// <c>peer-catchup [blocks=1000] [txs=1000] [--cache DIR] [--rebuild] [--mode apply|network|both]</c>
/// (docs/benchmarks.md, "Peer network"): the time a fresh follower takes to catch up a chain of
/// <c>blocks</c> Stacks blocks of <c>txs</c> STX transfers each from one peer.
/// <para>
/// The source chain (a standalone <c>blockstack-node bitcoind</c> data directory plus a node data
/// directory) is built once and cached under <c>--cache</c>, <c>BLOCKSTACK_BENCH_CACHE</c> or
/// <c>$TMP/blockstack-bench-cache</c>, in <c>peer-catchup-{blocks}x{txs}/</c>. It is built by the
/// node's own composition (<see cref="RuntimeComposition"/>: runtime, BNS index, miner) run in this
/// process against the standalone bitcoind process, with <c>[miner] max_block_transactions = txs</c>;
/// transfers from <c>txs</c> genesis accounts are signed in parallel ahead of need and admitted to the
/// runtime's mempool directly, in parallel (the checks of <c>NodeService.SubmitTransaction</c>, without
/// gRPC and without the runtime's writer gate).
/// </para>
/// <para>
/// The measurement spawns real processes: the source node (miner off) and a fresh follower on the
/// same bitcoind, and times from the follower's spawn until its <c>GetInfo</c> shows the source's
/// tip index hash and state root. <c>apply</c>: the follower's staging store is seeded with the
/// source's blocks before it starts (no network: the upper bound for a peer catch-up);
/// <c>network</c>: the follower gets the blocks from the source over the peer network
/// (<c>[p2p] bootstrap_peers</c>).
/// </para>
/// </summary>
internal static class PeerBench
{
    /// <summary>Each sender's genesis balance: 100,000 STX, far above its fees and amounts.</summary>
    private const ulong GenesisUstx = 100_000_000_000;

    /// <summary>The lowest fee (µSTX); a transfer is ~180 bytes and must pay at least 1 µSTX per byte.</summary>
    private const ulong FeeBase = 400;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static async Task<int> CatchUpAsync(string[] args)
    {
        var positional = new List<int>();
        string? cache = null;
        var rebuild = false;
        var mode = P2pSupported ? "both" : "apply";
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cache" when i + 1 < args.Length:
                    cache = args[++i];
                    break;
                case "--rebuild":
                    rebuild = true;
                    break;
                case "--mode" when i + 1 < args.Length && args[i + 1] is "apply" or "network" or "both":
                    mode = args[++i];
                    break;
                default:
                    if (!int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || positional.Count == 2)
                    {
                        Console.WriteLine($"peer-catchup: bad argument '{args[i]}'; usage: peer-catchup [blocks=1000] [txs=1000] [--cache DIR] [--rebuild] [--mode apply|network|both]");
                        return 2;
                    }

                    positional.Add(n);
                    break;
            }
        }

        var blocks = positional.Count > 0 ? positional[0] : 1000;
        var txs = positional.Count > 1 ? positional[1] : 1000;
        if (txs > 3_000)
        {
            Console.WriteLine("peer-catchup: at most 3,000 transactions per block (three blocks' worth are kept in the mempool, whose capacity is 10,000)");
            return 2;
        }

        if (mode != "apply" && !P2pSupported)
        {
            Console.WriteLine("peer-catchup: this build has no [p2p] configuration yet; only --mode apply runs");
            return 2;
        }

        cache ??= Environment.GetEnvironmentVariable("BLOCKSTACK_BENCH_CACHE") is { Length: > 0 } env ? env : Path.Combine(Path.GetTempPath(), "blockstack-bench-cache");
        var chainDir = Path.Combine(Path.GetFullPath(cache), $"peer-catchup-{blocks}x{txs}");
        Console.WriteLine($"node: {NodeDll()}");
        Console.WriteLine($"peer-catchup: {blocks} Stacks blocks of {txs} STX transfers; chain cache {chainDir}; mode {mode}; {Environment.ProcessorCount} cores; load {LoadAverage()}");
        var senders = Senders.Create(txs);
        var source = rebuild ? null : SourceChain.Load(chainDir, blocks, txs);
        if (source is null)
        {
            if (Directory.Exists(chainDir))
            {
                Directory.Delete(chainDir, recursive: true);
            }

            source = await BuildAsync(chainDir, blocks, txs, senders).ConfigureAwait(false);
            if (source is null)
            {
                return 1;
            }

            source.Save(chainDir);
        }
        else
        {
            Console.WriteLine($"cached chain: Stacks height {source.StacksHeight}, burn height {source.BurnHeight}, tip {source.TipIndexHash}, state root {source.StateRoot} (built in {source.BuildSeconds:F0} s on {source.BuiltAt})");
        }

        return await MeasureAsync(chainDir, source, senders, mode).ConfigureAwait(false);
    }

    /// <summary>True when this build's node reads <c>[p2p]</c> (the peer network has landed).</summary>
    private static bool P2pSupported => ConfigKeys.Find("p2p", "bind") is not null;

    // ----- the source chain -----

    private static async Task<SourceChain?> BuildAsync(string chainDir, int blocks, int txs, Senders senders)
    {
        Directory.CreateDirectory(chainDir);
        var total = Stopwatch.StartNew();
        var rpcPort = FreePort();
        await using var bitcoind = StartBitcoind(chainDir, rpcPort);
        using var rpc = new Rpc(rpcPort);
        if (!await WaitForBitcoindAsync(rpc, bitcoind).ConfigureAwait(false))
        {
            return null;
        }

        var minerKey = RegtestProfile.MinerKey(MinerAddressType.P2wpkh);
        await rpc.CallAsync("generatetoaddress", RegtestProfile.FundingBlocks, minerKey.Address).ConfigureAwait(false);
        var configPath = WriteConfig(chainDir, "build.toml", Path.Combine(chainDir, "source"), FreePort(), rpcPort, senders, minerKey.Wif, txs, P2pSupported ? "off" : null, bootstrap: null);
        var loaded = ConfigLoader.Load(new ConfigSources { FilePath = configPath });
        if (!loaded.IsOk)
        {
            Console.WriteLine("build config refused:\n" + string.Join('\n', loaded.Errors));
            return null;
        }

        var config = loaded.Config!;
        using var serilog = NodeLogging.Create(config.Logging with { Level = Serilog.Events.LogEventLevel.Warning });
        using var loggers = new SerilogLoggerFactory(serilog);
        var parts = await RuntimeComposition.CreateAsync(config, loggers, CancellationToken.None).ConfigureAwait(false);
        var runtime = (NodeRuntime)parts.Backend;
        using var stop = new CancellationTokenSource();
        var run = parts.Run(stop.Token);

        // Transactions for batch b: nonce b of every sender. Fees fall with (b, sender), so the
        // miner's fee-rate order takes batch b whole before batch b + 1, and no two rates tie.
        var batches = blocks + 3;
        var queue = BoundedChannel.CreateBounded<StacksTransaction[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var signing = new SigningClock();
        var producer = ProduceAsync(queue.Writer, senders, runtime.ChainParameters, batches, signing, stop.Token);

        var height = RegtestProfile.FundingBlocks;
        var submitted = 0;
        var rejected = 0;
        var submitTime = TimeSpan.Zero;
        var waitingForCommit = TimeSpan.Zero;
        var build = Stopwatch.StartNew();
        var lastReport = 0UL;
        string? failure = null;
        try
        {
            while (true)
            {
                // The node has processed the last burn block (and so applied its winner, and run the miner's round).
                var processing = Stopwatch.StartNew();
                while ((runtime.Sortitions.Tip?.BurnHeight ?? 0) < (ulong)height && !run.IsCompleted && processing.Elapsed < TimeSpan.FromMinutes(2))
                {
                    await Task.Delay(5).ConfigureAwait(false);
                }

                if (run.IsCompleted)
                {
                    failure = "the node's runtime stopped: " + run.Exception?.GetBaseException().Message;
                    break;
                }

                var tip = runtime.Coordinator.Tip;
                if (tip.Height >= (ulong)blocks)
                {
                    break;
                }

                if (tip.Height >= lastReport + 50)
                {
                    lastReport = tip.Height;
                    Console.WriteLine($"  Stacks {tip.Height}, burn {height}, mempool {runtime.Mempool.Count}: {build.Elapsed.TotalSeconds:F0} s ({tip.Height / build.Elapsed.TotalSeconds:F2} blocks/s); signing {signing.Busy.TotalSeconds:F0} s busy, submitting {submitTime.TotalSeconds:F0} s, waiting for commits {waitingForCommit.TotalSeconds:F0} s; load {LoadAverage()}");
                }

                if ((ulong)height > (ulong)RegtestProfile.FundingBlocks + (2UL * (ulong)blocks) + 50)
                {
                    failure = $"burn height {height} but only {tip.Height} Stacks blocks: the miner is not winning";
                    break;
                }

                // Keep three blocks' worth pending. The count may still hold the block being applied
                // right now; after it and the next one, a whole block remains for the miner's next round
                // (which runs right after the next burn block, possibly while this loop submits).
                var submitting = Stopwatch.StartNew();
                while (runtime.Mempool.Count < 3 * txs && await queue.Reader.WaitToReadAsync().ConfigureAwait(false) && queue.Reader.TryRead(out var batch))
                {
                    // Straight into the mempool, in parallel (signature checks dominate). The runtime's
                    // SubmitTransaction would take its writer's gate and copy the mempool per call; this
                    // process is the only submitter, and a batch's nonces are above the tip's anyway.
                    Parallel.ForEach(batch, tx =>
                    {
                        if (runtime.Mempool.TryAdd(tx, runtime.Chain) is { } refusal && Interlocked.Increment(ref rejected) <= 5)
                        {
                            Console.WriteLine($"  transaction refused: {refusal.Code}: {refusal.Message}");
                        }
                    });
                    submitted += batch.Length;
                }

                submitTime += submitting.Elapsed;

                // The miner's commit (or key registration) for the next burn block is in bitcoind's mempool.
                var waiting = Stopwatch.StartNew();
                while (waiting.Elapsed < TimeSpan.FromSeconds(30) && !run.IsCompleted)
                {
                    if (await rpc.TryCallAsync("getrawmempool").ConfigureAwait(false) is { } m && m.GetArrayLength() > 0)
                    {
                        break;
                    }

                    await Task.Delay(10).ConfigureAwait(false);
                }

                waitingForCommit += waiting.Elapsed;
                await rpc.CallAsync("generatetoaddress", 1, minerKey.Address).ConfigureAwait(false);
                height++;
            }

            if (failure is not null)
            {
                Console.WriteLine("build failed: " + failure);
                return null;
            }

            var chainTip = runtime.Coordinator.Tip;
            var check = CheckChain(runtime.Chain, chainTip, txs);
            var buildSeconds = build.Elapsed.TotalSeconds;
            Console.WriteLine($"chain built in {buildSeconds:F1} s ({chainTip.Height / buildSeconds:F2} Stacks blocks/s, {check.Transfers / buildSeconds:F0} transfers/s): burn height {height}, Stacks height {chainTip.Height}, "
                + $"{check.FullBlocks} of {chainTip.Height} blocks with {txs} transfers + coinbase (fewest {check.Fewest}); {submitted} submitted, {rejected} refused; "
                + $"signing {signing.Busy.TotalSeconds:F1} s busy on {Environment.ProcessorCount} cores ({signing.Signed} signed), submitting {submitTime.TotalSeconds:F1} s, waiting for commits {waitingForCommit.TotalSeconds:F1} s; "
                + $"miner: {parts.Miner?.CommitsSent} commits, {parts.Miner?.BlocksWon} won, {parts.Miner?.Errors} errors; this process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F0} s; load {LoadAverage()}");
            if (check.FullBlocks != (int)chainTip.Height)
            {
                Console.WriteLine($"build failed: only {check.FullBlocks} of {chainTip.Height} blocks carry {txs} transfers");
                return null;
            }

            var chain = new SourceChain(blocks, txs, chainTip.Height, (ulong)height, chainTip.Id.ToString(), chainTip.StateRoot.ToString(), buildSeconds, DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture));
            return chain;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await parts.Lifetime.DisposeAsync().ConfigureAwait(false);
            await bitcoind.StopAsync().ConfigureAwait(false);
            Console.WriteLine($"build total (bitcoind start, funding, chain, shutdown): {total.Elapsed.TotalSeconds:F1} s");
        }
    }

    /// <summary>Signs batch after batch (each in parallel over the cores) into <paramref name="writer"/>.</summary>
    private static async Task ProduceAsync(ChannelWriter<StacksTransaction[]> writer, Senders senders, ChainParameters parameters, int batches, SigningClock clock, CancellationToken cancellationToken)
    {
        // Let the caller's loop start before the first (CPU-bound) batch.
        await Task.Yield();
        var signer = new StacksSigner(Secp256k1.Default);
        var count = senders.Count;
        var memo = new byte[34];
        for (var b = 0; b < batches; b++)
        {
            var sw = Stopwatch.StartNew();
            var batch = new StacksTransaction[count];
            var nonce = (ulong)b;
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var fee = FeeBase + ((ulong)(batches - b) * (ulong)count) - (ulong)i;
                var origin = senders.Conditions[i] with { Nonce = nonce, Fee = fee };
                var tx = new StacksTransaction(
                    parameters.TransactionVersion, parameters.ChainId, new TransactionAuth(origin, null),
                    AnchorMode.Any, PostConditionMode.Allow, [],
                    new TokenTransferPayload(new StandardPrincipal(senders.Addresses[(i + 1) % count]), 1, memo));
                batch[i] = signer.SignOrigin(tx, senders.Keys[i]);
            });
            clock.Add(sw.Elapsed, count);
            await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        writer.Complete();
    }

    /// <summary>Walks the canonical chain from <paramref name="tip"/>: how many blocks carry <paramref name="txs"/> transfers after the coinbase.</summary>
    private static (int FullBlocks, int Fewest, long Transfers) CheckChain(ChainState chain, BlockRecord tip, int txs)
    {
        var full = 0;
        var fewest = int.MaxValue;
        long transfers = 0;
        for (var record = tip; !record.IsGenesis; record = chain.GetBlock(record.ParentId)!)
        {
            var body = chain.GetBlockBody(record.Id) ?? throw new InvalidOperationException($"block {record.Id} has no body");
            var n = body.Transactions.Count(t => t.Payload is TokenTransferPayload);
            transfers += n;
            fewest = Math.Min(fewest, n);
            if (n == txs && body.Transactions.Count == txs + 1 && body.Transactions[0].Payload is CoinbasePayload)
            {
                full++;
            }
            else
            {
                Console.WriteLine($"  block {record.Height} (burn {record.BurnHeight}): {body.Transactions.Count} transactions, {n} transfers");
            }
        }

        return (full, fewest == int.MaxValue ? 0 : fewest, transfers);
    }

    // ----- the measurement -----

    private static async Task<int> MeasureAsync(string chainDir, SourceChain source, Senders senders, string mode)
    {
        var rpcPort = FreePort();
        await using var bitcoind = StartBitcoind(chainDir, rpcPort);
        using var rpc = new Rpc(rpcPort);
        if (!await WaitForBitcoindAsync(rpc, bitcoind).ConfigureAwait(false))
        {
            return 1;
        }

        var sourceDir = Path.Combine(chainDir, "source");
        using var work = new TempDir("bench-peer-catchup");

        // The source node alone first: it must report the chain that was built.
        var check = await StartSourceAsync(work.Path, sourceDir, rpcPort, senders, source, p2pPort: null).ConfigureAwait(false);
        if (check is null)
        {
            File.Delete(Path.Combine(chainDir, "chain.json"));
            Console.WriteLine("the cached chain is not usable; it will be rebuilt on the next run");
            return 1;
        }

        await check.DisposeAsync().ConfigureAwait(false);
        var result = 0;
        if (mode is "apply" or "both")
        {
            var followerDir = Path.Combine(work.Path, "apply-follower");
            var seed = Stopwatch.StartNew();
            var seeded = SeedStaging(sourceDir, followerDir);
            Console.WriteLine($"apply only (no network): {seeded} blocks of the source staged in a fresh data directory in {seed.Elapsed.TotalSeconds:F1} s (not counted)");
            var grpcPort = FreePort();
            var config = WriteConfig(work.Path, "apply-follower.toml", followerDir, grpcPort, rpcPort, senders, null, 0, P2pSupported ? "off" : null, bootstrap: null);
            if (await MeasureFollowerAsync("apply only (no network)", config, grpcPort, source, peer: null).ConfigureAwait(false) != 0)
            {
                result = 1;
            }
        }

        if (mode is "network" or "both")
        {
            var p2pPort = FreePort();
            await using var peer = await StartSourceAsync(work.Path, sourceDir, rpcPort, senders, source, p2pPort).ConfigureAwait(false);
            if (peer is null)
            {
                return 1;
            }

            var grpcPort = FreePort();
            var config = WriteConfig(work.Path, "network-follower.toml", Path.Combine(work.Path, "network-follower"), grpcPort, rpcPort, senders, null, 0, $"127.0.0.1:{FreePort()}", $"127.0.0.1:{p2pPort}");
            if (await MeasureFollowerAsync("network (one peer)", config, grpcPort, source, peer).ConfigureAwait(false) != 0)
            {
                result = 1;
            }
        }

        await bitcoind.StopAsync().ConfigureAwait(false);
        return result;
    }

    /// <summary>Starts the source node (miner off) and waits until it reports the built tip; null (after printing why) when it does not.</summary>
    private static async Task<NodeProcess?> StartSourceAsync(string workDir, string sourceDir, int rpcPort, Senders senders, SourceChain source, int? p2pPort)
    {
        var grpcPort = FreePort();
        var p2pBind = p2pPort is { } p ? $"127.0.0.1:{p}" : P2pSupported ? "off" : null;
        var config = WriteConfig(workDir, p2pPort is null ? "source-check.toml" : "source.toml", sourceDir, grpcPort, rpcPort, senders, null, 0, p2pBind, bootstrap: null);
        var sw = Stopwatch.StartNew();
        var node = NodeProcess.Start(["start", "--config", config], []);
        using var channel = Channel(grpcPort);
        var client = new NodeService.NodeServiceClient(channel);
        NodeInfo? info = null;
        while (sw.Elapsed < TimeSpan.FromMinutes(5) && node.IsRunning)
        {
            info = await TryGetInfoAsync(client).ConfigureAwait(false);
            if (info is { Synced: true } && info.StacksTipHeight >= source.StacksHeight)
            {
                break;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        if (info is null || info.StacksTipIndexBlockHash != source.TipIndexHash || info.StateRoot != source.StateRoot)
        {
            Console.WriteLine($"the source node does not report the built chain (Stacks {info?.StacksTipHeight} {info?.StacksTipIndexBlockHash} root {info?.StateRoot}; expected {source.StacksHeight} {source.TipIndexHash} root {source.StateRoot})\n{node.Tail()}");
            await node.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        Console.WriteLine($"source node{(p2pPort is null ? "" : $" (p2p 127.0.0.1:{p2pPort})")}: Stacks height {info.StacksTipHeight}, burn {info.BurnHeight}, tip {info.StacksTipIndexBlockHash}, synced after {sw.Elapsed.TotalSeconds:F1} s; {node.Rss()}");
        return node;
    }

    private static async Task<int> MeasureFollowerAsync(string label, string config, int grpcPort, SourceChain source, NodeProcess? peer)
    {
        var loadBefore = LoadAverage();
        var peerCpuBefore = peer?.CpuSeconds() ?? 0;
        var sw = Stopwatch.StartNew();
        await using var follower = NodeProcess.Start(["start", "--config", config], []);
        using var channel = Channel(grpcPort);
        var client = new NodeService.NodeServiceClient(channel);
        NodeInfo? info = null;
        TimeSpan? serving = null;
        TimeSpan? firstBlock = null;
        var nextReport = TimeSpan.FromSeconds(30);
        var deadline = TimeSpan.FromMinutes(60);
        while (sw.Elapsed < deadline && follower.IsRunning)
        {
            info = await TryGetInfoAsync(client).ConfigureAwait(false);
            if (info is not null)
            {
                serving ??= sw.Elapsed;
                if (info.StacksTipHeight > 0)
                {
                    firstBlock ??= sw.Elapsed;
                }

                if (info.StacksTipIndexBlockHash == source.TipIndexHash && info.StateRoot == source.StateRoot)
                {
                    break;
                }
            }

            if (sw.Elapsed >= nextReport)
            {
                nextReport += TimeSpan.FromSeconds(30);
                Console.WriteLine($"  {label}: {sw.Elapsed.TotalSeconds:F0} s: burn {info?.BurnHeight}, Stacks {info?.StacksTipHeight} of {source.StacksHeight}, CPU {follower.CpuSeconds():F0} s, {follower.Rss()}, load {LoadAverage()}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        var total = sw.Elapsed;
        var cpu = follower.CpuSeconds();
        var rss = follower.Rss();
        var loadAfter = LoadAverage();
        if (info is null || info.StacksTipIndexBlockHash != source.TipIndexHash || info.StateRoot != source.StateRoot)
        {
            Console.WriteLine($"{label}: the follower did not reach the source's tip within {total.TotalSeconds:F0} s (running {follower.IsRunning}): Stacks {info?.StacksTipHeight} {info?.StacksTipIndexBlockHash}\n{follower.Tail()}");
            return 1;
        }

        var stacks = follower.Marks("NodeRuntime: stacks block ");
        var burn = follower.Marks("NodeRuntime: burn block ");
        var blocks = (double)source.StacksHeight;
        var applySpan = stacks.Count > 1 ? stacks[^1] - stacks[0] : TimeSpan.Zero;
        Console.WriteLine($"{label}: {source.StacksHeight} Stacks blocks ({source.StacksHeight * (ulong)source.Transactions:N0} transfers) and {info.BurnHeight} burn blocks caught up in {total.TotalSeconds:F1} s from spawn: "
            + $"{blocks / total.TotalSeconds:F2} Stacks blocks/s, {blocks * source.Transactions / total.TotalSeconds:F0} transactions/s; "
            + $"gRPC first answered at {serving?.TotalSeconds:F1} s, first Stacks block at {firstBlock?.TotalSeconds:F1} s; "
            + $"{stacks.Count} Stacks-block log lines from {(stacks.Count > 0 ? stacks[0].TotalSeconds : 0):F1} s to {(stacks.Count > 0 ? stacks[^1].TotalSeconds : 0):F1} s ({(applySpan > TimeSpan.Zero ? (stacks.Count - 1) / applySpan.TotalSeconds : double.NaN):F2} blocks/s), "
            + $"{burn.Count} burn-block lines from {(burn.Count > 0 ? burn[0].TotalSeconds : 0):F1} s to {(burn.Count > 0 ? burn[^1].TotalSeconds : 0):F1} s; "
            + $"follower CPU {cpu:F1} s ({cpu * 1000 / blocks:F0} ms per Stacks block), {rss}"
            + (peer is null ? "" : $"; source CPU while serving {peer.CpuSeconds() - peerCpuBefore:F1} s, {peer.Rss()}")
            + $"; load {loadBefore} at spawn, {loadAfter} at the end");
        await follower.StopAsync().ConfigureAwait(false);
        return 0;
    }

    // ----- processes and configuration -----

    private static NodeProcess StartBitcoind(string chainDir, int rpcPort) =>
        NodeProcess.Start(["bitcoind", "--datadir", Path.Combine(chainDir, "btc"), "--rpcport", rpcPort.ToString(CultureInfo.InvariantCulture), "--rpcuser", RpcUser, "--rpcpassword", RpcPassword], []);

    private static async Task<bool> WaitForBitcoindAsync(Rpc rpc, NodeProcess bitcoind)
    {
        var sw = Stopwatch.StartNew();
        while (await rpc.TryCallAsync("getblockcount").ConfigureAwait(false) is null)
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(60) || !bitcoind.IsRunning)
            {
                Console.WriteLine("bitcoind did not answer\n" + bitcoind.Tail());
                return false;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>A regtest node config on the standalone bitcoind with the senders' genesis; miner when <paramref name="minerWif"/> is set; <c>[p2p]</c> when <paramref name="p2pBind"/> is set.</summary>
    private static string WriteConfig(string dir, string name, string dataDir, int grpcPort, int rpcPort, Senders senders, string? minerWif, int maxBlockTransactions, string? p2pBind, string? bootstrap)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"[node]\nnetwork = \"regtest\"\ndata_dir = \"{dataDir}\"\ngrpc_bind = \"127.0.0.1:{grpcPort}\"\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"[burnchain]\nmode = \"bitcoind\"\nrpc_host = \"127.0.0.1\"\nrpc_port = {rpcPort}\nusername = \"{RpcUser}\"\npassword = \"{RpcPassword}\"\npoll_interval = 0.05\n");
        if (minerWif is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"wallet_name = \"bench-miner\"\n\n[miner]\nenabled = true\nbtc_key = \"{minerWif}\"\nmax_block_transactions = {maxBlockTransactions}\n");
        }

        if (p2pBind is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n[p2p]\nbind = \"{p2pBind}\"\n");
            if (bootstrap is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"bootstrap_peers = \"{bootstrap}\"\n");
            }
        }

        foreach (var address in senders.Addresses)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n[[genesis.account]]\naddress = \"{address}\"\nustx = {GenesisUstx}\n");
        }

        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>The transfer senders: deterministic keys, so a cached chain's genesis can be written again.</summary>
    private sealed record Senders(IReadOnlyList<StacksPrivateKey> Keys, IReadOnlyList<StacksAddress> Addresses, IReadOnlyList<SingleSigSpendingCondition> Conditions)
    {
        public int Count => Keys.Count;

        public static Senders Create(int count)
        {
            var signer = new StacksSigner(Secp256k1.Default);
            var keys = new StacksPrivateKey[count];
            var conditions = new SingleSigSpendingCondition[count];
            var addresses = new StacksAddress[count];
            for (var i = 0; i < count; i++)
            {
                var secret = SHA256.HashData(Encoding.UTF8.GetBytes($"blockstack peer-catchup sender {i}"));
                keys[i] = new StacksPrivateKey(secret, true);
                conditions[i] = signer.SingleSigCondition(keys[i], 0, 0);
                addresses[i] = conditions[i].Address(ChainParameters.Regtest.TransactionVersion);
            }

            return new Senders(keys, addresses, conditions);
        }
    }

    /// <summary>Wall time the producer spent signing, and how many it signed.</summary>
    private sealed class SigningClock
    {
        private long _ticks;
        private long _signed;

        public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public long Signed => Interlocked.Read(ref _signed);

        public void Add(TimeSpan busy, int signed)
        {
            Interlocked.Add(ref _ticks, busy.Ticks);
            Interlocked.Add(ref _signed, signed);
        }
    }

    /// <summary>The cached chain's facts (<c>chain.json</c>); present only once the build completed and was checked.</summary>
    private sealed record SourceChain(int Blocks, int Transactions, ulong StacksHeight, ulong BurnHeight, string TipIndexHash, string StateRoot, double BuildSeconds, string BuiltAt)
    {
        public static SourceChain? Load(string chainDir, int blocks, int txs)
        {
            var path = Path.Combine(chainDir, "chain.json");
            if (!File.Exists(path))
            {
                return null;
            }

            try
            {
                var chain = JsonSerializer.Deserialize<SourceChain>(File.ReadAllText(path));
                return chain is not null && chain.Blocks == blocks && chain.Transactions == txs ? chain : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        public void Save(string chainDir) => File.WriteAllText(Path.Combine(chainDir, "chain.json"), JsonSerializer.Serialize(this, JsonOptions));
    }
}
