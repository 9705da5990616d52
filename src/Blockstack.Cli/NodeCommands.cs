using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Google.Protobuf;

namespace Blockstack.Cli;

/// <summary>
/// The read-only client commands and raw submission: <c>info</c>, <c>account</c>, <c>send-tx</c>,
/// <c>tx</c>, <c>names resolve|list</c>.
/// </summary>
public static class NodeCommands
{
    private static readonly JsonFormatter ProtoJson = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));

    public static IEnumerable<Command> Create(CliIo io, NodeOptions node)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(node);
        yield return Info(io, node);
        yield return AccountCommand(io, node);
        yield return SendTx(io, node);
        yield return Tx(io, node);
        yield return new Command("names", "BNS names as the node sees them") { Resolve(io, node), List(io, node) };
    }

    /// <summary>
    /// A protobuf message as JSON with the .proto field names (snake_case) and every field present.
    /// 64-bit integer fields are numbers, as in the other commands' JSON (protobuf's JSON mapping
    /// writes them as strings); amounts the .proto declares as decimal strings stay strings.
    /// </summary>
    internal static JsonObject ToJson(IMessage message)
    {
        var json = JsonNode.Parse(ProtoJson.Format(message))!.AsObject();
        NumbersFor64BitFields(message, json);
        return json;
    }

    private static void NumbersFor64BitFields(IMessage message, JsonObject json)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated || json[field.Name] is not { } value)
            {
                continue;
            }

            switch (field.FieldType)
            {
                case Google.Protobuf.Reflection.FieldType.UInt64 or Google.Protobuf.Reflection.FieldType.Fixed64:
                    json[field.Name] = ulong.Parse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case Google.Protobuf.Reflection.FieldType.Int64 or Google.Protobuf.Reflection.FieldType.SInt64 or Google.Protobuf.Reflection.FieldType.SFixed64:
                    json[field.Name] = long.Parse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case Google.Protobuf.Reflection.FieldType.Message when value is JsonObject inner && field.Accessor.GetValue(message) is IMessage child:
                    NumbersFor64BitFields(child, inner);
                    break;
                default:
                    break;
            }
        }
    }

    private static Command Info(CliIo io, NodeOptions node)
    {
        var cmd = new Command("info", "The node's network, heights, tips and sync progress");
        cmd.SetAction(parse =>
        {
            using var client = node.Connect(parse);
            var info = client.Call(o => client.Node.GetInfo(new GetInfoRequest(), o));
            io.Print(ToJson(info), parse.GetValue(node.Json));
            return CliIo.Success;
        });
        return cmd;
    }

    private static Command AccountCommand(CliIo io, NodeOptions node)
    {
        var address = new Argument<string>("ADDR") { Description = "a Stacks address or contract principal" };
        var cmd = new Command("account", "Balance, locked amount and nonce of an account at the canonical tip") { address };
        cmd.SetAction(parse =>
        {
            var principal = StxCommands.ParsePrincipal(parse.GetValue(address), "ADDR");
            using var client = node.Connect(parse);
            var account = client.Call(o => client.Node.GetAccount(new GetAccountRequest { Principal = principal.ToString() }, o));
            io.Print(ToJson(account), parse.GetValue(node.Json));
            return CliIo.Success;
        });
        return cmd;
    }

    private static Command SendTx(CliIo io, NodeOptions node)
    {
        var value = new Argument<string>("HEX|@FILE|-")
        {
            Description = "a signed transaction in hex, @path of a file holding it (hex or raw), or - for one hex transaction per line of standard input",
        };
        var cmd = new Command("send-tx", "Submit signed transactions to the node's mempool; prints each txid") { value };
        cmd.SetAction(parse =>
        {
            var input = parse.GetValue(value)!;
            var json = parse.GetValue(node.Json);
            using var client = node.Connect(parse);
            if (input != CliIo.BatchMarker)
            {
                var txid = Submit(client, ReadTransaction(input));
                io.Print(json ? new JsonObject { ["txid"] = txid } : JsonValue.Create(txid), json);
                return CliIo.Success;
            }

            // Batch: one result line per input line; a rejected line is reported and the rest go on.
            // An unreachable node stops the batch (exit 3): every later line would fail the same way.
            var code = CliIo.Success;
            var lineNumber = 0;
            while (io.In.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                try
                {
                    var txid = Submit(client, ReadTransaction(line.Trim()));
                    io.Out.WriteLine(json ? new JsonObject { ["txid"] = txid }.ToJsonString() : txid);
                }
                catch (CliException e) when (e.ExitCode == CliIo.Failure)
                {
                    io.Out.WriteLine(json ? new JsonObject { ["error"] = e.Message }.ToJsonString() : "error");
                    io.Err.WriteLine($"error: line {lineNumber}: {e.Message}");
                    code = CliIo.Failure;
                }
            }

            return code;
        });
        return cmd;
    }

    /// <summary>Submits raw bytes; returns the txid the node reports.</summary>
    internal static string Submit(NodeClient client, byte[] raw)
    {
        var response = client.Call(o => client.Node.SubmitTransaction(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(raw) }, o));
        return response.Txid;
    }

    /// <summary>Hex, or <c>@path</c> of a file holding the transaction as hex or raw bytes; checked to decode.</summary>
    internal static byte[] ReadTransaction(string value)
    {
        byte[] bytes;
        if (value.StartsWith('@'))
        {
            var path = value[1..];
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliException($"cannot read {path}: {e.Message}");
            }

            var text = Encoding.ASCII.GetString(bytes).Trim();
            if (text.Length > 0 && text.Length % 2 == 0 && text.All(Uri.IsHexDigit))
            {
                bytes = CliOptions.ParseHex(text, "transaction file");
            }
        }
        else
        {
            bytes = CliOptions.ParseHex(value, "transaction");
        }

        // Decode locally first: a typo gets a precise message without a round trip.
        return StacksTransaction.TryDecode(bytes, out _, out var error)
            ? bytes
            : throw new CliException($"{error.Code}: {error.Message}");
    }

    private static Command Tx(CliIo io, NodeOptions node)
    {
        var txid = new Argument<string>("TXID") { Description = "transaction id, 64 hex digits" };
        var cmd = new Command("tx", "A transaction's status: pending, confirmed (with its receipt) or dropped") { txid };
        cmd.SetAction(parse =>
        {
            var id = ParseTxid(parse.GetValue(txid)!);
            using var client = node.Connect(parse);
            var status = client.Call(o => client.Node.GetTransaction(new GetTransactionRequest { Txid = id }, o));
            io.Print(Describe(status), parse.GetValue(node.Json));
            return CliIo.Success;
        });
        return cmd;
    }

    internal static string ParseTxid(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == 64 && hex.All(Uri.IsHexDigit)
            ? hex.ToLowerInvariant()
            : throw new CliException($"TXID '{text}' is not 64 hex digits");
    }

    internal static JsonObject Describe(TransactionStatus status)
    {
        var json = new JsonObject
        {
            ["txid"] = status.Txid,
            ["status"] = status.Status.ToString().ToLowerInvariant(),
        };
        if (status.DroppedReason.Length > 0)
        {
            json["dropped_reason"] = status.DroppedReason;
        }

        if (status.Receipt is { } r)
        {
            var receipt = ToJson(r);
            receipt.Remove("txid");
            json["receipt"] = receipt;
        }

        if (!status.RawTransaction.IsEmpty)
        {
            json["transaction"] = StxCommands.Decode(Convert.ToHexStringLower(status.RawTransaction.Span));
        }

        return json;
    }

    private static Command Resolve(CliIo io, NodeOptions node)
    {
        var name = new Argument<string>("NAME") { Description = "a fully qualified name, e.g. alice.id" };
        var cmd = new Command("resolve", "Owner, status and zonefile of a name") { name };
        cmd.SetAction(parse =>
        {
            var fqn = BnsNames.ParseFqn(parse.GetValue(name)!);
            using var client = node.Connect(parse);
            var r = client.Call(o => client.Bns.ResolveName(new ResolveNameRequest { Name = fqn.Fqn }, o));
            var json = new JsonObject
            {
                ["name"] = r.Name,
                ["owner"] = r.Owner,
                ["status"] = r.Status.ToString().ToLowerInvariant(),
                ["zonefile_hash"] = r.ZonefileHash,
            };
            if (!r.Zonefile.IsEmpty)
            {
                json["zonefile"] = Text(r.Zonefile.Span, out var encoding);
                json["zonefile_encoding"] = encoding;
            }

            io.Print(json, parse.GetValue(node.Json));
            return CliIo.Success;
        });
        return cmd;
    }

    /// <summary>UTF-8 text when the bytes are valid UTF-8, else hex.</summary>
    private static string Text(ReadOnlySpan<byte> bytes, out string encoding)
    {
        try
        {
            var text = new UTF8Encoding(false, true).GetString(bytes);
            encoding = "utf8";
            return text;
        }
        catch (DecoderFallbackException)
        {
            encoding = "hex";
            return Convert.ToHexStringLower(bytes);
        }
    }

    private static Command List(CliIo io, NodeOptions node)
    {
        var ns = new Argument<string>("NAMESPACE") { Description = "a namespace, e.g. id" };
        var limit = new Option<int?>("--limit") { Description = "stop after this many names (default: all)" };
        var pageSize = new Option<int>("--page-size") { Description = "names asked for per request (1..1000)", DefaultValueFactory = _ => 1000 };
        var cmd = new Command("list", "Every name of a namespace, in order, following the node's pages") { ns, limit, pageSize };
        cmd.SetAction(parse =>
        {
            var space = BnsNames.ParseNamespace(parse.GetValue(ns)!);
            var max = parse.GetValue(limit);
            if (max is < 1)
            {
                throw new CliException("--limit must be at least 1", CliIo.Usage);
            }

            var size = parse.GetValue(pageSize);
            if (size is < 1 or > 1000)
            {
                throw new CliException("--page-size must be between 1 and 1000", CliIo.Usage);
            }

            var json = parse.GetValue(node.Json);
            using var client = node.Connect(parse);
            var all = new JsonArray();
            var token = string.Empty;
            var count = 0;
            do
            {
                var want = max is { } m ? Math.Min(size, m - count) : size;
                var page = client.Call(o => client.Bns.ListNames(new ListNamesRequest { Namespace = space, PageSize = want, PageToken = token }, o));
                foreach (var n in page.Names)
                {
                    if (max is { } m2 && count >= m2)
                    {
                        break;
                    }

                    count++;
                    if (json)
                    {
                        all.Add(new JsonObject
                        {
                            ["name"] = n.Name_,
                            ["owner"] = n.Owner,
                            ["status"] = n.Status.ToString().ToLowerInvariant(),
                            ["zonefile_hash"] = n.ZonefileHash,
                            ["expires_at"] = n.ExpiresAt,
                        });
                    }
                    else
                    {
                        io.Out.WriteLine($"{n.Name_} {n.Owner} {n.Status.ToString().ToLowerInvariant()}");
                    }
                }

                if (token == page.NextPageToken && token.Length > 0)
                {
                    throw new CliException("the node returned the same page token twice; stopping");
                }

                token = page.NextPageToken;
            }
            while (token.Length > 0 && (max is not { } m3 || count < m3));

            if (json)
            {
                io.Print(all, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }
}
