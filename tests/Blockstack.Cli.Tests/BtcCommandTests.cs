using System.Text.Json;
using System.Text.Json.Nodes;
using Blockstack.TestKit;

namespace Blockstack.Cli.Tests;

[Trait("Category", "Unit")]
public class BtcCommandTests
{
    // A P2WPKH spend (the BIP143 native P2WPKH example's signed transaction, input 1 segwit).
    private const string SegwitTx =
        "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f00000000494830450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac000247304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee635711000000";

    [Fact]
    public void DecodeTx_SegwitTransaction_PrintsBitcoindShape()
    {
        var result = CliResult.Run("btc", "decode-tx", SegwitTx);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Empty(result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(
            ["txid", "hash", "version", "size", "vsize", "weight", "locktime", "vin", "vout"],
            json.Select(p => p.Key));
        Assert.Equal("e8151a2af31c368a35053ddd4bdb285a8595c769a3ad83e0fa02314a602d4609", (string?)json["txid"]);
        Assert.Equal(343, (int)json["size"]!);
        Assert.Equal(261, (int)json["vsize"]!); // bitcoinjs-lib agrees: 343 / 261 / 1042
        Assert.Equal(1042, (int)json["weight"]!);

        var vin1 = json["vin"]![1]!.AsObject();
        Assert.Equal(["txid", "vout", "scriptSig", "txinwitness", "sequence"], vin1.Select(p => p.Key));
        Assert.Equal(2, vin1["txinwitness"]!.AsArray().Count);
        Assert.Null(json["vin"]![0]!["txinwitness"]);
        Assert.EndsWith("[ALL]", (string?)json["vin"]![0]!["scriptSig"]!["asm"], StringComparison.Ordinal);

        var vout0 = json["vout"]![0]!;
        Assert.Equal("1.12340000", vout0["value"]!.ToJsonString());
        Assert.Equal("pubkeyhash", (string?)vout0["scriptPubKey"]!["type"]);
        Assert.Equal("1Cu32FVupVCgHkMMRJdYJugxwo2Aprgk7H", (string?)vout0["scriptPubKey"]!["address"]); // per bitcoinjs-lib
    }

    [Theory]
    [InlineData("zz", "not hex")]
    [InlineData("0100000001", "transaction decode failed")]
    [InlineData("0100000000000000000000", "transaction decode failed")]
    public void DecodeTx_BadInput_ExitsOneWithOneLineMessage(string input, string expected)
    {
        var result = CliResult.Run("btc", "decode-tx", input);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeTx_BatchMode_OneJsonLinePerInputInOrder_BadLineReportedAndExitOne()
    {
        var stdin = SegwitTx + "\nnot-a-tx\n\n" + SegwitTx + "\n";
        var result = CliResult.RunWithInput(stdin, "btc", "decode-tx", "-");

        Assert.Equal(1, result.ExitCode);
        var lines = result.StdoutLines;
        Assert.Equal(3, lines.Length);
        Assert.Equal("e8151a2af31c368a35053ddd4bdb285a8595c769a3ad83e0fa02314a602d4609", (string?)JsonNode.Parse(lines[0])!["txid"]);
        Assert.NotNull(JsonNode.Parse(lines[1])!["error"]);
        Assert.Equal((string?)JsonNode.Parse(lines[0])!["txid"], (string?)JsonNode.Parse(lines[2])!["txid"]);
        Assert.Contains("line 2", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Address_ScriptOnEachNetwork_UsesThatNetworksEncoding()
    {
        const string p2wpkh = "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1";
        Assert.StartsWith("bc1q", Address(p2wpkh, "mainnet"), StringComparison.Ordinal);
        Assert.StartsWith("tb1q", Address(p2wpkh, "testnet"), StringComparison.Ordinal);
        Assert.StartsWith("bcrt1q", Address(p2wpkh, "regtest"), StringComparison.Ordinal);
    }

    private static string Address(string script, string network)
    {
        var result = CliResult.Run("btc", "address", "--script", script, "--network", network);
        Assert.Equal(0, result.ExitCode);
        return (string)JsonNode.Parse(result.Stdout)!["address"]!;
    }

    [Fact]
    public void Address_ScriptWithoutAddress_FailsNamingItsType()
    {
        var result = CliResult.Run("btc", "address", "--script", "6a0401020304");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nulldata", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Script_WrongNetworkAddress_Fails()
    {
        var result = CliResult.Run("btc", "script", "--address", "bcrt1qr583w2swedy2acd7rungw55k8t3n7udp7vyzyg", "--network", "mainnet");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: invalid mainnet address", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNetwork_Fails()
    {
        var result = CliResult.Run("btc", "address", "--script", "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1", "--network", "moon");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown network 'moon'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_UsageErrorWithOneLine()
    {
        var result = CliResult.Run("btc", "frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
    }

    [VectorFact]
    public void ScriptAndAddress_BatchOverCoreKeyIoVectors_RoundTripEveryAddress()
    {
        // Every address in Bitcoin Core's key_io_valid.json, per network, through batch mode both ways.
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "key_io_valid.json"));
        var byNetwork = new Dictionary<string, List<(string Address, string Script)>>();
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            var meta = entry[2];
            if (meta.GetProperty("isPrivkey").GetBoolean())
            {
                continue;
            }

            var network = meta.GetProperty("chain").GetString() switch
            {
                "main" => "mainnet",
                "testnet4" or "test" => "testnet",
                var other => other!,
            };
            if (!byNetwork.TryGetValue(network, out var list))
            {
                byNetwork[network] = list = [];
            }

            list.Add((entry[0].GetString()!, entry[1].GetString()!));
        }

        Assert.NotEmpty(byNetwork);
        foreach (var (network, entries) in byNetwork)
        {
            var scripts = CliResult.RunWithInput(string.Join('\n', entries.Select(e => e.Address)), "btc", "script", "--address", "-", "--network", network);
            Assert.Equal(0, scripts.ExitCode);
            Assert.Equal(entries.Select(e => e.Script), scripts.StdoutLines.Select(l => (string?)JsonNode.Parse(l)!["hex"]));

            var addresses = CliResult.RunWithInput(string.Join('\n', entries.Select(e => e.Script)), "btc", "address", "--script", "-", "--network", network);
            Assert.Equal(0, addresses.ExitCode);
            Assert.Equal(
                entries.Select(e => e.Address.ToLowerInvariant()),
                addresses.StdoutLines.Select(l => ((string?)JsonNode.Parse(l)!["address"])!.ToLowerInvariant()));
        }
    }

    [VectorFact]
    public void DecodeBlock_RawFileWithTxids_ReportsHashCountAndValidMerkleRoot()
    {
        var result = CliResult.Run("btc", "decode-block", "@" + Vectors.Path("bitcoin", "block413567.raw"), "--txids");

        Assert.Equal(0, result.ExitCode);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069", (string?)json["hash"]);
        Assert.Equal(1557, (int)json["nTx"]!);
        Assert.Equal(1557, json["tx"]!.AsArray().Count);
        Assert.True((bool)json["merkleroot_valid"]!);
        Assert.Equal(999887, (int)json["size"]!);
    }

    [VectorFact]
    public void DecodeBlock_GenesisHex_MatchesCoreAndBadFileFails()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "genesis.json"));
        var regtest = doc.RootElement.GetProperty("networks").GetProperty("regtest");
        var result = CliResult.Run("btc", "decode-block", regtest.GetProperty("block_hex").GetString()!);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(regtest.GetProperty("block_hash").GetString(), (string?)JsonNode.Parse(result.Stdout)!["hash"]);

        var missing = CliResult.Run("btc", "decode-block", "@/nonexistent/block.raw");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: cannot read", Assert.Single(missing.StderrLines), StringComparison.Ordinal);
    }
}
