using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Google.Protobuf;
using Grpc.Core;

namespace Blockstack.Cli;

/// <summary>
/// <c>blockstack bns ...</c>: name and namespace operations as contract calls to the boot
/// <c>bns</c> contract, signed here and submitted to the node (spec/bns.md §7 for the arguments).
/// Progress goes to standard error, results to standard output.
/// </summary>
public static class BnsCommands
{
    /// <summary>Largest zonefile the node stores (BnsIndex.MaxZonefileSize).</summary>
    public const int MaxZonefileSize = 1024 * 1024;

    public static Command Create(CliIo io, NodeOptions node)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(node);
        return new Command("bns", "Register and manage BNS names and namespaces through the node")
        {
            Register(io, node),
            Update(io, node),
            Transfer(io, node),
            Renew(io, node),
            new Command("namespace", "Create a namespace: preorder, reveal, ready")
            {
                NamespacePreorder(io, node),
                NamespaceReveal(io, node),
                NamespaceReady(io, node),
            },
        };
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "fully qualified name, e.g. alice.id" };

    private static Argument<string> NamespaceArgument() => new("NAMESPACE") { Description = "namespace, e.g. id" };

    private static Option<string> ZonefileOption(string description) => new("--zonefile") { Description = description };

    private static Option<string> SaltOption() => new("--salt")
    {
        Description = "salt hex, 1 to 20 bytes (default: derived from the key and the name, so a rerun uses the same one)",
    };

    private static ClarityBuffer Buffer(byte[] bytes) => new(bytes);

    private static ClarityBuffer Ascii(string text) => new(BnsNames.Ascii(text));

    private static ClarityUInt UInt(UInt128 value) => new(value);

    private static UInt128 ParsePrice(Price price, string what) =>
        UInt128.TryParse(price.AmountUstx, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new CliException($"the node sent a {what} price that is not a number: '{price.AmountUstx}'");

    /// <summary>A zonefile read from a file: 1 byte to 1 MiB.</summary>
    internal static byte[] ReadZonefile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }

        return bytes.Length switch
        {
            0 => throw new CliException($"zonefile {path} is empty"),
            > MaxZonefileSize => throw new CliException($"zonefile {path} is {bytes.Length} bytes; the node stores at most {MaxZonefileSize}"),
            _ => bytes,
        };
    }

    private static byte[] Salt(ParseResult parse, Option<string> salt, StacksPrivateKey key, string purpose) =>
        parse.GetValue(salt) is { } text ? BnsNames.ParseSalt(text) : BnsNames.DefaultSalt(key, purpose);

    /// <summary>Stores a zonefile whose hash is on chain; the error says how to retry.</summary>
    private static PutZonefileResponse PutZonefile(TxSession session, byte[] zonefile, string retry)
    {
        try
        {
            return session.Client.Call(o => session.Client.Bns.PutZonefile(new PutZonefileRequest { Content = ByteString.CopyFrom(zonefile) }, o));
        }
        catch (CliException e)
        {
            throw new CliException($"{e.Message}; {retry}", e.ExitCode, e);
        }
    }

    private static Command Register(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var name = NameArgument();
        var zonefile = ZonefileOption("file whose hash160 goes on chain and whose content is stored at the node after registering");
        var salt = SaltOption();
        var skipPreorder = new Option<bool>("--skip-preorder") { Description = "the preorder is already confirmed (resume after a failed register)" };
        var cmd = new Command("register", "Preorder (paying the name's price), wait, register, wait, then store the zonefile") { name, zonefile, salt, skipPreorder };
        options.AddTo(cmd, waitOption: false);
        cmd.SetAction(parse =>
        {
            var fqn = BnsNames.ParseFqn(parse.GetValue(name)!);
            var content = parse.GetValue(zonefile) is { } path ? ReadZonefile(path) : null;
            var zonefileHash = content is null ? [] : Hashes.Hash160(content);
            using var session = TxSession.Open(io, node, options, parse);
            var saltBytes = Salt(parse, salt, session.Key, "name/" + fqn.Fqn);
            var result = new JsonObject { ["name"] = fqn.Fqn, ["owner"] = session.Sender.ToString(), ["salt"] = Convert.ToHexStringLower(saltBytes) };
            var rerun = $"rerun with --skip-preorder --salt {Convert.ToHexStringLower(saltBytes)}";

            if (Resolve(session, fqn) is { } existing && existing.Owner == session.Sender.ToString())
            {
                // Resume: registered by an earlier run (or by hand); only the zonefile may be left.
                io.Err.WriteLine($"{fqn.Fqn} is already registered to {existing.Owner}");
                if (content is not null && existing.ZonefileHash != Convert.ToHexStringLower(zonefileHash))
                {
                    throw new CliException($"{fqn.Fqn} is registered with zonefile hash '{existing.ZonefileHash}', not this file's {Convert.ToHexStringLower(zonefileHash)}; use 'blockstack bns update'");
                }
            }
            else
            {
                if (!parse.GetValue(skipPreorder))
                {
                    var available = session.Client.Call(o => session.Client.Bns.CanRegisterName(new CanRegisterNameRequest { Name = fqn.Fqn }, o));
                    if (!available.Available)
                    {
                        throw new CliException($"{fqn.Fqn} cannot be registered: {available.Reason}");
                    }

                    var price = ParsePrice(session.Client.Call(o => session.Client.Bns.GetNamePrice(new GetNamePriceRequest { Name = fqn.Fqn }, o)), "name");
                    var hash = BnsNames.NamePreorderHash(fqn, saltBytes);
                    var (_, preorderTxid) = session.Submit(session.BnsCall("name-preorder", Buffer(hash), UInt(price)), session.Burns(price));
                    io.Err.WriteLine($"step 1/3: name-preorder of {fqn.Fqn} submitted: txid {preorderTxid}, burning {price} µSTX, salt {Convert.ToHexStringLower(saltBytes)}");
                    result["preorder_txid"] = preorderTxid;
                    result["price_ustx"] = price.ToString(CultureInfo.InvariantCulture);
                    try
                    {
                        session.WaitConfirmed(preorderTxid, "name-preorder");
                    }
                    catch (CliException e) when (e.Message.Contains("(err 2016)", StringComparison.Ordinal))
                    {
                        throw new CliException($"{e.Message}: an earlier preorder with this salt is still valid; {rerun}", e.ExitCode, e);
                    }
                    catch (CliException e) when (e.ExitCode == CliIo.Failure && !e.Message.Contains("but failed", StringComparison.Ordinal))
                    {
                        throw new CliException($"{e.Message}; once it confirms, {rerun}", e.ExitCode, e);
                    }
                }

                var register = session.BnsCall("name-register", Ascii(fqn.Namespace), Ascii(fqn.Name), Buffer(saltBytes), Buffer(zonefileHash));
                string registerTxid;
                try
                {
                    (_, registerTxid) = session.Submit(register);
                    io.Err.WriteLine($"step 2/3: name-register of {fqn.Fqn} submitted: txid {registerTxid}");
                    result["register_txid"] = registerTxid;
                    session.WaitConfirmed(registerTxid, "name-register");
                }
                catch (CliException e) when (e.ExitCode != CliIo.Usage)
                {
                    throw new CliException($"{e.Message}; the preorder stays valid for 144 blocks: {rerun}", e.ExitCode, e);
                }
            }

            if (content is not null)
            {
                var stored = PutZonefile(session, content, "the name is registered: rerun the same command to store the zonefile");
                io.Err.WriteLine($"step 3/3: zonefile {stored.ZonefileHash} stored for {string.Join(", ", stored.Names)}");
                result["zonefile_hash"] = stored.ZonefileHash;
            }

            Finish(io, node, parse, result, $"registered {fqn.Fqn} to {session.Sender}");
            return CliIo.Success;
        });
        return cmd;
    }

    /// <summary>The name as the node resolves it, or null when the node does not know it.</summary>
    private static ResolveNameResponse? Resolve(TxSession session, BnsName fqn)
    {
        try
        {
            return session.Client.Call(o => session.Client.Bns.ResolveName(new ResolveNameRequest { Name = fqn.Fqn }, o));
        }
        catch (CliException e) when (e.InnerException is RpcException { StatusCode: StatusCode.NotFound })
        {
            return null;
        }
    }

    private static void Finish(CliIo io, NodeOptions node, ParseResult parse, JsonObject result, string text)
    {
        if (parse.GetValue(node.Json))
        {
            io.Print(result, json: true);
        }
        else
        {
            io.Out.WriteLine(text);
        }
    }

    /// <summary>Submits one call; waits when asked (or when <paramref name="mustWait"/>); prints the txid.</summary>
    private static string SubmitOne(CliIo io, NodeOptions node, ParseResult parse, TxSession session, string function, JsonObject result, bool mustWait, params ClarityValue[] args) =>
        SubmitOne(io, node, parse, session, function, result, mustWait, null, args);

    /// <summary>Submits one call with <paramref name="postConditions"/>; waits when asked (or when <paramref name="mustWait"/>); prints the txid.</summary>
    private static string SubmitOne(CliIo io, NodeOptions node, ParseResult parse, TxSession session, string function, JsonObject result, bool mustWait, IReadOnlyList<PostCondition>? postConditions, params ClarityValue[] args)
    {
        var (_, txid) = session.Submit(session.BnsCall(function, args), postConditions);
        io.Err.WriteLine($"{function} submitted: txid {txid}");
        result["txid"] = txid;
        if (!parse.GetValue(node.Json))
        {
            io.Out.WriteLine(txid);
        }

        if (mustWait || session.WaitRequested)
        {
            var receipt = session.WaitConfirmed(txid, function);
            result["block_height"] = receipt.BlockHeight;
        }

        return txid;
    }

    private static Command Update(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var name = NameArgument();
        var zonefile = ZonefileOption("the new zonefile");
        zonefile.Required = true;
        var cmd = new Command("update", "Put a new zonefile hash on chain, wait, then store the zonefile at the node") { name, zonefile };
        options.AddTo(cmd, waitOption: false);
        cmd.SetAction(parse =>
        {
            var fqn = BnsNames.ParseFqn(parse.GetValue(name)!);
            var content = ReadZonefile(parse.GetValue(zonefile)!);
            using var session = TxSession.Open(io, node, options, parse);
            var result = new JsonObject { ["name"] = fqn.Fqn };
            SubmitOne(io, node, parse, session, "name-update", result, mustWait: true, Ascii(fqn.Namespace), Ascii(fqn.Name), Buffer(Hashes.Hash160(content)));
            var stored = PutZonefile(session, content, "the update is on chain: store the zonefile by running the command again");
            result["zonefile_hash"] = stored.ZonefileHash;
            if (parse.GetValue(node.Json))
            {
                io.Print(result, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }

    private static Command Transfer(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var name = NameArgument();
        var to = new Option<string>("--to") { Description = "the new owner", Required = true };
        var zonefile = ZonefileOption("a zonefile for the new owner (default: the name's zonefile is cleared)");
        var cmd = new Command("transfer", "Give a name to another principal") { name, to, zonefile };
        options.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var fqn = BnsNames.ParseFqn(parse.GetValue(name)!);
            var owner = StxCommands.ParsePrincipal(parse.GetValue(to), "--to");
            var content = parse.GetValue(zonefile) is { } path ? ReadZonefile(path) : null;
            using var session = TxSession.Open(io, node, options, parse);
            var hash = content is null ? ClarityOptional.None : new ClarityOptional(Buffer(Hashes.Hash160(content)));
            var result = new JsonObject { ["name"] = fqn.Fqn, ["new_owner"] = owner.ToString() };
            SubmitOne(io, node, parse, session, "name-transfer", result, mustWait: content is not null, Ascii(fqn.Namespace), Ascii(fqn.Name), new ClarityPrincipal(owner), hash);
            if (content is not null)
            {
                result["zonefile_hash"] = PutZonefile(session, content, "the transfer is on chain: store the zonefile with 'blockstack bns update'").ZonefileHash;
            }

            if (parse.GetValue(node.Json))
            {
                io.Print(result, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }

    private static Command Renew(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var name = NameArgument();
        var zonefile = ZonefileOption("a new zonefile (default: keep the current one)");
        var cmd = new Command("renew", "Renew a name's lease (the call names the name's price)") { name, zonefile };
        options.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var fqn = BnsNames.ParseFqn(parse.GetValue(name)!);
            var content = parse.GetValue(zonefile) is { } path ? ReadZonefile(path) : null;
            using var session = TxSession.Open(io, node, options, parse);
            var price = ParsePrice(session.Client.Call(o => session.Client.Bns.GetNamePrice(new GetNamePriceRequest { Name = fqn.Fqn }, o)), "name");
            var hash = content is null ? ClarityOptional.None : new ClarityOptional(Buffer(Hashes.Hash160(content)));
            var result = new JsonObject { ["name"] = fqn.Fqn, ["price_ustx"] = price.ToString(CultureInfo.InvariantCulture) };
            SubmitOne(io, node, parse, session, "name-renewal", result, mustWait: content is not null, Ascii(fqn.Namespace), Ascii(fqn.Name), UInt(price), ClarityOptional.None, hash);
            if (content is not null)
            {
                result["zonefile_hash"] = PutZonefile(session, content, "the renewal is on chain: store the zonefile with 'blockstack bns update'").ZonefileHash;
            }

            if (parse.GetValue(node.Json))
            {
                io.Print(result, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }

    private static Command NamespacePreorder(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var ns = NamespaceArgument();
        var salt = SaltOption();
        var cmd = new Command("preorder", "Preorder a namespace, burning its price (reveal within 144 blocks with the same salt)") { ns, salt };
        options.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var space = BnsNames.ParseNamespace(parse.GetValue(ns)!);
            using var session = TxSession.Open(io, node, options, parse);
            var saltBytes = Salt(parse, salt, session.Key, "namespace/" + space);
            var price = ParsePrice(session.Client.Call(o => session.Client.Bns.GetNamespacePrice(new GetNamespacePriceRequest { Namespace = space }, o)), "namespace");
            var result = new JsonObject
            {
                ["namespace"] = space,
                ["salt"] = Convert.ToHexStringLower(saltBytes),
                ["price_ustx"] = price.ToString(CultureInfo.InvariantCulture),
            };
            io.Err.WriteLine($"preordering namespace {space}: burning {price} µSTX, salt {Convert.ToHexStringLower(saltBytes)} (reveal with the same key and salt)");
            SubmitOne(io, node, parse, session, "namespace-preorder", result, mustWait: false, session.Burns(price), Buffer(BnsNames.NamespacePreorderHash(space, saltBytes)), UInt(price));
            if (parse.GetValue(node.Json))
            {
                io.Print(result, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }

    private static Command NamespaceReveal(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var ns = NamespaceArgument();
        var salt = SaltOption();
        var priceBase = new Option<ulong>("--base") { Description = "price function base", Required = true };
        var coeff = new Option<ulong>("--coeff") { Description = "price function coefficient", Required = true };
        var buckets = new Option<string>("--buckets") { Description = "16 comma-separated exponents, by name length 1..16+", Required = true };
        var nonAlpha = new Option<ulong>("--nonalpha-discount") { Description = "divisor for names with digits, - or _", DefaultValueFactory = _ => 1 };
        var noVowel = new Option<ulong>("--no-vowel-discount") { Description = "divisor for names without vowels", DefaultValueFactory = _ => 1 };
        var lifetime = new Option<ulong>("--lifetime") { Description = "blocks a registration lasts (0: forever)", Required = true };
        var import = new Option<string>("--import-principal") { Description = "who may import names and make the namespace ready (default: the key's address)" };
        var cmd = new Command("reveal", "Reveal a preordered namespace with its price function and lifetime") { ns, salt, priceBase, coeff, buckets, nonAlpha, noVowel, lifetime, import };
        options.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var space = BnsNames.ParseNamespace(parse.GetValue(ns)!);
            var exponents = ParseBuckets(parse.GetValue(buckets)!);
            var importer = parse.GetValue(import) is { } p ? StxCommands.ParsePrincipal(p, "--import-principal") : null;
            using var session = TxSession.Open(io, node, options, parse);
            var saltBytes = Salt(parse, salt, session.Key, "namespace/" + space);
            importer ??= new StandardPrincipal(session.Sender);
            var args = new List<ClarityValue>
            {
                Ascii(space),
                Buffer(saltBytes),
                UInt(parse.GetValue(priceBase)),
                UInt(parse.GetValue(coeff)),
            };
            args.AddRange(exponents.Select(e => (ClarityValue)UInt(e)));
            args.Add(UInt(parse.GetValue(nonAlpha)));
            args.Add(UInt(parse.GetValue(noVowel)));
            args.Add(UInt(parse.GetValue(lifetime)));
            args.Add(new ClarityPrincipal(importer));
            var result = new JsonObject { ["namespace"] = space, ["import_principal"] = importer.ToString() };
            SubmitOne(io, node, parse, session, "namespace-reveal", result, mustWait: false, [.. args]);
            if (parse.GetValue(node.Json))
            {
                io.Print(result, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }

    internal static ulong[] ParseBuckets(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 16)
        {
            throw new CliException($"--buckets needs 16 comma-separated exponents, got {parts.Length}");
        }

        return [.. parts.Select(p => ulong.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"--buckets: '{p}' is not a whole number"))];
    }

    private static Command NamespaceReady(CliIo io, NodeOptions node)
    {
        var options = new SubmitOptions();
        var ns = NamespaceArgument();
        var cmd = new Command("ready", "Launch a revealed namespace: names can be registered from the next block") { ns };
        options.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var space = BnsNames.ParseNamespace(parse.GetValue(ns)!);
            using var session = TxSession.Open(io, node, options, parse);
            var result = new JsonObject { ["namespace"] = space };
            SubmitOne(io, node, parse, session, "namespace-ready", result, mustWait: false, Ascii(space));
            if (parse.GetValue(node.Json))
            {
                io.Print(result, json: true);
            }

            return CliIo.Success;
        });
        return cmd;
    }
}
