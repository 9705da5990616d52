using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Unit")]
public class Secp256k1Tests
{
    private static readonly BouncySecp256k1 Secp = BouncySecp256k1.Instance;

    private const string OrderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    private const string FieldPrimeHex = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
    private const string GeneratorCompressed = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

    // Official BIP340 test vectors, from bitcoin/bips bip-0340/test-vectors.csv at 7e8b5dfc (indexes 0-3):
    // secret key, public key, aux_rand, message, signature.
    [Theory]
    [InlineData(// index 0
        "0000000000000000000000000000000000000000000000000000000000000003",
        "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0")]
    [InlineData(// index 1
        "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef",
        "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89",
        "6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a")]
    [InlineData(// index 2
        "c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b14e5c9",
        "dd308afec5777e13121fa72b9cc1b7cc0139715309b086c960e18fd969774eb8",
        "c87aa53824b4d7ae2eb035a2b5bbbccc080e76cdc6d1692c4b0b62d798e6d906",
        "7e2d58d8b3bcdf1abadec7829054f90dda9805aab56c77333024b9d0a508b75c",
        "5831aaeed7b44bb74e5eab94ba9d4294c49bcf2a60728d8b4c200f50dd313c1bab745879a5ad954a72c45a91c3a51d3c7adea98d82f8481e0e1e03674a6f3fb7")]
    [InlineData(// index 3
        "0b432b2677937381aef05bb02a66ecd012773062cf3fa2549e44f58ed2401710",
        "25d1dff95105f5253c4022f628a996ad3a0d95fbf21d468a1b33f8c160d8f517",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "7eb0509757e246f19449885651611cb965ecc1a187dd51b64fda1edc9637d5ec97582b9cb13db3933705b32ba982af5af25fd78881ebb32771fc5922efc66ea3")]
    public void SignSchnorr_Bip340Vectors_ProduceExpectedSignature(string secret, string publicKey, string auxRand, string message, string signature)
    {
        var sk = Convert.FromHexString(secret);
        var pk = Convert.FromHexString(publicKey);
        var msg = Convert.FromHexString(message);

        var produced = Secp.SignSchnorr(sk, msg, Convert.FromHexString(auxRand));

        Assert.Equal(signature, Convert.ToHexStringLower(produced));
        Assert.Equal(publicKey, Convert.ToHexStringLower(Secp.GetPublicKey(sk, true).AsSpan(1)));
        Assert.True(Secp.VerifySchnorr(pk, msg, produced));
    }

    // Verify-only BIP340 vectors (bitcoin/bips bip-0340/test-vectors.csv at 7e8b5dfc, all 15 rows):
    // public key, message, signature, expected result.
    [Theory]
    [InlineData("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", "0000000000000000000000000000000000000000000000000000000000000000", "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0", true)] // 0
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a", true)] // 1
    [InlineData("dd308afec5777e13121fa72b9cc1b7cc0139715309b086c960e18fd969774eb8", "7e2d58d8b3bcdf1abadec7829054f90dda9805aab56c77333024b9d0a508b75c", "5831aaeed7b44bb74e5eab94ba9d4294c49bcf2a60728d8b4c200f50dd313c1bab745879a5ad954a72c45a91c3a51d3c7adea98d82f8481e0e1e03674a6f3fb7", true)] // 2
    [InlineData("25d1dff95105f5253c4022f628a996ad3a0d95fbf21d468a1b33f8c160d8f517", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "7eb0509757e246f19449885651611cb965ecc1a187dd51b64fda1edc9637d5ec97582b9cb13db3933705b32ba982af5af25fd78881ebb32771fc5922efc66ea3", true)] // 3: test fails if msg is reduced modulo p or n
    [InlineData("d69c3509bb99e412e68b0fe8544e72837dfa30746d8be2aa65975f29d22dc7b9", "4df3c3f68fcc83b27e9d42c90431a72499f17875c81a599b566c9889b9696703", "00000000000000000000003b78ce563f89a0ed9414f5aa28ad0d96d6795f9c6376afb1548af603b3eb45c9f8207dee1060cb71c04e80f593060b07d28308d7f4", true)] // 4
    [InlineData("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e17776969e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", false)] // 5: public key not on the curve
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "fff97bd5755eeea420453a14355235d382f6472f8568a18b2f057a14602975563cc27944640ac607cd107ae10923d9ef7a73c643e166be5ebeafa34b1ac553e2", false)] // 6: has_even_y(R) is false
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "1fa62e331edbc21c394792d2ab1100a7b432b013df3f6ff4f99fcb33e0e1515f28890b3edb6e7189b630448b515ce4f8622a954cfe545735aaea5134fccdb2bd", false)] // 7: negated message
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e177769961764b3aa9b2ffcb6ef947b6887a226e8d7c93e00c5ed0c1834ff0d0c2e6da6", false)] // 8: negated s value
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "0000000000000000000000000000000000000000000000000000000000000000123dda8328af9c23a94c1feecfd123ba4fb73476f0d594dcb65c6425bd186051", false)] // 9: sG - eP is infinite (x(inf) as 0)
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "00000000000000000000000000000000000000000000000000000000000000017615fbaf5ae28864013c099742deadb4dba87f11ac6754f93780d5a1837cf197", false)] // 10: sG - eP is infinite (x(inf) as 1)
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "4a298dacae57395a15d0795ddbfd1dcb564da82b0f269bc70a74f8220429ba1d69e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", false)] // 11: sig[0:32] is not an X coordinate on the curve
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f69e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", false)] // 12: sig[0:32] is equal to field size
    [InlineData("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e177769fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", false)] // 13: sig[32:64] is equal to curve order
    [InlineData("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e17776969e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", false)] // 14: public key exceeds the field size
    public void VerifySchnorr_Bip340Vectors_GiveExpectedResult(string publicKey, string message, string signature, bool expected) =>
        Assert.Equal(expected, Secp.VerifySchnorr(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature)));

    [Fact]
    public void GetPublicKey_One_IsGenerator()
    {
        var one = new byte[32];
        one[31] = 1;
        Assert.Equal(GeneratorCompressed, Convert.ToHexStringLower(Secp.GetPublicKey(one, true)));
        var uncompressed = Secp.GetPublicKey(one, false);
        Assert.Equal(65, uncompressed.Length);
        Assert.Equal(0x04, uncompressed[0]);
        Assert.Equal(GeneratorCompressed, Convert.ToHexStringLower(Secp.NormalizePublicKey(uncompressed, true)!));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000001", true)]
    [InlineData("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", true)]
    [InlineData(OrderHex, false)]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", false)]
    [InlineData("01", false)]
    public void IsValidPrivateKey_Boundaries_AreChecked(string hex, bool expected) =>
        Assert.Equal(expected, Secp.IsValidPrivateKey(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("")]
    [InlineData("02")]
    [InlineData("0579be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")] // bad prefix
    [InlineData("02" + FieldPrimeHex)] // x = p
    [InlineData("020000000000000000000000000000000000000000000000000000000000000005")] // x³+7 not a square
    [InlineData("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f8179800")] // too long
    [InlineData("0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b9")] // y off by one
    [InlineData("0779be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")] // hybrid, wrong parity
    public void IsValidPublicKey_InvalidEncodings_ReturnFalse(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.False(Secp.IsValidPublicKey(bytes));
        Assert.Null(Secp.NormalizePublicKey(bytes, true));
        Assert.False(Secp.VerifyEcdsa(bytes, new byte[32], new EcdsaSignature(Hash256.FromHex("01".PadLeft(64, '0')), Hash256.FromHex("01".PadLeft(64, '0')))));
    }

    [Fact]
    public void IsValidPublicKey_HybridWithMatchingParity_IsAcceptedLikeLibsecp256k1()
    {
        var hybrid = Convert.FromHexString("0679be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
        Assert.True(Secp.IsValidPublicKey(hybrid));
        Assert.Equal(GeneratorCompressed, Convert.ToHexStringLower(Secp.NormalizePublicKey(hybrid, true)!));
    }

    [Fact]
    public void SignEcdsa_RandomKeys_VerifyRecoverAndAreLowS()
    {
        var random = new Random(1);
        for (var i = 0; i < 40; i++)
        {
            var key = RandomKey(random);
            var hash = RandomBytes(random, 32);
            var compressed = i % 2 == 0;
            var publicKey = Secp.GetPublicKey(key, compressed);

            var signature = Secp.SignEcdsa(key, hash);

            Assert.True(signature.IsLowS);
            Assert.InRange(signature.RecoveryId, 0, 3);
            Assert.True(Secp.VerifyEcdsa(publicKey, hash, signature, requireLowS: true));
            Assert.Equal(publicKey, Secp.RecoverPublicKey(hash, signature, signature.RecoveryId, compressed));
            Assert.Equal(signature, Secp.SignEcdsa(key, hash)); // deterministic
        }
    }

    [Fact]
    public void VerifyEcdsa_Tampered_Fails()
    {
        var random = new Random(2);
        for (var i = 0; i < 20; i++)
        {
            var key = RandomKey(random);
            var hash = RandomBytes(random, 32);
            var publicKey = Secp.GetPublicKey(key, true);
            var signature = Secp.SignEcdsa(key, hash);

            var otherHash = (byte[])hash.Clone();
            otherHash[random.Next(32)] ^= (byte)(1 << random.Next(8));
            Assert.False(Secp.VerifyEcdsa(publicKey, otherHash, signature));

            var compact = signature.ToCompact();
            compact[random.Next(64)] ^= (byte)(1 << random.Next(8));
            if (EcdsaSignature.TryParseCompact(compact, out var tampered))
            {
                Assert.False(Secp.VerifyEcdsa(publicKey, hash, tampered));
            }

            Assert.False(Secp.VerifyEcdsa(Secp.GetPublicKey(RandomKey(random), true), hash, signature));
        }
    }

    [Fact]
    public void VerifyEcdsa_HighS_AcceptedUnlessLowSRequired()
    {
        var random = new Random(3);
        var key = RandomKey(random);
        var hash = RandomBytes(random, 32);
        var publicKey = Secp.GetPublicKey(key, false);
        var low = Secp.SignEcdsa(key, hash);
        var high = HighS(low);

        Assert.False(high.IsLowS);
        Assert.True(Secp.VerifyEcdsa(publicKey, hash, high));
        Assert.False(Secp.VerifyEcdsa(publicKey, hash, high, requireLowS: true));
        Assert.Equal(low, high.NormalizeS());
        Assert.Equal(publicKey, Secp.RecoverPublicKey(hash, high, high.RecoveryId, false));
    }

    [Fact]
    public void VerifyEcdsa_ROrSOutOfRange_ReturnFalse()
    {
        var random = new Random(4);
        var key = RandomKey(random);
        var hash = RandomBytes(random, 32);
        var publicKey = Secp.GetPublicKey(key, true);
        var signature = Secp.SignEcdsa(key, hash);
        var n = Hash256.FromHex(OrderHex);

        Assert.False(Secp.VerifyEcdsa(publicKey, hash, signature with { R = Hash256.Zero }));
        Assert.False(Secp.VerifyEcdsa(publicKey, hash, signature with { S = Hash256.Zero }));
        Assert.False(Secp.VerifyEcdsa(publicKey, hash, signature with { R = n }));
        Assert.False(Secp.VerifyEcdsa(publicKey, hash, signature with { S = n }));
        Assert.False(Secp.VerifyEcdsa(publicKey, hash.AsSpan(0, 31), signature));
        Assert.Null(Secp.RecoverPublicKey(hash, signature with { R = Hash256.Zero }, 0, true));
        Assert.Null(Secp.RecoverPublicKey(hash, signature, 4, true));
        Assert.Null(Secp.RecoverPublicKey(hash, signature, -1, true));
    }

    [Fact]
    public void SignSchnorr_RandomKeys_VerifyAndTamperingFails()
    {
        var random = new Random(5);
        for (var i = 0; i < 30; i++)
        {
            var key = RandomKey(random);
            var message = RandomBytes(random, 32);
            var xOnly = Secp.GetPublicKey(key, true)[1..];

            var signature = Secp.SignSchnorr(key, message, RandomBytes(random, 32));

            Assert.True(Secp.VerifySchnorr(xOnly, message, signature));
            var tampered = (byte[])signature.Clone();
            tampered[random.Next(64)] ^= (byte)(1 << random.Next(8));
            Assert.False(Secp.VerifySchnorr(xOnly, message, tampered));
            var otherMessage = (byte[])message.Clone();
            otherMessage[random.Next(32)] ^= 1;
            Assert.False(Secp.VerifySchnorr(xOnly, otherMessage, signature));
        }
    }

    [Fact]
    public void Tweak_PrivateAndPublic_Agree()
    {
        var random = new Random(6);
        for (var i = 0; i < 20; i++)
        {
            var key = RandomKey(random);
            var tweak = RandomKey(random);
            var xOnly = Secp.GetPublicKey(key, true)[1..];
            var outputKey = new byte[32];
            var tweakedKey = new byte[32];

            Assert.True(Secp.TryTweakXOnlyPublicKey(xOnly, tweak, outputKey, out var oddY));
            Assert.True(Secp.TryTweakPrivateKey(key, tweak, tweakedKey));

            var tweakedPublic = Secp.GetPublicKey(tweakedKey, true);
            Assert.Equal(outputKey, tweakedPublic[1..]);
            Assert.Equal(oddY, tweakedPublic[0] == 0x03);
        }
    }

    [Fact]
    public void Tweak_OutOfRangeTweakOrKey_ReturnsFalse()
    {
        var n = Convert.FromHexString(OrderHex);
        var one = new byte[32];
        one[31] = 1;
        var output = new byte[32];
        var xOnlyG = Convert.FromHexString(GeneratorCompressed)[1..];

        Assert.False(Secp.TryTweakXOnlyPublicKey(xOnlyG, n, output, out _));
        Assert.False(Secp.TryTweakXOnlyPublicKey(Convert.FromHexString(FieldPrimeHex), one, output, out _));
        Assert.False(Secp.TryTweakPrivateKey(one, n, output));
        Assert.False(Secp.TryTweakPrivateKey(new byte[32], one, output));
        // G has even y, so the secret 1 is kept and n-1 cancels it: the sum is zero.
        var nMinusOne = Convert.FromHexString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
        Assert.False(Secp.TryTweakPrivateKey(one, nMinusOne, output));
        // Q = G + (n-1)·G is the point at infinity.
        Assert.False(Secp.TryTweakXOnlyPublicKey(xOnlyG, nMinusOne, output, out _));
    }

    [Fact]
    public void VerifySchnorr_WrongLengths_ReturnFalse()
    {
        var xOnlyG = Convert.FromHexString(GeneratorCompressed)[1..];
        Assert.False(Secp.VerifySchnorr(xOnlyG, new byte[32], new byte[63]));
        Assert.False(Secp.VerifySchnorr(xOnlyG.AsSpan(1), new byte[32], new byte[64]));
        Assert.False(Secp.VerifySchnorr(xOnlyG, new byte[32], new byte[64]));
    }

    [Fact]
    public void Instance_UsedFromManyThreads_GivesSameResults()
    {
        var random = new Random(15);
        var keys = Enumerable.Range(0, 32).Select(_ => RandomKey(random)).ToArray();
        var hash = RandomBytes(random, 32);
        var expected = keys.Select(k => Secp.SignEcdsa(k, hash)).ToArray();
        var failures = 0;

        Parallel.For(0, keys.Length * 4, i =>
        {
            var key = keys[i % keys.Length];
            var signature = Secp.SignEcdsa(key, hash);
            if (signature != expected[i % keys.Length] || !Secp.VerifyEcdsa(Secp.GetPublicKey(key, true), hash, signature))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Fact]
    public void Sign_InvalidPrivateKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => Secp.SignEcdsa(new byte[32], new byte[32]));
        Assert.Throws<ArgumentException>(() => Secp.GetPublicKey(Convert.FromHexString(OrderHex), true));
        Assert.Throws<ArgumentException>(() => Secp.SignSchnorr(new byte[32], new byte[32], new byte[32]));
    }

    internal static byte[] RandomKey(Random random)
    {
        while (true)
        {
            var key = RandomBytes(random, 32);
            if (Secp.IsValidPrivateKey(key))
            {
                return key;
            }
        }
    }

    internal static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    internal static EcdsaSignature HighS(EcdsaSignature low)
    {
        // n − s by subtraction over the big-endian bytes.
        var n = Convert.FromHexString(OrderHex);
        var s = low.S.ToArray();
        var result = new byte[32];
        var borrow = 0;
        for (var i = 31; i >= 0; i--)
        {
            var d = n[i] - s[i] - borrow;
            borrow = d < 0 ? 1 : 0;
            result[i] = (byte)(d & 0xff);
        }

        return new EcdsaSignature(low.R, new Hash256(result), low.RecoveryId ^ 1);
    }
}
