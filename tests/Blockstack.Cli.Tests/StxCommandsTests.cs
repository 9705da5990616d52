using System.Text.Json;
using Blockstack.TestKit;

namespace Blockstack.Cli.Tests;

[Trait("Category", "Unit")]
public class StxCommandsTests
{
    private const string Key = "2945c6be8758994652a498f0445d534d0fadb0b2025b37c72297b059ebf887ed01";
    private const string SponsorKey = "043ff5004e3d695060fa48ac94c96049b8c14ef441c50a184a6a3875d2a000f3";

    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, new StringReader(stdin), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void MakeTransfer_ThenDecode_FieldsAndValidSignature()
    {
        var made = Run("", "stx", "make-transfer", "--key", Key, "--to", "ST2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKQYAC0RQ", "--amount", "12345", "--nonce", "7", "--fee", "180", "--memo", "hello", "--network", "testnet");
        Assert.Equal(0, made.Code);
        var hex = made.Out.Trim();
        var decoded = Run("", "stx", "decode-tx", hex);
        Assert.Equal(0, decoded.Code);
        using var doc = JsonDocument.Parse(decoded.Out);
        var root = doc.RootElement;
        Assert.Equal("testnet", root.GetProperty("version").GetString());
        Assert.Equal(2147483648u, root.GetProperty("chain_id").GetUInt32());
        Assert.True(root.GetProperty("signature_valid").GetBoolean());
        var origin = root.GetProperty("auth").GetProperty("origin");
        Assert.Equal("ST36T883PDD2EK4PHVTA5GFHC8NQW6558XJQX6Q3K", origin.GetProperty("address").GetString());
        Assert.Equal(7ul, origin.GetProperty("nonce").GetUInt64());
        Assert.Equal("compressed", origin.GetProperty("key_encoding").GetString());
        var payload = root.GetProperty("payload");
        Assert.Equal("token_transfer", payload.GetProperty("type").GetString());
        Assert.Equal(12345ul, payload.GetProperty("amount").GetUInt64());
        Assert.StartsWith("68656c6c6f00", payload.GetProperty("memo").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MakeCall_Sponsored_DecodesWithArgs()
    {
        var made = Run("", "stx", "make-call", "--key", Key, "--contract", "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7.my-contract", "--function", "do-it",
            "--arg", "uint:5", "--arg", "buff:0x0102", "--arg", "principal:SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", "--arg", "ascii:hi",
            "--nonce", "1", "--fee", "300", "--sponsor-key", SponsorKey, "--sponsor-nonce", "4");
        Assert.Equal(0, made.Code);
        var decoded = Run("", "stx", "decode-tx", made.Out.Trim());
        using var doc = JsonDocument.Parse(decoded.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("signature_valid").GetBoolean());
        Assert.Equal("sponsored", root.GetProperty("auth").GetProperty("type").GetString());
        Assert.Equal(300ul, root.GetProperty("auth").GetProperty("sponsor").GetProperty("fee").GetUInt64());
        Assert.Equal("uncompressed", root.GetProperty("auth").GetProperty("sponsor").GetProperty("key_encoding").GetString());
        var payload = root.GetProperty("payload");
        Assert.Equal("contract_call", payload.GetProperty("type").GetString());
        Assert.Equal("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", payload.GetProperty("contract_address").GetString());
        var reprs = payload.GetProperty("function_args").EnumerateArray().Select(a => a.GetProperty("repr").GetString()).ToList();
        Assert.Equal(["u5", "0x0102", "'SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", "\"hi\""], reprs);
    }

    [Fact]
    public void DecodeTx_TamperedSignature_InvalidNotError()
    {
        var hex = Run("", "stx", "make-transfer", "--key", Key, "--to", "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", "--amount", "1", "--nonce", "0", "--fee", "1").Out.Trim();
        var bytes = Convert.FromHexString(hex);
        bytes[60] ^= 0x10;
        var decoded = Run("", "stx", "decode-tx", Convert.ToHexStringLower(bytes));
        Assert.Equal(0, decoded.Code);
        using var doc = JsonDocument.Parse(decoded.Out);
        Assert.False(doc.RootElement.GetProperty("signature_valid").GetBoolean());
    }

    [Fact]
    public void DecodeTx_Batch_OneLinePerInputAndCodedErrors()
    {
        var hex = Run("", "stx", "make-transfer", "--key", Key, "--to", "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", "--amount", "1", "--nonce", "0", "--fee", "1").Out.Trim();
        var result = Run(hex + "\n" + hex + "00\nzz\n", "stx", "decode-tx", "-");
        Assert.Equal(1, result.Code);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"signature_valid\":true", lines[0], StringComparison.Ordinal);
        Assert.Contains("stacks-trailing-bytes", lines[1], StringComparison.Ordinal);
        Assert.Contains("not hex", lines[2], StringComparison.Ordinal);
    }

    [VectorFact]
    public void Address_Conversions_MatchVectors()
    {
        var fromHash = Run("", "stx", "address", "--hash160", "a46ff88886c2ef9762d970b4d2c63678835bd39d", "--version", "22");
        Assert.Contains("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", fromHash.Out, StringComparison.Ordinal);
        var toBtc = Run("", "stx", "address", "--to-btc", "SP36T883PDD2EK4PHVTA5GFHC8NQW6558XG7YX1GD");
        Assert.Contains("1KkL94EPD3mz7RFCZPmRBy3KjbWZ4qo58E", toBtc.Out, StringComparison.Ordinal);
        var fromBtc = Run("", "stx", "address", "--from-btc", "mzGHS7KN25DEtXipGxjo1tFebb7Fw5aAkp");
        Assert.Contains("ST36T883PDD2EK4PHVTA5GFHC8NQW6558XJQX6Q3K", fromBtc.Out, StringComparison.Ordinal);
        var bad = Run("", "stx", "address", "--to-btc", "SP36T883PDD2EK4PHVTA5GFHC8NQW6558XG7YX1GE");
        Assert.Equal(1, bad.Code);
        Assert.Contains("c32-bad-checksum", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysNew_Testnet_ConsistentAddresses()
    {
        var result = Run("", "keys", "new", "--network", "testnet");
        Assert.Equal(0, result.Code);
        using var doc = JsonDocument.Parse(result.Out);
        var stx = doc.RootElement.GetProperty("stx_address").GetString()!;
        Assert.StartsWith("ST", stx, StringComparison.Ordinal);
        var back = Run("", "stx", "address", "--to-btc", stx);
        Assert.Contains(doc.RootElement.GetProperty("btc_address").GetString()!, back.Out, StringComparison.Ordinal);
        var transfer = Run("", "stx", "make-transfer", "--key", doc.RootElement.GetProperty("private_key").GetString()!, "--to", stx, "--amount", "1", "--nonce", "0", "--fee", "1", "--network", "testnet");
        Assert.Equal(0, transfer.Code);
        using var decoded = JsonDocument.Parse(Run("", "stx", "decode-tx", transfer.Out.Trim()).Out);
        Assert.Equal(stx, decoded.RootElement.GetProperty("auth").GetProperty("origin").GetProperty("address").GetString());
    }

    [Theory]
    [InlineData("--arg", "uint:-1")]
    [InlineData("--arg", "nope:1")]
    [InlineData("--arg", "buff:0xz")]
    public void MakeCall_BadArg_OneLineError(string option, string value)
    {
        var result = Run("", "stx", "make-call", "--key", Key, "--contract", "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7.c", "--function", "f", option, value, "--nonce", "0", "--fee", "1");
        Assert.Equal(1, result.Code);
        Assert.StartsWith("error: ", result.Err, StringComparison.Ordinal);
    }
}
