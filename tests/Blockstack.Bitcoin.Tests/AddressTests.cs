using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Unit")]
public class AddressTests
{
    // hash160 of the compressed generator point (private key 1).
    private const string Hash160OfG = "751e76e8199196d454941c45d1b3a323f1433bd6";

    [Theory]
    [InlineData("mainnet", "mainnet")]
    [InlineData("main", "mainnet")]
    [InlineData("MAINNET", "mainnet")]
    [InlineData("testnet", "testnet")]
    [InlineData("test", "testnet")]
    [InlineData("testnet4", "testnet")]
    [InlineData("regtest", "regtest")]
    [InlineData("signet", "signet")]
    public void TryFromName_KnownNames_Resolve(string name, string expected)
    {
        Assert.True(BitcoinNetwork.TryFromName(name, out var network));
        Assert.Equal(expected, network.Name);
        Assert.Same(network, BitcoinNetwork.FromName(name));
    }

    [Fact]
    public void TryFromName_Unknown_ReturnsFalseAndFromNameThrows()
    {
        Assert.False(BitcoinNetwork.TryFromName("litecoin", out _));
        Assert.False(BitcoinNetwork.TryFromName(null, out _));
        Assert.Throws<ArgumentException>(() => BitcoinNetwork.FromName("testnet3x"));
    }

    [Fact]
    public void Networks_HaveBitcoinCorePrefixes()
    {
        Assert.Equal(("bc", (byte)0x00, (byte)0x05, (byte)0x80), Prefixes(BitcoinNetwork.Mainnet));
        Assert.Equal(("tb", (byte)0x6f, (byte)0xc4, (byte)0xef), Prefixes(BitcoinNetwork.Testnet));
        Assert.Equal(("bcrt", (byte)0x6f, (byte)0xc4, (byte)0xef), Prefixes(BitcoinNetwork.Regtest));
        Assert.Equal(("tb", (byte)0x6f, (byte)0xc4, (byte)0xef), Prefixes(BitcoinNetwork.Signet));
    }

    [Fact]
    public void TryEncode_P2pkhOfGenerator_IsTheWellKnownAddress()
    {
        var script = BitcoinAddress.P2pkh(Convert.FromHexString(Hash160OfG));
        Assert.True(BitcoinAddress.TryEncode(script, BitcoinNetwork.Mainnet, out var address));
        Assert.Equal("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", address);
        Assert.True(BitcoinAddress.TryEncode(BitcoinAddress.WitnessProgram(0, Convert.FromHexString(Hash160OfG)), BitcoinNetwork.Mainnet, out var segwit));
        Assert.Equal("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", segwit);
    }

    [Theory]
    [InlineData("")] // empty script
    [InlineData("6a0401020304")] // OP_RETURN
    [InlineData("210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798ac")] // P2PK
    [InlineData("51210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f8179851ae")] // bare 1-of-1 multisig
    [InlineData("0015751e76e8199196d454941c45d1b3a323f1433bd600")] // v0 with a 21-byte program
    [InlineData("5101ff")] // v1 with a 1-byte program
    [InlineData("5129" + "00000000000000000000000000000000000000000000000000000000000000000000000000000000" + "00")] // 41 bytes
    [InlineData("76a914751e76e8199196d454941c45d1b3a323f1433bd688ad")] // P2PKH with CHECKSIGVERIFY
    [InlineData("a914751e76e8199196d454941c45d1b3a323f1433bd688")] // P2SH with EQUALVERIFY
    [InlineData("4f14751e76e8199196d454941c45d1b3a323f1433bd6")] // OP_1NEGATE is no witness version
    public void TryEncode_ScriptsWithoutAddress_ReturnFalse(string hex) =>
        Assert.False(BitcoinAddress.TryEncode(Convert.FromHexString(hex), BitcoinNetwork.Mainnet, out _));

    [Fact]
    public void TryDecode_WrongNetwork_IsRefusedWithReason()
    {
        Assert.False(BitcoinAddress.TryDecode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", BitcoinNetwork.Testnet, out _, out var hrpError));
        Assert.Contains("HRP", hrpError, StringComparison.Ordinal);
        Assert.False(BitcoinAddress.TryDecode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", BitcoinNetwork.Testnet, out _, out var versionError));
        Assert.Contains("version", versionError, StringComparison.Ordinal);
        Assert.False(BitcoinAddress.TryDecode("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", BitcoinNetwork.Regtest, out _, out _));
    }

    [Fact]
    public void TryDecode_MixedCaseBech32_IsRefused()
    {
        Assert.True(BitcoinAddress.TryDecode("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", BitcoinNetwork.Mainnet, out _, out _));
        Assert.False(BitcoinAddress.TryDecode("bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", BitcoinNetwork.Mainnet, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bc1")]
    [InlineData("1")]
    [InlineData("\u00ff\u00fe")]
    public void TryDecode_Garbage_ReturnsFalse(string? text)
    {
        foreach (var network in BitcoinNetwork.All)
        {
            Assert.False(BitcoinAddress.TryDecode(text, network, out var script, out var error));
            Assert.Empty(script);
            Assert.NotEmpty(error);
            Assert.False(Wif.TryDecode(text, network, out _, out _));
        }
    }

    [Fact]
    public void TryEncode_RandomWitnessAndHashScripts_RoundTripOnEveryNetwork()
    {
        var random = new Random(13);
        for (var i = 0; i < 200; i++)
        {
            var version = random.Next(17);
            var length = version == 0 ? (random.Next(2) == 0 ? 20 : 32) : random.Next(2, 41);
            var program = new byte[length];
            random.NextBytes(program);
            var hash = new byte[20];
            random.NextBytes(hash);
            var script = (i % 4) switch
            {
                0 => BitcoinAddress.P2pkh(hash),
                1 => BitcoinAddress.P2sh(hash),
                _ => BitcoinAddress.WitnessProgram(version, program),
            };

            foreach (var network in BitcoinNetwork.All)
            {
                Assert.True(BitcoinAddress.TryEncode(script, network, out var address));
                Assert.True(BitcoinAddress.TryDecode(address, network, out var decoded, out var error), error);
                Assert.Equal(script, decoded);
            }
        }
    }

    [Fact]
    public void Wif_RandomKeys_RoundTripAndRefuseOtherNetworks()
    {
        var random = new Random(14);
        for (var i = 0; i < 50; i++)
        {
            var secret = Secp256k1Tests.RandomKey(random);
            var compressed = i % 2 == 0;

            var wif = Wif.Encode(secret, compressed, BitcoinNetwork.Mainnet);

            Assert.True(Wif.TryDecode(wif, BitcoinNetwork.Mainnet, out var decoded, out var decodedCompressed));
            Assert.Equal(secret, decoded);
            Assert.Equal(compressed, decodedCompressed);
            Assert.False(Wif.TryDecode(wif, BitcoinNetwork.Testnet, out _, out _));
        }
    }

    [Fact]
    public void Wif_OutOfRangeSecretOrBadSuffix_IsRefused()
    {
        var n = Convert.FromHexString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
        Assert.False(Wif.TryDecode(Base58.EncodeCheck([0x80, .. n]), BitcoinNetwork.Mainnet, out _, out _));
        Assert.False(Wif.TryDecode(Base58.EncodeCheck([0x80, .. new byte[32]]), BitcoinNetwork.Mainnet, out _, out _));
        var one = new byte[32];
        one[31] = 1;
        Assert.True(Wif.TryDecode(Base58.EncodeCheck([0x80, .. one, 0x01]), BitcoinNetwork.Mainnet, out _, out _));
        Assert.False(Wif.TryDecode(Base58.EncodeCheck([0x80, .. one, 0x02]), BitcoinNetwork.Mainnet, out _, out _));
        Assert.False(Wif.TryDecode(Base58.EncodeCheck([0x80, .. one, 0x01, 0x00]), BitcoinNetwork.Mainnet, out _, out _));
        Assert.Throws<ArgumentException>(() => Wif.Encode(n, true, BitcoinNetwork.Mainnet));
    }

    [Fact]
    public void Wif_KeyOne_MatchesPublicKeyDerivation()
    {
        var one = new byte[32];
        one[31] = 1;
        var wif = Wif.Encode(one, true, BitcoinNetwork.Mainnet);
        Assert.True(Wif.TryDecode(wif, BitcoinNetwork.Mainnet, out var secret, out _));
        var pubKeyHash = Hashes.Hash160(BouncySecp256k1.Instance.GetPublicKey(secret, true));
        Assert.Equal(Hash160OfG, Convert.ToHexStringLower(pubKeyHash));
    }

    private static (string, byte, byte, byte) Prefixes(BitcoinNetwork network) =>
        (network.Bech32Hrp, network.PubKeyHashVersion, network.ScriptHashVersion, network.WifVersion);
}
