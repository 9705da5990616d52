using System.Security.Cryptography;
using System.Text;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;

namespace Blockstack.Cli;

/// <summary>A fully qualified BNS name split into its parts (ASCII, checked charset and lengths).</summary>
public sealed record BnsName(string Name, string Namespace)
{
    public string Fqn => Name + "." + Namespace;
}

/// <summary>
/// The client side of the BNS conventions (spec/bns.md §1, §4): name and namespace syntax,
/// preorder commitments, salts, and the contract's error names.
/// </summary>
public static class BnsNames
{
    public const int MaxNameLength = 48;
    public const int MaxNamespaceLength = 20;
    public const int SaltLength = 20;

    /// <summary>The contract's principal: the boot address of the network, contract <c>bns</c>.</summary>
    public static StacksAddress ContractAddress(bool mainnet) =>
        StacksAddress.Parse(mainnet ? "SP000000000000000000002Q6VF78" : "ST000000000000000000002AMW42H");

    public const string ContractName = "bns";

    public static BnsName ParseFqn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            throw new CliException($"name '{text}' is not NAME.NAMESPACE");
        }

        var name = text[..dot];
        var ns = text[(dot + 1)..];
        CheckPart(name, MaxNameLength, "name", text);
        CheckPart(ns, MaxNamespaceLength, "namespace", text);
        return new BnsName(name, ns);
    }

    public static string ParseNamespace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckPart(text, MaxNamespaceLength, "namespace", text);
        return text;
    }

    private static void CheckPart(string part, int max, string what, string whole)
    {
        if (part.Length == 0 || part.Length > max)
        {
            throw new CliException($"'{whole}': the {what} must be 1 to {max} characters");
        }

        foreach (var c in part)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                throw new CliException($"'{whole}': the {what} may hold only a-z, 0-9, - and _ (found '{c}')");
            }
        }
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>hash160(name ‖ "." ‖ namespace ‖ salt): the name-preorder commitment.</summary>
    public static byte[] NamePreorderHash(BnsName name, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Hashes.Hash160([.. Ascii(name.Fqn), .. salt]);
    }

    /// <summary>hash160(namespace ‖ salt): the namespace-preorder commitment.</summary>
    public static byte[] NamespacePreorderHash(string ns, ReadOnlySpan<byte> salt) => Hashes.Hash160([.. Ascii(ns), .. salt]);

    /// <summary>
    /// The salt used when none is given: HMAC-SHA256 keyed by the private key over the thing
    /// preordered, cut to 20 bytes. The same key and name always give the same salt, so a
    /// command interrupted after its preorder can be run again without remembering the salt,
    /// while nobody without the key can guess it before the reveal or register shows it.
    /// </summary>
    public static byte[] DefaultSalt(StacksPrivateKey key, string purpose)
    {
        ArgumentNullException.ThrowIfNull(key);
        var mac = HMACSHA256.HashData(key.Key, Encoding.UTF8.GetBytes("blockstack-cli/bns-salt/" + purpose));
        return mac[..SaltLength];
    }

    /// <summary>A salt given as hex: 1 to 20 bytes.</summary>
    public static byte[] ParseSalt(string text)
    {
        var salt = CliOptions.ParseHex(text, "--salt");
        return salt.Length is >= 1 and <= SaltLength ? salt : throw new CliException("--salt is 1 to 20 bytes of hex");
    }

    /// <summary>The contract's error constant for an <c>(err N)</c> result, or null (spec/bns.md §9).</summary>
    public static string? ErrorName(int code) => code switch
    {
        0 => "ERR_PANIC",
        1001 => "ERR_NAMESPACE_PREORDER_NOT_FOUND",
        1003 => "ERR_NAMESPACE_PREORDER_ALREADY_EXISTS",
        1005 => "ERR_NAMESPACE_NOT_FOUND",
        1006 => "ERR_NAMESPACE_ALREADY_EXISTS",
        1007 => "ERR_NAMESPACE_NOT_LAUNCHED",
        1009 => "ERR_NAMESPACE_PREORDER_CLAIMABILITY_EXPIRED",
        1010 => "ERR_NAMESPACE_PREORDER_LAUNCHABILITY_EXPIRED",
        1011 => "ERR_NAMESPACE_OPERATION_UNAUTHORIZED",
        1012 => "ERR_NAMESPACE_STX_BURNT_INSUFFICIENT",
        1013 => "ERR_NAMESPACE_BLANK",
        1014 => "ERR_NAMESPACE_ALREADY_LAUNCHED",
        1015 => "ERR_NAMESPACE_HASH_MALFORMED",
        1016 => "ERR_NAMESPACE_CHARSET_INVALID",
        2001 => "ERR_NAME_PREORDER_NOT_FOUND",
        2004 => "ERR_NAME_UNAVAILABLE",
        2006 => "ERR_NAME_OPERATION_UNAUTHORIZED",
        2007 => "ERR_NAME_STX_BURNT_INSUFFICIENT",
        2008 => "ERR_NAME_EXPIRED",
        2009 => "ERR_NAME_GRACE_PERIOD",
        2011 => "ERR_NAME_ALREADY_CLAIMED",
        2012 => "ERR_NAME_CLAIMABILITY_EXPIRED",
        2013 => "ERR_NAME_NOT_FOUND",
        2014 => "ERR_NAME_REVOKED",
        2015 => "ERR_NAME_TRANSFER_FAILED",
        2016 => "ERR_NAME_PREORDER_ALREADY_EXISTS",
        2017 => "ERR_NAME_HASH_MALFORMED",
        2018 => "ERR_NAME_PREORDERED_BEFORE_NAMESPACE_LAUNCH",
        2022 => "ERR_NAME_CHARSET_INVALID",
        3001 => "ERR_PRINCIPAL_ALREADY_ASSOCIATED",
        4001 => "ERR_INSUFFICIENT_FUNDS",
        _ => null,
    };
}
