using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Regtest.Rpc;

namespace Blockstack.Regtest.Wallet;

/// <summary>A parsed single-script descriptor: its canonical text (without checksum) and script.</summary>
public sealed record Descriptor(string Canonical, byte[] Script, bool IsSolvable, byte[]? PublicKey)
{
    public string WithChecksum => DescriptorChecksum.AddChecksum(Canonical)!;
}

/// <summary>
/// The descriptors this server understands: addr(ADDRESS), raw(HEX), and pkh(KEY), wpkh(KEY),
/// sh(wpkh(KEY)) with a hex public key. Errors carry bitcoind's messages.
/// </summary>
public static class Descriptors
{
    public static bool TryParse(string text, bool requireChecksum, [NotNullWhen(true)] out Descriptor? descriptor, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        descriptor = null;
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var body = hash < 0 ? text : text[..hash];
        if (hash >= 0)
        {
            var sum = text[(hash + 1)..];
            if (sum.Contains('#', StringComparison.Ordinal))
            {
                error = "Multiple '#' symbols";
                return false;
            }

            if (sum.Length != 8)
            {
                error = $"Expected 8 character checksum, not {sum.Length} characters";
                return false;
            }

            var computed = DescriptorChecksum.Compute(body);
            if (computed is null)
            {
                error = "Invalid characters in payload";
                return false;
            }

            if (computed != sum)
            {
                error = $"Provided checksum '{sum}' does not match computed checksum '{computed}'";
                return false;
            }
        }
        else if (requireChecksum)
        {
            error = "Missing checksum";
            return false;
        }

        if (DescriptorChecksum.Compute(body) is null)
        {
            error = "Invalid characters in payload";
            return false;
        }

        return TryParseBody(body, out descriptor, out error);
    }

    private static bool TryParseBody(string body, [NotNullWhen(true)] out Descriptor? descriptor, [NotNullWhen(false)] out string? error)
    {
        descriptor = null;
        error = null;
        var open = body.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0 || !body.EndsWith(')'))
        {
            error = $"'{body}' is not a valid descriptor function";
            return false;
        }

        var function = body[..open];
        var argument = body[(open + 1)..^1];
        switch (function)
        {
            case "addr":
                if (!BitcoinAddress.TryDecode(argument, BitcoinNetwork.Regtest, out var script, out _))
                {
                    error = "Address is not valid";
                    return false;
                }

                descriptor = new Descriptor(body, script, false, null);
                return true;
            case "raw":
                if (!HashParsing.IsHex(argument))
                {
                    error = "Raw script is not hex";
                    return false;
                }

                descriptor = new Descriptor("raw(" + argument.ToLowerInvariant() + ")", Convert.FromHexString(argument), false, null);
                return true;
            case "pkh":
            case "wpkh":
                if (!TryKey(argument, out var key, out error))
                {
                    return false;
                }

                var keyHash = Hashes.Hash160(key);
                var keyScript = function == "pkh" ? BitcoinAddress.P2pkh(keyHash) : BitcoinAddress.WitnessProgram(0, keyHash);
                descriptor = new Descriptor($"{function}({Convert.ToHexStringLower(key)})", keyScript, true, key);
                return true;
            case "sh" when argument.StartsWith("wpkh(", StringComparison.Ordinal):
                if (!TryParseBody(argument, out var inner, out error))
                {
                    return false;
                }

                descriptor = new Descriptor("sh(" + inner.Canonical + ")", BitcoinAddress.P2sh(Hashes.Hash160(inner.Script)), true, inner.PublicKey);
                return true;
            default:
                error = $"'{function}(' is not a valid descriptor function";
                return false;
        }
    }

    private static bool TryKey(string text, [NotNullWhen(true)] out byte[]? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (!HashParsing.IsHex(text) || text.Length != 66 || !Secp256k1.Default.IsValidPublicKey(Convert.FromHexString(text)))
        {
            error = $"key '{text}' is not valid";
            return false;
        }

        key = Convert.FromHexString(text);
        error = null;
        return true;
    }
}
