using Blockstack.Bitcoin.Addresses;
using Blockstack.Burnchain;

namespace Blockstack.Mining.Tests;

[Trait("Category", "Unit")]
public sealed class MinerOptionsTests
{
    private static readonly BurnchainParameters Regtest = BurnchainParameters.Regtest();
    private static readonly byte[] Secret = Convert.FromHexString("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");

    private static MinerOptions Valid(string key) => new() { BitcoinKey = key, StateDirectory = "state" };

    [Fact]
    public void Validate_CompressedWifP2wpkh_IsValid_AndDerivesBech32Address()
    {
        var wif = Wif.Encode(Secret, compressed: true, BitcoinNetwork.Regtest);
        var options = Valid(wif) with { AddressType = "p2wpkh" };
        Assert.Empty(options.Validate(Regtest));
        var keys = options.CreateKeys(Regtest);
        Assert.StartsWith("bcrt1q", keys.Address, StringComparison.Ordinal);
        Assert.True(DescriptorChecksum.Verify(keys.Descriptor));
        Assert.StartsWith($"addr({keys.Address})#", keys.Descriptor, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HexKeyP2pkh_IsValid_AndDerivesBase58Address()
    {
        var keys = Valid(Convert.ToHexStringLower(Secret)).CreateKeys(Regtest);
        Assert.False(keys.Compressed);
        Assert.True(keys.Address[0] is 'm' or 'n');
    }

    [Fact]
    public void Validate_BadWif_SaysSo()
    {
        var wif = Wif.Encode(Secret, compressed: true, BitcoinNetwork.Regtest);
        var broken = wif[..^1] + (wif[^1] == 'a' ? 'b' : 'a');
        var error = Assert.Single(Valid(broken).Validate(Regtest));
        Assert.Contains("neither hex nor a valid regtest WIF", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MainnetWifOnRegtest_IsRejected()
    {
        var wif = Wif.Encode(Secret, compressed: true, BitcoinNetwork.Mainnet);
        Assert.Contains("WIF", Assert.Single(Valid(wif).Validate(Regtest)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "outside the secp256k1 range")]
    [InlineData("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d02", "not a valid hex private key")]
    [InlineData("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa", "neither hex nor")]
    [InlineData("", "empty")]
    public void Validate_BadHexKey_SaysWhy(string key, string expected)
    {
        var error = Assert.Single(Valid(key).Validate(Regtest));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnsupportedAddressType_SaysWhichAreSupported()
    {
        var error = Assert.Single((Valid(Convert.ToHexStringLower(Secret) + "01") with { AddressType = "p2tr" }).Validate(Regtest));
        Assert.Equal("miner address type 'p2tr' is not supported; use p2pkh or p2wpkh", error);
    }

    [Fact]
    public void Validate_P2wpkhWithUncompressedKey_IsRejected()
    {
        var error = Assert.Single((Valid(Convert.ToHexStringLower(Secret)) with { AddressType = "p2wpkh" }).Validate(Regtest));
        Assert.Contains("compressed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroBurnAndOtherBadNumbers_ListsEveryProblem()
    {
        var options = Valid(Convert.ToHexStringLower(Secret)) with { BurnAmount = 0, FeeRate = 0, MaxRbfPercent = 50, RbfFeeIncrement = 0 };
        var errors = options.Validate(Regtest);
        Assert.Contains("miner burn amount must be above zero satoshis", errors);
        Assert.Contains("miner fee rate must be at least 1 sat/vB", errors);
        Assert.Contains(errors, e => e.Contains("max RBF", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("RBF fee increment", StringComparison.Ordinal));
        var thrown = Assert.Throws<MinerConfigurationException>(() => options.CreateKeys(Regtest));
        Assert.Equal(errors, thrown.Errors);
    }

    [Fact]
    public void Validate_BurnAboveCap_IsRejected()
    {
        var error = Assert.Single((Valid(Convert.ToHexStringLower(Secret)) with { BurnAmount = 30_000, BurnFeeCap = 20_000 }).Validate(Regtest));
        Assert.Equal("miner burn amount 30000 exceeds the burn fee cap 20000", error);
    }

    [Fact]
    public void ToString_MasksKeys()
    {
        var text = (Valid(Convert.ToHexStringLower(Secret)) with { StacksKey = "ab" }).ToString();
        Assert.DoesNotContain(Convert.ToHexStringLower(Secret), text, StringComparison.Ordinal);
        Assert.Contains("BitcoinKey=****", text, StringComparison.Ordinal);
    }
}
