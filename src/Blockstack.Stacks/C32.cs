using System.Diagnostics.CodeAnalysis;
using System.Text;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Stacks;

/// <summary>
/// Crockford-style base-32 used by Stacks addresses. <see cref="Encode"/> is a big-number encoding
/// with one leading <c>0</c> per leading zero byte; c32check adds a version character and a
/// 4-byte SHA-256d checksum of <c>version || payload</c>.
/// </summary>
public static class C32
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private const int ChecksumSize = 4;

    /// <summary>Plain c32 encoding of the bytes.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var digits = new List<byte>(data.Length * 8 / 5 + 2);
        var acc = 0;
        var bits = 0;
        for (var i = data.Length - 1; i >= 0; i--)
        {
            acc |= data[i] << bits;
            bits += 8;
            while (bits >= 5)
            {
                digits.Add((byte)(acc & 31));
                acc >>= 5;
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            digits.Add((byte)(acc & 31));
        }

        while (digits.Count > 0 && digits[^1] == 0)
        {
            digits.RemoveAt(digits.Count - 1);
        }

        for (var i = 0; i < data.Length && data[i] == 0; i++)
        {
            digits.Add(0);
        }

        var sb = new StringBuilder(digits.Count);
        for (var i = digits.Count - 1; i >= 0; i--)
        {
            sb.Append(Alphabet[digits[i]]);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Decodes c32 text. Case-insensitive; <c>O</c> reads as <c>0</c> and <c>I</c>/<c>L</c> as <c>1</c>,
    /// as the reference decoder normalises them.
    /// </summary>
    public static bool TryDecode(string text, [NotNullWhen(true)] out byte[]? data, out StacksError error)
    {
        ArgumentNullException.ThrowIfNull(text);
        data = null;
        error = default;
        var digits = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var v = DigitValue(text[i]);
            if (v < 0)
            {
                error = new StacksError(StacksErrorCodes.C32BadCharacter, $"'{text[i]}' is not a c32 character");
                return false;
            }

            digits[i] = (byte)v;
        }

        var bytes = new List<byte>(text.Length * 5 / 8 + 1);
        var acc = 0;
        var bits = 0;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            acc |= digits[i] << bits;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(acc & 0xff));
                acc >>= 8;
                bits -= 8;
            }
        }

        if (acc != 0)
        {
            bytes.Add((byte)acc);
        }

        while (bytes.Count > 0 && bytes[^1] == 0)
        {
            bytes.RemoveAt(bytes.Count - 1);
        }

        for (var i = 0; i < digits.Length && digits[i] == 0; i++)
        {
            bytes.Add(0);
        }

        bytes.Reverse();
        data = [.. bytes];
        return true;
    }

    /// <summary>c32check: version character, then c32 of <c>payload || checksum4</c>.</summary>
    public static string CheckEncode(byte version, ReadOnlySpan<byte> payload)
    {
        if (version >= 32)
        {
            throw new ArgumentOutOfRangeException(nameof(version), "a c32check version is below 32");
        }

        var buffer = new byte[payload.Length + ChecksumSize];
        payload.CopyTo(buffer);
        Checksum(version, payload, buffer.AsSpan(payload.Length));
        return Alphabet[version] + Encode(buffer);
    }

    public static bool TryCheckDecode(string text, out byte version, [NotNullWhen(true)] out byte[]? payload, out StacksError error)
    {
        ArgumentNullException.ThrowIfNull(text);
        version = 0;
        payload = null;
        if (text.Length < 2)
        {
            error = new StacksError(StacksErrorCodes.C32BadLength, "c32check text is too short");
            return false;
        }

        var v = DigitValue(text[0]);
        if (v < 0)
        {
            error = new StacksError(StacksErrorCodes.C32BadVersion, $"'{text[0]}' is not a c32 version character");
            return false;
        }

        if (!TryDecode(text[1..], out var decoded, out error))
        {
            return false;
        }

        if (decoded.Length < ChecksumSize)
        {
            error = new StacksError(StacksErrorCodes.C32BadLength, "c32check data is shorter than its checksum");
            return false;
        }

        var body = decoded.AsSpan(0, decoded.Length - ChecksumSize);
        Span<byte> expected = stackalloc byte[ChecksumSize];
        Checksum((byte)v, body, expected);
        if (!expected.SequenceEqual(decoded.AsSpan(decoded.Length - ChecksumSize)))
        {
            error = new StacksError(StacksErrorCodes.C32BadChecksum, "c32check checksum does not match");
            return false;
        }

        version = (byte)v;
        payload = body.ToArray();
        error = default;
        return true;
    }

    private static void Checksum(byte version, ReadOnlySpan<byte> payload, Span<byte> output)
    {
        var buffer = new byte[payload.Length + 1];
        buffer[0] = version;
        payload.CopyTo(buffer.AsSpan(1));
        Span<byte> h = stackalloc byte[32];
        Hashes.Sha256d(buffer, h);
        h[..ChecksumSize].CopyTo(output);
    }

    private static int DigitValue(char c)
    {
        c = char.ToUpperInvariant(c);
        c = c switch
        {
            'O' => '0',
            'I' or 'L' => '1',
            _ => c,
        };
        return Alphabet.IndexOf(c, StringComparison.Ordinal);
    }
}
