using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Addresses;

/// <summary>
/// Base58 (Bitcoin alphabet) and Base58Check (payload followed by the first four bytes of its
/// SHA-256d). Each leading zero byte is one leading '1'. Encoder and decoder side by side; the
/// decoders never throw and accept no whitespace.
/// </summary>
public static class Base58
{
    public const int ChecksumSize = 4;

    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static readonly sbyte[] Digits = BuildDigits();

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        // log(256)/log(58) ≈ 1.365, so 138/100 digits per byte is enough.
        var digits = new byte[((data.Length - zeros) * 138 / 100) + 1];
        var length = 0;
        foreach (var b in data[zeros..])
        {
            int carry = b;
            var i = 0;
            for (var j = digits.Length - 1; (carry != 0 || i < length) && j >= 0; j--, i++)
            {
                carry += 256 * digits[j];
                digits[j] = (byte)(carry % 58);
                carry /= 58;
            }

            length = i;
        }

        var chars = new char[zeros + length];
        chars.AsSpan(0, zeros).Fill('1');
        for (var i = 0; i < length; i++)
        {
            chars[zeros + i] = Alphabet[digits[digits.Length - length + i]];
        }

        return new string(chars);
    }

    public static bool TryDecode(string? text, out byte[] data)
    {
        data = [];
        if (text is null)
        {
            return false;
        }

        var ones = 0;
        while (ones < text.Length && text[ones] == '1')
        {
            ones++;
        }

        // log(58)/log(256) ≈ 0.733, so 733/1000 bytes per digit is enough.
        var bytes = new byte[((text.Length - ones) * 733 / 1000) + 1];
        var length = 0;
        for (var k = ones; k < text.Length; k++)
        {
            var c = text[k];
            var digit = c < Digits.Length ? Digits[c] : -1;
            if (digit < 0)
            {
                return false;
            }

            int carry = digit;
            var i = 0;
            for (var j = bytes.Length - 1; (carry != 0 || i < length) && j >= 0; j--, i++)
            {
                carry += 58 * bytes[j];
                bytes[j] = (byte)(carry & 0xff);
                carry >>= 8;
            }

            length = i;
        }

        data = new byte[ones + length];
        bytes.AsSpan(bytes.Length - length).CopyTo(data.AsSpan(ones));
        return true;
    }

    /// <summary>Base58 of payload || checksum.</summary>
    public static string EncodeCheck(ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[payload.Length + ChecksumSize];
        payload.CopyTo(buffer);
        Span<byte> hash = stackalloc byte[Hashes.Sha256Size];
        Hashes.Sha256d(payload, hash);
        hash[..ChecksumSize].CopyTo(buffer.AsSpan(payload.Length));
        return Encode(buffer);
    }

    /// <summary>Decodes Base58Check and returns the payload; false on any bad digit or checksum.</summary>
    public static bool TryDecodeCheck(string? text, out byte[] payload)
    {
        payload = [];
        if (!TryDecode(text, out var raw) || raw.Length < ChecksumSize)
        {
            return false;
        }

        var body = raw.AsSpan(0, raw.Length - ChecksumSize);
        Span<byte> hash = stackalloc byte[Hashes.Sha256Size];
        Hashes.Sha256d(body, hash);
        if (!hash[..ChecksumSize].SequenceEqual(raw.AsSpan(body.Length)))
        {
            return false;
        }

        payload = body.ToArray();
        return true;
    }

    private static sbyte[] BuildDigits()
    {
        var digits = new sbyte[128];
        Array.Fill(digits, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            digits[Alphabet[i]] = (sbyte)i;
        }

        return digits;
    }
}
