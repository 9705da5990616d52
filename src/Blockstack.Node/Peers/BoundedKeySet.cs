namespace Blockstack.Node.Peers;

/// <summary>
/// A thread-safe set that remembers at most <c>capacity</c> keys, forgetting the oldest added
/// first (the relay's memory of which item went to which peer).
/// </summary>
public sealed class BoundedKeySet<T>
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<T, LinkedListNode<T>> _index;
    private readonly LinkedList<T> _order = new();

    public BoundedKeySet(int capacity, IEqualityComparer<T>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _index = new Dictionary<T, LinkedListNode<T>>(comparer);
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Adds the key; false when it is already remembered.</summary>
    public bool TryAdd(T key)
    {
        lock (_lock)
        {
            if (_index.ContainsKey(key))
            {
                return false;
            }

            if (_index.Count >= Capacity)
            {
                var oldest = _order.Last!;
                _order.RemoveLast();
                _index.Remove(oldest.Value);
            }

            _index[key] = _order.AddFirst(key);
            return true;
        }
    }

    public bool Contains(T key)
    {
        lock (_lock)
        {
            return _index.ContainsKey(key);
        }
    }

    public bool Remove(T key)
    {
        lock (_lock)
        {
            if (!_index.Remove(key, out var node))
            {
                return false;
            }

            _order.Remove(node);
            return true;
        }
    }
}
