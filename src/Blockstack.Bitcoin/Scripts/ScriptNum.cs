namespace Blockstack.Bitcoin.Scripts;

/// <summary>Script numbers: little-endian magnitude with the sign in the top bit of the last byte.</summary>
public static class ScriptNum
{
    /// <summary>Decodes up to 8 bytes without minimality checks (Core's <c>CScriptNum(vch, false)</c>).</summary>
    public static long Decode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return 0;
        }

        if (data.Length > 8)
        {
            throw new ArgumentException("a script number is at most 8 bytes here", nameof(data));
        }

        ulong magnitude = 0;
        for (var i = 0; i < data.Length; i++)
        {
            magnitude |= (ulong)data[i] << (8 * i);
        }

        var signBit = 0x80UL << (8 * (data.Length - 1));
        if ((magnitude & signBit) != 0)
        {
            return -(long)(magnitude & ~signBit);
        }

        return unchecked((long)magnitude);
    }

    /// <summary>True when <paramref name="data"/> is the shortest encoding of its value.</summary>
    public static bool IsMinimal(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return true;
        }

        // The last byte may only be 0x00/0x80 when the byte before needs its top bit for the value.
        if ((data[^1] & 0x7f) == 0)
        {
            return data.Length > 1 && (data[^2] & 0x80) != 0;
        }

        return true;
    }

    /// <summary>Decodes a minimally encoded number of at most <paramref name="maxSize"/> bytes.</summary>
    public static bool TryDecodeMinimal(ReadOnlySpan<byte> data, out long value, int maxSize = 4)
    {
        value = 0;
        if (data.Length > maxSize || data.Length > 8 || !IsMinimal(data))
        {
            return false;
        }

        value = Decode(data);
        return true;
    }

    /// <summary>The minimal encoding of <paramref name="value"/>.</summary>
    public static byte[] Encode(long value)
    {
        if (value == 0)
        {
            return [];
        }

        var negative = value < 0;
        var magnitude = negative ? unchecked(0UL - (ulong)value) : (ulong)value;
        Span<byte> buffer = stackalloc byte[9];
        var length = 0;
        while (magnitude != 0)
        {
            buffer[length++] = (byte)(magnitude & 0xff);
            magnitude >>= 8;
        }

        if ((buffer[length - 1] & 0x80) != 0)
        {
            buffer[length++] = negative ? (byte)0x80 : (byte)0;
        }
        else if (negative)
        {
            buffer[length - 1] |= 0x80;
        }

        return buffer[..length].ToArray();
    }
}
