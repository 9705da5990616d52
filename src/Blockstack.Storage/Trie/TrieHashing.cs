using Org.BouncyCastle.Crypto.Digests;

namespace Blockstack.Storage.Trie;

/// <summary>
/// The trie's hash functions, all SHA-512/256. Node kinds are domain-separated by a leading tag
/// byte so no leaf, branch or value preimage can be read as another kind:
/// leaf = H(0x00 ‖ path ‖ valueHash), branch = H(0x01 ‖ bitmap ‖ children), value = H(0x02 ‖ value).
/// The key path is H(key) with no tag (it is never compared with a node hash).
/// </summary>
internal static class TrieHashing
{
    public const byte LeafTag = 0x00;
    public const byte BranchTag = 0x01;
    public const byte ValueTag = 0x02;

    [ThreadStatic]
    private static Sha512tDigest? _digest;

    // Reset on every use (cheap: it restores the stored initial values), so a call that threw half
    // way never leaves state behind for the next one.
    private static Sha512tDigest Digest
    {
        get
        {
            var digest = _digest ??= new Sha512tDigest(256);
            digest.Reset();
            return digest;
        }
    }

    /// <summary>The 32-byte path of <paramref name="key"/>: SHA-512/256(key).</summary>
    public static void Path(ReadOnlySpan<byte> key, Span<byte> path)
    {
        var digest = Digest;
        digest.BlockUpdate(key);
        digest.DoFinal(path);
    }

    public static byte[] Path(ReadOnlySpan<byte> key)
    {
        var path = new byte[TrieRoot.Size];
        Path(key, path);
        return path;
    }

    public static void ValueHash(ReadOnlySpan<byte> value, Span<byte> hash)
    {
        var digest = Digest;
        digest.Update(ValueTag);
        digest.BlockUpdate(value);
        digest.DoFinal(hash);
    }

    public static TrieRoot Leaf(ReadOnlySpan<byte> path, ReadOnlySpan<byte> valueHash)
    {
        var digest = Digest;
        Span<byte> hash = stackalloc byte[TrieRoot.Size];
        digest.Update(LeafTag);
        digest.BlockUpdate(path);
        digest.BlockUpdate(valueHash);
        digest.DoFinal(hash);
        return new TrieRoot(hash);
    }

    public static TrieRoot LeafOfValue(ReadOnlySpan<byte> path, ReadOnlySpan<byte> value)
    {
        Span<byte> valueHash = stackalloc byte[TrieRoot.Size];
        ValueHash(value, valueHash);
        return Leaf(path, valueHash);
    }

    /// <summary>The hash of an encoded branch (which starts with its tag byte).</summary>
    public static TrieRoot Branch(ReadOnlySpan<byte> encodedBranch)
    {
        var digest = Digest;
        Span<byte> hash = stackalloc byte[TrieRoot.Size];
        digest.BlockUpdate(encodedBranch);
        digest.DoFinal(hash);
        return new TrieRoot(hash);
    }

    /// <summary>Nibble <paramref name="depth"/> (0..63) of a 32-byte path, high nibble first.</summary>
    public static int Nibble(ReadOnlySpan<byte> path, int depth) =>
        (depth & 1) == 0 ? path[depth >> 1] >> 4 : path[depth >> 1] & 0x0F;
}
