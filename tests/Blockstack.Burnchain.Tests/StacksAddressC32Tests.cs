using System.Text.Json.Nodes;
using Blockstack.Burnchain.Ops;
using Blockstack.TestKit;

namespace Blockstack.Burnchain.Tests;

/// <summary>Burn-op addresses render as c32check Stacks addresses (shared/vectors/stacks/c32check.json).</summary>
[Trait("Category", "Vector")]
public class StacksAddressC32Tests
{
    [VectorFact]
    public void ToC32_C32CheckVectors_MatchAndRoundTrip()
    {
        var cases = JsonNode.Parse(Vectors.ReadText("stacks", "c32check.json"))!["cases"]!.AsArray()
            .Where(c => (string)c!["kind"]! == "c32_address")
            .ToList();
        Assert.Equal(30, cases.Count);
        foreach (var c in cases)
        {
            var value = new StacksAddressValue((byte)c!["version"]!, Hash160Bytes.FromHex((string)c["hash160_hex"]!));
            Assert.Equal((string)c["address"]!, value.ToC32());
            Assert.Equal((string)c["address"]!, value.ToString());
            Assert.Equal(value, StacksAddressValue.FromStacksAddress(Stacks.StacksAddress.Parse((string)c["address"]!)));
        }
    }

    [Fact]
    public void ToC32_VersionBeyondC32_ThrowsAndToStringFallsBack()
    {
        var value = new StacksAddressValue(40, Hash160Bytes.Zero);
        Assert.Throws<InvalidOperationException>(() => value.ToC32());
        Assert.Equal("28-0000000000000000000000000000000000000000", value.ToString());
    }

    [Fact]
    public void Describe_TransferStx_ShowsTestnetC32Addresses()
    {
        var sender = new StacksAddressValue(StacksAddressValue.TestnetSingleSig, Hash160Bytes.FromHex("a46ff88886c2ef9762d970b4d2c63678835bd39d"));
        var recipient = new StacksAddressValue(StacksAddressValue.TestnetMultiSig, Hash160Bytes.Zero);
        var op = new TransferStxOp(sender, recipient, 5, ByteString.Empty, default, 1, 2, default);

        var text = BurnOpText.Describe(op, BurnchainParameters.Regtest());

        Assert.Equal($"transfer-stx {sender.ToC32()} -> {recipient.ToC32()} 5 uSTX", text);
        Assert.StartsWith("ST", sender.ToC32(), StringComparison.Ordinal);
        Assert.StartsWith("SN", recipient.ToC32(), StringComparison.Ordinal);
    }
}
