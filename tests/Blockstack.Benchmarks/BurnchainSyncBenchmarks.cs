using BenchmarkDotNet.Attributes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;

namespace Blockstack.Benchmarks;

/// <summary>
/// Burn blocks followed per second: 1,000 blocks of 100 transactions (10 of them Stacks ops) served
/// from memory behind IBitcoinRpc, parsed and stored in RocksDB. The watcher's own timings split
/// the time into RPC, parsing and storage (printed after each run).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class BurnchainSyncBenchmarks
{
    private MemoryRpc _rpc = null!;
    private BurnchainParameters _parameters = null!;
    private string _dir = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _rpc = MemoryRpc.Build(1000, 100, 10, out var genesis);
        _parameters = BurnchainParameters.Regtest() with { FirstBlockHash = genesis };
    }

    [IterationSetup]
    public void NewStore() => _dir = Path.Combine(Path.GetTempPath(), "bench-burnchain-" + Guid.NewGuid().ToString("N"));

    [IterationCleanup]
    public void DropStore() => Directory.Delete(_dir, recursive: true);

    [Benchmark(OperationsPerInvoke = 1001)]
    public async Task<int> FollowThousandBlocks()
    {
        using var index = BurnchainIndex.Open(_dir);
        var watcher = new BurnchainWatcher(_rpc, index, _parameters);
        var n = await watcher.SyncAsync(int.MaxValue, CancellationToken.None);
        Console.WriteLine($"// blocks={n} rpc={watcher.Timings.Rpc.TotalMilliseconds:F0}ms parsing={watcher.Timings.Parsing.TotalMilliseconds:F0}ms storage={watcher.Timings.Storage.TotalMilliseconds:F0}ms");
        return n;
    }

    private sealed class MemoryRpc : IBitcoinRpc
    {
        private readonly List<BlockHash> _hashes = [];
        private readonly Dictionary<BlockHash, string> _hex = [];

        public static MemoryRpc Build(int blocks, int txsPerBlock, int opsPerBlock, out BlockHash genesis)
        {
            var rpc = new MemoryRpc();
            var parent = default(BlockHash);
            var p = BurnchainParameters.Regtest();
            for (var h = 0; h <= blocks; h++)
            {
                var txs = new List<Transaction> { Tx(h, 0, StandardScripts.PayToPubKeyHash(new byte[20])) };
                for (var i = 1; i < txsPerBlock; i++)
                {
                    var script = i <= opsPerBlock && h > 0
                        ? StandardScripts.NullData([p.Magic0, p.Magic1, (byte)BurnOpcode.LeaderKeyRegister, .. new byte[20], .. Convert.FromHexString("a366b51292bef4edd64063d9145c617fec373bceb0758e98cd72becd84d54c7a")])
                        : StandardScripts.PayToWitnessPubKeyHash(new byte[20]);
                    txs.Add(Tx(h, i, script));
                }

                var root = MerkleTree.ComputeRoot(txs.Select(t => t.Txid.Hash).ToArray());
                var block = new Block(new BlockHeader(0x20000000, parent, root, (uint)h, 0x207fffff, 0), txs);
                rpc._hashes.Add(block.Hash);
                // bitcoind sends hex over JSON; keep the decode in the RPC stage like the real client.
                rpc._hex[block.Hash] = Convert.ToHexStringLower(block.ToBytes());
                parent = block.Hash;
            }

            genesis = rpc._hashes[0];
            return rpc;
        }

        private static Transaction Tx(int h, int i, byte[] first)
        {
            var prev = new byte[32];
            BitConverter.TryWriteBytes(prev, h);
            BitConverter.TryWriteBytes(prev.AsSpan(4), i);
            return new Transaction(2, [new TxIn(new OutPoint(new Txid(new Hash256(prev)), 0), new byte[] { 0x51 })], [new TxOut(0, first), new TxOut(1000, StandardScripts.PayToPubKeyHash(new byte[20]))], 0);
        }

        public Task<BlockchainInfo> GetBlockchainInfoAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new BlockchainInfo("regtest", (ulong)_hashes.Count - 1, (ulong)_hashes.Count - 1, _hashes[^1], false));

        public Task<BlockHash?> GetBlockHashAsync(ulong height, CancellationToken cancellationToken) =>
            Task.FromResult(height < (ulong)_hashes.Count ? _hashes[(int)height] : (BlockHash?)null);

        public Task<byte[]?> GetRawBlockAsync(BlockHash hash, CancellationToken cancellationToken) =>
            Task.FromResult(_hex.TryGetValue(hash, out var hex) ? Convert.FromHexString(hex) : null);
    }
}
