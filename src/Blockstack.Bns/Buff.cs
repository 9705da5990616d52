using System.Text;

namespace Blockstack.Bns;

/// <summary>
/// An immutable Clarity buffer with value equality and byte-order comparison: namespaces, names,
/// salts and hashes are raw bytes in the contract (spec/bns.md §1), never normalised text.
/// </summary>
public readonly struct Buff : IEquatable<Buff>, IComparable<Buff>
{
    private readonly byte[]? _bytes;

    public Buff(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    private Buff(byte[] owned, bool _) => _bytes = owned;

    public static Buff Empty => default;

    public ReadOnlySpan<byte> Span => _bytes ?? [];

    public int Length => _bytes?.Length ?? 0;

    public byte this[int index] => Span[index];

    /// <summary>The buffer of an ASCII string (clients send names with <c>bufferCVFromString</c>).</summary>
    public static Buff FromAscii(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Buff(Encoding.Latin1.GetBytes(text), true);
    }

    public static Buff FromHex(string hex) => new(Convert.FromHexString(hex), true);

    public static Buff Concat(params Buff[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var total = 0;
        foreach (var p in parts)
        {
            total += p.Length;
        }

        var bytes = new byte[total];
        var offset = 0;
        foreach (var p in parts)
        {
            p.Span.CopyTo(bytes.AsSpan(offset));
            offset += p.Length;
        }

        return new Buff(bytes, true);
    }

    public byte[] ToArray() => Span.ToArray();

    public string ToHex() => Convert.ToHexStringLower(Span);

    /// <summary>The bytes as Latin-1 text: exact for the ASCII names the charset admits.</summary>
    public string ToAscii() => Encoding.Latin1.GetString(Span);

    public bool Equals(Buff other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is Buff other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public int CompareTo(Buff other) => Span.SequenceCompareTo(other.Span);

    public override string ToString() => "0x" + ToHex();

    public static bool operator ==(Buff left, Buff right) => left.Equals(right);

    public static bool operator !=(Buff left, Buff right) => !left.Equals(right);

    public static bool operator <(Buff left, Buff right) => left.CompareTo(right) < 0;

    public static bool operator >(Buff left, Buff right) => left.CompareTo(right) > 0;

    public static bool operator <=(Buff left, Buff right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Buff left, Buff right) => left.CompareTo(right) >= 0;
}
