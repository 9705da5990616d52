using Blockstack.Storage.Trie;

namespace Blockstack.Storage.Tests;

/// <summary>Random maps and change sets for trie tests, with a Dictionary (hex key → value) as the model.</summary>
internal static class TrieModel
{
    public static byte[] RandomBytes(Random random, int minLength, int maxLength)
    {
        var bytes = new byte[random.Next(minLength, maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    public static Dictionary<string, byte[]> RandomMap(Random random, int count)
    {
        var map = new Dictionary<string, byte[]>();
        while (map.Count < count)
        {
            map[Convert.ToHexString(RandomBytes(random, 0, 40))] = RandomBytes(random, 0, 60);
        }

        return map;
    }

    public static List<KeyValuePair<byte[], byte[]?>> Puts(Dictionary<string, byte[]> map) =>
        map.Select(e => new KeyValuePair<byte[], byte[]?>(Convert.FromHexString(e.Key), e.Value)).ToList();

    /// <summary>About <paramref name="count"/> updates, deletes and inserts, applied to <paramref name="model"/> too.</summary>
    public static List<KeyValuePair<byte[], byte[]?>> RandomChanges(Random random, Dictionary<string, byte[]> model, int count)
    {
        var changes = new Dictionary<string, byte[]?>();
        var existing = model.Keys.ToList();
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(3);
            if (roll < 2 && existing.Count > 0)
            {
                var key = existing[random.Next(existing.Count)];
                changes[key] = roll == 0 ? null : RandomBytes(random, 0, 60);
            }
            else
            {
                changes[Convert.ToHexString(RandomBytes(random, 0, 40))] = RandomBytes(random, 0, 60);
            }
        }

        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                model.Remove(key);
            }
            else
            {
                model[key] = value;
            }
        }

        return changes.Select(e => new KeyValuePair<byte[], byte[]?>(Convert.FromHexString(e.Key), e.Value)).ToList();
    }

    public static void Shuffle<T>(Random random, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <summary>Two keys whose paths H(key) agree on the first <paramref name="nibbles"/> nibbles (found by search).</summary>
    public static (byte[] A, byte[] B) KeysSharingPathPrefix(int nibbles)
    {
        var seen = new Dictionary<string, byte[]>();
        for (var n = 0u; ; n++)
        {
            var key = BitConverter.GetBytes(n);
            var prefix = Convert.ToHexString(TrieHashing.Path(key))[..nibbles];
            if (seen.TryGetValue(prefix, out var other))
            {
                return (other, key);
            }

            seen[prefix] = key;
        }
    }

    /// <summary>Get, Enumerate and absent keys at <paramref name="root"/> all agree with <paramref name="model"/>.</summary>
    public static void AssertMap(StateTrie<TestColumn> trie, IStoreReader<TestColumn> reader, TrieRoot root, Dictionary<string, byte[]> model)
    {
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, trie.Get(reader, root, Convert.FromHexString(key)));
        }

        var listed = trie.Enumerate(reader, root).ToDictionary(e => Convert.ToHexString(e.Key), e => e.Value);
        Assert.Equal(model.Count, listed.Count);
        foreach (var (key, value) in listed)
        {
            Assert.True(model.TryGetValue(key, out var expected), $"unexpected key {key}");
            Assert.Equal(expected, value);
        }

        var random = new Random(model.Count);
        for (var i = 0; i < 10; i++)
        {
            var absent = RandomBytes(random, 41, 50);
            Assert.Null(trie.Get(reader, root, absent));
        }
    }
}
