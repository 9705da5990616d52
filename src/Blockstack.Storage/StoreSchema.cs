namespace Blockstack.Storage;

/// <summary>
/// What a store holds and in which layout version. It is written into the store's metadata when the
/// store is created; opening a store whose recorded schema differs fails with
/// <see cref="StoreSchemaMismatchException"/>, so a node never reads data laid out by another version.
/// </summary>
public sealed record StoreSchema(string Name, int Version)
{
    internal string Encoded => $"{Name}:{Version}";
}

/// <summary>The store on disk was written by another schema (or another program).</summary>
public sealed class StoreSchemaMismatchException : Exception
{
    public StoreSchemaMismatchException(string message)
        : base(message)
    {
    }

    public StoreSchemaMismatchException()
    {
    }

    public StoreSchemaMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static StoreSchemaMismatchException For(string path, string found, StoreSchema expected) => new(
        $"the store at {path} holds schema '{found}', but this program reads '{expected.Encoded}'; " +
        "use another data directory or remove this one to start afresh");
}

/// <summary>
/// The store is open in another process (RocksDB's <c>LOCK</c> file is held): typically a second
/// node started on the same data directory. Nothing was read or written.
/// </summary>
public sealed class StoreLockedException : Exception
{
    public StoreLockedException(string message)
        : base(message)
    {
    }

    public StoreLockedException()
    {
    }

    public StoreLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static StoreLockedException For(string path, Exception inner) => new(
        $"the store at {path} is in use by another process (is another node running on this data directory?): {inner.Message}",
        inner);
}

/// <summary>Key ranges shared by both stores.</summary>
internal static class KeyRange
{
    /// <summary>
    /// The smallest key greater than every key that starts with <paramref name="prefix"/>, or null
    /// when there is none (the prefix is all 0xff bytes).
    /// </summary>
    public static byte[]? PrefixUpperBound(ReadOnlySpan<byte> prefix)
    {
        var bound = prefix.ToArray();
        for (var i = bound.Length - 1; i >= 0; i--)
        {
            if (bound[i] != 0xff)
            {
                bound[i]++;
                return bound[..(i + 1)];
            }
        }

        return null;
    }
}
