using BenchmarkDotNet.Attributes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Crypto;
using Blockstack.TestKit;

namespace Blockstack.Benchmarks;

/// <summary>
/// Parsing block 413567 (1,557 legacy transactions, ~1 MB) and computing every txid, against the
/// floor: SHA-256d over the same transaction byte ranges with no parsing at all.
/// </summary>
[MemoryDiagnoser]
public class BlockParseBenchmarks
{
    private byte[] _raw = [];
    private (int Start, int Length)[] _txRanges = [];

    [GlobalSetup]
    public void Setup()
    {
        _raw = Vectors.ReadBytes("bitcoin", "block413567.raw");
        if (!Block.TryParse(_raw, out var block, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var ranges = new (int, int)[block.Transactions.Count];
        var offset = BlockHeader.Size + 3; // 1,557 transactions: a 3-byte CompactSize
        for (var i = 0; i < ranges.Length; i++)
        {
            var length = block.Transactions[i].TotalSize;
            ranges[i] = (offset, length);
            offset += length;
        }

        _txRanges = ranges;
    }

    [Benchmark]
    public Hash256 ParseBlockAndTxids()
    {
        if (!Block.TryParse(_raw, out var block, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var last = default(Hash256);
        foreach (var tx in block.TransactionSpan)
        {
            last = tx.Txid.Hash;
        }

        return last;
    }

    [Benchmark(Baseline = true)]
    public Hash256 RawSha256dOfTxBytes()
    {
        Span<byte> hash = stackalloc byte[Hash256.Size];
        foreach (var (start, length) in _txRanges)
        {
            Hashes.Sha256d(_raw.AsSpan(start, length), hash);
        }

        return new Hash256(hash);
    }
}
