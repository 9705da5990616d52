namespace Blockstack.Regtest.Wallet;

/// <summary>
/// The output descriptor checksum of BIP 380: the descriptor's characters are mapped to 5-bit
/// symbols (plus one symbol per three characters for the character group) and run through a
/// BCH code over GF(32); the result is 8 characters of the bech32 alphabet.
/// </summary>
public static class DescriptorChecksum
{
    private const string InputCharset = "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
    private const string ChecksumCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly ulong[] Generator = [0xf5dee51989, 0xa9fdca3312, 0x1bab10e32d, 0x3706b1677a, 0x644d626ffd];

    /// <summary>The checksum of <paramref name="descriptor"/> (without any "#..." suffix); null if a character is outside the charset.</summary>
    public static string? Compute(string descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ulong c = 1;
        var cls = 0;
        var clsCount = 0;
        foreach (var ch in descriptor)
        {
            var pos = InputCharset.IndexOf(ch, StringComparison.Ordinal);
            if (pos < 0)
            {
                return null;
            }

            c = PolyMod(c, pos & 31);
            cls = (cls * 3) + (pos >> 5);
            if (++clsCount == 3)
            {
                c = PolyMod(c, cls);
                cls = 0;
                clsCount = 0;
            }
        }

        if (clsCount > 0)
        {
            c = PolyMod(c, cls);
        }

        for (var j = 0; j < 8; j++)
        {
            c = PolyMod(c, 0);
        }

        c ^= 1;
        var result = new char[8];
        for (var j = 0; j < 8; j++)
        {
            result[j] = ChecksumCharset[(int)((c >> (5 * (7 - j))) & 31)];
        }

        return new string(result);
    }

    /// <summary>The descriptor with "#checksum" appended.</summary>
    public static string? AddChecksum(string descriptor) => Compute(descriptor) is { } sum ? descriptor + "#" + sum : null;

    private static ulong PolyMod(ulong c, int value)
    {
        var top = c >> 35;
        c = ((c & 0x7ffffffff) << 5) ^ (ulong)value;
        for (var i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                c ^= Generator[i];
            }
        }

        return c;
    }
}
