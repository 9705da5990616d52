namespace Blockstack.Storage.Trie;

/// <summary>Store-free operations on state tries.</summary>
public static class StateTrie
{
    /// <summary>
    /// Checks <paramref name="proof"/> against <paramref name="root"/>: pure, no store access, never
    /// throws on a bad proof. See <see cref="TrieProof.Verify(TrieRoot, ReadOnlySpan{byte}, ReadOnlySpan{byte}, bool)"/>.
    /// </summary>
    public static bool Verify(TrieRoot root, ReadOnlySpan<byte> key, ReadOnlySpan<byte> valueOrEmptyForAbsence, bool present, TrieProof proof) =>
        TrieProof.Verify(root, key, valueOrEmptyForAbsence, present, proof);
}

/// <summary>
/// An authenticated, persistent (copy-on-write) map from byte keys to byte values: a 16-ary Merkle
/// Patricia trie over key paths H(key) (SHA-512/256), with every node stored in
/// the node column of the caller's store under its own hash. Every version ever
/// committed stays readable by its <see cref="TrieRoot"/>, and forks share every unchanged node, so
/// the state after any block can be read (or extended) without rewinding anything.
/// </summary>
/// <remarks>
/// Shape: the empty map is <see cref="TrieRoot.Empty"/>; a subtree holding one key is that key's
/// leaf; a subtree holding two or more keys is a branch on the next nibble. The shape is therefore
/// a function of the key set alone, and the root a function of the map alone, whatever the history.
/// One instance per store: its node cache is keyed by hash only. Safe for concurrent readers.
/// Format and hashing: <c>docs/state-trie.md</c>.
/// </remarks>
/// <typeparam name="TColumn">The store's column enum.</typeparam>
public sealed class StateTrie<TColumn>
    where TColumn : struct, Enum
{
    /// <summary>Default number of decoded branches kept in memory (about 10 MB when full).</summary>
    public const int DefaultCacheCapacity = 20_000;

    private readonly TColumn _nodeColumn;
    private readonly TrieNodeCache _cache;

    /// <param name="nodeColumn">The column holding trie nodes (node hash → encoded node), and nothing else.</param>
    /// <param name="cacheCapacity">How many decoded branches to keep; 0 turns the cache off.</param>
    public StateTrie(TColumn nodeColumn, int cacheCapacity = DefaultCacheCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        _nodeColumn = nodeColumn;
        _cache = new TrieNodeCache(cacheCapacity);
    }

    public TColumn NodeColumn => _nodeColumn;

    /// <summary>
    /// Applies <paramref name="changes"/> (a null value deletes the key) to the map at
    /// <paramref name="parent"/> and returns the new root. Only nodes that did not exist in the parent
    /// are written, into <paramref name="batch"/>; nothing is committed. The result depends only on
    /// the parent and the set of changes, not on their order. The parent's nodes must be readable
    /// through <paramref name="reader"/> (i.e. committed).
    /// </summary>
    /// <exception cref="ArgumentException">A key appears twice, or a key is null.</exception>
    /// <exception cref="KeyNotFoundException">The parent root (or a node under it) is not in the store.</exception>
    public TrieRoot Apply(
        IStoreReader<TColumn> reader,
        TrieRoot parent,
        IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes,
        IWriteBatch<TColumn> batch)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(batch);
        if (changes.Count == 0)
        {
            return parent;
        }

        var sorted = new Change[changes.Count];
        var i = 0;
        foreach (var (key, value) in changes)
        {
            if (key is null)
            {
                throw new ArgumentException("a change has a null key", nameof(changes));
            }

            sorted[i++] = new Change(TrieHashing.Path(key), key, value);
        }

        Array.Sort(sorted, static (a, b) => a.Path.AsSpan().SequenceCompareTo(b.Path));
        for (i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Path.AsSpan().SequenceEqual(sorted[i - 1].Path))
            {
                throw new ArgumentException(
                    $"key {Convert.ToHexStringLower(sorted[i].Key)} appears more than once in one change set", nameof(changes));
            }
        }

        var writer = new Writer(this, reader, batch);
        return writer.Update(parent, 0, sorted).Hash;
    }

    /// <summary>The value of <paramref name="key"/> in the map at <paramref name="root"/>, or null.</summary>
    public byte[]? Get(IStoreReader<TColumn> reader, TrieRoot root, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Span<byte> path = stackalloc byte[TrieRoot.Size];
        TrieHashing.Path(key, path);
        var hash = root;
        for (var depth = 0; !hash.IsEmpty; depth++)
        {
            switch (Load(reader, hash))
            {
                case LeafNode leaf:
                    return key.SequenceEqual(leaf.Key) ? leaf.Value : null;
                case BranchNode branch:
                    hash = branch.Child(TrieHashing.Nibble(path, depth));
                    break;
            }
        }

        return null;
    }

    /// <summary>A proof of <paramref name="key"/>'s value, or of its absence, in the map at <paramref name="root"/>.</summary>
    public TrieProof Prove(IStoreReader<TColumn> reader, TrieRoot root, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Span<byte> path = stackalloc byte[TrieRoot.Size];
        TrieHashing.Path(key, path);
        var bitmaps = new List<ushort>();
        var siblings = new List<TrieRoot[]>();
        var hash = root;
        var depth = 0;
        while (true)
        {
            if (hash.IsEmpty)
            {
                return new TrieProof(TrieProofEnd.EmptySlot, [.. bitmaps], [.. siblings], null, null);
            }

            var node = Load(reader, hash);
            if (node is LeafNode leaf)
            {
                if (key.SequenceEqual(leaf.Key))
                {
                    return new TrieProof(TrieProofEnd.KeyLeaf, [.. bitmaps], [.. siblings], null, null);
                }

                var valueHash = new byte[TrieRoot.Size];
                TrieHashing.ValueHash(leaf.Value, valueHash);
                return new TrieProof(TrieProofEnd.OtherLeaf, [.. bitmaps], [.. siblings], leaf.Path, valueHash);
            }

            var branch = (BranchNode)node;
            var nibble = TrieHashing.Nibble(path, depth);
            var others = new TrieRoot[branch.Children.Length - (branch.Has(nibble) ? 1 : 0)];
            var next = 0;
            for (var n = 0; n < 16; n++)
            {
                if (n != nibble && branch.Has(n))
                {
                    others[next++] = branch.Child(n);
                }
            }

            bitmaps.Add((ushort)(branch.Bitmap & ~(1 << nibble)));
            siblings.Add(others);
            hash = branch.Child(nibble);
            depth++;
        }
    }

    /// <summary>
    /// Every (key, value) of the map at <paramref name="root"/>, in order of key path H(key) (not of
    /// key). Lazy: reads nodes as it goes. For tests, debugging and state dumps.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate(IStoreReader<TColumn> reader, TrieRoot root)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return EnumerateCore(reader, root);
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> EnumerateCore(IStoreReader<TColumn> reader, TrieRoot root)
    {
        if (root.IsEmpty)
        {
            yield break;
        }

        var stack = new Stack<TrieRoot>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            switch (Load(reader, stack.Pop()))
            {
                case LeafNode leaf:
                    yield return new(leaf.Key, leaf.Value);
                    break;
                case BranchNode branch:
                    for (var i = branch.Children.Length - 1; i >= 0; i--)
                    {
                        stack.Push(branch.Children[i]);
                    }

                    break;
            }
        }
    }

    private TrieNode Load(IStoreReader<TColumn> reader, TrieRoot hash)
    {
        if (_cache.TryGet(hash, out var cached))
        {
            return cached;
        }

        Span<byte> key = stackalloc byte[TrieRoot.Size];
        hash.CopyTo(key);
        var bytes = reader.Get(_nodeColumn, key)
            ?? throw new KeyNotFoundException($"trie node {hash} is not in the store (a root that was never committed here?)");
        var node = TrieNode.Decode(hash, bytes);
        if (node is BranchNode)
        {
            _cache.Add(hash, node);
        }

        return node;
    }

    private readonly record struct Change(byte[] Path, byte[] Key, byte[]? Value);

    private enum Kind : byte
    {
        Unknown,
        Empty,
        Leaf,
        Branch,
    }

    private readonly record struct Sub(TrieRoot Hash, Kind Kind);

    /// <summary>One Apply: walks the parent once, visiting each touched node once, writing new nodes.</summary>
    private sealed class Writer(StateTrie<TColumn> trie, IStoreReader<TColumn> reader, IWriteBatch<TColumn> batch)
    {
        /// <summary>The subtree at <paramref name="hash"/> (at <paramref name="depth"/>) after <paramref name="changes"/>.</summary>
        public Sub Update(TrieRoot hash, int depth, ReadOnlySpan<Change> changes)
        {
            if (changes.IsEmpty)
            {
                return new Sub(hash, hash.IsEmpty ? Kind.Empty : Kind.Unknown);
            }

            if (hash.IsEmpty)
            {
                return Build(depth, changes, null);
            }

            var node = trie.Load(reader, hash);
            if (node is LeafNode leaf)
            {
                return Build(depth, changes, leaf);
            }

            var branch = (BranchNode)node;
            Span<TrieRoot> slots = stackalloc TrieRoot[16];
            Span<Kind> kinds = stackalloc Kind[16];
            for (var n = 0; n < 16; n++)
            {
                slots[n] = branch.Child(n);
                kinds[n] = slots[n].IsEmpty ? Kind.Empty : Kind.Unknown;
            }

            var changed = false;
            var start = 0;
            while (start < changes.Length)
            {
                var nibble = TrieHashing.Nibble(changes[start].Path, depth);
                var end = start + 1;
                while (end < changes.Length && TrieHashing.Nibble(changes[end].Path, depth) == nibble)
                {
                    end++;
                }

                var child = Update(slots[nibble], depth + 1, changes[start..end]);
                changed |= child.Hash != slots[nibble];
                slots[nibble] = child.Hash;
                kinds[nibble] = child.Kind;
                start = end;
            }

            if (!changed)
            {
                return new Sub(hash, Kind.Branch);
            }

            return Finish(slots, kinds);
        }

        /// <summary>
        /// A subtree at <paramref name="depth"/> that held at most <paramref name="existing"/>, after
        /// <paramref name="changes"/>.
        /// </summary>
        private Sub Build(int depth, ReadOnlySpan<Change> changes, LeafNode? existing)
        {
            var live = 0;
            var single = -1;
            var existingReplaced = false;
            for (var i = 0; i < changes.Length; i++)
            {
                var value = changes[i].Value;
                if (existing is not null && changes[i].Key.AsSpan().SequenceEqual(existing.Key)) // same key, same path; no hashing
                {
                    if (value is not null && value.AsSpan().SequenceEqual(existing.Value))
                    {
                        continue; // rewrites the same value: the existing leaf stays, nothing is written
                    }

                    existingReplaced = true; // the change stands in for the existing key (a put, or a delete)
                }

                if (value is not null)
                {
                    live++;
                    single = i;
                }
            }

            if (existingReplaced)
            {
                existing = null;
            }

            if (existing is not null)
            {
                live++;
            }

            if (live == 0)
            {
                return new Sub(TrieRoot.Empty, Kind.Empty);
            }

            if (live == 1)
            {
                return existing is not null ? new Sub(existing.Hash, Kind.Leaf) : WriteLeaf(changes[single]);
            }

            Span<TrieRoot> slots = stackalloc TrieRoot[16];
            Span<Kind> kinds = stackalloc Kind[16];
            kinds.Fill(Kind.Empty);
            var existingNibble = existing is null ? -1 : TrieHashing.Nibble(existing.Path, depth);
            var start = 0;
            for (var nibble = 0; nibble < 16; nibble++)
            {
                var end = start;
                while (end < changes.Length && TrieHashing.Nibble(changes[end].Path, depth) == nibble)
                {
                    end++;
                }

                if (end > start || existingNibble == nibble)
                {
                    var child = Build(depth + 1, changes[start..end], existingNibble == nibble ? existing : null);
                    slots[nibble] = child.Hash;
                    kinds[nibble] = child.Kind;
                }

                start = end;
            }

            return Finish(slots, kinds);
        }

        /// <summary>A branch over <paramref name="slots"/>, or what it collapses to when it holds one key or none.</summary>
        private Sub Finish(ReadOnlySpan<TrieRoot> slots, ReadOnlySpan<Kind> kinds)
        {
            var count = 0;
            var only = -1;
            for (var n = 0; n < 16; n++)
            {
                if (!slots[n].IsEmpty)
                {
                    count++;
                    only = n;
                }
            }

            if (count == 0)
            {
                return new Sub(TrieRoot.Empty, Kind.Empty);
            }

            if (count == 1)
            {
                // One child: if it is a single leaf, the leaf moves up; a branch (≥ 2 keys) stays below us.
                var kind = kinds[only];
                if (kind == Kind.Unknown)
                {
                    kind = trie.Load(reader, slots[only]) is LeafNode ? Kind.Leaf : Kind.Branch;
                }

                if (kind == Kind.Leaf)
                {
                    return new Sub(slots[only], Kind.Leaf);
                }
            }

            Span<byte> encoded = stackalloc byte[BranchNode.MaxEncodedSize];
            var length = BranchNode.Encode(slots, encoded);
            var hash = TrieHashing.Branch(encoded[..length]);
            Span<byte> key = stackalloc byte[TrieRoot.Size];
            hash.CopyTo(key);
            batch.Put(trie._nodeColumn, key, encoded[..length]);
            return new Sub(hash, Kind.Branch);
        }

        private Sub WriteLeaf(in Change change)
        {
            var value = change.Value!;
            var hash = TrieHashing.LeafOfValue(change.Path, value);
            var size = LeafNode.EncodedSize(change.Key.Length, value.Length);
            var encoded = size <= 1024 ? stackalloc byte[size] : new byte[size];
            LeafNode.Encode(change.Key, value, encoded);
            Span<byte> key = stackalloc byte[TrieRoot.Size];
            hash.CopyTo(key);
            batch.Put(trie._nodeColumn, key, encoded);
            return new Sub(hash, Kind.Leaf);
        }
    }
}
