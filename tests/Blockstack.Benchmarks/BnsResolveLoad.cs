using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Blockstack.Bitcoin;
using Blockstack.Bns;
using Blockstack.Chain;
using Blockstack.Node.Grpc;
using Blockstack.Node.Hosting;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blockstack.Benchmarks;

/// <summary>
/// ResolveName load (docs/benchmarks.md, "BNS"): this process builds a chain whose native bns
/// contract holds <c>names</c> names (namespace preorder/reveal, <c>name-import</c> calls in blocks,
/// namespace-ready), follows it with the RocksDB-backed <see cref="BnsChainIndex"/> and serves the
/// real <see cref="BnsGrpcService"/> (with the daemon's metrics interceptor) on 127.0.0.1; a second
/// process (this executable in client mode) calls ResolveName over HTTP/2 with Grpc.Net.Client from
/// many concurrent tasks, checks every answer against the one expected, then pages through every
/// name with ListNames. Each concurrency level gets a warm-up (<c>BNS_BENCH_WARMUP</c> seconds,
/// default 10: the JIT tiers the hot paths up) and a measured window; the CPU time both processes
/// spend in the window is reported per call. <c>BNS_BENCH_CONNECTIONS</c> (default 2) sets the
/// client's HTTP/2 connections.
/// <c>dotnet run -c Release --project tests/Blockstack.Benchmarks -- bns-load [names] [concurrency[,concurrency…]] [seconds]</c>.
/// </summary>
internal static class BnsResolveLoad
{
    private const string Ns = "bench";
    private const int ImportsPerBlock = 2000;
    private const string MeasureStart = "measure-start";
    private static readonly byte[] Zonefile = "$ORIGIN bench\n$TTL 3600\n_http._tcp URI 10 1 \"https://example.com\"\n"u8.ToArray();
    private const string MeasuredCalls = "measured-calls ";

    public static async Task<int> ServeAsync(string[] args)
    {
        var names = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var concurrency = args.Length > 2 ? args[2] : "16,32,64";
        var seconds = args.Length > 3 ? args[3] : "10";
        var dir = Path.Combine(Path.GetTempPath(), "bench-bns-" + Guid.NewGuid().ToString("N"));
        try
        {
            var rocks = new RocksStoreOptions { SyncWrites = false };
            var store = ChainStore.OpenRocks(Path.Combine(dir, "chain"), rocks);
            var builder = new Builder(store);
            var sw = Stopwatch.StartNew();
            using var index = BnsChainIndex.Open(Path.Combine(dir, "bns"), builder.Coordinator, rocks);
            builder.BuildNames(names);
            Console.WriteLine($"built {names:N0} names in {builder.Coordinator.Tip.Height} blocks through the bns contract and indexed them: {sw.Elapsed.TotalSeconds:F1} s");
            if (!index.PutZonefile(Zonefile).IsOk)
            {
                throw new InvalidOperationException("zonefile not accepted");
            }

            index.State = BnsServiceState.Synced;
            if (Environment.GetEnvironmentVariable("BNS_BENCH_INPROC") == "1")
            {
                var service = new BnsGrpcService(index);
                var rng = new Random(1);
                for (var round = 0; round < 3; round++)
                {
                    var t = Stopwatch.StartNew();
                    var a0 = GC.GetAllocatedBytesForCurrentThread();
                    for (var i = 0; i < 200_000; i++)
                    {
                        service.ResolveName(new ResolveNameRequest { Name = NameOf(rng.Next(names)) + "." + Ns }, null!).GetAwaiter().GetResult();
                    }

                    Console.WriteLine($"in-process ResolveName: {t.Elapsed.TotalMicroseconds / 200_000:F2} µs/call, {(GC.GetAllocatedBytesForCurrentThread() - a0) / 200_000} B/call");
                }
            }

            var web = WebApplication.CreateSlimBuilder();
            web.Logging.SetMinimumLevel(LogLevel.Warning);
            web.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
                k.Limits.Http2.MaxStreamsPerConnection = 256;
            });
            web.Services.AddBnsGrpc(index);

            // As the daemon serves it (NodeHost): every call also counted by the metrics interceptor.
            web.Services.AddSingleton(new NodeMetrics());
            web.Services.AddGrpcMetrics();
            await using var app = web.Build();
            app.MapBnsGrpc();
            await app.StartAsync().ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

            var self = Environment.ProcessPath!;
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(BnsResolveLoad).Assembly.Location);
            }

            foreach (var a in new[] { "bns-client", address, names.ToString(CultureInfo.InvariantCulture), concurrency, seconds })
            {
                start.ArgumentList.Add(a);
            }

            var serverCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            using var client = Process.Start(start)!;
            Console.WriteLine($"client process {client.Id} → {address}");
            var windowCpu0 = TimeSpan.Zero;
            var windowCpu = TimeSpan.Zero;
            while (await client.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                // The client marks the measured window's start and end: the server's CPU in between,
                // over the calls the client made in it, is the server's CPU per call.
                if (line == MeasureStart)
                {
                    windowCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                    continue;
                }

                if (line.StartsWith("ResolveName: ", StringComparison.Ordinal))
                {
                    windowCpu = Process.GetCurrentProcess().TotalProcessorTime - windowCpu0;
                }

                if (line.StartsWith(MeasuredCalls, StringComparison.Ordinal))
                {
                    var calls = long.Parse(line.AsSpan(MeasuredCalls.Length), CultureInfo.InvariantCulture);
                    Console.WriteLine($"server CPU in the measured window: {windowCpu.TotalSeconds:F2} s = {windowCpu.TotalMicroseconds / Math.Max(1, calls):F1} µs per call");
                    continue;
                }

                Console.WriteLine(line);
            }

            await client.WaitForExitAsync().ConfigureAwait(false);
            Console.WriteLine($"server CPU while the client ran (warm-up, run, paging): {(Process.GetCurrentProcess().TotalProcessorTime - serverCpu0).TotalSeconds:F1} s");
            await app.StopAsync().ConfigureAwait(false);
            return client.ExitCode;
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static async Task<int> ClientAsync(string[] args)
    {
        var address = args[1];
        var names = int.Parse(args[2], CultureInfo.InvariantCulture);
        var levels = args[3].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var seconds = double.Parse(args[4], CultureInfo.InvariantCulture);
        var warmUp = double.Parse(Environment.GetEnvironmentVariable("BNS_BENCH_WARMUP") ?? "10", CultureInfo.InvariantCulture);
        var connections = int.Parse(Environment.GetEnvironmentVariable("BNS_BENCH_CONNECTIONS") ?? "2", CultureInfo.InvariantCulture);

        // One channel per connection; the calls of each task go over one of them, round robin.
        var channels = Enumerable.Range(0, connections).Select(_ => GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        })).ToArray();
        try
        {
            var clients = channels.Select(c => new BnsService.BnsServiceClient(c)).ToArray();

            // The requests and the exact answers expected, built before any call: every answer is compared
            // field by field, and a wrong answer counts as an error like a failed call.
            var requests = new ResolveNameRequest[names];
            var expected = new ResolveNameResponse[names];
            var zonefileHash = Convert.ToHexStringLower(Hash160.Of(Zonefile).ToArray());
            for (var i = 0; i < names; i++)
            {
                var fqn = NameOf(i) + "." + Ns;
                requests[i] = new ResolveNameRequest { Name = fqn };
                expected[i] = new ResolveNameResponse
                {
                    Name = fqn,
                    Owner = Owner(i).ToString(),
                    ZonefileHash = zonefileHash,
                    Status = Blockstack.Protos.V1.NameStatus.Active,
                    Zonefile = ByteString.CopyFrom(Zonefile),
                };
            }

            var failed = false;
            foreach (var concurrency in levels)
            {
                // Warm-up (the JIT tiers up the hot paths of both processes), then the measured window.
                var warm = await RunAsync(clients, requests, expected, concurrency, TimeSpan.FromSeconds(warmUp)).ConfigureAwait(false);
                Console.WriteLine(MeasureStart);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var run = await RunAsync(clients, requests, expected, concurrency, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
                var latencies = run.Latencies;
                latencies.Sort();
                double Pct(double p) => latencies[(int)Math.Min(latencies.Count - 1, p * latencies.Count)] * 1000.0 / Stopwatch.Frequency;
                var count = latencies.Count;
                var errors = run.Failed + run.Wrong + warm.Failed + warm.Wrong;
                Console.WriteLine($"ResolveName: {count:N0} calls in {run.Elapsed.TotalSeconds:F1} s = {count / run.Elapsed.TotalSeconds:N0}/s, concurrency {concurrency}, connections {connections}, errors {errors}, p50 {Pct(0.50):F2} ms, p99 {Pct(0.99):F2} ms, max {Pct(1):F2} ms (client CPU {cpu.TotalSeconds:F1} s = {cpu.TotalMicroseconds / Math.Max(1, count):F1} µs per call)");
                Console.WriteLine(MeasuredCalls + count.ToString(CultureInfo.InvariantCulture));
                Console.WriteLine($"ResolveName calls including warm-up: {warm.Latencies.Count + count}; failed {run.Failed + warm.Failed}, wrong answers {run.Wrong + warm.Wrong}{((run.FirstProblem ?? warm.FirstProblem) is { } problem ? "; first: " + problem : "")}");
                failed |= errors > 0;
            }

            // Paging through every name.
            var sw = Stopwatch.StartNew();
            var pages = 0;
            var seen = 0;
            var token = "";
            do
            {
                var page = await clients[0].ListNamesAsync(new ListNamesRequest { Namespace = Ns, PageSize = 1000, PageToken = token }).ConfigureAwait(false);
                pages++;
                seen += page.Names.Count;
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            Console.WriteLine($"ListNames: {seen:N0} names in {pages} pages of ≤1000 in {sw.Elapsed.TotalSeconds:F2} s ({seen / sw.Elapsed.TotalSeconds:N0} names/s)");
            return seen == names && !failed ? 0 : 1;
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    private static async Task<(List<long> Latencies, long Failed, long Wrong, string? FirstProblem, TimeSpan Elapsed)> RunAsync(
        BnsService.BnsServiceClient[] clients, ResolveNameRequest[] requests, ResolveNameResponse[] expected, int concurrency, TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        var end = sw.Elapsed + duration;
        var tasks = Enumerable.Range(0, concurrency).Select(t => Task.Run(async () =>
        {
            var bns = clients[t % clients.Length];
            var rng = new Random(t);
            var local = new List<long>(1 << 16);
            long failed = 0;
            long wrong = 0;
            string? problem = null;
            while (sw.Elapsed < end)
            {
                var i = rng.Next(requests.Length);
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    var answer = await bns.ResolveNameAsync(requests[i]).ConfigureAwait(false);
                    if (!answer.Equals(expected[i]))
                    {
                        wrong++;
                        problem ??= $"{requests[i].Name} answered {answer}";
                    }
                }
                catch (Grpc.Core.RpcException e)
                {
                    failed++;
                    problem ??= $"{requests[i].Name} failed: {e.Status}";
                }

                local.Add(Stopwatch.GetTimestamp() - t0);
            }

            return (local, failed, wrong, problem);
        })).ToArray();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        var all = new List<long>(results.Sum(r => r.local.Count));
        foreach (var r in results)
        {
            all.AddRange(r.local);
        }

        return (all, results.Sum(r => r.failed), results.Sum(r => r.wrong), results.Select(r => r.problem).FirstOrDefault(p => p is not null), sw.Elapsed);
    }

    /// <summary>The owner <see cref="Builder"/> imports name <paramref name="i"/> to.</summary>
    private static StandardPrincipal Owner(int i)
    {
        var h = new byte[20];
        BinaryPrimitives.WriteInt32BigEndian(h.AsSpan(16), i + 1);
        return new StandardPrincipal(new StacksAddress(StacksAddressVersion.TestnetSingleSig, new Hash160(h)));
    }

    private static string NameOf(int i) => "n" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>A regtest chain with bns; blocks of unsigned name-import calls (signature checks off).</summary>
    private sealed class Builder
    {
        private static readonly VrfPrivateKey VrfKey = new(Enumerable.Repeat((byte)7, 32).ToArray());
        private readonly Sortitions _sortitions = new();
        private readonly SpendingCondition _importer;
        private readonly SpendingCondition _miner;
        private readonly ChainParameters _parameters;
        private ulong _nonce;
        private ulong _minerNonce;
        private int _counter;

        public Builder(ChainStore store)
        {
            var signer = new StacksSigner(Blockstack.Bitcoin.Crypto.BouncySecp256k1.Instance);
            var key = new StacksPrivateKey(Enumerable.Repeat((byte)0x42, 32).ToArray(), compressed: true);
            _importer = signer.SingleSigCondition(key, 0, 0);
            _miner = signer.SingleSigCondition(new StacksPrivateKey(Enumerable.Repeat((byte)0x43, 32).ToArray(), compressed: true), 0, 0);
            _parameters = ChainParameters.Regtest with
            {
                GenesisBalances = [new GenesisBalance(_importer.Address(TransactionVersion.Testnet), 1_000_000_000_000_000)],
            };
            Coordinator = new ChainCoordinator(store, _parameters, _sortitions, NativeContractRegistry.WithPox(_parameters, new BnsNativeContract()))
            {
                VerifySignatures = false,
            };
        }

        public ChainCoordinator Coordinator { get; }

        private Principal Importer => new StandardPrincipal(_importer.Address(TransactionVersion.Testnet));

        public void BuildNames(int count)
        {
            var salt = new ClarityBuffer("salt"u8.ToArray());
            var ns = new ClarityBuffer(System.Text.Encoding.ASCII.GetBytes(Ns));
            var hashed = Hash160.Of([.. ns.Data, .. salt.Data]).ToArray();
            Mine([Call("namespace-preorder", new ClarityBuffer(hashed), new ClarityUInt(BnsPricing.NamespacePrice(Ns.Length)))]);
            ClarityValue[] reveal =
            [
                ns, salt, new ClarityUInt(4), new ClarityUInt(250), .. Enumerable.Repeat((ClarityValue)new ClarityUInt(1), 16),
                new ClarityUInt(4), new ClarityUInt(4), new ClarityUInt(0), new ClarityPrincipal(Importer),
            ];
            Mine([Call("namespace-reveal", reveal)]);
            var zonefileHash = new ClarityBuffer(Hash160.Of(Zonefile).ToArray());
            for (var start = 0; start < count; start += ImportsPerBlock)
            {
                var txs = new List<StacksTransaction>();
                for (var i = start; i < Math.Min(count, start + ImportsPerBlock); i++)
                {
                    txs.Add(Call("name-import", ns, new ClarityBuffer(System.Text.Encoding.ASCII.GetBytes(NameOf(i))), new ClarityPrincipal(Owner(i)), zonefileHash));
                }

                Mine(txs);
            }

            Mine([Call("namespace-ready", ns)]);
        }

        private StacksTransaction Call(string function, params ClarityValue[] args) => new(
            _parameters.TransactionVersion, _parameters.ChainId,
            new TransactionAuth(_importer with { Nonce = _nonce++ }, null),
            AnchorMode.Any, PostConditionMode.Allow, [], new ContractCallPayload(_parameters.BootAddress, BnsNativeContract.ContractName, function, args));

        private void Mine(List<StacksTransaction> txs)
        {
            var parent = Coordinator.Tip;
            var burnHeight = (ulong)++_counter;
            var coinbase = new StacksTransaction(
                _parameters.TransactionVersion, _parameters.ChainId, new TransactionAuth(_miner with { Nonce = _minerNonce++ }, null),
                AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
            List<StacksTransaction> all = [coinbase, .. txs];
            var seed = Hash(_counter, 0xAA);
            var ch = new ConsensusHash(new Hash160(Hash(_counter, 0xCC).ToArray().AsSpan(0, 20)));
            var parentSortition = parent.IsGenesis ? null : _sortitions.GetSortition(parent.ConsensusHash);
            var header = new StacksBlockHeader(
                1, parentSortition?.TotalBurn ?? 0, parent.Height + 1, EcVrf.Prove(VrfKey, seed.ToArray()),
                parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
                MerkleTree.TransactionRoot(all.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
            var facts = new SortitionFacts(ch, burnHeight, default, VrfKey.PublicKey, seed, parent.ConsensusHash, burnHeight * 1000, 0);
            var block = new StacksBlock(header, all);
            if (!Coordinator.TryComputeStateRoot(parent.Id, block, facts, [], out var root, out var why))
            {
                throw new InvalidOperationException("bench block does not apply: " + why);
            }

            block = block with { Header = header with { StateIndexRoot = new Hash256(root.ToArray()) } };
            _sortitions.Map[ch] = facts with { WinningBlockHash = block.BlockHash };
            var outcome = Coordinator.ProcessBlock(block, ch);
            if (!outcome.IsAccepted || outcome.Receipts.Any(r => !r.IsSuccess))
            {
                throw new InvalidOperationException($"bench block refused or a call failed: {outcome.Rejection} {outcome.Receipts.FirstOrDefault(r => !r.IsSuccess)?.Result.ToRepr()}");
            }
        }

        private static Hash256 Hash(int n, byte tag)
        {
            var b = new byte[32];
            b[0] = tag;
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(28), n);
            return new Hash256(Blockstack.Bitcoin.Crypto.Hashes.Sha512t256(b));
        }
    }

    private sealed class Sortitions : ISortitionView
    {
        public Dictionary<ConsensusHash, SortitionFacts> Map { get; } = [];

        public SortitionFacts? GetSortition(ConsensusHash consensusHash) => Map.GetValueOrDefault(consensusHash);

        public bool IsCanonical(ConsensusHash consensusHash) => true;

        public IReadOnlyList<BurnStxOperation> GetBurnOperations(ConsensusHash consensusHash) => [];
    }
}
