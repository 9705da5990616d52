using System.Text;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Unit")]
public class HashesTests
{
    // Known answers from FIPS 180-4 examples and the RIPEMD-160 reference page.
    [Theory]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void Sha256_KnownAnswers_Match(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Hashes.Sha256(Encoding.ASCII.GetBytes(input))));

    [Theory]
    [InlineData("abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23")]
    [InlineData("", "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a")]
    public void Sha512t256_KnownAnswers_UseTheFipsInitialValues(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Hashes.Sha512t256(Encoding.ASCII.GetBytes(input))));

    [Theory]
    [InlineData("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")]
    [InlineData("", "9c1185a5c5e9fc54612808977ee8f548b2258d31")]
    [InlineData("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36")]
    public void Ripemd160_KnownAnswers_Match(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Hashes.Ripemd160(Encoding.ASCII.GetBytes(input))));

    [Fact]
    public void Sha256d_Empty_IsSha256OfSha256()
    {
        Assert.Equal(
            "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456",
            Convert.ToHexStringLower(Hashes.Sha256d([])));
    }

    [Fact]
    public void Hash160_OfCompressedGeneratorPoint_MatchesKnownAddressHash()
    {
        // The public key of private key 1 (the generator G), compressed; its hash160 is the
        // well-known 751e76e8199196d454941c45d1b3a323f1433bd6.
        var g = Convert.FromHexString("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        Assert.Equal("751e76e8199196d454941c45d1b3a323f1433bd6", Convert.ToHexStringLower(Hashes.Hash160(g)));
    }

    [Fact]
    public void TaggedHash_MatchesDefinition()
    {
        var data = Encoding.ASCII.GetBytes("payload");
        var tag = Hashes.Sha256(Encoding.ASCII.GetBytes("TapLeaf"));
        var expected = Hashes.Sha256([.. tag, .. tag, .. data]);
        Assert.Equal(expected, Hashes.TaggedHash("TapLeaf", data));
    }
}
