using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;
using Grpc.Core;

namespace Blockstack.Cli.Tests;

/// <summary>The read-only client commands, send-tx, stx transfer and the error conventions, against <see cref="TestNode"/>.</summary>
[Trait("Category", "Integration")]
public sealed class NodeClientTests : IAsyncLifetime
{
    private const string Recipient = "ST2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKQYAC0RQ";
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _node.Node.Fund(TestKey.Alice, 5_000_000, nonce: 3);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private FakeNodeService Fake => _node.Node;

    private static void AssertOneErrorLine(CliResult result, int exitCode, params string[] contains)
    {
        Assert.Equal(exitCode, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var c in contains)
        {
            Assert.Contains(c, line, StringComparison.Ordinal);
        }
    }

    private static string FreePortEndpoint()
    {
        // A port that was just free: nothing listens on it when the CLI connects.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }

    [Fact]
    public async Task Info_TextAndJson_ShowTheNodesAnswer()
    {
        var text = await _node.RunAsync("info");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("network: testnet", text.StdoutLines);
        Assert.Contains("stacks_tip_height: 9", text.StdoutLines);

        var json = await _node.RunAsync("info", "--json");
        Assert.Equal(0, json.ExitCode);
        var info = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("testnet", (string)info["network"]!);
        Assert.True((bool)info["synced"]!);
        Assert.Equal(new string('c', 40), (string)info["consensus_hash"]!);
    }

    [Fact]
    public async Task Account_KnownAddress_BalanceAndNonce()
    {
        var result = await _node.RunAsync("account", TestKey.Alice.Address.ToString(), "--json");
        Assert.Equal(0, result.ExitCode);
        var account = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("5000000", (string)account["balance_ustx"]!);
        Assert.Equal(3, (int)account["nonce"]!);
        Assert.Equal(TestKey.Alice.Address.ToString(), (string)account["principal"]!);
    }

    [Fact]
    public async Task Account_BadAddress_OneLineErrorWithoutAskingTheNode()
    {
        var result = await _node.RunAsync("account", "ST2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKQYAC0RX");
        AssertOneErrorLine(result, 1, "ADDR", "c32");
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task NodeUnreachable_ExitThreeWithOneLine()
    {
        var result = await Task.Run(() => CliResult.Run("info", "--node", FreePortEndpoint()));
        AssertOneErrorLine(result, 3, "UNAVAILABLE", "cannot reach the node at 127.0.0.1:");
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transfer_NodeUnreachable_ExitThree()
    {
        var result = await Task.Run(() => CliResult.Run("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "5", "--node", FreePortEndpoint()));
        AssertOneErrorLine(result, 3, "UNAVAILABLE");
    }

    [Theory]
    [InlineData("--node", "not a host")]
    [InlineData("--node", "127.0.0.1")]
    [InlineData("--node", "ftp://127.0.0.1:21")]
    [InlineData("--timeout", "0")]
    [InlineData("--timeout", "-3")]
    public async Task BadGlobalOption_UsageErrorExitTwo(string option, string value)
    {
        var result = await Task.Run(() => CliResult.Run("info", option, value));
        AssertOneErrorLine(result, 2, option);
    }

    [Fact]
    public async Task SlowNode_RequestTimesOut_DeadlineExceeded()
    {
        Fake.InfoDelay = TimeSpan.FromSeconds(20);
        var result = await _node.RunAsync("info", "--timeout", "0.2");
        AssertOneErrorLine(result, 1, "DEADLINE_EXCEEDED", "--timeout");
    }

    private static string OfflineTransfer(ulong nonce, ulong fee, string amount = "12345") =>
        CliResult.Run("stx", "make-transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", amount, "--nonce", nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fee", fee.ToString(System.Globalization.CultureInfo.InvariantCulture), "--network", "testnet").Stdout.Trim();

    [Fact]
    public async Task SendTx_Hex_SubmitsThoseBytesAndPrintsTheTxid()
    {
        var hex = OfflineTransfer(3, 1000);
        var result = await _node.RunAsync("send-tx", hex);
        Assert.Equal(0, result.ExitCode);
        var sent = Assert.Single(Fake.Submitted);
        Assert.Equal(hex, Convert.ToHexStringLower(sent.Raw));
        Assert.Equal(sent.Txid, result.Stdout.Trim());
        Assert.Equal(StacksTxid.Of(Convert.FromHexString(hex)).ToString(), sent.Txid);
    }

    [Fact]
    public async Task SendTx_AtFileRawOrHex_AndBatchFromStdin()
    {
        var dir = Directory.CreateTempSubdirectory("cli-send-tx");
        try
        {
            var raw = Path.Combine(dir.FullName, "tx.raw");
            await File.WriteAllBytesAsync(raw, Convert.FromHexString(OfflineTransfer(3, 1000)));
            var fromRaw = await _node.RunAsync("send-tx", "@" + raw);
            Assert.Equal(0, fromRaw.ExitCode);

            var hexFile = Path.Combine(dir.FullName, "tx.hex");
            await File.WriteAllTextAsync(hexFile, OfflineTransfer(4, 1000) + "\n");
            var fromHex = await _node.RunAsync("send-tx", "@" + hexFile, "--json");
            Assert.Equal(0, fromHex.ExitCode);
            Assert.Equal(Fake.Submitted[1].Txid, (string)JsonNode.Parse(fromHex.Stdout)!["txid"]!);

            // Batch: line 2 is not a transaction, line 3 has a nonce the node rejects; the others go through.
            var stdin = OfflineTransfer(5, 1000) + "\nzz\n" + OfflineTransfer(9, 1000) + "\n\n" + OfflineTransfer(6, 1000) + "\n";
            var batch = await _node.RunWithInputAsync(stdin, "send-tx", "-");
            Assert.Equal(1, batch.ExitCode);
            Assert.Equal(4, batch.StdoutLines.Length);
            Assert.Equal(Fake.Submitted[2].Txid, batch.StdoutLines[0]);
            Assert.Equal("error", batch.StdoutLines[1]);
            Assert.Equal("error", batch.StdoutLines[2]);
            Assert.Equal(Fake.Submitted[3].Txid, batch.StdoutLines[3]);
            Assert.Equal(2, batch.StderrLines.Length);
            Assert.StartsWith("error: line 2: ", batch.StderrLines[0], StringComparison.Ordinal);
            Assert.StartsWith("error: line 3: INVALID_ARGUMENT tx-bad-nonce: ", batch.StderrLines[1], StringComparison.Ordinal);
            Assert.Equal(4, Fake.Submitted.Count);

            var missing = await _node.RunAsync("send-tx", "@" + Path.Combine(dir.FullName, "absent"));
            AssertOneErrorLine(missing, 1, "cannot read");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SendTx_NodeRejects_StatusCodeAndMessageInOneLine()
    {
        Fake.SubmitError = new RpcException(new Status(StatusCode.InvalidArgument, "tx-insufficient-funds: the sender cannot afford the fee and amount"));
        var result = await _node.RunAsync("send-tx", OfflineTransfer(3, 1000));
        AssertOneErrorLine(result, 1);
        Assert.Equal("error: INVALID_ARGUMENT tx-insufficient-funds: the sender cannot afford the fee and amount", result.StderrLines[0]);
    }

    [Fact]
    public async Task SendTx_NotATransaction_LocalError()
    {
        var result = await _node.RunAsync("send-tx", "00");
        AssertOneErrorLine(result, 1, "stacks-");
        Assert.Empty(Fake.Submitted);
    }

    [Fact]
    public async Task Tx_UnknownAndMalformed_NotFoundAndLocalError()
    {
        var unknown = await _node.RunAsync("tx", new string('0', 64));
        AssertOneErrorLine(unknown, 1, "NOT_FOUND tx-not-found");

        var bad = await _node.RunAsync("tx", "abc");
        AssertOneErrorLine(bad, 1, "64 hex digits");
    }

    [Fact]
    public async Task Transfer_NoNonceNoFee_NonceFromTheNodeFeeFromTheLength_ThenTxShowsReceipt()
    {
        var result = await _node.RunAsync("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "250000", "--memo", "rent");
        Assert.Equal(0, result.ExitCode);
        var sent = Assert.Single(Fake.Submitted);
        Assert.Equal(sent.Txid, result.Stdout.Trim());
        Assert.True(new StacksSigner(Secp256k1.Default).Verify(sent.Tx));
        Assert.Equal(TestKey.Alice.Address, sent.Tx.OriginAddress);
        Assert.Equal(3ul, sent.Tx.Auth.Origin.Nonce);
        Assert.Equal((ulong)sent.Raw.Length * 10, sent.Tx.Auth.Origin.Fee);
        Assert.Equal(TransactionVersion.Testnet, sent.Tx.Version);
        var payload = Assert.IsType<TokenTransferPayload>(sent.Tx.Payload);
        Assert.Equal(Recipient, payload.Recipient.ToString());
        Assert.Equal(250_000ul, payload.Amount);
        Assert.Equal(TokenTransferPayload.MemoFromText("rent"), payload.Memo);

        var pending = JsonNode.Parse((await _node.RunAsync("tx", sent.Txid, "--json")).Stdout)!;
        Assert.Equal("pending", (string)pending["status"]!);
        var confirmed = JsonNode.Parse((await _node.RunAsync("tx", sent.Txid, "--json")).Stdout)!;
        Assert.Equal("confirmed", (string)confirmed["status"]!);
        Assert.Equal("success", (string)confirmed["receipt"]!["status"]!);
        Assert.Equal(10, (int)confirmed["receipt"]!["block_height"]!);
        Assert.Equal("token_transfer", (string)confirmed["transaction"]!["payload"]!["type"]!);
        Assert.True((bool)confirmed["transaction"]!["signature_valid"]!);
    }

    [Fact]
    public async Task Transfer_GivenNonceAndFee_UsedAsGiven_WaitReportsTheBlock()
    {
        var result = await _node.RunAsync("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "7", "--nonce", "3", "--fee", "777", "--wait", "--poll-interval", "0.01", "--json");
        Assert.Equal(0, result.ExitCode);
        var sent = Assert.Single(Fake.Submitted);
        Assert.Equal(777ul, sent.Tx.Auth.Origin.Fee);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(sent.Txid, (string)json["txid"]!);
        Assert.Equal(10, (int)json["block_height"]!);
        Assert.Equal(TransactionStatusConfirmed, sent.Status);
        Assert.Equal((4_999_993ul - 777, 4ul), Fake.Accounts[TestKey.Alice.Address.ToString()]);
    }

    private static Protos.V1.TransactionStatus.Types.Status TransactionStatusConfirmed => Protos.V1.TransactionStatus.Types.Status.Confirmed;

    [Fact]
    public async Task TxAndAccount_TextOutput_KeyValueLinesWithNestedPaths()
    {
        var txid = (await _node.RunAsync("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "9", "--wait", "--poll-interval", "0.01")).StdoutLines[0];
        var text = await _node.RunAsync("tx", txid);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("txid: " + txid, text.StdoutLines);
        Assert.Contains("status: confirmed", text.StdoutLines);
        Assert.Contains("receipt.status: success", text.StdoutLines);
        Assert.Contains("receipt.block_height: 10", text.StdoutLines);
        Assert.Contains("transaction.payload.type: token_transfer", text.StdoutLines);

        var account = await _node.RunAsync("account", Recipient);
        Assert.Contains("balance_ustx: 9", account.StdoutLines);
        Assert.Contains("nonce: 0", account.StdoutLines);
    }

    [Fact]
    public async Task Transfer_WrongNonce_NodesInvalidArgumentShown()
    {
        var result = await _node.RunAsync("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "7", "--nonce", "8");
        AssertOneErrorLine(result, 1, "INVALID_ARGUMENT tx-bad-nonce: expected nonce 3, got 8");
    }

    [Fact]
    public async Task Transfer_FeeRateBelowTheMempoolsMinimum_Rejected()
    {
        var result = await _node.RunAsync("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "7", "--fee", "5");
        AssertOneErrorLine(result, 1, "INVALID_ARGUMENT mempool-fee-rate-too-low");
    }

    [Theory]
    [InlineData("--key", "1234", "--key")]
    [InlineData("--to", "ST2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKQYAC0RX", "--to")]
    [InlineData("--to", "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", "not a testnet address")]
    [InlineData("--network", "mainnet", "does not match the node")]
    [InlineData("--memo", "a memo that is much longer than thirty-four bytes", "--memo")]
    public async Task Transfer_BadInput_OneLineErrorNothingSubmitted(string option, string value, string expected)
    {
        var args = new Dictionary<string, string> { ["--key"] = TestKey.Alice.Hex, ["--to"] = Recipient, ["--amount"] = "5" };
        args[option] = value;
        var result = await _node.RunAsync(["stx", "transfer", .. args.SelectMany(a => new[] { a.Key, a.Value })]);
        AssertOneErrorLine(result, 1, expected);
        Assert.Empty(Fake.Submitted);
    }

    [Fact]
    public async Task Transfer_WaitNeverConfirms_TimesOutNamingTheTxid()
    {
        Fake.NeverConfirm = true;
        var result = await _node.RunAsync("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "5", "--wait", "--wait-timeout", "0.2", "--poll-interval", "0.02");
        Assert.Equal(1, result.ExitCode);
        var txid = Assert.Single(Fake.Submitted).Txid;
        Assert.Equal(txid, result.StdoutLines[0]);
        var error = result.StderrLines.Last();
        Assert.StartsWith("error: timed out after 0.2 s waiting for transfer " + txid + " (pending)", error, StringComparison.Ordinal);
        Assert.Equal(Protos.V1.TransactionStatus.Types.Status.Pending, Fake.Submitted[0].Status);
    }

    [Fact]
    public async Task Transfer_WaitDropped_ReasonShown()
    {
        Fake.DropReason = "replaced";
        var result = await _node.RunAsync("stx", "transfer", "--key", TestKey.Alice.Hex, "--to", Recipient, "--amount", "5", "--wait", "--poll-interval", "0.01");
        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("was dropped from the mempool: replaced", result.StderrLines.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamesResolve_UnknownAndInvalid_NotFoundAndLocalError()
    {
        var unknown = await _node.RunAsync("names", "resolve", "nobody.id");
        AssertOneErrorLine(unknown, 1, "NOT_FOUND bns-");

        var bad = await _node.RunAsync("names", "resolve", "Alice.id");
        AssertOneErrorLine(bad, 1, "a-z, 0-9");

        var list = await _node.RunAsync("names", "list", "nope");
        AssertOneErrorLine(list, 1, "NOT_FOUND bns-namespace-not-found");
    }

    [Fact]
    public async Task NamesList_FollowsPagesInOrder_LimitStopsEarly()
    {
        _node.Node.Fund(TestKey.Bob, 100_000_000_000);
        _node.CreateNamespace("id", TestKey.Bob);
        var names = new[] { "dave", "alice", "erin", "carol", "bob" };
        var keys = new List<TestKey>();
        for (var i = 0; i < names.Length; i++)
        {
            var key = TestKey.Of(Convert.ToHexStringLower(Hashes.Sha256([(byte)i])) + "01");
            _node.Node.Fund(key, 100_000_000_000);
            _node.RegisterName(names[i], "id", key);
            keys.Add(key);
        }

        var all = await _node.RunAsync("names", "list", "id", "--page-size", "2");
        Assert.Equal(0, all.ExitCode);
        Assert.Equal(["alice.id", "bob.id", "carol.id", "dave.id", "erin.id"], all.StdoutLines.Select(l => l.Split(' ')[0]));
        Assert.Equal($"alice.id {keys[1].Address} active", all.StdoutLines[0]);

        var limited = await _node.RunAsync("names", "list", "id", "--page-size", "2", "--limit", "3", "--json");
        Assert.Equal(0, limited.ExitCode);
        Assert.Equal(["alice.id", "bob.id", "carol.id"], JsonNode.Parse(limited.Stdout)!.AsArray().Select(n => (string)n!["name"]!));

        var badLimit = await _node.RunAsync("names", "list", "id", "--limit", "0");
        AssertOneErrorLine(badLimit, 2, "--limit");
    }
}
