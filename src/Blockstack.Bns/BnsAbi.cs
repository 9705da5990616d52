using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>An argument type of a bns function.</summary>
public enum BnsArgType
{
    Buff20,
    Buff48,
    UInt,
    Principal,
    OptionalBuff20,
    OptionalPrincipal,
}

/// <summary>A bns function's kind and argument types, as the contract declares them.</summary>
public sealed record BnsFunction(string Name, bool ReadOnly, IReadOnlyList<BnsArgType> Arguments);

/// <summary>The contract's interface (spec/bns.md §7–§8) and the type check of call arguments.</summary>
internal static class BnsAbi
{
    private static readonly BnsArgType[] PriceArgs = [.. Enumerable.Repeat(BnsArgType.UInt, 20)];

    public static IReadOnlyDictionary<string, BnsFunction> Functions { get; } = Build();

    private static SortedDictionary<string, BnsFunction> Build()
    {
        const BnsArgType b20 = BnsArgType.Buff20, b48 = BnsArgType.Buff48, u = BnsArgType.UInt, p = BnsArgType.Principal;
        var list = new List<BnsFunction>
        {
            new("namespace-preorder", false, [b20, u]),
            new("namespace-reveal", false, [b20, b20, .. PriceArgs, u, p]),
            new("name-import", false, [b20, b48, p, b20]),
            new("namespace-ready", false, [b20]),
            new("namespace-update-function-price", false, [b20, .. PriceArgs]),
            new("namespace-revoke-function-price-edition", false, [b20]),
            new("name-preorder", false, [b20, u]),
            new("name-register", false, [b20, b48, b20, b20]),
            new("name-update", false, [b20, b48, b20]),
            new("name-transfer", false, [b20, b48, p, BnsArgType.OptionalBuff20]),
            new("name-revoke", false, [b20, b48]),
            new("name-renewal", false, [b20, b48, u, BnsArgType.OptionalPrincipal, BnsArgType.OptionalBuff20]),
            new("get-namespace-price", true, [b20]),
            new("get-name-price", true, [b20, b48]),
            new("can-namespace-be-registered", true, [b20]),
            new("can-name-be-registered", true, [b20, b48]),
            new("is-name-lease-expired", true, [b20, b48]),
            new("is-name-in-grace-period", true, [b20, b48]),
            new("name-resolve", true, [b20, b48]),
            new("resolve-principal", true, [p]),
            new("can-receive-name", true, [p]),
            new("check-name-ops-preconditions", true, [b20, b48]),
            new("get-namespace-properties", true, [b20]),
        };
        var map = new SortedDictionary<string, BnsFunction>(StringComparer.Ordinal);
        foreach (var f in list)
        {
            map.Add(f.Name, f);
        }

        return map;
    }

    public static bool TryCheck(BnsFunction function, IReadOnlyList<ClarityValue> args, out string message)
    {
        if (args.Count != function.Arguments.Count)
        {
            message = $"expects {function.Arguments.Count} arguments, got {args.Count}";
            return false;
        }

        for (var i = 0; i < args.Count; i++)
        {
            if (!Fits(function.Arguments[i], args[i]))
            {
                message = $"argument {i} is {args[i].ToRepr()}, expected {function.Arguments[i]}";
                return false;
            }
        }

        message = "";
        return true;
    }

    private static bool Fits(BnsArgType type, ClarityValue v) => type switch
    {
        BnsArgType.Buff20 => v is ClarityBuffer { Data.Length: <= 20 },
        BnsArgType.Buff48 => v is ClarityBuffer { Data.Length: <= 48 },
        BnsArgType.UInt => v is ClarityUInt,
        BnsArgType.Principal => v is ClarityPrincipal,
        BnsArgType.OptionalBuff20 => v is ClarityOptional { Inner: null or ClarityBuffer { Data.Length: <= 20 } },
        BnsArgType.OptionalPrincipal => v is ClarityOptional { Inner: null or ClarityPrincipal },
        _ => false,
    };
}

/// <summary>Typed access to arguments that passed <see cref="BnsAbi.TryCheck"/>.</summary>
internal readonly struct BnsArgs(IReadOnlyList<ClarityValue> args)
{
    public Buff Buff(int i) => new(((ClarityBuffer)args[i]).Data);

    public UInt128 UInt(int i) => ((ClarityUInt)args[i]).Value;

    public Principal Principal(int i) => ((ClarityPrincipal)args[i]).Value;

    public Buff? OptionalBuff(int i) => ((ClarityOptional)args[i]).Inner is ClarityBuffer b ? new Buff(b.Data) : null;

    public Principal? OptionalPrincipal(int i) => ((ClarityOptional)args[i]).Inner is ClarityPrincipal p ? p.Value : null;

    /// <summary>base, coeff, b1..b16, nonalpha-discount, no-vowel-discount from index <paramref name="start"/>.</summary>
    public PriceFunction PriceFunction(int start)
    {
        var buckets = new UInt128[16];
        for (var k = 0; k < 16; k++)
        {
            buckets[k] = UInt(start + 2 + k);
        }

        return new PriceFunction(buckets, UInt(start), UInt(start + 1), UInt(start + 18), UInt(start + 19));
    }
}

/// <summary>Clarity values of the contract's records, field for field.</summary>
public static class BnsClarity
{
    public static ClarityValue NameKey(NameId id) => new ClarityTuple(
    [
        KeyValuePair.Create("name", (ClarityValue)new ClarityBuffer(id.Name.ToArray())),
        KeyValuePair.Create("namespace", (ClarityValue)new ClarityBuffer(id.Namespace.ToArray())),
    ]);

    public static ClarityValue PriceFunction(PriceFunction f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new ClarityTuple(
        [
            KeyValuePair.Create("buckets", (ClarityValue)new ClarityList([.. f.Buckets.Select(b => (ClarityValue)new ClarityUInt(b))])),
            KeyValuePair.Create("base", (ClarityValue)new ClarityUInt(f.Base)),
            KeyValuePair.Create("coeff", (ClarityValue)new ClarityUInt(f.Coeff)),
            KeyValuePair.Create("nonalpha-discount", (ClarityValue)new ClarityUInt(f.NonAlphaDiscount)),
            KeyValuePair.Create("no-vowel-discount", (ClarityValue)new ClarityUInt(f.NoVowelDiscount)),
        ]);
    }

    public static ClarityValue Namespace(NamespaceRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ClarityTuple(
        [
            KeyValuePair.Create("namespace-import", (ClarityValue)new ClarityPrincipal(r.ImportPrincipal)),
            KeyValuePair.Create("revealed-at", (ClarityValue)new ClarityUInt(r.RevealedAt)),
            KeyValuePair.Create("launched-at", (ClarityValue)Optional(r.LaunchedAt)),
            KeyValuePair.Create("lifetime", (ClarityValue)new ClarityUInt(r.Lifetime)),
            KeyValuePair.Create("can-update-price-function", (ClarityValue)(r.CanUpdatePriceFunction ? ClarityBool.True : ClarityBool.False)),
            KeyValuePair.Create("price-function", PriceFunction(r.PriceFunction)),
        ]);
    }

    public static ClarityValue NameProps(NameProperties p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new ClarityTuple(
        [
            KeyValuePair.Create("registered-at", (ClarityValue)Optional(p.RegisteredAt)),
            KeyValuePair.Create("imported-at", (ClarityValue)Optional(p.ImportedAt)),
            KeyValuePair.Create("revoked-at", (ClarityValue)Optional(p.RevokedAt)),
            KeyValuePair.Create("zonefile-hash", (ClarityValue)new ClarityBuffer(p.ZonefileHash.ToArray())),
        ]);
    }

    public static ClarityValue Preorder(PreorderRecord p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new ClarityTuple(
        [
            KeyValuePair.Create("created-at", (ClarityValue)new ClarityUInt(p.CreatedAt)),
            KeyValuePair.Create("claimed", (ClarityValue)(p.Claimed ? ClarityBool.True : ClarityBool.False)),
            KeyValuePair.Create("stx-burned", (ClarityValue)new ClarityUInt(p.StxBurned)),
        ]);
    }

    private static ClarityOptional Optional(UInt128? v) => v is { } x ? new ClarityOptional(new ClarityUInt(x)) : ClarityOptional.None;
}
