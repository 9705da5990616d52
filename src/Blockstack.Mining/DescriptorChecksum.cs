namespace Blockstack.Mining;

/// <summary>
/// BIP 380 output-descriptor checksums. Each descriptor character is looked up in a 95-character
/// table: its position's low 5 bits are one symbol, and every three characters also contribute
/// one symbol made of their "group" numbers (position / 32). The symbols are run through a BCH
/// code over GF(32) with the five generator constants of the BIP; the 40-bit result, XORed with
/// 1, is written as 8 characters of the bech32 alphabet. bitcoind demands the checksum on
/// <c>importdescriptors</c>.
/// </summary>
public static class DescriptorChecksum
{
    private const string Symbols = "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
    private const string Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    /// <summary>The 8-character checksum of <paramref name="descriptor"/> (no "#" part), or null when it holds a character outside the table.</summary>
    public static string? Compute(string descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ulong checksum = 1;
        var group = 0;
        var inGroup = 0;
        foreach (var ch in descriptor)
        {
            var position = Symbols.IndexOf(ch, StringComparison.Ordinal);
            if (position < 0)
            {
                return null;
            }

            checksum = Step(checksum, position & 31);
            group = (group * 3) + (position >> 5);
            if (++inGroup == 3)
            {
                checksum = Step(checksum, group);
                group = 0;
                inGroup = 0;
            }
        }

        if (inGroup > 0)
        {
            checksum = Step(checksum, group);
        }

        for (var i = 0; i < 8; i++)
        {
            checksum = Step(checksum, 0);
        }

        checksum ^= 1;
        var text = new char[8];
        for (var i = 0; i < 8; i++)
        {
            text[i] = Alphabet[(int)((checksum >> (5 * (7 - i))) & 31)];
        }

        return new string(text);
    }

    /// <summary><paramref name="descriptor"/> followed by "#" and its checksum.</summary>
    public static string Append(string descriptor) =>
        descriptor + "#" + (Compute(descriptor) ?? throw new ArgumentException("the descriptor holds a character BIP 380 does not allow", nameof(descriptor)));

    /// <summary>True when <paramref name="text"/> is "descriptor#checksum" with the right 8-character checksum.</summary>
    public static bool Verify(string? text)
    {
        if (text is null)
        {
            return false;
        }

        var hash = text.LastIndexOf('#');
        if (hash < 0 || text.Length - hash - 1 != 8)
        {
            return false;
        }

        return Compute(text[..hash]) is { } expected && string.Equals(expected, text[(hash + 1)..], StringComparison.Ordinal);
    }

    /// <summary>One step of the BCH code: shift in a 5-bit symbol and reduce by the generators.</summary>
    private static ulong Step(ulong c, int symbol)
    {
        var top = c >> 35;
        c = ((c & 0x7_ffff_ffffUL) << 5) ^ (ulong)symbol;
        if ((top & 1) != 0)
        {
            c ^= 0xf5dee51989;
        }

        if ((top & 2) != 0)
        {
            c ^= 0xa9fdca3312;
        }

        if ((top & 4) != 0)
        {
            c ^= 0x1bab10e32d;
        }

        if ((top & 8) != 0)
        {
            c ^= 0x3706b1677a;
        }

        if ((top & 16) != 0)
        {
            c ^= 0x644d626ffd;
        }

        return c;
    }
}
