using Blockstack.Storage;
using Blockstack.Storage.Trie;

namespace Blockstack.Chain;

/// <summary>Orders byte keys as unsigned bytes (the trie's and RocksDB's order).</summary>
public sealed class ByteKeyComparer : IComparer<byte[]>
{
    public static ByteKeyComparer Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}

/// <summary>
/// A writable view of the chain state at one trie root: reads go to the pending writes, then to the
/// trie; writes are kept in a sorted map (deterministic) until the caller applies them.
/// <see cref="Checkpoint"/> opens a nested view whose writes merge into this one only on
/// <see cref="Commit"/> — how a transaction's effects are rolled back while its fee stays paid.
/// </summary>
public sealed class StateView
{
    private readonly Func<byte[], byte[]?> _parentRead;
    private readonly StateView? _parent;
    private readonly SortedDictionary<byte[], byte[]?> _writes = new(ByteKeyComparer.Instance);

    /// <summary>A view of the committed state at <paramref name="root"/>.</summary>
    public StateView(StateTrie<ChainColumn> trie, IStoreReader<ChainColumn> reader, TrieRoot root)
    {
        ArgumentNullException.ThrowIfNull(trie);
        ArgumentNullException.ThrowIfNull(reader);
        Root = root;
        _parentRead = key => trie.Get(reader, root, key);
    }

    private StateView(StateView parent)
    {
        _parent = parent;
        Root = parent.Root;
        _parentRead = parent.Get;
    }

    /// <summary>The root this view started from.</summary>
    public TrieRoot Root { get; }

    /// <summary>Pending writes in key order (null value = delete).</summary>
    public IReadOnlyDictionary<byte[], byte[]?> Writes => _writes;

    public byte[]? Get(byte[] key) => _writes.TryGetValue(key, out var value) ? value : _parentRead(key);

    public void Put(byte[] key, byte[] value) => _writes[key] = value;

    public void Delete(byte[] key) => _writes[key] = null;

    public StateView Checkpoint() => new(this);

    /// <summary>Merges this nested view's writes into its parent.</summary>
    public void Commit()
    {
        if (_parent is null)
        {
            throw new InvalidOperationException("only a checkpoint commits into its parent");
        }

        foreach (var (key, value) in _writes)
        {
            _parent._writes[key] = value;
        }

        _writes.Clear();
    }

    public Account GetAccount(byte[] accountKey) => Get(accountKey) is { } bytes ? Account.Decode(bytes) : Account.Empty;

    public void PutAccount(byte[] accountKey, Account account)
    {
        if (account == Account.Empty)
        {
            Delete(accountKey);
        }
        else
        {
            Put(accountKey, account.Encode());
        }
    }

    public SupplyRecord GetSupply() => Get(StateKeys.Supply) is { } bytes ? SupplyRecord.Decode(bytes) : default;

    public void PutSupply(SupplyRecord supply) => Put(StateKeys.Supply, supply.Encode());
}
