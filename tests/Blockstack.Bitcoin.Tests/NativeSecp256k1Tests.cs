using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Tests;

/// <summary>A fact that needs the native libsecp256k1 (CI installs it; elsewhere it may be absent).</summary>
public sealed class NativeSecpFactAttribute : FactAttribute
{
    public NativeSecpFactAttribute()
    {
        if (NativeSecp256k1.Instance is null)
        {
            Skip = "libsecp256k1 is not installed (Debian: libsecp256k1-1); .ci/run installs it";
        }
    }
}

/// <summary>
/// The native backend must answer exactly as the BouncyCastle backend, which the BIP and Core
/// vectors pin down: same keys, same RFC 6979 signatures and recovery ids, same verdicts.
/// </summary>
[Trait("Category", "Unit")]
public class NativeSecp256k1Tests
{
    private static readonly BouncySecp256k1 Reference = BouncySecp256k1.Instance;

    private static byte[] RandomKey(Random random)
    {
        var key = new byte[32];
        do
        {
            random.NextBytes(key);
        }
        while (!Reference.IsValidPrivateKey(key));

        return key;
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [NativeSecpFact]
    public void Ecdsa_RandomKeysAndMessages_BothBackendsAgreeByteForByte()
    {
        var native = NativeSecp256k1.Instance!;
        var random = new Random(20261124);
        for (var i = 0; i < 200; i++)
        {
            var key = RandomKey(random);
            var hash = Bytes(random, 32);
            foreach (var compressed in new[] { true, false })
            {
                Assert.Equal(Reference.GetPublicKey(key, compressed), native.GetPublicKey(key, compressed));
            }

            var pub = Reference.GetPublicKey(key, compressed: true);
            var ours = Reference.SignEcdsa(key, hash);
            var theirs = native.SignEcdsa(key, hash);
            Assert.Equal(ours, theirs);
            Assert.True(native.VerifyEcdsa(pub, hash, ours));
            Assert.Equal(pub, native.RecoverPublicKey(hash, ours, ours.RecoveryId, compressed: true));

            // High S: accepted unless low S is required, by both.
            var high = ours.NormalizeS() == ours ? HighS(ours) : ours;
            Assert.Equal(Reference.VerifyEcdsa(pub, hash, high), native.VerifyEcdsa(pub, hash, high));
            Assert.True(native.VerifyEcdsa(pub, hash, high));
            Assert.False(native.VerifyEcdsa(pub, hash, high, requireLowS: true));

            // A wrong message fails in both.
            hash[0] ^= 1;
            Assert.False(native.VerifyEcdsa(pub, hash, ours));
            Assert.False(Reference.VerifyEcdsa(pub, hash, ours));
        }
    }

    [NativeSecpFact]
    public void Schnorr_AndTaprootTweaks_BothBackendsAgree()
    {
        var native = NativeSecp256k1.Instance!;
        var random = new Random(340);
        Span<byte> expected = stackalloc byte[32];
        Span<byte> actual = stackalloc byte[32];
        for (var i = 0; i < 100; i++)
        {
            var key = RandomKey(random);
            var message = Bytes(random, 32);
            var aux = Bytes(random, 32);
            var signature = Reference.SignSchnorr(key, message, aux);
            Assert.Equal(signature, native.SignSchnorr(key, message, aux));
            var xonly = Reference.GetPublicKey(key, compressed: true)[1..];
            Assert.True(native.VerifySchnorr(xonly, message, signature));
            signature[10] ^= 0x40;
            Assert.False(native.VerifySchnorr(xonly, message, signature));

            var tweak = Bytes(random, 32);
            var okReference = Reference.TryTweakXOnlyPublicKey(xonly, tweak, expected, out var oddReference);
            var okNative = native.TryTweakXOnlyPublicKey(xonly, tweak, actual, out var oddNative);
            Assert.Equal(okReference, okNative);
            Assert.True(expected.SequenceEqual(actual));
            Assert.Equal(oddReference, oddNative);

            okReference = Reference.TryTweakPrivateKey(key, tweak, expected);
            okNative = native.TryTweakPrivateKey(key, tweak, actual);
            Assert.Equal(okReference, okNative);
            Assert.True(expected.SequenceEqual(actual));
        }
    }

    [NativeSecpFact]
    public void BadInput_BothBackendsRefuseAlike_NeverThrow()
    {
        var native = NativeSecp256k1.Instance!;
        var random = new Random(66);
        var hash = Bytes(random, 32);
        var pub = Reference.GetPublicKey(RandomKey(random), compressed: true);
        byte[][] keys =
        [
            [], new byte[33], Bytes(random, 33), Bytes(random, 65), pub[..32], [0x05, .. pub[1..]],
            [0x04, .. Reference.GetPublicKey(RandomKey(random), compressed: false)[1..]],
            [0x06, .. Reference.GetPublicKey(RandomKey(random), compressed: false)[1..]],
        ];
        foreach (var key in keys)
        {
            Assert.Equal(Reference.IsValidPublicKey(key), native.IsValidPublicKey(key));
            Assert.Equal(Reference.NormalizePublicKey(key, true), native.NormalizePublicKey(key, true));
        }

        var zero = new EcdsaSignature(default, default);
        Assert.False(native.VerifyEcdsa(pub, hash, zero));
        Assert.Null(native.RecoverPublicKey(hash, zero, 0, true));
        Assert.Null(native.RecoverPublicKey(hash, zero, 7, true));
        Assert.False(native.IsValidPrivateKey(new byte[32]));
        Assert.False(native.VerifySchnorr(new byte[32], hash, new byte[64]));
    }

    [Fact]
    public void Default_IsNativeWhenInstalled_ElseBouncyCastle()
    {
        Assert.Same((object?)NativeSecp256k1.Instance ?? BouncySecp256k1.Instance, Secp256k1.Default);
        Assert.Contains(BouncySecp256k1.Instance, Secp256k1.Available);
    }

    private static EcdsaSignature HighS(EcdsaSignature low)
    {
        // s' = n - s
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var s = new System.Numerics.BigInteger(low.S.ToArray(), isUnsigned: true, isBigEndian: true);
        var high = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[32];
        high.CopyTo(padded, 32 - high.Length);
        return low with { S = new Hash256(padded) };
    }
}
