using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>
/// Keys and values of the contract's data space in the chain state trie (docs/storage-layout.md,
/// "BNS contract data"). Every key is a one-byte store tag followed by the Clarity serialisation
/// of the map key; every value is the Clarity serialisation of the map value, so the layout reads
/// like Clarity's own and the trie's proofs cover it. The chain prefixes these keys with the
/// contract's data prefix (<c>0x80 ‖ 3 ‖ "bns"</c>).
/// </summary>
public static class BnsDataLayout
{
    public const byte NamespacesTag = 0x01;
    public const byte NamespacePreordersTag = 0x02;
    public const byte NamePreordersTag = 0x03;
    public const byte NameOwnersTag = 0x04;
    public const byte NamePropertiesTag = 0x05;
    public const byte OwnerNameTag = 0x06;
    public const byte AttachmentIndexTag = 0x07;

    public static byte[] NamespaceKey(Buff ns) => Key(NamespacesTag, new ClarityBuffer(ns.ToArray()));

    public static byte[] NamespacePreorderKey(Buff hashed, Principal buyer) => Key(NamespacePreordersTag, new ClarityTuple(
    [
        KeyValuePair.Create("buyer", (ClarityValue)new ClarityPrincipal(buyer)),
        KeyValuePair.Create("hashed-salted-namespace", (ClarityValue)new ClarityBuffer(hashed.ToArray())),
    ]));

    public static byte[] NamePreorderKey(Buff hashed, Principal buyer) => Key(NamePreordersTag, new ClarityTuple(
    [
        KeyValuePair.Create("buyer", (ClarityValue)new ClarityPrincipal(buyer)),
        KeyValuePair.Create("hashed-salted-fqn", (ClarityValue)new ClarityBuffer(hashed.ToArray())),
    ]));

    /// <summary>The <c>names</c> NFT: <c>{name, namespace}</c> → owner.</summary>
    public static byte[] NameOwnerKey(NameId id) => Key(NameOwnersTag, BnsClarity.NameKey(id));

    public static byte[] NamePropertiesKey(NameId id) => Key(NamePropertiesTag, BnsClarity.NameKey(id));

    public static byte[] OwnerNameKey(Principal owner) => Key(OwnerNameTag, new ClarityPrincipal(owner));

    public static byte[] AttachmentIndexKey { get; } = [AttachmentIndexTag];

    public static byte[] Encode(ClarityValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Serialize();
    }

    public static byte[] EncodePrincipal(Principal p) => new ClarityPrincipal(p).Serialize();

    public static Principal DecodePrincipal(ReadOnlySpan<byte> bytes) =>
        Decode(bytes) is ClarityPrincipal p ? p.Value : throw Corrupt("principal");

    public static NamespaceRecord DecodeNamespace(ReadOnlySpan<byte> bytes)
    {
        var t = Tuple(Decode(bytes));
        var f = Tuple(t["price-function"]);
        var buckets = f["buckets"] is ClarityList l ? l.Items.Select(UInt).ToArray() : throw Corrupt("buckets");
        return new NamespaceRecord(
            t["namespace-import"] is ClarityPrincipal p ? p.Value : throw Corrupt("namespace-import"),
            UInt(t["revealed-at"]),
            OptionalUInt(t["launched-at"]),
            UInt(t["lifetime"]),
            t["can-update-price-function"] is ClarityBool { Value: var b } ? b : throw Corrupt("can-update-price-function"),
            new PriceFunction(buckets, UInt(f["base"]), UInt(f["coeff"]), UInt(f["nonalpha-discount"]), UInt(f["no-vowel-discount"])));
    }

    public static PreorderRecord DecodePreorder(ReadOnlySpan<byte> bytes)
    {
        var t = Tuple(Decode(bytes));
        return new PreorderRecord(UInt(t["created-at"]), t["claimed"] is ClarityBool { Value: var c } ? c : throw Corrupt("claimed"), UInt(t["stx-burned"]));
    }

    public static NameProperties DecodeNameProperties(ReadOnlySpan<byte> bytes)
    {
        var t = Tuple(Decode(bytes));
        return new NameProperties(
            OptionalUInt(t["registered-at"]),
            OptionalUInt(t["imported-at"]),
            OptionalUInt(t["revoked-at"]),
            t["zonefile-hash"] is ClarityBuffer z ? new Buff(z.Data) : throw Corrupt("zonefile-hash"));
    }

    public static NameId DecodeNameId(ReadOnlySpan<byte> bytes)
    {
        var t = Tuple(Decode(bytes));
        return new NameId(
            t["namespace"] is ClarityBuffer ns ? new Buff(ns.Data) : throw Corrupt("namespace"),
            t["name"] is ClarityBuffer n ? new Buff(n.Data) : throw Corrupt("name"));
    }

    public static UInt128 DecodeUInt(ReadOnlySpan<byte> bytes) => UInt(Decode(bytes));

    private static byte[] Key(byte tag, ClarityValue key)
    {
        var body = key.Serialize();
        var result = new byte[1 + body.Length];
        result[0] = tag;
        body.CopyTo(result, 1);
        return result;
    }

    private static ClarityValue Decode(ReadOnlySpan<byte> bytes) =>
        ClarityValue.TryDeserialize(bytes, out var v, out var error) ? v : throw Corrupt(error.ToString());

    private static IReadOnlyDictionary<string, ClarityValue> Tuple(ClarityValue v) => v is ClarityTuple t ? t.Fields : throw Corrupt("tuple");

    private static UInt128 UInt(ClarityValue v) => v is ClarityUInt u ? u.Value : throw Corrupt("uint");

    private static UInt128? OptionalUInt(ClarityValue v) => v switch
    {
        ClarityOptional { Inner: null } => null,
        ClarityOptional { Inner: ClarityUInt u } => u.Value,
        _ => throw Corrupt("optional uint"),
    };

    private static InvalidDataException Corrupt(string what) => new($"corrupt bns record: {what}");
}

/// <summary>
/// <see cref="IBnsState"/> over a key-value data space laid out by <see cref="BnsDataLayout"/>: the
/// chain adapter passes the contract's data space; the indexer passes a view of a past block.
/// </summary>
public sealed class BnsDataState(
    Func<byte[], byte[]?> get,
    Action<byte[], byte[]> put,
    Action<byte[]> delete,
    Func<Principal, UInt128> spendable,
    Action<Principal, UInt128> burn) : IBnsState
{
    public NamespaceRecord? GetNamespace(Buff ns) => get(BnsDataLayout.NamespaceKey(ns)) is { } b ? BnsDataLayout.DecodeNamespace(b) : null;

    public PreorderRecord? GetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer) =>
        get(BnsDataLayout.NamespacePreorderKey(hashedSaltedNamespace, buyer)) is { } b ? BnsDataLayout.DecodePreorder(b) : null;

    public PreorderRecord? GetNamePreorder(Buff hashedSaltedFqn, Principal buyer) =>
        get(BnsDataLayout.NamePreorderKey(hashedSaltedFqn, buyer)) is { } b ? BnsDataLayout.DecodePreorder(b) : null;

    public Principal? GetNameOwner(NameId name) => get(BnsDataLayout.NameOwnerKey(name)) is { } b ? BnsDataLayout.DecodePrincipal(b) : null;

    public NameProperties? GetNameProperties(NameId name) => get(BnsDataLayout.NamePropertiesKey(name)) is { } b ? BnsDataLayout.DecodeNameProperties(b) : null;

    public NameId? GetOwnerName(Principal owner) => get(BnsDataLayout.OwnerNameKey(owner)) is { } b ? BnsDataLayout.DecodeNameId(b) : null;

    public UInt128 GetAttachmentIndex() => get(BnsDataLayout.AttachmentIndexKey) is { } b ? BnsDataLayout.DecodeUInt(b) : UInt128.Zero;

    public UInt128 GetSpendableStx(Principal principal) => spendable(principal);

    public void SetNamespace(Buff ns, NamespaceRecord record) => put(BnsDataLayout.NamespaceKey(ns), BnsDataLayout.Encode(BnsClarity.Namespace(record)));

    public void SetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer, PreorderRecord record) =>
        put(BnsDataLayout.NamespacePreorderKey(hashedSaltedNamespace, buyer), BnsDataLayout.Encode(BnsClarity.Preorder(record)));

    public void SetNamePreorder(Buff hashedSaltedFqn, Principal buyer, PreorderRecord record) =>
        put(BnsDataLayout.NamePreorderKey(hashedSaltedFqn, buyer), BnsDataLayout.Encode(BnsClarity.Preorder(record)));

    public void SetNameOwner(NameId name, Principal owner) => put(BnsDataLayout.NameOwnerKey(name), BnsDataLayout.EncodePrincipal(owner));

    public void SetNameProperties(NameId name, NameProperties properties) =>
        put(BnsDataLayout.NamePropertiesKey(name), BnsDataLayout.Encode(BnsClarity.NameProps(properties)));

    public void SetOwnerName(Principal owner, NameId name) => put(BnsDataLayout.OwnerNameKey(owner), BnsDataLayout.Encode(BnsClarity.NameKey(name)));

    public void DeleteOwnerName(Principal owner) => delete(BnsDataLayout.OwnerNameKey(owner));

    public void SetAttachmentIndex(UInt128 value) => put(BnsDataLayout.AttachmentIndexKey, new ClarityUInt(value).Serialize());

    public void BurnStx(Principal principal, UInt128 amount) => burn(principal, amount);
}
