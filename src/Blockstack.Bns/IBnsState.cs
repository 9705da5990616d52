using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>
/// The contract's data space (spec/bns.md §5) plus the one account fact it needs: the STX a
/// principal can burn. The chain's native-contract adapter implements it over the state trie; tests
/// use <see cref="MemoryBnsState"/>.
/// </summary>
public interface IBnsStateReader
{
    NamespaceRecord? GetNamespace(Buff ns);

    PreorderRecord? GetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer);

    PreorderRecord? GetNamePreorder(Buff hashedSaltedFqn, Principal buyer);

    /// <summary>Owner of the <c>names</c> NFT.</summary>
    Principal? GetNameOwner(NameId name);

    NameProperties? GetNameProperties(NameId name);

    /// <summary>The <c>owner-name</c> map: a principal's single "current" name.</summary>
    NameId? GetOwnerName(Principal owner);

    UInt128 GetAttachmentIndex();

    /// <summary>STX (µSTX) the principal may burn now (unlocked balance).</summary>
    UInt128 GetSpendableStx(Principal principal);
}

/// <summary>Writes to the contract's data space. Only ever called for a call that returns <c>(ok …)</c>.</summary>
public interface IBnsState : IBnsStateReader
{
    void SetNamespace(Buff ns, NamespaceRecord record);

    void SetNamespacePreorder(Buff hashedSaltedNamespace, Principal buyer, PreorderRecord record);

    void SetNamePreorder(Buff hashedSaltedFqn, Principal buyer, PreorderRecord record);

    void SetNameOwner(NameId name, Principal owner);

    void SetNameProperties(NameId name, NameProperties properties);

    void SetOwnerName(Principal owner, NameId name);

    void DeleteOwnerName(Principal owner);

    void SetAttachmentIndex(UInt128 value);

    /// <summary>Destroys <paramref name="amount"/> µSTX of the principal (the caller checked the balance).</summary>
    void BurnStx(Principal principal, UInt128 amount);
}
