using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Grpc.Core;

namespace Blockstack.Cli;

/// <summary>
/// The options of a command that builds, signs and submits transactions through the node:
/// <c>--key</c>, <c>--nonce</c>, <c>--fee</c>, <c>--fee-rate</c>, <c>--wait</c>, <c>--wait-timeout</c>, <c>--poll-interval</c>.
/// </summary>
internal sealed class SubmitOptions
{
    /// <summary>
    /// µSTX per byte when <c>--fee</c> is not given. The mempool admits 1 µSTX per byte and up
    /// (src/Blockstack.Chain/Mempool.cs, docs/chain.md); 10 leaves room to be replaced and to be
    /// preferred when blocks are full, at about 0.002 STX for a transfer.
    /// </summary>
    public const ulong DefaultFeeRate = 10;

    public Option<string> Key { get; } = new("--key") { Description = "private key hex (32 bytes, or 33 ending 01 for a compressed public key)", Required = true };

    public Option<ulong?> Nonce { get; } = new("--nonce") { Description = "nonce of the (first) transaction (default: the account's nonce at the node's tip)" };

    public Option<ulong?> Fee { get; } = new("--fee") { Description = "fee in µSTX of each transaction (default: its length × --fee-rate)" };

    public Option<ulong> FeeRate { get; } = new("--fee-rate") { Description = "µSTX per byte when --fee is not given (the node's minimum is 1)", DefaultValueFactory = _ => DefaultFeeRate };

    public Option<bool> Wait { get; } = new("--wait") { Description = "wait until the transaction is confirmed in a block" };

    public Option<double> WaitTimeout { get; } = new("--wait-timeout") { Description = "seconds to wait for a confirmation", DefaultValueFactory = _ => 900 };

    public Option<double> PollInterval { get; } = new("--poll-interval") { Description = "seconds between status checks while waiting", DefaultValueFactory = _ => 2 };

    public void AddTo(Command cmd, bool waitOption = true)
    {
        cmd.Options.Add(Key);
        cmd.Options.Add(Nonce);
        cmd.Options.Add(Fee);
        cmd.Options.Add(FeeRate);
        if (waitOption)
        {
            cmd.Options.Add(Wait);
        }

        cmd.Options.Add(WaitTimeout);
        cmd.Options.Add(PollInterval);
    }
}

/// <summary>
/// One command's conversation with the node as a transaction sender: the network (checked against
/// the node's), the key and its address, nonces, fees, submission and waiting for confirmation.
/// </summary>
internal sealed class TxSession : IDisposable
{
    private readonly CliIo _io;
    private readonly SubmitOptions _options;
    private readonly ParseResult _parse;
    private ulong? _nextNonce;

    private TxSession(CliIo io, SubmitOptions options, ParseResult parse, NodeClient client, bool mainnet, StacksPrivateKey key)
    {
        _io = io;
        _options = options;
        _parse = parse;
        Client = client;
        Mainnet = mainnet;
        Key = key;
        Sender = StxCommands.AddressOf(key, mainnet);
        _nextNonce = parse.GetValue(options.Nonce);
        var rate = parse.GetValue(options.FeeRate);
        FeeRate = rate >= 1 ? rate : throw new CliException("--fee-rate must be at least 1 µSTX per byte", CliIo.Usage);
        WaitTimeout = Seconds(parse.GetValue(options.WaitTimeout), "--wait-timeout");
        PollInterval = Seconds(parse.GetValue(options.PollInterval), "--poll-interval");
    }

    public NodeClient Client { get; }

    public bool Mainnet { get; }

    public StacksPrivateKey Key { get; }

    public StacksAddress Sender { get; }

    public ulong FeeRate { get; }

    public TimeSpan WaitTimeout { get; }

    public TimeSpan PollInterval { get; }

    public bool WaitRequested => _parse.GetValue(_options.Wait);

    /// <summary>
    /// Parses the key, connects, and settles the network: the node's, unless <c>--network</c> was
    /// given, in which case it must agree with the node's (a mainnet transaction sent to a testnet
    /// node, or the reverse, can never be accepted).
    /// </summary>
    public static TxSession Open(CliIo io, NodeOptions node, SubmitOptions options, ParseResult parse)
    {
        var key = StxCommands.ParseKey(parse.GetValue(options.Key)!, "--key");
        var networkResult = parse.GetResult(io.Network);
        bool? requested = networkResult is null || networkResult.Implicit ? null : StxCommands.IsMainnet(parse.GetValue(io.Network)!);
        var client = node.Connect(parse);
        try
        {
            var info = client.Call(o => client.Node.GetInfo(new GetInfoRequest(), o));
            var nodeMainnet = info.Network == "mainnet";
            if (requested is { } r && r != nodeMainnet)
            {
                throw new CliException($"--network {parse.GetValue(io.Network)} does not match the node, which runs {info.Network}");
            }

            return new TxSession(io, options, parse, client, nodeMainnet, key);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static TimeSpan Seconds(double value, string what) =>
        value is > 0 and <= 864_000 ? TimeSpan.FromSeconds(value) : throw new CliException($"{what} must be a positive number of seconds", CliIo.Usage);

    /// <summary>The nonce for the next transaction: <c>--nonce</c>, then one more per transaction; else the account's nonce now.</summary>
    private ulong NextNonce()
    {
        if (_nextNonce is { } n)
        {
            _nextNonce = n + 1;
            return n;
        }

        var account = Client.Call(o => Client.Node.GetAccount(new GetAccountRequest { Principal = Sender.ToString() }, o));
        return account.Nonce;
    }

    /// <summary>Builds, signs and submits a transaction; returns it and the txid the node reported.</summary>
    public (StacksTransaction Tx, string Txid) Submit(TransactionPayload payload, IReadOnlyList<PostCondition>? postConditions = null)
    {
        var nonce = NextNonce();
        var fee = _parse.GetValue(_options.Fee);
        if (fee is null)
        {
            // The fee is a fixed-width field: its value does not change the length.
            var length = (ulong)StxCommands.BuildSigned(Mainnet, payload, Key, nonce, 0, postConditions: postConditions).Serialize().Length;
            fee = length * FeeRate;
        }

        var tx = StxCommands.BuildSigned(Mainnet, payload, Key, nonce, fee.Value, postConditions: postConditions);
        var txid = NodeCommands.Submit(Client, tx.Serialize());
        return (tx, txid);
    }

    /// <summary>
    /// The post-condition of a call that burns <paramref name="amount"/> µSTX of the sender's (the
    /// preorders): "the sender sends exactly this much". Post-condition mode is deny, and a burn
    /// counts as STX sent (as in Stacks), so without it the call aborts by post-condition.
    /// </summary>
    public IReadOnlyList<PostCondition> Burns(UInt128 amount) =>
    [
        new StxPostCondition(
            new PostConditionPrincipal(new StandardPrincipal(Sender)),
            FungibleConditionCode.SentEq,
            amount <= ulong.MaxValue ? (ulong)amount : throw new CliException($"the price {amount} µSTX does not fit a post-condition (at most {ulong.MaxValue})")),
    ];

    /// <summary>A call to the network's bns contract.</summary>
    public ContractCallPayload BnsCall(string function, params ClarityValue[] args) =>
        new(BnsNames.ContractAddress(Mainnet), BnsNames.ContractName, function, args);

    /// <summary>
    /// Polls GetTransaction until the transaction is confirmed, then checks that it succeeded.
    /// Dropped, aborted, or still pending at <c>--wait-timeout</c>: a one-line error naming the txid.
    /// </summary>
    public Receipt WaitConfirmed(string txid, string what)
    {
        _io.Err.WriteLine($"waiting for {what} {txid} to be confirmed");
        var clock = Stopwatch.StartNew();
        var last = "not seen by the node";
        while (true)
        {
            TransactionStatus? status = null;
            try
            {
                status = Client.Call(o => Client.Node.GetTransaction(new GetTransactionRequest { Txid = txid }, o));
            }
            catch (CliException e) when (e.InnerException is RpcException { StatusCode: StatusCode.NotFound })
            {
                // A node may answer before it has indexed the submission; keep asking until the deadline.
            }

            switch (status?.Status)
            {
                case TransactionStatus.Types.Status.Confirmed:
                    var receipt = status.Receipt ?? throw new CliException($"{what} {txid} is confirmed but the node sent no receipt");
                    if (receipt.Status != "success")
                    {
                        throw new CliException($"{what} {txid} was confirmed in block {receipt.BlockHeight} but failed: {receipt.Status} {Explain(receipt.ResultRepr)}");
                    }

                    _io.Err.WriteLine($"{what} {txid} confirmed in block {receipt.BlockHeight}: {receipt.ResultRepr}");
                    return receipt;
                case TransactionStatus.Types.Status.Dropped:
                    throw new CliException($"{what} {txid} was dropped from the mempool: {(status.DroppedReason.Length > 0 ? status.DroppedReason : "no reason given")}");
                case TransactionStatus.Types.Status.Pending:
                    last = "pending";
                    break;
                default:
                    break;
            }

            if (clock.Elapsed >= WaitTimeout)
            {
                throw new CliException($"timed out after {WaitTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for {what} {txid} ({last}); it may still confirm: check with 'blockstack tx {txid}'");
            }

            var left = WaitTimeout - clock.Elapsed;
            Thread.Sleep(left < PollInterval ? left : PollInterval);
        }
    }

    /// <summary><c>(err 2004)</c> → <c>(err 2004) ERR_NAME_UNAVAILABLE</c> when the code is a bns error.</summary>
    private static string Explain(string repr)
    {
        var m = Regex.Match(repr, @"^\(err (\d+)\)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && BnsNames.ErrorName(code) is { } name
            ? $"{repr} {name}"
            : repr;
    }

    public void Dispose() => Client.Dispose();
}

/// <summary><c>blockstack stx transfer</c>: a transfer signed here and submitted to the node.</summary>
internal static class OnlineTxCommands
{
    public static Command Transfer(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var to = new Option<string>("--to") { Description = "recipient principal", Required = true };
        var amount = new Option<ulong>("--amount") { Description = "µSTX to send", Required = true };
        var memo = new Option<string>("--memo") { Description = "memo text, at most 34 bytes" };
        var cmd = new Command("transfer", "Send STX through the node: nonce and fee filled in, signed, submitted; prints the txid") { to, amount, memo };
        options.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var recipient = StxCommands.ParsePrincipal(parse.GetValue(to), "--to");
            var memoBytes = StxCommands.Memo(parse.GetValue(memo));
            var ustx = parse.GetValue(amount);
            if (ustx == 0)
            {
                throw new CliException("--amount must be at least 1 µSTX");
            }

            using var session = TxSession.Open(io, node, options, parse);
            if (recipient.Address.Version is var v && StacksAddressVersion.IsMainnet(v) != session.Mainnet)
            {
                throw new CliException($"--to {recipient} is not a {(session.Mainnet ? "mainnet" : "testnet")} address, which the node's network needs");
            }

            var (tx, txid) = session.Submit(new TokenTransferPayload(recipient, ustx, memoBytes));
            var json = parse.GetValue(node.Json);
            var result = new JsonObject
            {
                ["txid"] = txid,
                ["sender"] = session.Sender.ToString(),
                ["nonce"] = tx.Auth.Origin.Nonce,
                ["fee"] = tx.Auth.Origin.Fee,
            };
            if (!json)
            {
                io.Out.WriteLine(txid);
            }

            if (session.WaitRequested)
            {
                var receipt = session.WaitConfirmed(txid, "transfer");
                result["block_height"] = receipt.BlockHeight;
                result["index_block_hash"] = receipt.IndexBlockHash;
            }

            if (json)
            {
                io.Print(result, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }
}
