using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Regtest;

namespace Blockstack.Benchmarks;

/// <summary>
/// The real-RPC variant of <see cref="BurnchainSyncBenchmarks"/>: the watcher follows 1,000 blocks
/// of 100 transactions (10 of them LeaderKeyRegister ops) from the embedded regtest bitcoind over
/// HTTP JSON-RPC (BitcoinRpcClient, getblockhash + getblock hash 0) into RocksDB. The 103 set-up (genesis, 101 mined, the fan-out)
/// blocks below are synced before the measured part. The watcher's timings split RPC (HTTP, JSON,
/// hex), parsing (block + ops) and storage (one batch per block); they are printed after each run.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
#pragma warning disable CA1063 // BenchmarkDotNet needs an unsealed class; cleanup is GlobalCleanup.
public class BurnchainRegtestFollowBenchmarks : IDisposable
#pragma warning restore CA1063
{
    private const int Blocks = 1000;
    private const int TxsPerBlock = 100;
    private const int OpsPerBlock = 10;
    private const int SetupBlocks = 103;

    private RegtestNode _node = null!;
    private BitcoinRpcClient _rpc = null!;
    private BurnchainParameters _parameters = null!;
    private string _dir = string.Empty;
    private BurnchainIndex? _index;

    [GlobalSetup]
    public void Setup()
    {
        _node = RegtestNode.StartAsync(new RegtestOptions { InMemory = true, RpcUser = "u", RpcPassword = "p", ScriptVerifier = new AcceptAllVerifier() })
            .GetAwaiter().GetResult();
        BuildChain(_node.Engine);
        _rpc = new BitcoinRpcClient(new BitcoinRpcOptions { Endpoint = _node.Url, User = "u", Password = "p" });
        _parameters = BurnchainParameters.Regtest();
    }

    [IterationSetup]
    public void NewStore()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bench-burnchain-rpc-" + Guid.NewGuid().ToString("N"));
        _index = BurnchainIndex.Open(_dir);
        var warm = new BurnchainWatcher(_rpc, _index, _parameters);
        warm.SyncAsync(SetupBlocks, CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DropStore()
    {
        _index?.Dispose();
        _index = null;
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public async Task<int> FollowThousandBlocksOverHttp()
    {
        var watcher = new BurnchainWatcher(_rpc, _index!, _parameters);
        var n = await watcher.SyncAsync(int.MaxValue, CancellationToken.None);
        Console.WriteLine($"// blocks={n} rpc={watcher.Timings.Rpc.TotalMilliseconds:F0}ms parsing={watcher.Timings.Parsing.TotalMilliseconds:F0}ms storage={watcher.Timings.Storage.TotalMilliseconds:F0}ms");
        return n;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rpc.Dispose();
        _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _rpc?.Dispose();
        _index?.Dispose();
        GC.SuppressFinalize(this);
    }

    // 101 blocks, a fan-out of 100 coins, then 1,000 blocks each spending every coin once; the
    // first 10 spends of each block carry a LeaderKeyRegister OP_RETURN before their change.
    private static void BuildChain(RegtestEngine engine)
    {
        var p = BurnchainParameters.Regtest();
        var op = StandardScripts.NullData([p.Magic0, p.Magic1, (byte)BurnOpcode.LeaderKeyRegister, .. new byte[20], .. Convert.FromHexString("a366b51292bef4edd64063d9145c617fec373bceb0758e98cd72becd84d54c7a")]);
        ReadOnlyMemory<byte>[] witness = [new byte[72], new byte[33]];
        var first = engine.Generate(1, RegtestChains.Script)[0];
        engine.Generate(100, RegtestChains.Script);
        var coinbase = engine.Chain.ReadBlock(first)!.Transactions[0];
        var share = (coinbase.Outputs[0].Value - 10_000) / TxsPerBlock;
        var fanOut = new Transaction(2, [new TxIn(new OutPoint(coinbase.Txid, 0), ReadOnlyMemory<byte>.Empty, 0xffff_fffd, witness)],
            Enumerable.Range(0, TxsPerBlock).Select(_ => new TxOut(share, RegtestChains.Script)).ToList(), 0);
        var txs = new List<Transaction> { fanOut };
        Mine(engine, txs);
        var tips = Enumerable.Range(0, TxsPerBlock).Select(i => (Out: new OutPoint(fanOut.Txid, (uint)i), Value: share)).ToArray();
        for (var b = 0; b < Blocks; b++)
        {
            txs.Clear();
            for (var i = 0; i < tips.Length; i++)
            {
                var value = tips[i].Value - 300;
                List<TxOut> outputs = i < OpsPerBlock ? [new TxOut(0, op), new TxOut(value, RegtestChains.Script)] : [new TxOut(value, RegtestChains.Script)];
                var tx = new Transaction(2, [new TxIn(tips[i].Out, ReadOnlyMemory<byte>.Empty, 0xffff_fffd, witness)], outputs, 0);
                txs.Add(tx);
                tips[i] = (new OutPoint(tx.Txid, (uint)outputs.Count - 1), value);
            }

            Mine(engine, txs);
        }
    }

    private static void Mine(RegtestEngine engine, List<Transaction> txs)
    {
        var (block, error) = engine.GenerateBlock(RegtestChains.Script, txs, submit: true);
        if (block is null)
        {
            throw new InvalidOperationException("benchmark block rejected: " + error);
        }
    }
}
