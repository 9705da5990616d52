using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest;
using Blockstack.Regtest.Chain;
using Blockstack.Storage;

namespace Blockstack.Benchmarks;

/// <summary>Accepts every input: isolates chain, mempool, assembly and storage costs from signature checks.</summary>
internal sealed class AcceptAllVerifier : IScriptVerifier
{
    public string? VerifyInput(Transaction transaction, int inputIndex, IReadOnlyList<TxOut> spentOutputs) => null;
}

/// <summary>Builds regtest chains whose blocks carry <c>txPerBlock</c> one-in-one-out P2WPKH spends.</summary>
internal static class RegtestChains
{
    public static readonly byte[] Script = [0x00, 0x14, .. new byte[20]];

    private static readonly ReadOnlyMemory<byte>[] DummyWitness = [new byte[72], new byte[33]];

    public static RegtestEngine Create(IKeyValueStore<RegtestColumn> store, int blocks, int txPerBlock)
    {
        var engine = new RegtestEngine(store, new AcceptAllVerifier(), TimeProvider.System);
        var first = engine.Generate(1, Script)[0];
        engine.Generate(100, Script);
        var coinbase = engine.Chain.ReadBlock(first)!.Transactions[0];
        var share = (coinbase.Outputs[0].Value - 10_000) / txPerBlock;
        var fanOut = new Transaction(2, [new TxIn(new OutPoint(coinbase.Txid, 0), ReadOnlyMemory<byte>.Empty, 0xffff_fffd, DummyWitness)],
            Enumerable.Range(0, txPerBlock).Select(_ => new TxOut(share, Script)).ToList(), 0);
        Accept(engine, fanOut);
        engine.Generate(1, Script);
        var tips = Enumerable.Range(0, txPerBlock).Select(i => (Out: new OutPoint(fanOut.Txid, (uint)i), Value: share)).ToArray();
        for (var b = 0; b < blocks; b++)
        {
            for (var i = 0; i < tips.Length; i++)
            {
                var value = tips[i].Value - 200;
                var tx = new Transaction(2, [new TxIn(tips[i].Out, ReadOnlyMemory<byte>.Empty, 0xffff_fffd, DummyWitness)], [new TxOut(value, Script)], 0);
                Accept(engine, tx);
                tips[i] = (new OutPoint(tx.Txid, 0), value);
            }

            engine.Generate(1, Script);
        }

        return engine;
    }

    private static void Accept(RegtestEngine engine, Transaction tx)
    {
        var result = engine.AcceptToMempool(tx);
        if (!result.IsAccepted)
        {
            throw new InvalidOperationException("benchmark transaction rejected: " + result.Reason);
        }
    }
}

/// <summary>Mining 1,000 blocks of 100 transactions each (mempool acceptance, assembly, PoW, connect, one batch per block).</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class RegtestMiningBenchmarks
{
    [Params(1000)]
    public int Blocks { get; set; }

    [Benchmark]
    public int MineInMemory()
    {
        using var engine = RegtestChains.Create(new MemoryStore<RegtestColumn>(), Blocks, 100);
        return engine.Chain.Height;
    }

    [Benchmark]
    public int MineRocksDb()
    {
        var dir = Path.Combine(Path.GetTempPath(), "regtest-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var engine = RegtestChains.Create(RocksStore.Open<RegtestColumn>(dir, RegtestNode.Schema), Blocks, 100);
            return engine.Chain.Height;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>getblock over HTTP (Basic auth, legacy framing) on a block of 100 transactions.</summary>
[MemoryDiagnoser]
[ShortRunJob]
#pragma warning disable CA1063 // BenchmarkDotNet needs an unsealed class; cleanup is GlobalCleanup.
public class RegtestGetBlockBenchmarks : IDisposable
#pragma warning restore CA1063
{
    private RegtestNode _node = null!;
    private HttpClient _http = null!;
    private string _hash = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _node = RegtestNode.StartAsync(new RegtestOptions { InMemory = true, RpcUser = "u", RpcPassword = "p", ScriptVerifier = new AcceptAllVerifier() })
            .GetAwaiter().GetResult();
        _http = new HttpClient { BaseAddress = _node.Url };
        _http.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(_node.Credentials.ToAuthorizationHeader());
        var engine = _node.Engine;
        var first = engine.Generate(1, RegtestChains.Script)[0];
        engine.Generate(100, RegtestChains.Script);
        var coinbase = engine.Chain.ReadBlock(first)!.Transactions[0];
        var fan = new Transaction(2, [new TxIn(new OutPoint(coinbase.Txid, 0), ReadOnlyMemory<byte>.Empty, 0xffff_fffd, [new byte[72], new byte[33]])],
            Enumerable.Range(0, 100).Select(_ => new TxOut(40_000_000, RegtestChains.Script)).ToList(), 0);
        engine.AcceptToMempool(fan);
        engine.Generate(1, RegtestChains.Script);
        for (var i = 0; i < 100; i++)
        {
            engine.AcceptToMempool(new Transaction(2, [new TxIn(new OutPoint(fan.Txid, (uint)i), ReadOnlyMemory<byte>.Empty, 0xffff_fffd, [new byte[72], new byte[33]])],
                [new TxOut(39_000_000, RegtestChains.Script)], 0));
        }

        _hash = engine.Generate(1, RegtestChains.Script)[0].ToString();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _http?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int GetBlockVerbosity0() => Call(0);

    [Benchmark]
    public int GetBlockVerbosity2() => Call(2);

    private int Call(int verbosity)
    {
        using var content = new StringContent($"{{\"id\":1,\"method\":\"getblock\",\"params\":[\"{_hash}\",{verbosity}]}}", Encoding.UTF8, "application/json");
        using var response = _http.PostAsync(new Uri("/", UriKind.Relative), content).GetAwaiter().GetResult();
        return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult().Length;
    }
}
