using System.Collections.Immutable;

namespace Blockstack.Burnchain;

/// <summary>
/// An immutable byte string compared by content, so records holding one (memos, signer keys)
/// have value equality. The default value is the empty string.
/// </summary>
public readonly struct ByteString : IEquatable<ByteString>
{
    private readonly ImmutableArray<byte> _bytes;

    public ByteString(ReadOnlySpan<byte> bytes)
    {
        _bytes = [.. bytes];
    }

    public static ByteString Empty => default;

    public int Length => _bytes.IsDefault ? 0 : _bytes.Length;

    public ReadOnlySpan<byte> Span => _bytes.IsDefault ? [] : _bytes.AsSpan();

    public byte this[int index] => Span[index];

    public byte[] ToArray() => Span.ToArray();

    public string ToHex() => Convert.ToHexStringLower(Span);

    public override string ToString() => ToHex();

    public static ByteString FromHex(string hex) => new(Convert.FromHexString(hex));

    public bool Equals(ByteString other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is ByteString other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(ByteString left, ByteString right) => left.Equals(right);

    public static bool operator !=(ByteString left, ByteString right) => !left.Equals(right);
}

/// <summary>An immutable list compared element by element (so records holding one stay value-equal).</summary>
public readonly struct ValueList<T> : IEquatable<ValueList<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    private readonly ImmutableArray<T> _items;

    public ValueList(IEnumerable<T> items)
    {
        _items = [.. items];
    }

    public int Count => _items.IsDefault ? 0 : _items.Length;

    public T this[int index] => _items[index];

    public ReadOnlySpan<T> Span => _items.IsDefault ? [] : _items.AsSpan();

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items.IsDefault ? [] : _items)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ValueList<T> other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (!_items[i].Equals(other._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Span)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", Span.ToArray()) + "]";

    public static bool operator ==(ValueList<T> left, ValueList<T> right) => left.Equals(right);

    public static bool operator !=(ValueList<T> left, ValueList<T> right) => !left.Equals(right);
}
