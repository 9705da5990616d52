using BenchmarkDotNet.Attributes;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Benchmarks;

/// <summary>
/// secp256k1 throughput of the BouncyCastle backend: ECDSA verify (what block validation spends
/// its time on), BIP340 Schnorr verify and RFC 6979 ECDSA sign. Each call works on one of 64
/// random keys/messages/signatures prepared in setup.
/// </summary>
[MemoryDiagnoser]
public class EcdsaBenchmarks
{
    private const int Count = 64;
    private readonly BouncySecp256k1 _secp = BouncySecp256k1.Instance;
    private byte[][] _keys = [];
    private byte[][] _publicKeys = [];
    private byte[][] _xOnlyKeys = [];
    private byte[][] _messages = [];
    private EcdsaSignature[] _ecdsa = [];
    private byte[][] _schnorr = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _keys = new byte[Count][];
        _publicKeys = new byte[Count][];
        _xOnlyKeys = new byte[Count][];
        _messages = new byte[Count][];
        _ecdsa = new EcdsaSignature[Count];
        _schnorr = new byte[Count][];
        for (var i = 0; i < Count; i++)
        {
            var key = new byte[32];
            do
            {
                random.NextBytes(key);
            }
            while (!_secp.IsValidPrivateKey(key));

            var message = new byte[32];
            random.NextBytes(message);
            _keys[i] = key;
            _messages[i] = message;
            _publicKeys[i] = _secp.GetPublicKey(key, compressed: true);
            _xOnlyKeys[i] = _publicKeys[i][1..];
            _ecdsa[i] = _secp.SignEcdsa(key, message);
            _schnorr[i] = _secp.SignSchnorr(key, message, new byte[32]);
            if (!_secp.VerifyEcdsa(_publicKeys[i], message, _ecdsa[i]) || !_secp.VerifySchnorr(_xOnlyKeys[i], message, _schnorr[i]))
            {
                throw new InvalidOperationException("setup produced a signature that does not verify");
            }
        }
    }

    private int Next() => _next = (_next + 1) % Count;

    [Benchmark(Baseline = true)]
    public bool VerifyEcdsa()
    {
        var i = Next();
        return _secp.VerifyEcdsa(_publicKeys[i], _messages[i], _ecdsa[i]);
    }

    [Benchmark]
    public bool VerifySchnorr()
    {
        var i = Next();
        return _secp.VerifySchnorr(_xOnlyKeys[i], _messages[i], _schnorr[i]);
    }

    [Benchmark]
    public EcdsaSignature SignEcdsa()
    {
        var i = Next();
        return _secp.SignEcdsa(_keys[i], _messages[i]);
    }
}
