using System.Text;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bns;
using Blockstack.Stacks;
using Grpc.Core;

namespace Blockstack.Cli.Tests;

/// <summary>
/// <c>blockstack bns ...</c> end to end: the transactions the CLI signs are checked field by field,
/// then applied by the test node to the real contract and index, so the node's real BnsService
/// answers the next steps (prices, availability, resolve, zonefiles).
/// </summary>
[Trait("Category", "Integration")]
public sealed class BnsClientTests : IAsyncLifetime
{
    private const string Poll = "0.01";
    private static readonly string[] ExampleBuckets = ["7", "6", "5", "4", "3", "2", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1"];
    private TestNode _node = null!;
    private DirectoryInfo _dir = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _dir = Directory.CreateTempSubdirectory("cli-bns");
        foreach (var key in new[] { TestKey.Alice, TestKey.Bob, TestKey.Carol })
        {
            _node.Node.Fund(key, 1_000_000_000_000);
        }
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private FakeNodeService Fake => _node.Node;

    private string Zonefile(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static ContractCallPayload Call(SubmittedTx sent, string function, TestKey sender)
    {
        Assert.True(new StacksSigner(Secp256k1.Default).Verify(sent.Tx), "signature");
        Assert.Equal(sender.Address, sent.Tx.OriginAddress);
        Assert.True(sent.Tx.Auth.Origin.Fee >= (ulong)sent.Raw.Length);
        var call = Assert.IsType<ContractCallPayload>(sent.Tx.Payload);
        Assert.Equal("ST000000000000000000002AMW42H", call.ContractAddress.ToString());
        Assert.Equal("bns", call.ContractName);
        Assert.Equal(function, call.FunctionName);
        return call;
    }

    private static byte[] Buff(ClarityValue v) => Assert.IsType<ClarityBuffer>(v).Data.ToArray();

    private static UInt128 UInt(ClarityValue v) => Assert.IsType<ClarityUInt>(v).Value;

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static StxPostCondition BurnsExactly(TestKey key, ulong ustx) =>
        new(new PostConditionPrincipal(key.Principal), FungibleConditionCode.SentEq, ustx);

    private Task<CliResult> CreateNamespaceWithCli(string ns, TestKey key) => Task.Run(async () =>
    {
        var preorder = await _node.RunAsync("bns", "namespace", "preorder", ns, "--key", key.Hex, "--salt", "0a0b0c", "--wait", "--poll-interval", Poll);
        Assert.Equal(0, preorder.ExitCode);
        var reveal = await _node.RunAsync(["bns", "namespace", "reveal", ns, "--key", key.Hex, "--salt", "0a0b0c", "--base", "4", "--coeff", "250", "--buckets", string.Join(',', ExampleBuckets), "--nonalpha-discount", "4", "--no-vowel-discount", "4", "--lifetime", "1000", "--wait", "--poll-interval", Poll]);
        Assert.Equal(0, reveal.ExitCode);
        return await _node.RunAsync("bns", "namespace", "ready", ns, "--key", key.Hex, "--wait", "--poll-interval", Poll, "--json");
    });

    [Fact]
    public async Task NamespaceLifecycle_ThenRegister_ArgumentsAsSpecified_NameResolvesWithZonefile()
    {
        var ready = await CreateNamespaceWithCli("app", TestKey.Alice);
        Assert.Equal(0, ready.ExitCode);
        Assert.Equal(3, Fake.Submitted.Count);
        Assert.All(Fake.Submitted, s => Assert.Equal(BnsCallStatus.Ok, s.BnsResult!.Status));

        var preorder = Call(Fake.Submitted[0], "namespace-preorder", TestKey.Alice);
        Assert.Equal(Hashes.Hash160([.. Ascii("app"), 0x0a, 0x0b, 0x0c]), Buff(preorder.Arguments[0]));
        Assert.Equal((UInt128)64_000_000_000, UInt(preorder.Arguments[1])); // 3 characters: 64,000 STX
        Assert.Equal(0ul, Fake.Submitted[0].Tx.Auth.Origin.Nonce);
        // Deny mode: the burn must be covered, or the node aborts the call by post-condition.
        Assert.Equal(PostConditionMode.Deny, Fake.Submitted[0].Tx.PostConditionMode);
        Assert.Equal(BurnsExactly(TestKey.Alice, 64_000_000_000), Assert.Single(Fake.Submitted[0].Tx.PostConditions));
        Assert.Empty(Fake.Submitted[1].Tx.PostConditions);
        Assert.Empty(Fake.Submitted[2].Tx.PostConditions);

        var reveal = Call(Fake.Submitted[1], "namespace-reveal", TestKey.Alice);
        Assert.Equal(24, reveal.Arguments.Count);
        Assert.Equal(Ascii("app"), Buff(reveal.Arguments[0]));
        Assert.Equal(new byte[] { 0x0a, 0x0b, 0x0c }, Buff(reveal.Arguments[1]));
        Assert.Equal(
            new UInt128[] { 4, 250, 7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 1000 },
            reveal.Arguments.Skip(2).Take(21).Select(UInt));
        Assert.Equal(TestKey.Alice.Principal, Assert.IsType<ClarityPrincipal>(reveal.Arguments[23]).Value);
        Assert.Equal(1ul, Fake.Submitted[1].Tx.Auth.Origin.Nonce);

        var readyCall = Call(Fake.Submitted[2], "namespace-ready", TestKey.Alice);
        Assert.Equal(Ascii("app"), Buff(Assert.Single(readyCall.Arguments)));
        Assert.Equal(Fake.Submitted[2].Txid, (string)JsonNode.Parse(ready.Stdout)!["txid"]!);

        const string content = "$ORIGIN alice.app\n$TTL 3600\n_http._tcp URI 10 1 \"https://alice.example\"\n";
        var zonefile = Zonefile("alice.zone", content);
        var register = await _node.RunAsync("bns", "register", "alice.app", "--key", TestKey.Bob.Hex, "--zonefile", zonefile, "--poll-interval", Poll, "--json");
        Assert.Equal(0, register.ExitCode);
        Assert.Equal(5, Fake.Submitted.Count);
        var result = JsonNode.Parse(register.Stdout)!;
        var salt = Convert.FromHexString((string)result["salt"]!);
        Assert.Equal(20, salt.Length);

        var namePreorder = Call(Fake.Submitted[3], "name-preorder", TestKey.Bob);
        Assert.Equal(Hashes.Hash160([.. Ascii("alice.app"), .. salt]), Buff(namePreorder.Arguments[0]));
        Assert.Equal((UInt128)160_000, UInt(namePreorder.Arguments[1])); // spec/bns.md §3 worked value
        Assert.Equal(BurnsExactly(TestKey.Bob, 160_000), Assert.Single(Fake.Submitted[3].Tx.PostConditions));
        Assert.Empty(Fake.Submitted[4].Tx.PostConditions);
        var nameRegister = Call(Fake.Submitted[4], "name-register", TestKey.Bob);
        Assert.Equal(Ascii("app"), Buff(nameRegister.Arguments[0]));
        Assert.Equal(Ascii("alice"), Buff(nameRegister.Arguments[1]));
        Assert.Equal(salt, Buff(nameRegister.Arguments[2]));
        var zonefileHash = Hashes.Hash160(Encoding.UTF8.GetBytes(content));
        Assert.Equal(zonefileHash, Buff(nameRegister.Arguments[3]));
        Assert.Equal(Fake.Submitted[3].Txid, (string)result["preorder_txid"]!);
        Assert.Equal(Fake.Submitted[4].Txid, (string)result["register_txid"]!);
        Assert.Equal(Convert.ToHexStringLower(zonefileHash), (string)result["zonefile_hash"]!);
        Assert.Contains("step 1/3", register.Stderr, StringComparison.Ordinal);
        Assert.Contains("step 3/3", register.Stderr, StringComparison.Ordinal);

        var resolved = await _node.RunAsync("names", "resolve", "alice.app", "--json");
        Assert.Equal(0, resolved.ExitCode);
        var name = JsonNode.Parse(resolved.Stdout)!;
        Assert.Equal(TestKey.Bob.Address.ToString(), (string)name["owner"]!);
        Assert.Equal("active", (string)name["status"]!);
        Assert.Equal(content, (string)name["zonefile"]!);

        // Running it again finds the work done: nothing is submitted.
        var again = await _node.RunAsync("bns", "register", "alice.app", "--key", TestKey.Bob.Hex, "--zonefile", zonefile, "--poll-interval", Poll);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(5, Fake.Submitted.Count);
        Assert.Contains("already registered", again.Stderr, StringComparison.Ordinal);

        // Someone else cannot have it.
        var taken = await _node.RunAsync("bns", "register", "alice.app", "--key", TestKey.Carol.Hex, "--poll-interval", Poll);
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("alice.app cannot be registered", Assert.Single(taken.StderrLines), StringComparison.Ordinal);
        Assert.Equal(5, Fake.Submitted.Count);
    }

    [Fact]
    public async Task Register_RegisterRejected_ErrorSaysHowToResume_RerunWithSkipPreorderFinishes()
    {
        _node.CreateNamespace("id", TestKey.Alice);
        Fake.Reject = tx => tx.Payload is ContractCallPayload { FunctionName: "name-register" }
            ? new RpcException(new Status(StatusCode.InvalidArgument, "mempool-full: try later"))
            : null;
        var failed = await _node.RunAsync("bns", "register", "carol.id", "--key", TestKey.Carol.Hex, "--poll-interval", Poll);
        Assert.Equal(1, failed.ExitCode);
        var error = failed.StderrLines.Last();
        Assert.StartsWith("error: INVALID_ARGUMENT mempool-full: try later; the preorder stays valid for 144 blocks: rerun with --skip-preorder --salt ", error, StringComparison.Ordinal);
        Assert.Single(Fake.Submitted);

        // The default salt is derived from the key and the name: the rerun needs no --salt.
        Fake.Reject = null;
        var resumed = await _node.RunAsync("bns", "register", "carol.id", "--key", TestKey.Carol.Hex, "--skip-preorder", "--poll-interval", Poll);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal($"registered carol.id to {TestKey.Carol.Address}", resumed.Stdout.Trim());
        Assert.Equal(2, Fake.Submitted.Count);
        Assert.Equal(error[^40..], Convert.ToHexStringLower(Buff(Call(Fake.Submitted[1], "name-register", TestKey.Carol).Arguments[2])));
        Assert.Equal(TestKey.Carol.Principal, _node.Bns.GetNameOwner(new NameId(Blockstack.Bns.Buff.FromAscii("id"), Blockstack.Bns.Buff.FromAscii("carol"))));
    }

    [Fact]
    public async Task Register_PreorderAgainWithoutSkip_ContractRefuses_ErrorSaysSkipPreorder()
    {
        _node.CreateNamespace("id", TestKey.Alice);
        Fake.Reject = tx => tx.Payload is ContractCallPayload { FunctionName: "name-register" }
            ? new RpcException(new Status(StatusCode.Unavailable, "bns-shutting-down: the node is stopping"))
            : null;
        var first = await _node.RunAsync("bns", "register", "carol.id", "--key", TestKey.Carol.Hex, "--poll-interval", Poll);
        Assert.Equal(3, first.ExitCode); // UNAVAILABLE from the node counts as unreachable
        Assert.Contains("UNAVAILABLE bns-shutting-down", first.StderrLines.Last(), StringComparison.Ordinal);

        // Forgetting --skip-preorder: the same default salt gives the same commitment, which the contract refuses (2016).
        Fake.Reject = null;
        var second = await _node.RunAsync("bns", "register", "carol.id", "--key", TestKey.Carol.Hex, "--poll-interval", Poll);
        Assert.Equal(1, second.ExitCode);
        Assert.Equal(Buff(Call(Fake.Submitted[0], "name-preorder", TestKey.Carol).Arguments[0]), Buff(Call(Fake.Submitted[1], "name-preorder", TestKey.Carol).Arguments[0]));
        var error = second.StderrLines.Last();
        Assert.Contains("(err 2016) ERR_NAME_PREORDER_ALREADY_EXISTS: an earlier preorder with this salt is still valid; rerun with --skip-preorder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_PreorderAbortsOnChain_ErrorNamesTheContractError()
    {
        _node.CreateNamespace("id", TestKey.Alice);
        _node.Bns.SetBalance(TestKey.Carol.Principal, 10); // cannot burn the price
        var result = await _node.RunAsync("bns", "register", "carol.id", "--key", TestKey.Carol.Hex, "--poll-interval", Poll);
        Assert.Equal(1, result.ExitCode);
        var error = result.StderrLines.Last();
        Assert.StartsWith("error: name-preorder " + Fake.Submitted[0].Txid + " was confirmed in block ", error, StringComparison.Ordinal);
        Assert.EndsWith("but failed: abort_by_response (err 4001) ERR_INSUFFICIENT_FUNDS", error, StringComparison.Ordinal);
        Assert.Single(Fake.Submitted);
    }

    [Fact]
    public async Task Register_PreorderNeverConfirms_TimeoutSaysHowToResume()
    {
        _node.CreateNamespace("id", TestKey.Alice);
        Fake.NeverConfirm = true;
        var result = await _node.RunAsync("bns", "register", "carol.id", "--key", TestKey.Carol.Hex, "--poll-interval", Poll, "--wait-timeout", "0.1");
        Assert.Equal(1, result.ExitCode);
        var error = result.StderrLines.Last();
        Assert.StartsWith("error: timed out after 0.1 s waiting for name-preorder " + Fake.Submitted[0].Txid, error, StringComparison.Ordinal);
        Assert.Contains("once it confirms, rerun with --skip-preorder --salt ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateTransferRenew_ArgumentsAsSpecified_StateFollows()
    {
        _node.CreateNamespace("id", TestKey.Alice);
        _node.RegisterName("bob", "id", TestKey.Bob);

        const string content = "$ORIGIN bob.id\n";
        var update = await _node.RunAsync("bns", "update", "bob.id", "--key", TestKey.Bob.Hex, "--zonefile", Zonefile("bob.zone", content), "--poll-interval", Poll);
        Assert.Equal(0, update.ExitCode);
        var updateCall = Call(Fake.Submitted[0], "name-update", TestKey.Bob);
        Assert.Equal(Hashes.Hash160(Encoding.UTF8.GetBytes(content)), Buff(updateCall.Arguments[2]));
        Assert.Equal(content, (string)JsonNode.Parse((await _node.RunAsync("names", "resolve", "bob.id", "--json")).Stdout)!["zonefile"]!);

        var transfer = await _node.RunAsync("bns", "transfer", "bob.id", "--key", TestKey.Bob.Hex, "--to", TestKey.Carol.Address.ToString(), "--wait", "--poll-interval", Poll);
        Assert.Equal(0, transfer.ExitCode);
        var transferCall = Call(Fake.Submitted[1], "name-transfer", TestKey.Bob);
        Assert.Equal(Ascii("id"), Buff(transferCall.Arguments[0]));
        Assert.Equal(Ascii("bob"), Buff(transferCall.Arguments[1]));
        Assert.Equal(TestKey.Carol.Principal, Assert.IsType<ClarityPrincipal>(transferCall.Arguments[2]).Value);
        Assert.Null(Assert.IsType<ClarityOptional>(transferCall.Arguments[3]).Inner);
        Assert.Equal(TestKey.Carol.Address.ToString(), (string)JsonNode.Parse((await _node.RunAsync("names", "resolve", "bob.id", "--json")).Stdout)!["owner"]!);

        var renew = await _node.RunAsync("bns", "renew", "bob.id", "--key", TestKey.Carol.Hex, "--wait", "--poll-interval", Poll, "--json");
        Assert.Equal(0, renew.ExitCode);
        var renewCall = Call(Fake.Submitted[2], "name-renewal", TestKey.Carol);
        Assert.Equal((UInt128)2_560_000, UInt(renewCall.Arguments[2])); // "bob": 3 letters → exponent 5, has a vowel → no discount: 250·4^5·10
        Assert.Null(Assert.IsType<ClarityOptional>(renewCall.Arguments[3]).Inner);
        Assert.Null(Assert.IsType<ClarityOptional>(renewCall.Arguments[4]).Inner);
        Assert.Equal(BnsCallStatus.Ok, Fake.Submitted[2].BnsResult!.Status);
        Assert.Equal("2560000", (string)JsonNode.Parse(renew.Stdout)!["price_ustx"]!);

        // Bob no longer owns it: the contract refuses, and the CLI says which error.
        var notOwner = await _node.RunAsync("bns", "update", "bob.id", "--key", TestKey.Bob.Hex, "--zonefile", Zonefile("x.zone", "x"), "--poll-interval", Poll);
        Assert.Equal(1, notOwner.ExitCode);
        Assert.EndsWith("(err 2006) ERR_NAME_OPERATION_UNAUTHORIZED", notOwner.StderrLines.Last(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("register", "Alice.id", "--salt", "0102", "a-z, 0-9")]
    [InlineData("register", "alice", "--salt", "0102", "NAME.NAMESPACE")]
    [InlineData("register", "alice.id", "--salt", "zz", "--salt")]
    [InlineData("register", "alice.id", "--salt", "000102030405060708090a0b0c0d0e0f1011121314", "1 to 20 bytes")]
    [InlineData("register", "alice.id", "--zonefile", "/nonexistent/zone", "cannot read")]
    [InlineData("register", "alice.id", "--key", "00", "--key")]
    [InlineData("transfer", "alice.id", "--to", "nobody", "--to")]
    public async Task BadInput_OneLineErrorNothingSubmitted(string command, string name, string option, string value, string expected)
    {
        var options = new Dictionary<string, string> { ["--key"] = TestKey.Bob.Hex };
        if (command == "transfer")
        {
            options["--to"] = TestKey.Carol.Address.ToString();
        }

        options[option] = value;
        var result = await _node.RunAsync(["bns", command, name, .. options.SelectMany(o => new[] { o.Key, o.Value })]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(Fake.Submitted);
    }

    [Fact]
    public async Task NamespaceReveal_BadBuckets_OneLineError()
    {
        var result = await _node.RunAsync("bns", "namespace", "reveal", "app", "--key", TestKey.Alice.Hex, "--base", "4", "--coeff", "250", "--buckets", "1,2,3", "--lifetime", "0");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("16 comma-separated", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(Fake.Submitted);
    }

    [Fact]
    public async Task NamespacePreorder_UnknownNamespacePriceArgument_Invalid()
    {
        var result = await _node.RunAsync("bns", "namespace", "preorder", "UP", "--key", TestKey.Alice.Hex);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("a-z, 0-9", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
