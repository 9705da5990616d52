using Blockstack.Bitcoin.Scripts;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Unit")]
public class ScriptTests
{
    [Theory]
    [InlineData("76a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba88ac", "OP_DUP OP_HASH160 89abcdefabbaabbaabbaabbaabbaabbaabbaabba OP_EQUALVERIFY OP_CHECKSIG")]
    [InlineData("0014751e76e8199196d454941c45d1b3a323f1433bd6", "0 751e76e8199196d454941c45d1b3a323f1433bd6")]
    [InlineData("6a0b68656c6c6f20776f726c64", "OP_RETURN 68656c6c6f20776f726c64")]
    [InlineData("4f5160", "-1 1 16")]
    [InlineData("0181", "-1")]
    [InlineData("0180", "0")]
    [InlineData("027f00", "127")]
    [InlineData("03800000", "128")]
    [InlineData("0480ffffff", "-2147483520")]
    [InlineData("050102030405", "0102030405")]
    [InlineData("01", "[error]")]
    [InlineData("51024c", "1 [error]")]
    [InlineData("4c", "[error]")]
    [InlineData("4c0100", "0")]
    [InlineData("b1b2bafeff", "OP_CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY OP_CHECKSIGADD OP_UNKNOWN OP_INVALIDOPCODE")]
    [InlineData("", "")]
    public void ToAsm_Scripts_PrintLikeCore(string hex, string expected) =>
        Assert.Equal(expected, Script.ToAsm(Convert.FromHexString(hex)));

    [Fact]
    public void ToAsm_ScriptSigWithSignature_DecodesHashType()
    {
        byte[] der = BuildDer();
        byte[] pubKey = [0x02, .. new byte[32]];
        byte[] script = [(byte)(der.Length + 1), .. der, 0x81, 33, .. pubKey];

        var asm = Script.ToAsm(script, attemptSighashDecode: true);
        var plain = Script.ToAsm(script);

        Assert.Equal(Convert.ToHexStringLower(der) + "[ALL|ANYONECANPAY] " + Convert.ToHexStringLower(pubKey), asm);
        Assert.Equal(Convert.ToHexStringLower([.. der, 0x81]) + " " + Convert.ToHexStringLower(pubKey), plain);

        byte[] undefined = [(byte)(der.Length + 1), .. der, 0x04];
        Assert.Equal(Convert.ToHexStringLower([.. der, 0x04]), Script.ToAsm(undefined, attemptSighashDecode: true));
        byte[] unspendable = [0x6a, (byte)(der.Length + 1), .. der, 0x01];
        Assert.Equal("OP_RETURN " + Convert.ToHexStringLower([.. der, 0x01]), Script.ToAsm(unspendable, attemptSighashDecode: true));
    }

    [Theory]
    [InlineData("76a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba88ac", "pubkeyhash")]
    [InlineData("a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba87", "scripthash")]
    [InlineData("0014751e76e8199196d454941c45d1b3a323f1433bd6", "witness_v0_keyhash")]
    [InlineData("00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262", "witness_v0_scripthash")]
    [InlineData("5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c", "witness_v1_taproot")]
    [InlineData("6014751e76e8199196d454941c45d1b3a323f1433bd6", "witness_unknown")]
    [InlineData("51024e73", "anchor")]
    [InlineData("0010751e76e8199196d454941c45d1b3", "nonstandard")]
    [InlineData("6a", "nulldata")]
    [InlineData("6a0b68656c6c6f20776f726c64", "nulldata")]
    [InlineData("6a0b68656c6c6f20776f726c", "nonstandard")]
    [InlineData("6aac", "nonstandard")]
    [InlineData("210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798ac", "pubkey")]
    [InlineData("210579be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798ac", "nonstandard")]
    [InlineData("51210200000000000000000000000000000000000000000000000000000000000000002103000000000000000000000000000000000000000000000000000000000000000052ae", "multisig")]
    [InlineData("52210200000000000000000000000000000000000000000000000000000000000000002103000000000000000000000000000000000000000000000000000000000000000051ae", "nonstandard")]
    [InlineData("51210200000000000000000000000000000000000000000000000000000000000000000151ae", "nonstandard")]
    [InlineData("", "nonstandard")]
    public void Classify_Templates_UseCoreNames(string hex, string expected) =>
        Assert.Equal(expected, StandardScripts.GetName(StandardScripts.Classify(Convert.FromHexString(hex))));

    [Fact]
    public void Builders_StandardScripts_ClassifyAndExtractBack()
    {
        var h20 = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();
        var h32 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        AssertRoundTrip(StandardScripts.PayToPubKeyHash(h20), ScriptType.PubKeyHash, h20);
        AssertRoundTrip(StandardScripts.PayToScriptHash(h20), ScriptType.ScriptHash, h20);
        AssertRoundTrip(StandardScripts.PayToWitnessPubKeyHash(h20), ScriptType.WitnessV0KeyHash, h20);
        AssertRoundTrip(StandardScripts.PayToWitnessScriptHash(h32), ScriptType.WitnessV0ScriptHash, h32);
        AssertRoundTrip(StandardScripts.PayToTaproot(h32), ScriptType.WitnessV1Taproot, h32);

        var data = new byte[80];
        var nullData = StandardScripts.NullData(data);
        Assert.Equal(ScriptType.NullData, StandardScripts.Classify(nullData));
        Assert.Equal(83, nullData.Length);
        Assert.True(StandardScripts.IsStandardNullData(nullData));
        Assert.False(StandardScripts.IsStandardNullData(StandardScripts.NullData(new byte[81])));
        Assert.True(StandardScripts.TryGetNullData(nullData, out var pushes));
        Assert.Equal(data, Assert.Single(pushes));
        Assert.Throws<ArgumentException>(() => StandardScripts.PayToPubKeyHash(h32));
    }

    [Fact]
    public void Solve_Multisig_ReturnsRequiredKeysAndCount()
    {
        var script = Convert.FromHexString("51210200000000000000000000000000000000000000000000000000000000000000002103000000000000000000000000000000000000000000000000000000000000000052ae");
        Assert.Equal(ScriptType.Multisig, StandardScripts.Solve(script, out var solutions));
        Assert.Equal(4, solutions.Count);
        Assert.Equal([1], solutions[0]);
        Assert.Equal([2], solutions[3]);
    }

    [Theory]
    [InlineData(0L, "")]
    [InlineData(1L, "01")]
    [InlineData(-1L, "81")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "8000")]
    [InlineData(-128L, "8080")]
    [InlineData(413567L, "7f4f06")]
    public void ScriptNum_EncodeDecode_RoundTrip(long value, string hex)
    {
        Assert.Equal(hex, Convert.ToHexStringLower(ScriptNum.Encode(value)));
        Assert.Equal(value, ScriptNum.Decode(Convert.FromHexString(hex)));
        Assert.True(ScriptNum.IsMinimal(Convert.FromHexString(hex)));
    }

    [Fact]
    public void ScriptReader_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            _ = Script.ToAsm(bytes, attemptSighashDecode: true);
            _ = StandardScripts.Classify(bytes);
        }
    }

    private static void AssertRoundTrip(byte[] script, ScriptType type, byte[] hash)
    {
        Assert.Equal(type, StandardScripts.Classify(script));
        Assert.True(StandardScripts.TryGetDestinationHash(script, out var found, out var extracted));
        Assert.Equal(type, found);
        Assert.Equal(hash, extracted.ToArray());
        Assert.Equal(type, StandardScripts.Solve(script, out var solutions));
        Assert.Equal(hash, solutions[0]);
    }

    private static byte[] BuildDer()
    {
        byte[] r = [0x01, .. new byte[31]];
        byte[] s = [0x02, .. new byte[31]];
        return [0x30, (byte)(4 + r.Length + s.Length), 0x02, (byte)r.Length, .. r, 0x02, (byte)s.Length, .. s];
    }
}
