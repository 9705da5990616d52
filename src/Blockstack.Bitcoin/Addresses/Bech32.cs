using System.Text;

namespace Blockstack.Bitcoin.Addresses;

/// <summary>The two checksum variants: BIP173's bech32 and BIP350's bech32m.</summary>
public enum Bech32Variant
{
    Bech32 = 1,
    Bech32m = 2,
}

/// <summary>
/// Bech32 and bech32m strings (BIP173, BIP350): <c>hrp '1' data checksum</c> over 5-bit groups.
/// Encoder and decoder side by side; the decoder never throws. It accepts all-lowercase or
/// all-uppercase input (and returns the HRP lowercased), refuses mixed case, characters outside
/// 33..126, an empty HRP, fewer than six checksum characters and strings over the length limit
/// (90 unless given). Which checksum constant matches decides the variant.
/// </summary>
public static class Bech32
{
    public const int MaxLength = 90;
    public const int ChecksumLength = 6;

    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private const uint Bech32Constant = 1;
    private const uint Bech32mConstant = 0x2bc830a3;

    private static readonly sbyte[] CharsetRev = BuildCharsetRev();

    /// <summary>Encodes an HRP and 5-bit values (each 0..31) with the variant's checksum, lowercase.</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> data5, Bech32Variant variant)
    {
        ArgumentNullException.ThrowIfNull(hrp);
        if (hrp.Length == 0 || !IsValidHrp(hrp))
        {
            throw new ArgumentException("HRP must be 1..83 characters in 33..126", nameof(hrp));
        }

        var lowerHrp = hrp.ToLowerInvariant();
        var builder = new StringBuilder(lowerHrp.Length + 1 + data5.Length + ChecksumLength);
        builder.Append(lowerHrp).Append('1');
        foreach (var value in data5)
        {
            if (value > 31)
            {
                throw new ArgumentException("data values must be 5-bit", nameof(data5));
            }

            builder.Append(Charset[value]);
        }

        var polymod = Polymod(lowerHrp, data5, [0, 0, 0, 0, 0, 0]) ^ Constant(variant);
        for (var i = 0; i < ChecksumLength; i++)
        {
            builder.Append(Charset[(int)((polymod >> (5 * (5 - i))) & 31)]);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Decodes a bech32 or bech32m string into its lowercase HRP, its 5-bit data (checksum
    /// removed) and the variant whose checksum it carries. Never throws.
    /// </summary>
    public static bool TryDecode(string? text, out string hrp, out byte[] data5, out Bech32Variant variant, int maxLength = MaxLength)
    {
        hrp = string.Empty;
        data5 = [];
        variant = default;
        if (text is null || text.Length > maxLength)
        {
            return false;
        }

        bool hasLower = false, hasUpper = false;
        foreach (var c in text)
        {
            if (c is < (char)33 or > (char)126)
            {
                return false;
            }

            hasLower |= c is >= 'a' and <= 'z';
            hasUpper |= c is >= 'A' and <= 'Z';
        }

        if (hasLower && hasUpper)
        {
            return false;
        }

        var separator = text.LastIndexOf('1');
        if (separator < 1 || separator + 1 + ChecksumLength > text.Length)
        {
            return false;
        }

        var lower = text.ToLowerInvariant();
        var values = new byte[text.Length - separator - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var c = lower[separator + 1 + i];
            var value = c < CharsetRev.Length ? CharsetRev[c] : -1;
            if (value < 0)
            {
                return false;
            }

            values[i] = (byte)value;
        }

        var prefix = lower[..separator];
        var polymod = Polymod(prefix, values, []);
        if (polymod == Bech32Constant)
        {
            variant = Bech32Variant.Bech32;
        }
        else if (polymod == Bech32mConstant)
        {
            variant = Bech32Variant.Bech32m;
        }
        else
        {
            return false;
        }

        hrp = prefix;
        data5 = values[..^ChecksumLength];
        return true;
    }

    /// <summary>
    /// Regroups bits (e.g. 8 → 5 with padding for encoding, 5 → 8 without for decoding). Without
    /// padding, leftover bits must be fewer than <paramref name="fromBits"/> and all zero.
    /// </summary>
    public static bool TryConvertBits(ReadOnlySpan<byte> input, int fromBits, int toBits, bool pad, out byte[] output)
    {
        output = [];
        if (fromBits is < 1 or > 8 || toBits is < 1 or > 8)
        {
            return false;
        }

        var result = new List<byte>((input.Length * fromBits / toBits) + 1);
        var accumulator = 0;
        var bits = 0;
        var maxValue = (1 << toBits) - 1;
        foreach (var value in input)
        {
            if (value >> fromBits != 0)
            {
                return false;
            }

            accumulator = ((accumulator << fromBits) | value) & 0xffff;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                result.Add((byte)((accumulator >> bits) & maxValue));
            }
        }

        if (pad)
        {
            if (bits > 0)
            {
                result.Add((byte)((accumulator << (toBits - bits)) & maxValue));
            }
        }
        else if (bits >= fromBits || ((accumulator << (toBits - bits)) & maxValue) != 0)
        {
            return false;
        }

        output = [.. result];
        return true;
    }

    private static bool IsValidHrp(string hrp)
    {
        if (hrp.Length > 83)
        {
            return false;
        }

        foreach (var c in hrp)
        {
            if (c is < (char)33 or > (char)126)
            {
                return false;
            }
        }

        return true;
    }

    private static uint Constant(Bech32Variant variant) => variant switch
    {
        Bech32Variant.Bech32 => Bech32Constant,
        Bech32Variant.Bech32m => Bech32mConstant,
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    /// <summary>BIP173's checksum polynomial over the expanded HRP, then the values, then the tail.</summary>
    private static uint Polymod(string lowerHrp, ReadOnlySpan<byte> values, ReadOnlySpan<byte> tail)
    {
        uint chk = 1;
        foreach (var c in lowerHrp)
        {
            chk = Step(chk, (byte)(c >> 5));
        }

        chk = Step(chk, 0);
        foreach (var c in lowerHrp)
        {
            chk = Step(chk, (byte)(c & 31));
        }

        foreach (var v in values)
        {
            chk = Step(chk, v);
        }

        foreach (var v in tail)
        {
            chk = Step(chk, v);
        }

        return chk;
    }

    private static uint Step(uint chk, byte value)
    {
        var top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        if ((top & 1) != 0)
        {
            chk ^= 0x3b6a57b2;
        }

        if ((top & 2) != 0)
        {
            chk ^= 0x26508e6d;
        }

        if ((top & 4) != 0)
        {
            chk ^= 0x1ea119fa;
        }

        if ((top & 8) != 0)
        {
            chk ^= 0x3d4233dd;
        }

        if ((top & 16) != 0)
        {
            chk ^= 0x2a1462b3;
        }

        return chk;
    }

    private static sbyte[] BuildCharsetRev()
    {
        var rev = new sbyte[128];
        Array.Fill(rev, (sbyte)-1);
        for (var i = 0; i < Charset.Length; i++)
        {
            rev[Charset[i]] = (sbyte)i;
        }

        return rev;
    }
}
