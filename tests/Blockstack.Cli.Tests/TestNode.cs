using Blockstack.Bitcoin.Crypto;
using Blockstack.Bns;
using Blockstack.Node.Grpc;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Blockstack.Storage;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blockstack.Cli.Tests;

/// <summary>A test key with its testnet address.</summary>
internal sealed record TestKey(string Hex, StacksAddress Address)
{
    public Principal Principal => new StandardPrincipal(Address);

    public static TestKey Of(string hex)
    {
        Assert.True(StacksPrivateKey.TryParse(hex, out var key, out _));
        return new TestKey(hex, new StacksAddress(StacksAddressVersion.TestnetSingleSig, Hash160.Of(key.PublicKey(Secp256k1.Default))));
    }

    public static readonly TestKey Alice = Of("2945c6be8758994652a498f0445d534d0fadb0b2025b37c72297b059ebf887ed01");
    public static readonly TestKey Bob = Of("043ff5004e3d695060fa48ac94c96049b8c14ef441c50a184a6a3875d2a000f301");
    public static readonly TestKey Carol = Of("9e446f6b0c6a96cf2190e54bcd5a8569c3e386f091605499464389b8d4e0bfc201");
}

/// <summary>
/// A node for the client to talk to: Kestrel on 127.0.0.1 (port 0) serving the node's real
/// <see cref="BnsGrpcService"/> over a real <see cref="BnsIndex"/>, and <see cref="FakeNodeService"/>
/// that checks and records every transaction and, when it "confirms" one, applies its bns call
/// to the same contract state and index.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    private WebApplication? _app;

    private TestNode()
    {
        Index = new BnsIndex(Bns, new MemoryStore<BnsColumn>()) { State = BnsServiceState.Synced };
        Node = new FakeNodeService(this);
    }

    public MemoryBnsState Bns { get; } = new();

    public BnsIndex Index { get; }

    public FakeNodeService Node { get; }

    /// <summary>The BNS height (Stacks block height) of the next confirmed transaction.</summary>
    public ulong Height { get; set; } = 10;

    /// <summary>HOST:PORT for <c>--node</c>.</summary>
    public string Endpoint { get; private set; } = "";

    public static async Task<TestNode> StartAsync()
    {
        var node = new TestNode();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddBnsGrpc(node.Index, enableReflection: false);
        builder.Services.AddSingleton(node.Node);
        node._app = builder.Build();
        node._app.MapBnsGrpc(enableReflection: false);
        node._app.MapGrpcService<FakeNodeService>();
        await node._app.StartAsync();
        var address = node._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        node.Endpoint = new Uri(address).Authority;
        return node;
    }

    /// <summary>Runs the CLI against this node (off the test thread: the CLI blocks on its calls).</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);

    public Task<CliResult> RunWithInputAsync(string stdin, params string[] args) =>
        Task.Run(() => CliResult.RunWithInput(stdin, [.. args, "--node", Endpoint]));

    /// <summary>A bns call straight into the contract and the index, as one block (set-up for tests).</summary>
    public BnsCallResult Contract(TestKey sender, string function, params ClarityValue[] args)
    {
        lock (Node.Sync)
        {
            var result = BnsContract.Call(Bns, sender.Principal, Height, function, args);
            Index.ApplyBlock(Height, [new BnsCallRecord($"{Height:x64}", function, args, result)]);
            Height++;
            return result;
        }
    }

    public static ClarityBuffer Ascii(string text) => new(System.Text.Encoding.ASCII.GetBytes(text));

    /// <summary>Creates and launches namespace <paramref name="ns"/> owned by <paramref name="owner"/>: the spec's example price function (alice → 160,000 µSTX).</summary>
    public void CreateNamespace(string ns, TestKey owner, ulong lifetime = 1000)
    {
        var salt = new byte[] { 1, 2, 3 };
        var price = ns.Length switch { 1 => 640_000_000_000UL, 2 or 3 => 64_000_000_000UL, <= 7 => 6_400_000_000UL, _ => 640_000_000UL };
        Assert.Equal(BnsCallStatus.Ok, Contract(owner, "namespace-preorder", new ClarityBuffer(Hashes.Hash160([.. System.Text.Encoding.ASCII.GetBytes(ns), .. salt])), new ClarityUInt(price)).Status);
        ClarityValue[] reveal =
        [
            Ascii(ns), new ClarityBuffer(salt), new ClarityUInt(4), new ClarityUInt(250),
            .. new ulong[] { 7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }.Select(b => (ClarityValue)new ClarityUInt(b)),
            new ClarityUInt(4), new ClarityUInt(4), new ClarityUInt(lifetime), new ClarityPrincipal(owner.Principal),
        ];
        Assert.Equal(BnsCallStatus.Ok, Contract(owner, "namespace-reveal", reveal).Status);
        Assert.Equal(BnsCallStatus.Ok, Contract(owner, "namespace-ready", Ascii(ns)).Status);
    }

    /// <summary>Registers <paramref name="name"/>.<paramref name="ns"/> for <paramref name="owner"/> straight through the contract.</summary>
    public void RegisterName(string name, string ns, TestKey owner, byte[]? zonefileHash = null)
    {
        var salt = new byte[] { 9 };
        Assert.Equal(BnsCallStatus.Ok, Contract(owner, "name-preorder", new ClarityBuffer(Hashes.Hash160([.. System.Text.Encoding.ASCII.GetBytes(name + "." + ns), .. salt])), new ClarityUInt(10_000_000_000)).Status);
        Assert.Equal(BnsCallStatus.Ok, Contract(owner, "name-register", Ascii(ns), Ascii(name), new ClarityBuffer(salt), new ClarityBuffer(zonefileHash ?? [])).Status);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Index.Dispose();
    }
}

/// <summary>One transaction the fake node accepted.</summary>
internal sealed class SubmittedTx(StacksTransaction tx, byte[] raw)
{
    public StacksTransaction Tx { get; } = tx;

    public byte[] Raw { get; } = raw;

    public string Txid => Tx.Txid.ToString();

    public int Polls { get; set; }

    public TransactionStatus.Types.Status Status { get; set; } = TransactionStatus.Types.Status.Pending;

    public Receipt? Receipt { get; set; }

    public BnsCallResult? BnsResult { get; set; }
}

/// <summary>
/// <c>NodeService</c> for tests: admits transactions with the mempool's stateless rules (decodes,
/// signature, network, nonce, ≥ 1 µSTX per byte), records them, and moves each from PENDING to
/// CONFIRMED after <see cref="ConfirmAfterPolls"/> status queries, applying it then.
/// </summary>
internal sealed class FakeNodeService(TestNode node) : NodeService.NodeServiceBase
{
    public object Sync { get; } = new();

    public string Network { get; set; } = "testnet";

    public Dictionary<string, (ulong Balance, ulong Nonce)> Accounts { get; } = [];

    public List<SubmittedTx> Submitted { get; } = [];

    /// <summary>GetTransaction answers PENDING this many times before it confirms.</summary>
    public int ConfirmAfterPolls { get; set; } = 1;

    public bool NeverConfirm { get; set; }

    /// <summary>When set, transactions leave the mempool with this reason instead of confirming.</summary>
    public string? DropReason { get; set; }

    /// <summary>When set, SubmitTransaction fails with it (after decoding).</summary>
    public RpcException? SubmitError { get; set; }

    /// <summary>When set, asked about each decoded transaction: a non-null answer is thrown instead of admitting it.</summary>
    public Func<StacksTransaction, RpcException?>? Reject { get; set; }

    /// <summary>When set, GetInfo waits this long before answering.</summary>
    public TimeSpan InfoDelay { get; set; }

    public int InfoCalls { get; private set; }

    public void Fund(TestKey key, ulong balance, ulong nonce = 0)
    {
        lock (Sync)
        {
            Accounts[key.Address.ToString()] = (balance, nonce);
            node.Bns.SetBalance(key.Principal, balance);
        }
    }

    public override async Task<NodeInfo> GetInfo(GetInfoRequest request, ServerCallContext context)
    {
        if (InfoDelay > TimeSpan.Zero)
        {
            await Task.Delay(InfoDelay, context.CancellationToken);
        }

        lock (Sync)
        {
            InfoCalls++;
            return new NodeInfo
            {
                Network = Network,
                BurnHeight = node.Height + 100,
                StacksTipHeight = node.Height - 1,
                StacksTipBlockHash = new string('a', 64),
                ConsensusHash = new string('c', 40),
                SyncProgressPercent = 100,
                Synced = true,
                Version = "test",
            };
        }
    }

    public override Task<Account> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        if (!Principal.TryParse(request.Principal, out var p, out var e))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"principal-invalid: {e.Message}"));
        }

        lock (Sync)
        {
            var (balance, nonce) = Accounts.GetValueOrDefault(p!.ToString());
            return Task.FromResult(new Account { Principal = p.ToString(), BalanceUstx = balance.ToString(System.Globalization.CultureInfo.InvariantCulture), LockedUstx = "0", Nonce = nonce });
        }
    }

    public override Task<SubmitTransactionResponse> SubmitTransaction(SubmitTransactionRequest request, ServerCallContext context)
    {
        var raw = request.RawTransaction.ToByteArray();
        if (!StacksTransaction.TryDecode(raw, out var tx, out var error))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{error.Code}: {error.Message}"));
        }

        if ((SubmitError ?? Reject?.Invoke(tx)) is { } failure)
        {
            throw failure;
        }

        if (!new StacksSigner(Secp256k1.Default).Verify(tx, out var sig))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"tx-bad-signature: {sig.Message}"));
        }

        if (tx.IsMainnet != (Network == "mainnet"))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "tx-bad-network: the transaction is for another network"));
        }

        var fee = tx.Auth.Origin.Fee;
        if (fee < (ulong)raw.Length)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"mempool-fee-rate-too-low: fee {fee} is below 1 µSTX per byte ({raw.Length} bytes)"));
        }

        lock (Sync)
        {
            var sender = tx.OriginAddress.ToString();
            var pending = Submitted.Count(s => s.Status == TransactionStatus.Types.Status.Pending && s.Tx.OriginAddress.ToString() == sender);
            var expected = Accounts.GetValueOrDefault(sender).Nonce + (ulong)pending;
            if (tx.Auth.Origin.Nonce != expected)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"tx-bad-nonce: expected nonce {expected}, got {tx.Auth.Origin.Nonce}"));
            }

            var entry = new SubmittedTx(tx, raw);
            Submitted.Add(entry);
            return Task.FromResult(new SubmitTransactionResponse { Txid = entry.Txid });
        }
    }

    public override Task<TransactionStatus> GetTransaction(GetTransactionRequest request, ServerCallContext context)
    {
        lock (Sync)
        {
            var entry = Submitted.FirstOrDefault(s => s.Txid == request.Txid)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"tx-not-found: transaction {request.Txid} is unknown"));
            if (entry.Status == TransactionStatus.Types.Status.Pending)
            {
                if (DropReason is { } reason)
                {
                    entry.Status = TransactionStatus.Types.Status.Dropped;
                }
                else if (!NeverConfirm && entry.Polls++ >= ConfirmAfterPolls)
                {
                    Confirm(entry);
                }
            }

            var status = new TransactionStatus { Txid = entry.Txid, Status = entry.Status, RawTransaction = ByteString.CopyFrom(entry.Raw) };
            if (entry.Receipt is { } r)
            {
                status.Receipt = r;
            }

            if (entry.Status == TransactionStatus.Types.Status.Dropped)
            {
                status.DroppedReason = DropReason ?? "";
            }

            return Task.FromResult(status);
        }
    }

    private void Confirm(SubmittedTx entry)
    {
        var tx = entry.Tx;
        var sender = tx.OriginAddress.ToString();
        var (balance, nonce) = Accounts.GetValueOrDefault(sender);
        var receipt = new Receipt
        {
            Txid = entry.Txid,
            BlockHeight = node.Height,
            IndexBlockHash = node.Height.ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
            FeeUstx = tx.Auth.Origin.Fee.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Status = "success",
            ResultRepr = "(ok true)",
        };
        balance -= tx.Auth.Origin.Fee;
        switch (tx.Payload)
        {
            case TokenTransferPayload t:
                balance -= t.Amount;
                var to = t.Recipient.ToString();
                var recipient = Accounts.GetValueOrDefault(to);
                Accounts[to] = (recipient.Balance + t.Amount, recipient.Nonce);
                break;
            case ContractCallPayload c:
                Assert.Equal("ST000000000000000000002AMW42H", c.ContractAddress.ToString());
                Assert.Equal("bns", c.ContractName);
                var result = BnsContract.Call(node.Bns, new StandardPrincipal(tx.OriginAddress), node.Height, c.FunctionName, c.Arguments);
                node.Index.ApplyBlock(node.Height, [new BnsCallRecord(entry.Txid, c.FunctionName, c.Arguments, result)]);
                entry.BnsResult = result;
                receipt.Status = result.Status == BnsCallStatus.Ok ? "success" : "abort_by_response";
                receipt.ResultRepr = result.ToString();
                break;
            default:
                break;
        }

        Accounts[sender] = (balance, nonce + 1);
        node.Height++;
        entry.Status = TransactionStatus.Types.Status.Confirmed;
        entry.Receipt = receipt;
    }
}
