using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Node.Hosting;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Blockstack.TestKit;
using Google.Protobuf;

namespace Blockstack.Node.E2E.Tests;

/// <summary>
/// The whole node as an operator runs it: <c>blockstack-node start --regtest</c> as a child process
/// on free ports and a fresh data directory, driven over gRPC, by <c>@stacks/transactions</c> and by
/// the <c>blockstack</c> CLI; then SIGKILL and restart on the same data, then SIGTERM.
/// Every wait is bounded and fails with the daemon's last log lines.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Slow")]
public sealed class DaemonEndToEndTests : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ConfirmBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(45);

    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string DataDir => Path.Combine(_dir, "data");

    private static string Recipient()
    {
        var key = new StacksPrivateKey(SHA256.HashData("blockstack e2e recipient"u8), compressed: true);
        return new StacksSigner(BouncySecp256k1.Instance).SingleSigCondition(key, 0, 0).Address(TransactionVersion.Testnet).ToString();
    }

    private static ulong Ustx(string amount) => ulong.Parse(amount, NumberStyles.None, CultureInfo.InvariantCulture);

    [Fact]
    public async Task StartRegtest_TransferNameKillRestartTerm_StateSurvivesAndStopsCleanly()
    {
        var ports = DaemonPorts.Pick();
        var sender = RegtestProfile.Account(0);
        var nsOwner = RegtestProfile.Account(1);
        var nameOwner = RegtestProfile.Account(2);
        var recipient = Recipient();
        var nodeArg = $"127.0.0.1:{ports.Grpc}";

        using (var daemon = DaemonProcess.Start(DataDir, ports))
        {
            // 1. Serving, synced, with a Stacks tip mined.
            var started = await daemon.WaitForTip(1, StartBound);
            Assert.Equal("regtest", started.Network);
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{ports.Metrics}/metrics"));
                Assert.Contains("blockstack_node_synced 1", metrics, StringComparison.Ordinal);
                Assert.Contains("blockstack_node_stacks_tip_height ", metrics, StringComparison.Ordinal);
            }

            // 2. An STX transfer built by @stacks/transactions.
            var before = await daemon.Node.GetAccountAsync(new GetAccountRequest { Principal = sender.Address });
            const ulong amount = 1_234_567;
            const ulong fee = 1_000;
            var made = JsonNode.Parse(NodeJs.Run(
                "stacks-make-transfer.js",
                string.Empty,
                sender.PrivateKeyHex,
                recipient,
                amount.ToString(CultureInfo.InvariantCulture),
                before.Nonce.ToString(CultureInfo.InvariantCulture),
                fee.ToString(CultureInfo.InvariantCulture),
                "testnet"))!;
            Assert.Equal(sender.Address, (string)made["sender"]!);
            var submitted = await daemon.Node.SubmitTransactionAsync(new SubmitTransactionRequest
            {
                RawTransaction = ByteString.CopyFrom(Convert.FromHexString((string)made["hex"]!)),
            });
            var txid = (string)made["txid"]!;
            Assert.Equal(txid, submitted.Txid);
            var confirmed = await daemon.WaitFor("the transfer confirmed", ConfirmBound, async () =>
            {
                var status = await daemon.Node.GetTransactionAsync(new GetTransactionRequest { Txid = txid });
                Assert.NotEqual(TransactionStatus.Types.Status.Dropped, status.Status);
                return status.Status == TransactionStatus.Types.Status.Confirmed ? status : null;
            });
            Assert.Equal("success", confirmed.Receipt.Status);
            Assert.Equal(fee, Ustx(confirmed.Receipt.FeeUstx));
            var transferEvent = Assert.Single(confirmed.Receipt.Events, e => e.Type == "stx_transfer");
            Assert.Equal((sender.Address, recipient, amount), (transferEvent.Sender, transferEvent.Recipient, Ustx(transferEvent.AmountUstx)));
            var after = await daemon.Node.GetAccountAsync(new GetAccountRequest { Principal = sender.Address });
            Assert.Equal(Ustx(before.BalanceUstx) - amount - fee, Ustx(after.BalanceUstx));
            Assert.Equal(before.Nonce + 1, after.Nonce);
            var received = await daemon.Node.GetAccountAsync(new GetAccountRequest { Principal = recipient });
            Assert.Equal(amount, Ustx(received.BalanceUstx));

            // 3. A namespace and a name, by the CLI.
            await RunCli(daemon, "bns", "namespace", "preorder", "e2e", "--key", nsOwner.PrivateKeyHex, "--node", nodeArg, "--wait", "--poll-interval", "0.5");
            await RunCli(daemon, "bns", "namespace", "reveal", "e2e", "--key", nsOwner.PrivateKeyHex, "--node", nodeArg, "--base", "4", "--coeff", "250", "--buckets", "7,6,5,4,3,2,1,1,1,1,1,1,1,1,1,1", "--nonalpha-discount", "4", "--no-vowel-discount", "4", "--lifetime", "5000", "--wait", "--poll-interval", "0.5");
            await RunCli(daemon, "bns", "namespace", "ready", "e2e", "--key", nsOwner.PrivateKeyHex, "--node", nodeArg, "--wait", "--poll-interval", "0.5");
            var zonefile = Path.Combine(_dir, "alice.zone");
            var zoneText = "$ORIGIN alice.e2e\n$TTL 3600\n_http._tcp URI 10 1 \"https://alice.example\"\n";
            await File.WriteAllTextAsync(zonefile, zoneText);
            var zoneBytes = Encoding.UTF8.GetBytes(zoneText);
            await RunCli(daemon, "bns", "register", "alice.e2e", "--key", nameOwner.PrivateKeyHex, "--zonefile", zonefile, "--node", nodeArg, "--poll-interval", "0.5");

            var resolved = await daemon.Bns.ResolveNameAsync(new ResolveNameRequest { Name = "alice.e2e" });
            Assert.Equal(nameOwner.Address, resolved.Owner);
            Assert.Equal(NameStatus.Active, resolved.Status);
            Assert.Equal(Convert.ToHexStringLower(Hashes.Hash160(zoneBytes)), resolved.ZonefileHash);
            Assert.Equal(zoneBytes, resolved.Zonefile.ToByteArray());
            var cli = JsonNode.Parse(await RunCli(daemon, "names", "resolve", "alice.e2e", "--node", nodeArg, "--json"))!;
            Assert.Equal(resolved.Owner, (string)cli["owner"]!);
            Assert.Equal(resolved.ZonefileHash, (string)cli["zonefile_hash"]!);
            Assert.Equal(zoneText, (string)cli["zonefile"]!);
            Assert.Equal("active", (string)cli["status"]!);

            // 4. Record the tip and SIGKILL.
            var tip = await daemon.Node.GetInfoAsync(new GetInfoRequest());
            var tipBlock = await daemon.Node.GetBlockAsync(new GetBlockRequest { Height = tip.StacksTipHeight });
            Assert.Equal(tip.StacksTipIndexBlockHash, tipBlock.IndexBlockHash);
            await daemon.KillHard(ExitBound);
            Assert.NotEqual(0, daemon.ExitCode);

            using var restarted = DaemonProcess.Start(DataDir, ports);
            await restarted.WaitForTip(tip.StacksTipHeight, StartBound);
            var same = await restarted.Node.GetBlockAsync(new GetBlockRequest { Height = tip.StacksTipHeight });
            Assert.Equal(tipBlock.IndexBlockHash, same.IndexBlockHash);
            Assert.Equal(tipBlock.StateRoot, same.StateRoot);
            Assert.True(same.Canonical, restarted.Tail());
            Assert.Equal(resolved, await restarted.Bns.ResolveNameAsync(new ResolveNameRequest { Name = "alice.e2e" }));
            var kept = await restarted.Node.GetTransactionAsync(new GetTransactionRequest { Txid = txid });
            Assert.Equal(TransactionStatus.Types.Status.Confirmed, kept.Status);
            Assert.Equal(confirmed.Receipt, kept.Receipt);
            Assert.Equal(Ustx(after.BalanceUstx), Ustx((await restarted.Node.GetAccountAsync(new GetAccountRequest { Principal = sender.Address })).BalanceUstx));

            // 5. SIGTERM: exit code 0 and the ordered shutdown in the log.
            restarted.Terminate();
            Assert.Equal(0, await restarted.WaitForExit(ExitBound));
            var lines = restarted.Lines;
            var stopping = IndexOf(lines, "Stopping: services unavailable, then runtime, then stores");
            var runtimeStopped = IndexOf(lines, "node runtime stopped at burn");
            var stopped = IndexOf(lines, "Stopped (exit code 0)");
            Assert.True(stopping >= 0 && stopping < runtimeStopped && runtimeStopped < stopped, restarted.Tail(60));
        }
    }

    [Fact]
    public async Task StartRegtest_SecondNodeOnTheSameDataDir_ExitsNonZeroWithClearMessageAndTheFirstKeepsGoing()
    {
        using var first = DaemonProcess.Start(DataDir, DaemonPorts.Pick());
        var before = await first.WaitForTip(1, StartBound);

        // Other ports, so only the data directory is shared.
        using var second = DaemonProcess.Start(DataDir, DaemonPorts.Pick());
        var code = await second.WaitForExit(StartBound);

        Assert.True(code == 1, second.Tail());
        Assert.Contains(second.Lines, l => l.StartsWith("stderr: error: the store at ", StringComparison.Ordinal) && l.Contains("is in use by another process", StringComparison.Ordinal));
        var later = await first.WaitForTip(before.StacksTipHeight + 2, StartBound);
        var block = await first.Node.GetBlockAsync(new GetBlockRequest { Height = before.StacksTipHeight });
        Assert.Equal(before.StacksTipIndexBlockHash, block.IndexBlockHash);
        Assert.True(later.Synced);

        first.Terminate();
        Assert.Equal(0, await first.WaitForExit(ExitBound));
    }

    private static int IndexOf(IReadOnlyList<string> lines, string text)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Contains(text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static async Task<string> RunCli(DaemonProcess daemon, params string[] args)
    {
        var (code, stdout, stderr) = await Cli.Run(CliBound, args);
        Assert.True(code == 0, $"blockstack {string.Join(' ', args)} exited {code}: {stderr}\n{daemon.Tail(20)}");
        return stdout;
    }
}
