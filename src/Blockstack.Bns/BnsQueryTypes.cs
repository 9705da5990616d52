using System.Diagnostics.CodeAnalysis;
using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>Node-level BNS query errors: stable kebab-case codes, mapped to gRPC status codes at the edge.</summary>
public static class BnsQueryErrors
{
    public const string NameInvalid = "bns-name-invalid";
    public const string NamespaceInvalid = "bns-namespace-invalid";
    public const string PrincipalInvalid = "bns-principal-invalid";
    public const string NameNotFound = "bns-name-not-found";
    public const string NamespaceNotFound = "bns-namespace-not-found";
    public const string ZonefileNotFound = "bns-zonefile-not-found";
    public const string ZonefileTooLarge = "bns-zonefile-too-large";
    public const string ZonefileEmpty = "bns-zonefile-empty";
    public const string ZonefileHashUnknown = "bns-zonefile-hash-unknown";
    public const string ZonefileHashInvalid = "bns-zonefile-hash-invalid";
    public const string PageTokenInvalid = "bns-page-token-invalid";
    public const string PageSizeInvalid = "bns-page-size-invalid";
    public const string PriceUndefined = "bns-price-undefined";
    public const string NotSynced = "bns-not-synced";
    public const string ShuttingDown = "bns-shutting-down";
}

public sealed record BnsQueryError(string Code, string Message);

/// <summary>A query's value or its error.</summary>
public readonly record struct BnsQueryResult<T>(T? Value, BnsQueryError? Error)
{
    [MemberNotNullWhen(false, nameof(Error))]
    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsOk => Error is null;

    public static implicit operator BnsQueryResult<T>(T value) => new(value, null);

    public static implicit operator BnsQueryResult<T>(BnsQueryError error) => new(default, error);
}

public enum NameStatus
{
    Active,
    Grace,
    Expired,
    Revoked,
}

/// <summary>A name as the query side serves it, at the canonical tip.</summary>
public sealed record NameInfo(
    NameId Id,
    Principal Owner,
    Buff ZonefileHash,
    UInt128? LeaseStartedAt,
    UInt128? LeaseEndsAt,
    NameStatus Status,
    string LastTxid);

public sealed record NameHistoryEntry(NameOperation Operation, string Txid, ulong BlockHeight, Principal Owner, Buff ZonefileHash);

public sealed record NamespaceInfo(Buff Namespace, NamespaceRecord Record);

/// <summary>A name event for watchers.</summary>
public sealed record NameEventInfo(NameId Name, NameOperation Operation, string Txid, ulong BlockHeight, Principal Owner, Buff ZonefileHash);

/// <summary>One page of a listing and the cursor to continue from (null at the end).</summary>
public sealed record BnsPage<T>(IReadOnlyList<T> Items, byte[]? NextCursor);

public enum BnsServiceState
{
    Syncing,
    Synced,
    ShuttingDown,
}

/// <summary>Parses the text forms clients send: <c>alice.id</c>, <c>id</c>, principals.</summary>
public static class BnsNames
{
    public static BnsQueryResult<Buff> ParseNamespace(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new BnsQueryError(BnsQueryErrors.NamespaceInvalid, "namespace is empty");
        }

        if (text.Length > BnsConstants.MaxNamespaceLength)
        {
            return new BnsQueryError(BnsQueryErrors.NamespaceInvalid, $"namespace is {text.Length} bytes; the maximum is {BnsConstants.MaxNamespaceLength}");
        }

        var bad = FirstInvalid(text);
        return bad >= 0
            ? new BnsQueryError(BnsQueryErrors.NamespaceInvalid, $"namespace has invalid character at {bad}; allowed are a-z 0-9 - _")
            : Buff.FromAscii(text);
    }

    public static BnsQueryResult<NameId> ParseFqn(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new BnsQueryError(BnsQueryErrors.NameInvalid, "name is empty; expected name.namespace");
        }

        var dot = text.LastIndexOf('.');
        if (dot <= 0 || dot == text.Length - 1)
        {
            return new BnsQueryError(BnsQueryErrors.NameInvalid, $"'{Clip(text)}' is not name.namespace");
        }

        var ns = ParseNamespace(text[(dot + 1)..]);
        if (!ns.IsOk)
        {
            return new BnsQueryError(BnsQueryErrors.NameInvalid, ns.Error.Message);
        }

        var name = text[..dot];
        if (name.Length > BnsConstants.MaxNameLength)
        {
            return new BnsQueryError(BnsQueryErrors.NameInvalid, $"name is {name.Length} bytes; the maximum is {BnsConstants.MaxNameLength}");
        }

        var bad = FirstInvalid(name);
        return bad >= 0
            ? new BnsQueryError(BnsQueryErrors.NameInvalid, $"name has invalid character at {bad}; allowed are a-z 0-9 - _")
            : new NameId(ns.Value, Buff.FromAscii(name));
    }

    public static BnsQueryResult<Principal> ParsePrincipal(string? text) =>
        Principal.TryParse(text, out var p, out var error)
            ? p!
            : new BnsQueryError(BnsQueryErrors.PrincipalInvalid, $"'{Clip(text ?? "")}' is not a Stacks principal: {error.Message}");

    private static int FirstInvalid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7f || !BnsPricing.IsValidChar((byte)text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
