using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>
/// A call's writes, buffered over a base state and applied by <see cref="CommitTo"/> only when the
/// call returns <c>(ok …)</c>: an <c>(err …)</c> or a runtime error leaves the base untouched.
/// </summary>
internal sealed class BnsWriteSet(IBnsStateReader baseState) : IBnsState
{
    private readonly Dictionary<Buff, NamespaceRecord> _namespaces = [];
    private readonly Dictionary<(Buff, Principal), PreorderRecord> _nsPreorders = [];
    private readonly Dictionary<(Buff, Principal), PreorderRecord> _namePreorders = [];
    private readonly Dictionary<NameId, Principal> _owners = [];
    private readonly Dictionary<NameId, NameProperties> _properties = [];
    private readonly Dictionary<Principal, NameId?> _ownerNames = [];
    private readonly Dictionary<Principal, UInt128> _burns = [];
    private readonly List<Action<IBnsState>> _log = [];
    private UInt128? _attachmentIndex;

    public NamespaceRecord? GetNamespace(Buff ns) => _namespaces.TryGetValue(ns, out var r) ? r : baseState.GetNamespace(ns);

    public PreorderRecord? GetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer) =>
        _nsPreorders.TryGetValue((hashedSaltedNamespace, buyer), out var r) ? r : baseState.GetNamespacePreorder(hashedSaltedNamespace, buyer);

    public PreorderRecord? GetNamePreorder(Buff hashedSaltedFqn, Principal buyer) =>
        _namePreorders.TryGetValue((hashedSaltedFqn, buyer), out var r) ? r : baseState.GetNamePreorder(hashedSaltedFqn, buyer);

    public Principal? GetNameOwner(NameId name) => _owners.TryGetValue(name, out var r) ? r : baseState.GetNameOwner(name);

    public NameProperties? GetNameProperties(NameId name) => _properties.TryGetValue(name, out var r) ? r : baseState.GetNameProperties(name);

    public NameId? GetOwnerName(Principal owner) => _ownerNames.TryGetValue(owner, out var r) ? r : baseState.GetOwnerName(owner);

    public UInt128 GetAttachmentIndex() => _attachmentIndex ?? baseState.GetAttachmentIndex();

    public UInt128 GetSpendableStx(Principal principal) =>
        baseState.GetSpendableStx(principal) - (_burns.TryGetValue(principal, out var b) ? b : UInt128.Zero);

    public void SetNamespace(Buff ns, NamespaceRecord record)
    {
        _namespaces[ns] = record;
        _log.Add(s => s.SetNamespace(ns, record));
    }

    public void SetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer, PreorderRecord record)
    {
        _nsPreorders[(hashedSaltedNamespace, buyer)] = record;
        _log.Add(s => s.SetNamespacePreorder(hashedSaltedNamespace, buyer, record));
    }

    public void SetNamePreorder(Buff hashedSaltedFqn, Principal buyer, PreorderRecord record)
    {
        _namePreorders[(hashedSaltedFqn, buyer)] = record;
        _log.Add(s => s.SetNamePreorder(hashedSaltedFqn, buyer, record));
    }

    public void SetNameOwner(NameId name, Principal owner)
    {
        _owners[name] = owner;
        _log.Add(s => s.SetNameOwner(name, owner));
    }

    public void SetNameProperties(NameId name, NameProperties properties)
    {
        _properties[name] = properties;
        _log.Add(s => s.SetNameProperties(name, properties));
    }

    public void SetOwnerName(Principal owner, NameId name)
    {
        _ownerNames[owner] = name;
        _log.Add(s => s.SetOwnerName(owner, name));
    }

    public void DeleteOwnerName(Principal owner)
    {
        _ownerNames[owner] = null;
        _log.Add(s => s.DeleteOwnerName(owner));
    }

    public void SetAttachmentIndex(UInt128 value)
    {
        _attachmentIndex = value;
        _log.Add(s => s.SetAttachmentIndex(value));
    }

    public void BurnStx(Principal principal, UInt128 amount)
    {
        _burns[principal] = (_burns.TryGetValue(principal, out var b) ? b : UInt128.Zero) + amount;
        _log.Add(s => s.BurnStx(principal, amount));
    }

    /// <summary>Applies the buffered writes to <paramref name="target"/> in the order they were made.</summary>
    public void CommitTo(IBnsState target)
    {
        foreach (var write in _log)
        {
            write(target);
        }
    }
}
