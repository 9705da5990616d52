using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>The contract state in memory, with STX balances: for tests, tools and the differential oracle.</summary>
public sealed class MemoryBnsState : IBnsState
{
    private readonly SortedDictionary<Buff, NamespaceRecord> _namespaces = [];
    private readonly Dictionary<(Buff, Principal), PreorderRecord> _nsPreorders = [];
    private readonly Dictionary<(Buff, Principal), PreorderRecord> _namePreorders = [];
    private readonly SortedDictionary<NameId, Principal> _owners = [];
    private readonly SortedDictionary<NameId, NameProperties> _properties = [];
    private readonly Dictionary<Principal, NameId> _ownerNames = [];
    private readonly Dictionary<Principal, UInt128> _balances = [];
    private UInt128 _attachmentIndex;

    public IEnumerable<KeyValuePair<Buff, NamespaceRecord>> Namespaces => _namespaces;

    public IEnumerable<KeyValuePair<NameId, Principal>> NameOwners => _owners;

    public IEnumerable<KeyValuePair<NameId, NameProperties>> AllNameProperties => _properties;

    public void SetBalance(Principal principal, UInt128 amount) => _balances[principal] = amount;

    public NamespaceRecord? GetNamespace(Buff ns) => _namespaces.GetValueOrDefault(ns);

    public PreorderRecord? GetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer) => _nsPreorders.GetValueOrDefault((hashedSaltedNamespace, buyer));

    public PreorderRecord? GetNamePreorder(Buff hashedSaltedFqn, Principal buyer) => _namePreorders.GetValueOrDefault((hashedSaltedFqn, buyer));

    public Principal? GetNameOwner(NameId name) => _owners.GetValueOrDefault(name);

    public NameProperties? GetNameProperties(NameId name) => _properties.GetValueOrDefault(name);

    public NameId? GetOwnerName(Principal owner) => _ownerNames.TryGetValue(owner, out var n) ? n : null;

    public UInt128 GetAttachmentIndex() => _attachmentIndex;

    public UInt128 GetSpendableStx(Principal principal) => _balances.GetValueOrDefault(principal);

    public void SetNamespace(Buff ns, NamespaceRecord record) => _namespaces[ns] = record;

    public void SetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer, PreorderRecord record) => _nsPreorders[(hashedSaltedNamespace, buyer)] = record;

    public void SetNamePreorder(Buff hashedSaltedFqn, Principal buyer, PreorderRecord record) => _namePreorders[(hashedSaltedFqn, buyer)] = record;

    public void SetNameOwner(NameId name, Principal owner) => _owners[name] = owner;

    public void SetNameProperties(NameId name, NameProperties properties) => _properties[name] = properties;

    public void SetOwnerName(Principal owner, NameId name) => _ownerNames[owner] = name;

    public void DeleteOwnerName(Principal owner) => _ownerNames.Remove(owner);

    public void SetAttachmentIndex(UInt128 value) => _attachmentIndex = value;

    public void BurnStx(Principal principal, UInt128 amount) => _balances[principal] = _balances.GetValueOrDefault(principal) - amount;
}
