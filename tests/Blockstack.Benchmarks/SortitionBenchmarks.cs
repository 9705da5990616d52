using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Pox;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Benchmarks;

/// <summary>
/// One sortition with N competing commits (each chained to its miner's commits in the previous
/// five blocks, so the 6-block window is full), in a reward phase without an anchor (burn
/// outputs): the pure engine alone, and the engine plus the store's one-batch write (in memory).
/// </summary>
[MemoryDiagnoser]
public class SortitionBenchmarks
{
    private SortitionStore _store = null!;
    private SortitionSnapshot _tip = null!;
    private BurnBlock _next = null!;

    [Params(10, 100)]
    public int Commits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var burnchain = BurnchainParameters.Regtest() with { Pox = new PoxConstants(1000, 3, 100_000, 500_000) };
        var pox = PoxParameters.For(burnchain);
        _store = SortitionStore.InMemory(pox, new FixedRewardSetProvider(new RewardSetInputs([], 1)));
        var keys = Enumerable.Range(0, Commits).Select(i => VrfPublicKeyBytes.FromHex(new VrfPrivateKey(SHA256.HashData(BitConverter.GetBytes(i))).PublicKey.ToHex())).ToArray();
        var last = new Txid[Commits];
        for (ulong h = 0; h <= 7; h++)
        {
            var block = Block(h, keys, last);
            if (h < 7)
            {
                _store.Apply(block);
            }
            else
            {
                _next = block;
            }
        }

        _tip = _store.Tip!;
    }

    [Benchmark]
    public SortitionResult Evaluate() => SortitionEngine.Evaluate(_store, _tip, _next, _store.Pox, null);

    [Benchmark]
    public SortitionResult EvaluateAndPersist()
    {
        var result = _store.Apply(_next);
        _store.RollBackTo(_next.Header);
        return result;
    }

    private static BurnBlock Block(ulong height, VrfPublicKeyBytes[] keys, Txid[] last)
    {
        var hash = new BlockHash(H("block", height));
        var parent = height == 0 ? default : new BlockHash(H("block", height - 1));
        var ops = new List<BurnOperationRef>();
        var burn = PoxAddress.Legacy(false, false, Hash160Bytes.Zero);
        for (var i = 0; i < keys.Length; i++)
        {
            var vtx = (uint)(i + 1);
            if (height == 1)
            {
                ops.Add(new(new LeaderKeyRegisterOp(default, keys[i], ByteString.Empty, new Txid(H("key", i)), vtx, 1, hash)));
            }
            else if (height > 1)
            {
                var txid = new Txid(H("commit", height, i));
                var input = height == 2 ? new OutPoint(new Txid(H("fund", i)), 0) : new OutPoint(last[i], 3);
                ops.Add(new(new LeaderBlockCommitOp(
                    H("stacks", height, i), H("seed", height, i), 0, 0, 1, (ushort)vtx, 6, (byte)((height - 1) % 5),
                    (ulong)(1000 + (i * 37)), 0, new ValueList<PoxAddress>([burn, burn]), input, null, txid, vtx, height, hash)));
                last[i] = txid;
            }
        }

        return new BurnBlock(new BurnBlockHeader(height, hash, parent, 0), new ValueList<BurnOperationRef>(ops));
    }

    private static Hash256 H(params object[] parts) => new(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('/', parts))));
}
