using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>A name's key in the contract: <c>{name, namespace}</c>.</summary>
public readonly record struct NameId(Buff Namespace, Buff Name) : IComparable<NameId>
{
    /// <summary>"name.namespace".</summary>
    public string Fqn => Name.ToAscii() + "." + Namespace.ToAscii();

    public int CompareTo(NameId other)
    {
        var c = Namespace.CompareTo(other.Namespace);
        return c != 0 ? c : Name.CompareTo(other.Name);
    }

    public override string ToString() => Fqn;

    public static bool operator <(NameId left, NameId right) => left.CompareTo(right) < 0;

    public static bool operator >(NameId left, NameId right) => left.CompareTo(right) > 0;

    public static bool operator <=(NameId left, NameId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NameId left, NameId right) => left.CompareTo(right) >= 0;
}

/// <summary>The price function of a namespace: 16 bucket exponents, base, coeff and two discounts (all Clarity uint).</summary>
public sealed record PriceFunction(IReadOnlyList<UInt128> Buckets, UInt128 Base, UInt128 Coeff, UInt128 NonAlphaDiscount, UInt128 NoVowelDiscount)
{
    public bool Equals(PriceFunction? other) =>
        other is not null && Buckets.SequenceEqual(other.Buckets) && Base == other.Base && Coeff == other.Coeff &&
        NonAlphaDiscount == other.NonAlphaDiscount && NoVowelDiscount == other.NoVowelDiscount;

    public override int GetHashCode() => HashCode.Combine(Base, Coeff, NonAlphaDiscount, NoVowelDiscount, Buckets.Count);
}

/// <summary>An entry of the <c>namespaces</c> map.</summary>
public sealed record NamespaceRecord(
    Principal ImportPrincipal,
    UInt128 RevealedAt,
    UInt128? LaunchedAt,
    UInt128 Lifetime,
    bool CanUpdatePriceFunction,
    PriceFunction PriceFunction);

/// <summary>An entry of <c>namespace-preorders</c> or <c>name-preorders</c>.</summary>
public sealed record PreorderRecord(UInt128 CreatedAt, bool Claimed, UInt128 StxBurned);

/// <summary>An entry of <c>name-properties</c>.</summary>
public sealed record NameProperties(UInt128? RegisteredAt, UInt128? ImportedAt, UInt128? RevokedAt, Buff ZonefileHash);
