using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Blockstack.Node.Grpc;

/// <summary>
/// AIP-158 page tokens: opaque base64url of version 1, an 8-byte digest of the request's other
/// parameters, and the cursor. A token replayed with different parameters is rejected.
/// </summary>
internal static class BnsPageToken
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    private const byte Version = 1;

    public static string Encode(string scope, byte[]? cursor)
    {
        if (cursor is null)
        {
            return "";
        }

        var bytes = new byte[1 + 8 + cursor.Length];
        bytes[0] = Version;
        Digest(scope).CopyTo(bytes.AsSpan(1));
        cursor.CopyTo(bytes.AsSpan(9));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Null cursor for an empty token; false for a token that is malformed or from another request.</summary>
    public static bool TryDecode(string token, string scope, out byte[]? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length < 9 || bytes[0] != Version || !bytes.AsSpan(1, 8).SequenceEqual(Digest(scope)))
        {
            return false;
        }

        cursor = bytes[9..];
        return true;
    }

    private static byte[] Digest(string scope) => SHA256.HashData(Encoding.UTF8.GetBytes(scope))[..8];
}
