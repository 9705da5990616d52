using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;

namespace Blockstack.Cli;

/// <summary><c>blockstack stx ...</c>: Stacks transactions and addresses.</summary>
public static class StxCommands
{
    public static Command Create(CliIo io)
    {
        ArgumentNullException.ThrowIfNull(io);
        var stx = new Command("stx", "Stacks transactions and addresses");
        stx.Subcommands.Add(DecodeTx(io));
        stx.Subcommands.Add(Address(io));
        stx.Subcommands.Add(MakeTransfer(io));
        stx.Subcommands.Add(MakeCall(io));
        return stx;
    }

    internal static ISecp256k1 Curve => Secp256k1.Default;

    internal static bool IsMainnet(string network) => network switch
    {
        "mainnet" => true,
        "testnet" or "regtest" or "signet" => false,
        _ => throw new CliException($"unknown network '{network}' (mainnet, testnet, regtest or signet)"),
    };

    private static Command DecodeTx(CliIo io)
    {
        var hex = CliOptions.Value("HEX", "a serialized Stacks transaction in hex");
        var cmd = new Command("decode-tx", "Decode a Stacks transaction and check its signatures") { hex };
        cmd.SetAction(parse => io.ForEachInput(parse.GetValue(hex)!, Decode));
        return cmd;
    }

    internal static JsonNode Decode(string hexText)
    {
        var bytes = CliOptions.ParseHex(hexText, "transaction");
        if (!StacksTransaction.TryDecode(bytes, out var tx, out var error))
        {
            throw new CliException($"{error.Code}: {error.Message}");
        }

        var signer = new StacksSigner(Curve);
        var valid = signer.Verify(tx, out var sigError);
        return StxJson.Transaction(tx, valid, valid ? null : sigError.Code);
    }

    private static Command Address(CliIo io)
    {
        var hash160 = new Option<string>("--hash160") { Description = "20-byte hash in hex (or - for batch)" };
        var version = new Option<int?>("--version") { Description = "c32 version: 22 SP, 20 SM, 26 ST, 21 SN" };
        var fromBtc = new Option<string>("--from-btc") { Description = "a legacy Bitcoin address to convert (or - for batch)" };
        var toBtc = new Option<string>("--to-btc") { Description = "a Stacks address to convert to Bitcoin (or - for batch)" };
        var cmd = new Command("address", "Make a Stacks address, or convert between Stacks and Bitcoin addresses") { hash160, version, fromBtc, toBtc };
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(hash160) is { } h)
            {
                var v = parse.GetValue(version) ?? throw new CliException("--hash160 needs --version");
                if (v is < 0 or > 31)
                {
                    throw new CliException("--version must be between 0 and 31");
                }

                return io.ForEachInput(h, line =>
                {
                    if (!Hash160.TryParseHex(line, out var hash))
                    {
                        throw new CliException("--hash160 is 40 hex digits");
                    }

                    var a = new StacksAddress((byte)v, hash.Value);
                    return new JsonObject { ["address"] = a.ToString(), ["version"] = v, ["hash160"] = a.Hash.ToHex() };
                });
            }

            if (parse.GetValue(fromBtc) is { } btc)
            {
                return io.ForEachInput(btc, line =>
                {
                    if (!StacksBitcoinAddress.TryFromBitcoin(line, out var a, out var e))
                    {
                        throw new CliException($"{e.Code}: {e.Message}");
                    }

                    return new JsonObject { ["address"] = a.ToString(), ["version"] = a.Version, ["hash160"] = a.Hash.ToHex() };
                });
            }

            if (parse.GetValue(toBtc) is { } stxAddress)
            {
                return io.ForEachInput(stxAddress, line =>
                {
                    if (!StacksAddress.TryParse(line, out var a, out var e) || !StacksBitcoinAddress.TryToBitcoin(a, out var b, out e))
                    {
                        throw new CliException($"{e.Code}: {e.Message}");
                    }

                    return new JsonObject { ["btc_address"] = b, ["address"] = a.ToString() };
                });
            }

            throw new CliException("give --hash160 with --version, --from-btc or --to-btc");
        });
        return cmd;
    }

    private sealed class TxOptions
    {
        public Option<string> Key { get; } = new("--key") { Description = "origin private key hex (32 bytes, or 33 ending 01 for compressed)", Required = true };
        public Option<ulong> Nonce { get; } = new("--nonce") { Description = "origin nonce", Required = true };
        public Option<ulong> Fee { get; } = new("--fee") { Description = "fee in micro-STX (paid by the sponsor when --sponsor-key is given)", Required = true };
        public Option<string> SponsorKey { get; } = new("--sponsor-key") { Description = "sponsor private key: makes a sponsored transaction" };
        public Option<ulong> SponsorNonce { get; } = new("--sponsor-nonce") { Description = "sponsor nonce" };

        public void AddTo(Command cmd)
        {
            cmd.Options.Add(Key);
            cmd.Options.Add(Nonce);
            cmd.Options.Add(Fee);
            cmd.Options.Add(SponsorKey);
            cmd.Options.Add(SponsorNonce);
        }

        public int Build(ParseResult parse, CliIo io, TransactionPayload payload)
        {
            var mainnet = IsMainnet(parse.GetValue(io.Network)!);
            var key = ParseKey(parse.GetValue(Key)!, "--key");
            var sponsorKeyText = parse.GetValue(SponsorKey);
            var sponsorKey = sponsorKeyText is null ? null : ParseKey(sponsorKeyText, "--sponsor-key");
            var tx = BuildSigned(mainnet, payload, key, parse.GetValue(Nonce), parse.GetValue(Fee), sponsorKey, parse.GetValue(SponsorNonce));
            io.Out.WriteLine(tx.ToHex());
            return CliIo.Success;
        }
    }

    /// <summary>
    /// A signed single-sig transaction (anchor mode any, post-condition mode deny, with
    /// <paramref name="postConditions"/> or none: in deny mode every STX the sender transfers or burns
    /// must be covered by one). With a sponsor key it is sponsored: the sponsor pays
    /// <paramref name="fee"/> and signs after the origin.
    /// </summary>
    internal static StacksTransaction BuildSigned(bool mainnet, TransactionPayload payload, StacksPrivateKey key, ulong nonce, ulong fee, StacksPrivateKey? sponsorKey = null, ulong sponsorNonce = 0, IReadOnlyList<PostCondition>? postConditions = null)
    {
        var signer = new StacksSigner(Curve);
        var origin = signer.SingleSigCondition(key, nonce, sponsorKey is null ? fee : 0);
        var sponsor = sponsorKey is null ? null : signer.SingleSigCondition(sponsorKey, sponsorNonce, fee);
        var tx = new StacksTransaction(
            mainnet ? TransactionVersion.Mainnet : TransactionVersion.Testnet,
            mainnet ? StacksTransaction.MainnetChainId : StacksTransaction.TestnetChainId,
            new TransactionAuth(origin, sponsor),
            AnchorMode.Any,
            PostConditionMode.Deny,
            postConditions ?? [],
            payload);
        tx = signer.SignOrigin(tx, key);
        return sponsorKey is null ? tx : signer.SignSponsor(tx, sponsorKey);
    }

    /// <summary>The single-sig (P2PKH) address of <paramref name="key"/> on the chosen network.</summary>
    internal static StacksAddress AddressOf(StacksPrivateKey key, bool mainnet) =>
        new(mainnet ? StacksAddressVersion.MainnetSingleSig : StacksAddressVersion.TestnetSingleSig, Hash160.Of(key.PublicKey(Curve)));

    /// <summary>Checks a memo given as text and encodes it (34 bytes, zero padded).</summary>
    internal static byte[] Memo(string? text) =>
        text is not null && System.Text.Encoding.UTF8.GetByteCount(text) > TokenTransferPayload.MemoSize
            ? throw new CliException("--memo is at most 34 bytes")
            : TokenTransferPayload.MemoFromText(text);

    /// <summary>A recipient principal given with <paramref name="what"/>.</summary>
    internal static Principal ParsePrincipal(string? text, string what) =>
        Principal.TryParse(text, out var p, out var e) ? p! : throw new CliException($"{what}: {e.Code}: {e.Message}");

    private static Command MakeTransfer(CliIo io)
    {
        var common = new TxOptions();
        var to = new Option<string>("--to") { Description = "recipient principal", Required = true };
        var amount = new Option<ulong>("--amount") { Description = "micro-STX", Required = true };
        var memo = new Option<string>("--memo") { Description = "memo text, at most 34 bytes" };
        var cmd = new Command("make-transfer", "Build and sign an STX transfer; prints its hex") { to, amount, memo };
        common.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var recipient = ParsePrincipal(parse.GetValue(to), "--to");
            var memoBytes = Memo(parse.GetValue(memo));
            return common.Build(parse, io, new TokenTransferPayload(recipient, parse.GetValue(amount), memoBytes));
        });
        return cmd;
    }

    private static Command MakeCall(CliIo io)
    {
        var common = new TxOptions();
        var contract = new Option<string>("--contract") { Description = "ADDRESS.CONTRACT-NAME", Required = true };
        var function = new Option<string>("--function") { Description = "function name", Required = true };
        var args = new Option<string[]>("--arg") { Description = "argument TYPE:VALUE (uint, int, buff, principal, bool, ascii, utf8, hex); repeat for each", AllowMultipleArgumentsPerToken = false };
        var cmd = new Command("make-call", "Build and sign a contract call; prints its hex") { contract, function, args };
        common.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            if (!Principal.TryParse(parse.GetValue(contract), out var p, out var e) || p is not ContractPrincipal c)
            {
                throw new CliException("--contract must be ADDRESS.CONTRACT-NAME" + (e.Code is null ? string.Empty : $" ({e.Code})"));
            }

            var name = parse.GetValue(function)!;
            if (!StacksNames.IsValidClarityName(name))
            {
                throw new CliException($"--function '{name}' is not a Clarity name");
            }

            var values = (parse.GetValue(args) ?? []).Select(ParseArg).ToList();
            return common.Build(parse, io, new ContractCallPayload(c.Issuer, c.Name, name, values));
        });
        return cmd;
    }

    internal static StacksPrivateKey ParseKey(string text, string what) =>
        StacksPrivateKey.TryParse(text, out var key, out var e) && Curve.IsValidPrivateKey(key.Key)
            ? key
            : throw new CliException($"{what}: {(e.Code is null ? "not a valid secp256k1 private key" : e.Message)}");

    internal static ClarityValue ParseArg(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new CliException($"--arg '{text}' is not TYPE:VALUE");
        }

        var type = text[..colon];
        var value = text[(colon + 1)..];
        try
        {
            switch (type)
            {
                case "uint":
                    return new ClarityUInt(UInt128.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture));
                case "int":
                    return new ClarityInt(Int128.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
                case "buff":
                    return new ClarityBuffer(CliOptions.ParseHex(value, "--arg buff"));
                case "bool":
                    return value switch
                    {
                        "true" => ClarityBool.True,
                        "false" => ClarityBool.False,
                        _ => throw new CliException("--arg bool is true or false"),
                    };
                case "principal":
                    return Principal.TryParse(value, out var principal, out var e)
                        ? new ClarityPrincipal(principal!)
                        : throw new CliException($"--arg principal: {e.Code}: {e.Message}");
                case "ascii":
                    return value.All(ch => ch < 0x80 && ClarityValue.IsClarityAscii((byte)ch))
                        ? new ClarityStringAscii(value)
                        : throw new CliException("--arg ascii holds a character string-ascii does not allow");
                case "utf8":
                    return new ClarityStringUtf8(value);
                case "hex":
                    return ClarityValue.TryDeserializeHex(value, out var v, out var err)
                        ? v
                        : throw new CliException($"--arg hex: {err.Code}: {err.Message}");
                default:
                    throw new CliException($"--arg type '{type}' is not one of uint, int, buff, principal, bool, ascii, utf8, hex");
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new CliException($"--arg '{text}': {ex.Message}");
        }
    }

}
