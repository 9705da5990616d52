using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Unit")]
public class DerSignatureTests
{
    private const string OrderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    // A real mainnet-style low-S signature (BIP143's P2SH-P2WPKH example), without the sighash byte.
    private const string ValidDer = "3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb";

    [Fact]
    public void TryParseDer_ValidSignature_RoundTrips()
    {
        var der = Convert.FromHexString(ValidDer);

        Assert.True(EcdsaSignature.TryParseDer(der, out var signature));
        Assert.Equal("47ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f", signature.R.ToHex());
        Assert.Equal(-1, signature.RecoveryId);
        Assert.Equal(der, signature.ToDer());
        Assert.Equal(der.Length, DerSignature.GetEncodedLength(signature));
        Assert.True(DerSignature.IsValidSignatureEncoding([.. der, 0x01]));
    }

    [Fact]
    public void ToDer_RandomScalars_RoundTripAndPassBip66()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var r = RandomScalar(random);
            var s = RandomScalar(random);
            var signature = new EcdsaSignature(new Hash256(r), new Hash256(s));

            var der = signature.ToDer();

            Assert.Equal(der.Length, DerSignature.GetEncodedLength(signature));
            Assert.True(DerSignature.IsValidSignatureEncoding([.. der, 0x81]));
            Assert.True(EcdsaSignature.TryParseDer(der, out var parsed));
            Assert.Equal(signature, parsed);
            Assert.True(EcdsaSignature.TryParseCompact(signature.ToCompact(), out var compact));
            Assert.Equal(signature, compact);
        }
    }

    [Fact]
    public void ToDer_SmallAndHighBitScalars_AreMinimal()
    {
        var one = new byte[32];
        one[31] = 1;
        var high = new byte[32];
        high[0] = 0x80;
        high[31] = 1;
        var signature = new EcdsaSignature(new Hash256(one), new Hash256(high));

        Assert.Equal("3026020101022100" + Convert.ToHexStringLower(high), Convert.ToHexStringLower(signature.ToDer()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("300602")]
    [InlineData("30060201010201")]
    public void TryParseDer_Truncated_ReturnsFalse(string hex) =>
        Assert.False(EcdsaSignature.TryParseDer(Convert.FromHexString(hex), out _));

    [Fact]
    public void TryParseDer_SmallestValid_IsAccepted()
    {
        Assert.True(EcdsaSignature.TryParseDer(Convert.FromHexString("3006020101020101"), out var signature));
        Assert.Equal("0000000000000000000000000000000000000000000000000000000000000001", signature.S.ToHex());
    }

    [Theory]
    [InlineData("3006020101020102ff", "wrong outer length")]
    [InlineData("31440220" + "47ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "not a sequence")]
    [InlineData("3045022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "outer length too long")]
    [InlineData("3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9d", "truncated")]
    [InlineData("3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb00", "trailing byte")]
    [InlineData("3044032047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "R not an integer")]
    [InlineData("3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0320217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "S not an integer")]
    [InlineData("30440220c7ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "negative R")]
    [InlineData("3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220a17f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "negative S")]
    [InlineData("304502210047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "R padded with a needless zero")]
    [InlineData("3045022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f022100217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb", "S padded with a needless zero")]
    [InlineData("30240200022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f", "empty R")]
    [InlineData("3006020100020101", "R zero")]
    [InlineData("3006020101020100", "S zero")]
    [InlineData("3025022100" + OrderHex + "020101", "R equals n")]
    [InlineData("3025020101022100" + OrderHex, "S equals n")]
    [InlineData("3026022201" + "0000000000000000000000000000000000000000000000000000000000000001" + "020101", "R over 32 bytes")]
    public void TryParseDer_BadEncodings_ReturnFalse(string hex, string because)
    {
        Assert.False(EcdsaSignature.TryParseDer(Convert.FromHexString(hex), out _), because);
    }

    [Fact]
    public void TryParseDer_Overlong_ReturnsFalse()
    {
        Assert.False(EcdsaSignature.TryParseDer(new byte[73], out _));
        Assert.False(EcdsaSignature.TryParseDer(new byte[1000], out _));
        Assert.False(DerSignature.IsValidSignatureEncoding(new byte[74]));
    }

    [Fact]
    public void TryParseDer_RandomGarbage_NeverThrows()
    {
        var random = new Random(8);
        var der = Convert.FromHexString(ValidDer);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = (byte[])der.Clone();
            if (i % 2 == 0)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            else
            {
                bytes = new byte[random.Next(80)];
                random.NextBytes(bytes);
            }

            _ = EcdsaSignature.TryParseDer(bytes, out _);
            _ = DerSignature.IsValidSignatureEncoding(bytes);
        }
    }

    [Fact]
    public void IsValidSignatureEncoding_ZeroR_IsValidEncodingLikeCore()
    {
        // BIP66 checks shape only; a zero R is a valid encoding that later fails verification.
        Assert.True(DerSignature.IsValidSignatureEncoding(Convert.FromHexString("300602010002010101")));
        Assert.False(DerSignature.IsValidSignatureEncoding(Convert.FromHexString("3006020101020101"))); // no sighash byte
    }

    [Fact]
    public void TryParseCompact_BadInput_ReturnsFalse()
    {
        Assert.False(EcdsaSignature.TryParseCompact(new byte[63], out _));
        Assert.False(EcdsaSignature.TryParseCompact(new byte[64], out _));
        var n = Convert.FromHexString(OrderHex);
        var one = new byte[32];
        one[31] = 1;
        Assert.False(EcdsaSignature.TryParseCompact([.. n, .. one], out _));
        Assert.False(EcdsaSignature.TryParseCompact([.. one, .. n], out _));
        Assert.True(EcdsaSignature.TryParseCompact([.. one, .. one], out var ok, 2));
        Assert.Equal(2, ok.RecoveryId);
    }

    [Fact]
    public void NormalizeS_HighS_FlipsToLowAndKeepsLow()
    {
        var random = new Random(9);
        for (var i = 0; i < 100; i++)
        {
            var signature = new EcdsaSignature(new Hash256(RandomScalar(random)), new Hash256(RandomScalar(random)), 1);
            var normalized = signature.NormalizeS();

            Assert.True(normalized.IsLowS);
            Assert.Equal(normalized, normalized.NormalizeS());
            Assert.Equal(signature.IsLowS ? 1 : 0, normalized.RecoveryId);
        }
    }

    private static byte[] RandomScalar(Random random)
    {
        var n = Convert.FromHexString(OrderHex);
        while (true)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            // Make small values common so short encodings are exercised.
            var zeros = random.Next(4) == 0 ? random.Next(32) : 0;
            bytes.AsSpan(0, zeros).Clear();
            if (bytes.AsSpan().IndexOfAnyExcept((byte)0) >= 0 && bytes.AsSpan().SequenceCompareTo(n) < 0)
            {
                return bytes;
            }
        }
    }
}
