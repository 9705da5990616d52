namespace Blockstack.Storage.Trie;

/// <summary>
/// A bounded least-recently-used map from node hash to decoded branch. Nodes are content-addressed
/// and immutable, so an entry can never go stale; the cache only saves decoding and store reads for
/// the hot upper levels of the trie. Thread-safe (one lock; the work under it is a few pointer moves).
/// </summary>
internal sealed class TrieNodeCache(int capacity)
{
    private readonly Dictionary<TrieRoot, LinkedListNode<KeyValuePair<TrieRoot, TrieNode>>> _map = new(capacity);
    private readonly LinkedList<KeyValuePair<TrieRoot, TrieNode>> _order = new();
    private readonly Lock _lock = new();

    public bool TryGet(TrieRoot hash, out TrieNode node)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(hash, out var entry))
            {
                _order.Remove(entry);
                _order.AddFirst(entry);
                node = entry.Value.Value;
                return true;
            }
        }

        node = null!;
        return false;
    }

    public void Add(TrieRoot hash, TrieNode node)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_map.ContainsKey(hash))
            {
                return;
            }

            if (_map.Count >= capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }

            _map[hash] = _order.AddFirst(new KeyValuePair<TrieRoot, TrieNode>(hash, node));
        }
    }
}
