using System.Security.Cryptography;

namespace Blockstack.Mining.Tests;

/// <summary>BIP 380's examples, and agreement with the regtest server's independent implementation.</summary>
[Trait("Category", "Vector")]
public sealed class DescriptorChecksumTests
{
    [Fact]
    public void Compute_Bip380Example()
    {
        Assert.Equal("89f8spxm", DescriptorChecksum.Compute("raw(deadbeef)"));
        Assert.True(DescriptorChecksum.Verify("raw(deadbeef)#89f8spxm"));
    }

    [Theory]
    [InlineData("raw(deadbeef)#", "missing checksum")]
    [InlineData("raw(deadbeef)#89f8spxmx", "too long")]
    [InlineData("raw(deadbeef)#89f8spx", "too short")]
    [InlineData("raw(deadbeef)#89f8spxn", "error in checksum")]
    [InlineData("raw(deedbeef)#89f8spxm", "error in payload")]
    [InlineData("raw(Ü)#00000000", "invalid character")]
    [InlineData("raw(deadbeef)", "no checksum at all")]
    public void Verify_Bip380InvalidExamples_AreRejected(string text, string why)
    {
        Assert.False(DescriptorChecksum.Verify(text), why);
    }

    [Fact]
    public void Compute_AddrDescriptor_MatchesKnownValue()
    {
        Assert.Equal("02wpgw69", DescriptorChecksum.Compute("addr(mkmZxiEcEd8ZqjQWVZuC6so5dFMKEFpN2j)"));
    }

    [Fact]
    public void Compute_AgreesWithRegtestImplementation_OnRandomDescriptors()
    {
        const string chars = "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
        var rng = new Random(380);
        for (var i = 0; i < 500; i++)
        {
            var text = new string([.. Enumerable.Range(0, rng.Next(0, 120)).Select(_ => chars[rng.Next(chars.Length)])]);
            Assert.Equal(Regtest.Wallet.DescriptorChecksum.Compute(text), DescriptorChecksum.Compute(text));
        }

        var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        Assert.Equal(Regtest.Wallet.DescriptorChecksum.Compute($"raw({hex})"), DescriptorChecksum.Compute($"raw({hex})"));
    }

    [Fact]
    public void Append_ThrowsOnCharacterOutsideTheTable()
    {
        Assert.Throws<ArgumentException>(() => DescriptorChecksum.Append("raw(é)"));
        Assert.Null(DescriptorChecksum.Compute("raw(é)"));
    }
}
