using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Stacks;

/// <summary>The one-byte type prefixes of Clarity's consensus serialization.</summary>
public enum ClarityTypePrefix : byte
{
    Int = 0x00,
    UInt = 0x01,
    Buffer = 0x02,
    BoolTrue = 0x03,
    BoolFalse = 0x04,
    PrincipalStandard = 0x05,
    PrincipalContract = 0x06,
    ResponseOk = 0x07,
    ResponseErr = 0x08,
    OptionalNone = 0x09,
    OptionalSome = 0x0a,
    List = 0x0b,
    Tuple = 0x0c,
    StringAscii = 0x0d,
    StringUtf8 = 0x0e,
}

/// <summary>Limits applied when reading Clarity values from untrusted bytes.</summary>
public static class ClarityLimits
{
    /// <summary>MAX_VALUE_SIZE: the longest buffer, string, list count or tuple count (1 MiB).</summary>
    public const int MaxValueSize = 1024 * 1024;

    /// <summary>The reader stops after this many bytes of one value (twice MAX_VALUE_SIZE).</summary>
    public const int MaxSerializedSize = 2 * MaxValueSize;

    /// <summary>MAX_TYPE_DEPTH: nesting allowed for a sanitizing read (values at depth 0..31).</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// The depth check of the non-sanitizing read that decodes transaction arguments: at most 16
    /// open values, i.e. containers nested 15 deep.
    /// </summary>
    public const int TransactionArgumentMaxDepth = 16;
}

/// <summary>
/// A Clarity value with its consensus serialization. Reading never throws: malformed bytes give a
/// <see cref="StacksError"/>. Tuples keep their fields sorted by name (byte order), as Clarity does.
/// </summary>
public abstract record ClarityValue
{
    public abstract ClarityTypePrefix Prefix { get; }

    /// <summary>The value as Clarity prints it (<c>u5</c>, <c>0x0102</c>, <c>(some 'SP...)</c>...).</summary>
    public abstract string ToRepr();

    public override string ToString() => ToRepr();

    public byte[] Serialize()
    {
        var w = new StacksWriter(64);
        WriteTo(w);
        return w.ToArray();
    }

    public string ToHex() => Convert.ToHexStringLower(Serialize());

    public void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)Prefix);
        WriteBody(writer);
    }

    protected abstract void WriteBody(StacksWriter writer);

    /// <summary>Reads exactly one value that fills <paramref name="bytes"/>.</summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out ClarityValue? value, out StacksError error, int maxDepth = ClarityLimits.MaxDepth)
    {
        var reader = new SpanReader(bytes);
        if (!TryRead(ref reader, out value, out error, maxDepth))
        {
            return false;
        }

        if (!reader.IsEnd)
        {
            value = null;
            error = new StacksError(StacksErrorCodes.TrailingBytes, $"{reader.Remaining} bytes left after the Clarity value");
            return false;
        }

        return true;
    }

    /// <summary>Reads hex (an optional <c>0x</c> prefix is accepted) holding exactly one value.</summary>
    public static bool TryDeserializeHex(string hex, [NotNullWhen(true)] out ClarityValue? value, out StacksError error)
    {
        ArgumentNullException.ThrowIfNull(hex);
        value = null;
        if (!HexUtil.TryParse(hex, out var bytes))
        {
            error = new StacksError(StacksErrorCodes.BadHex, "not hex");
            return false;
        }

        return TryDeserialize(bytes, out value, out error);
    }

    /// <summary>Reads one value from the reader's position.</summary>
    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out ClarityValue? value, out StacksError error, int maxDepth = ClarityLimits.MaxDepth)
    {
        var start = reader.Position;
        var ok = TryReadAt(ref reader, 0, maxDepth, out value, out error);
        if (ok && reader.Position - start > ClarityLimits.MaxSerializedSize)
        {
            value = null;
            error = new StacksError(StacksErrorCodes.ClarityTooLarge, "Clarity value is longer than 2 MiB");
            return false;
        }

        return ok;
    }

    private static bool TryReadAt(ref SpanReader reader, int depth, int maxDepth, [NotNullWhen(true)] out ClarityValue? value, out StacksError error)
    {
        value = null;
        if (depth + 1 > maxDepth)
        {
            error = new StacksError(StacksErrorCodes.ClarityTooDeep, $"Clarity value nests deeper than {maxDepth}");
            return false;
        }

        if (!reader.TryReadByte(out var prefix))
        {
            error = StacksRead.Truncated("a Clarity value");
            return false;
        }

        switch ((ClarityTypePrefix)prefix)
        {
            case ClarityTypePrefix.Int:
            case ClarityTypePrefix.UInt:
                if (!reader.TryReadBytes(16, out var n))
                {
                    error = StacksRead.Truncated("a 128-bit integer");
                    return false;
                }

                value = prefix == (byte)ClarityTypePrefix.Int
                    ? new ClarityInt(BinaryPrimitives.ReadInt128BigEndian(n))
                    : new ClarityUInt(BinaryPrimitives.ReadUInt128BigEndian(n));
                break;
            case ClarityTypePrefix.Buffer:
            case ClarityTypePrefix.StringAscii:
            case ClarityTypePrefix.StringUtf8:
                if (!TryReadSized(ref reader, out var data, out error))
                {
                    return false;
                }

                if (prefix == (byte)ClarityTypePrefix.Buffer)
                {
                    value = new ClarityBuffer(data.ToArray());
                }
                else if (prefix == (byte)ClarityTypePrefix.StringAscii)
                {
                    foreach (var b in data)
                    {
                        if (!IsClarityAscii(b))
                        {
                            error = new StacksError(StacksErrorCodes.ClarityBadAscii, $"byte 0x{b:x2} is not allowed in a string-ascii");
                            return false;
                        }
                    }

                    value = new ClarityStringAscii(Encoding.ASCII.GetString(data));
                }
                else
                {
                    if (!Utf8Strict.TryDecode(data, out var text))
                    {
                        error = new StacksError(StacksErrorCodes.ClarityBadUtf8, "string-utf8 holds invalid UTF-8");
                        return false;
                    }

                    value = new ClarityStringUtf8(text);
                }

                break;
            case ClarityTypePrefix.BoolTrue:
                value = ClarityBool.True;
                break;
            case ClarityTypePrefix.BoolFalse:
                value = ClarityBool.False;
                break;
            case ClarityTypePrefix.PrincipalStandard:
            case ClarityTypePrefix.PrincipalContract:
                if (!TryReadPrincipalBody(ref reader, prefix, out var principal, out error))
                {
                    return false;
                }

                value = new ClarityPrincipal(principal);
                break;
            case ClarityTypePrefix.ResponseOk:
            case ClarityTypePrefix.ResponseErr:
            case ClarityTypePrefix.OptionalSome:
                if (!TryReadAt(ref reader, depth + 1, maxDepth, out var inner, out error))
                {
                    return false;
                }

                value = prefix == (byte)ClarityTypePrefix.OptionalSome
                    ? new ClarityOptional(inner)
                    : new ClarityResponse(prefix == (byte)ClarityTypePrefix.ResponseOk, inner);
                break;
            case ClarityTypePrefix.OptionalNone:
                value = ClarityOptional.None;
                break;
            case ClarityTypePrefix.List:
                {
                    if (!TryReadCount(ref reader, "list", out var count, out error))
                    {
                        return false;
                    }

                    var items = new List<ClarityValue>(Math.Min(count, 1024));
                    for (var i = 0; i < count; i++)
                    {
                        if (!TryReadAt(ref reader, depth + 1, maxDepth, out var item, out error))
                        {
                            return false;
                        }

                        items.Add(item);
                    }

                    value = new ClarityList(items);
                    break;
                }

            case ClarityTypePrefix.Tuple:
                {
                    if (!TryReadCount(ref reader, "tuple", out var count, out error))
                    {
                        return false;
                    }

                    var fields = new SortedDictionary<string, ClarityValue>(StringComparer.Ordinal);
                    for (var i = 0; i < count; i++)
                    {
                        if (!StacksRead.TryClarityName(ref reader, out var name, out error)
                            || !TryReadAt(ref reader, depth + 1, maxDepth, out var field, out error))
                        {
                            return false;
                        }

                        if (!fields.TryAdd(name, field))
                        {
                            error = new StacksError(StacksErrorCodes.ClarityDuplicateTupleKey, $"tuple names '{name}' twice");
                            return false;
                        }
                    }

                    value = new ClarityTuple(fields);
                    break;
                }

            default:
                error = new StacksError(StacksErrorCodes.ClarityBadTypePrefix, $"0x{prefix:x2} is not a Clarity type prefix");
                return false;
        }

        error = default;
        return true;
    }

    /// <summary>Reads a Clarity principal (prefix 0x05 or 0x06 and body), as token transfers carry it.</summary>
    public static bool TryReadPrincipal(ref SpanReader reader, [NotNullWhen(true)] out Principal? principal, out StacksError error)
    {
        principal = null;
        if (!reader.TryReadByte(out var prefix))
        {
            error = StacksRead.Truncated("a principal");
            return false;
        }

        return TryReadPrincipalBody(ref reader, prefix, out principal, out error);
    }

    public static void WritePrincipal(StacksWriter writer, Principal principal)
    {
        ArgumentNullException.ThrowIfNull(writer);
        new ClarityPrincipal(principal).WriteTo(writer);
    }

    private static bool TryReadPrincipalBody(ref SpanReader reader, byte prefix, [NotNullWhen(true)] out Principal? principal, out StacksError error)
    {
        principal = null;
        if (prefix is not ((byte)ClarityTypePrefix.PrincipalStandard or (byte)ClarityTypePrefix.PrincipalContract))
        {
            error = new StacksError(StacksErrorCodes.ClarityBadPrincipal, $"0x{prefix:x2} is not a principal prefix");
            return false;
        }

        if (!StacksRead.TryAddress(ref reader, out var address, out error))
        {
            return false;
        }

        if (prefix == (byte)ClarityTypePrefix.PrincipalStandard)
        {
            principal = new StandardPrincipal(address);
            return true;
        }

        if (!StacksRead.TryContractName(ref reader, out var name, out error))
        {
            return false;
        }

        principal = new ContractPrincipal(address, name);
        return true;
    }

    private static bool TryReadSized(ref SpanReader reader, out ReadOnlySpan<byte> data, out StacksError error)
    {
        data = default;
        if (!reader.TryReadUInt32BigEndian(out var length))
        {
            error = StacksRead.Truncated("a length");
            return false;
        }

        if (length > ClarityLimits.MaxValueSize)
        {
            error = new StacksError(StacksErrorCodes.ClarityTooLarge, $"length {length} exceeds {ClarityLimits.MaxValueSize}");
            return false;
        }

        if (!reader.TryReadBytes((int)length, out data))
        {
            error = StacksRead.Truncated("a buffer or string");
            return false;
        }

        error = default;
        return true;
    }

    private static bool TryReadCount(ref SpanReader reader, string what, out int count, out StacksError error)
    {
        count = 0;
        if (!reader.TryReadUInt32BigEndian(out var n))
        {
            error = StacksRead.Truncated($"a {what} length");
            return false;
        }

        if (n > ClarityLimits.MaxValueSize)
        {
            error = new StacksError(StacksErrorCodes.ClarityTooLarge, $"{what} of {n} entries exceeds {ClarityLimits.MaxValueSize}");
            return false;
        }

        // Every entry takes at least one byte: a count beyond the input is refused before allocating.
        if (n > (uint)reader.Remaining)
        {
            error = StacksRead.Truncated($"a {what}");
            return false;
        }

        count = (int)n;
        error = default;
        return true;
    }

    /// <summary>Clarity's string-ascii alphabet: printable ASCII and the whitespace <c>\t \n \f \r</c> and space.</summary>
    public static bool IsClarityAscii(byte b) => b is (>= 0x20 and <= 0x7e) or 0x09 or 0x0a or 0x0c or 0x0d;

    internal static string Quote(string s, bool utf8)
    {
        var sb = new StringBuilder(s.Length + 3);
        if (utf8)
        {
            sb.Append('u');
        }

        sb.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                case < 0x20 or 0x7f:
                    sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    break;
                case > 0x7f:
                    sb.Append(CultureInfo.InvariantCulture, $"\\u{{{rune.Value:x}}}");
                    break;
                default: sb.Append((char)rune.Value); break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }
}

public sealed record ClarityInt(Int128 Value) : ClarityValue
{
    public override ClarityTypePrefix Prefix => ClarityTypePrefix.Int;

    public override string ToRepr() => Value.ToString(CultureInfo.InvariantCulture);

    protected override void WriteBody(StacksWriter writer)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteInt128BigEndian(b, Value);
        writer.WriteBytes(b);
    }
}

public sealed record ClarityUInt(UInt128 Value) : ClarityValue
{
    public override ClarityTypePrefix Prefix => ClarityTypePrefix.UInt;

    public override string ToRepr() => "u" + Value.ToString(CultureInfo.InvariantCulture);

    protected override void WriteBody(StacksWriter writer)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, Value);
        writer.WriteBytes(b);
    }
}

public sealed record ClarityBuffer(byte[] Data) : ClarityValue
{
    public override ClarityTypePrefix Prefix => ClarityTypePrefix.Buffer;

    public override string ToRepr() => "0x" + Convert.ToHexStringLower(Data);

    protected override void WriteBody(StacksWriter writer)
    {
        writer.WriteUInt32(checked((uint)Data.Length));
        writer.WriteBytes(Data);
    }
}

public sealed record ClarityBool : ClarityValue
{
    private ClarityBool(bool value) => Value = value;

    public static ClarityBool True { get; } = new(true);

    public static ClarityBool False { get; } = new(false);

    public bool Value { get; }

    public override ClarityTypePrefix Prefix => Value ? ClarityTypePrefix.BoolTrue : ClarityTypePrefix.BoolFalse;

    public override string ToRepr() => Value ? "true" : "false";

    protected override void WriteBody(StacksWriter writer)
    {
    }
}

public sealed record ClarityPrincipal(Principal Value) : ClarityValue
{
    public override ClarityTypePrefix Prefix => Value is ContractPrincipal ? ClarityTypePrefix.PrincipalContract : ClarityTypePrefix.PrincipalStandard;

    public override string ToRepr() => "'" + Value;

    protected override void WriteBody(StacksWriter writer)
    {
        writer.WriteAddress(Value.Address);
        if (Value is ContractPrincipal c)
        {
            writer.WriteName(c.Name);
        }
    }
}

public sealed record ClarityResponse(bool IsOk, ClarityValue Inner) : ClarityValue
{
    public override ClarityTypePrefix Prefix => IsOk ? ClarityTypePrefix.ResponseOk : ClarityTypePrefix.ResponseErr;

    public override string ToRepr() => $"({(IsOk ? "ok" : "err")} {Inner.ToRepr()})";

    protected override void WriteBody(StacksWriter writer) => Inner.WriteTo(writer);
}

public sealed record ClarityOptional(ClarityValue? Inner) : ClarityValue
{
    public static ClarityOptional None { get; } = new((ClarityValue?)null);

    public override ClarityTypePrefix Prefix => Inner is null ? ClarityTypePrefix.OptionalNone : ClarityTypePrefix.OptionalSome;

    public override string ToRepr() => Inner is null ? "none" : $"(some {Inner.ToRepr()})";

    protected override void WriteBody(StacksWriter writer) => Inner?.WriteTo(writer);
}

public sealed record ClarityList(IReadOnlyList<ClarityValue> Items) : ClarityValue
{
    public override ClarityTypePrefix Prefix => ClarityTypePrefix.List;

    public override string ToRepr() => Items.Count == 0 ? "(list)" : "(list " + string.Join(' ', Items.Select(i => i.ToRepr())) + ")";

    protected override void WriteBody(StacksWriter writer)
    {
        writer.WriteUInt32(checked((uint)Items.Count));
        foreach (var item in Items)
        {
            item.WriteTo(writer);
        }
    }
}

/// <summary>A tuple; its fields are always held and written sorted by name in byte order.</summary>
public sealed record ClarityTuple : ClarityValue
{
    public ClarityTuple(IEnumerable<KeyValuePair<string, ClarityValue>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var sorted = new SortedDictionary<string, ClarityValue>(StringComparer.Ordinal);
        foreach (var (k, v) in fields)
        {
            if (!StacksNames.IsValidClarityName(k))
            {
                throw new ArgumentException($"'{k}' is not a Clarity name", nameof(fields));
            }

            sorted.Add(k, v);
        }

        Fields = sorted;
    }

    public IReadOnlyDictionary<string, ClarityValue> Fields { get; }

    public override ClarityTypePrefix Prefix => ClarityTypePrefix.Tuple;

    public override string ToRepr() => "(tuple" + string.Concat(Fields.Select(f => $" ({f.Key} {f.Value.ToRepr()})")) + ")";

    protected override void WriteBody(StacksWriter writer)
    {
        writer.WriteUInt32(checked((uint)Fields.Count));
        foreach (var (name, value) in Fields)
        {
            writer.WriteName(name);
            value.WriteTo(writer);
        }
    }
}

public sealed record ClarityStringAscii(string Value) : ClarityValue
{
    public override ClarityTypePrefix Prefix => ClarityTypePrefix.StringAscii;

    public override string ToRepr() => Quote(Value, utf8: false);

    protected override void WriteBody(StacksWriter writer)
    {
        var bytes = Encoding.ASCII.GetBytes(Value);
        writer.WriteUInt32(checked((uint)bytes.Length));
        writer.WriteBytes(bytes);
    }
}

public sealed record ClarityStringUtf8(string Value) : ClarityValue
{
    public override ClarityTypePrefix Prefix => ClarityTypePrefix.StringUtf8;

    public override string ToRepr() => Quote(Value, utf8: true);

    protected override void WriteBody(StacksWriter writer)
    {
        var bytes = Encoding.UTF8.GetBytes(Value);
        writer.WriteUInt32(checked((uint)bytes.Length));
        writer.WriteBytes(bytes);
    }
}

internal static class Utf8Strict
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            text = string.Empty;
            return false;
        }

        text = Strict.GetString(bytes);
        return true;
    }
}

internal static class HexUtil
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null)
        {
            return false;
        }

        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.AsSpan(2) : text.AsSpan();
        if (hex.Length % 2 != 0)
        {
            return false;
        }

        var buffer = new byte[hex.Length / 2];
        if (Convert.FromHexString(hex, buffer, out _, out var written) != System.Buffers.OperationStatus.Done || written != buffer.Length)
        {
            return false;
        }

        bytes = buffer;
        return true;
    }
}
