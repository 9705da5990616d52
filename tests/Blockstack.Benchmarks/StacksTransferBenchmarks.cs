using BenchmarkDotNet.Attributes;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;

namespace Blockstack.Benchmarks;

/// <summary>
/// Decode plus signature verification of signed STX transfers (one per operation, so ops/s is
/// transfers per second per core), beside the raw secp256k1 public-key recovery it is built on.
/// </summary>
[MemoryDiagnoser]
public class StacksTransferBenchmarks
{
    private readonly StacksSigner _signer = new(BouncySecp256k1.Instance);
    private byte[][] _transfers = [];
    private byte[] _hash = [];
    private EcdsaSignature _signature;

    [GlobalSetup]
    public void Setup()
    {
        var recipient = new StandardPrincipal(new StacksAddress(StacksAddressVersion.MainnetSingleSig, Hash160.Of([1])));
        _transfers = new byte[64][];
        for (var i = 0; i < _transfers.Length; i++)
        {
            var key = new StacksPrivateKey(Hashes.Sha256([(byte)i]), compressed: true);
            var tx = new StacksTransaction(
                TransactionVersion.Mainnet,
                StacksTransaction.MainnetChainId,
                new TransactionAuth(_signer.SingleSigCondition(key, (ulong)i, 180), null),
                AnchorMode.Any,
                PostConditionMode.Deny,
                [],
                new TokenTransferPayload(recipient, 1000 + (ulong)i, TokenTransferPayload.MemoFromText("bench")));
            _transfers[i] = _signer.SignOrigin(tx, key).Serialize();
        }

        _hash = Hashes.Sha256([42]);
        _signature = BouncySecp256k1.Instance.SignEcdsa(Hashes.Sha256([7]), _hash);
    }

    private int _next;

    [Benchmark]
    public bool DecodeAndVerifyTransfer()
    {
        var bytes = _transfers[_next++ & 63];
        return StacksTransaction.TryDecode(bytes, out var tx, out _) && _signer.Verify(tx);
    }

    [Benchmark]
    public int DecodeTransferOnly()
    {
        var bytes = _transfers[_next++ & 63];
        return StacksTransaction.TryDecode(bytes, out var tx, out _) ? tx.PostConditions.Count : -1;
    }

    /// <summary>The same through the native libsecp256k1 backend (null result when it is not installed).</summary>
    [Benchmark]
    public bool? DecodeAndVerifyTransferNative()
    {
        if (NativeSecp256k1.Instance is not { } native)
        {
            return null;
        }

        var bytes = _transfers[_next++ & 63];
        return StacksTransaction.TryDecode(bytes, out var tx, out _) && new StacksSigner(native).Verify(tx);
    }

    [Benchmark(Baseline = true)]
    public byte[]? Secp256k1Recover() => BouncySecp256k1.Instance.RecoverPublicKey(_hash, _signature, _signature.RecoveryId, compressed: true);
}
