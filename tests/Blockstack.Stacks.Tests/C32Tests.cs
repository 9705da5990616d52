using Blockstack.TestKit;
using static Blockstack.Stacks.Tests.VectorData;

namespace Blockstack.Stacks.Tests;

[Trait("Category", "Vector")]
public class C32VectorTests
{
    [VectorFact]
    public void StacksAddress_Vectors_EncodeAndDecode()
    {
        var cases = Cases("c32check.json", "c32_address").ToList();
        Assert.Equal(30, cases.Count);
        foreach (var c in cases)
        {
            var address = new StacksAddress((byte)c.GetProperty("version").GetInt32(), new Hash160(Hex(c, "hash160_hex")));
            Assert.Equal(Str(c, "address"), address.ToString());
            Assert.True(StacksAddress.TryParse(Str(c, "address"), out var parsed, out var error), error.ToString());
            Assert.Equal(address, parsed);
        }
    }

    [VectorFact]
    public void C32Encode_RawVectors_Match()
    {
        var cases = Cases("c32check.json", "c32_encode_raw").ToList();
        Assert.Equal(19, cases.Count);
        foreach (var c in cases)
        {
            var input = Hex(c, "input_hex");
            Assert.Equal(Str(c, "c32"), C32.Encode(input));
            Assert.True(C32.TryDecode(Str(c, "c32"), out var decoded, out _));
            Assert.Equal(input, decoded);
        }
    }

    [VectorFact]
    public void StacksAddress_NormalizedVectors_Decode()
    {
        foreach (var c in Cases("c32check.json", "c32_address_decode_normalized"))
        {
            Assert.True(StacksAddress.TryParse(Str(c, "address"), out var a, out var error), error.ToString());
            Assert.Equal(c.GetProperty("expected_version").GetInt32(), a.Version);
            Assert.Equal(Str(c, "expected_hash160_hex"), a.Hash.ToHex());
        }
    }

    [VectorFact]
    public void AddressHash_PublicKeyVectors_Match()
    {
        var cases = Cases("c32check.json", "public_keys_to_address_hash").ToList();
        Assert.Equal(4, cases.Count);
        foreach (var c in cases)
        {
            var modeText = Str(c, "hash_mode");
            var mode = modeText.StartsWith("P2PKH", StringComparison.Ordinal) ? HashMode.P2pkh
                : modeText.StartsWith("P2SH", StringComparison.Ordinal) ? HashMode.P2sh
                : modeText.StartsWith("P2WPKH", StringComparison.Ordinal) ? HashMode.P2wpkh : HashMode.P2wsh;
            var keys = c.GetProperty("pubkeys_hex").EnumerateArray().Select(k => Convert.FromHexString(k.GetString()!)).ToList();
            var hash = StacksAddressHash.FromPublicKeys(mode, c.GetProperty("num_required").GetInt32(), keys);
            Assert.Equal(Str(c, "hash160_hex"), hash.ToHex());
        }
    }
}

[Trait("Category", "Unit")]
public class C32Tests
{
    [Theory]
    [InlineData("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ8", StacksErrorCodes.C32BadChecksum)]
    [InlineData("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ!", StacksErrorCodes.C32BadCharacter)]
    [InlineData("XP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", StacksErrorCodes.AddressBadPrefix)]
    [InlineData("SP2J", StacksErrorCodes.C32BadLength)]
    [InlineData("SPU2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", StacksErrorCodes.C32BadCharacter)]
    public void TryParse_BadAddress_GivesCode(string text, string code)
    {
        Assert.False(StacksAddress.TryParse(text, out _, out var error));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void CheckEncode_RandomPayloads_RoundTrip()
    {
        var rng = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var payload = new byte[rng.Next(0, 40)];
            rng.NextBytes(payload);
            if (rng.Next(3) == 0 && payload.Length > 2)
            {
                payload[0] = 0;
                payload[1] = 0;
            }

            var version = (byte)rng.Next(0, 32);
            var text = C32.CheckEncode(version, payload);
            Assert.True(C32.TryCheckDecode(text, out var v, out var decoded, out _));
            Assert.Equal(version, v);
            Assert.Equal(payload, decoded);
        }
    }

    [Fact]
    public void BitcoinVersionMap_BothWays_Inverse()
    {
        foreach (var v in new byte[] { 0, 5, 111, 196 })
        {
            var stx = StacksAddressVersion.FromBitcoinVersion(v);
            Assert.NotNull(stx);
            Assert.Equal(v, StacksAddressVersion.ToBitcoinVersion(stx.Value));
        }

        Assert.Null(StacksAddressVersion.FromBitcoinVersion(1));
        Assert.Null(StacksAddressVersion.ToBitcoinVersion(0));
    }

    [Fact]
    public void Principal_ContractText_Parses()
    {
        Assert.True(Principal.TryParse("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7.my-contract", out var p, out _));
        var c = Assert.IsType<ContractPrincipal>(p);
        Assert.Equal("my-contract", c.Name);
        Assert.Equal("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7.my-contract", c.ToString());
        Assert.False(Principal.TryParse("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7.9bad", out _, out var e));
        Assert.Equal(StacksErrorCodes.BadContractName, e.Code);
    }
}
