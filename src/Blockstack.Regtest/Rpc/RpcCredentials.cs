using System.Security.Cryptography;
using System.Text;

namespace Blockstack.Regtest.Rpc;

/// <summary>
/// The user and password every request must present by HTTP Basic auth. With no configured
/// password, bitcoind makes a random cookie (<c>__cookie__</c>, 32 random bytes as hex) and writes
/// it to <c>&lt;datadir&gt;/regtest/.cookie</c>; <see cref="CookieFile"/> does that part.
/// </summary>
public sealed record RpcCredentials(string User, string Password)
{
    public const string CookieUser = "__cookie__";

    public static RpcCredentials NewCookie() =>
        new(CookieUser, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    /// <summary>The value of an <c>Authorization</c> header carrying these credentials.</summary>
    public string ToAuthorizationHeader() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password));

    /// <summary>Checks an Authorization header value in constant time over the expected bytes.</summary>
    public bool Matches(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = authorization.AsSpan(6).Trim();
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
        {
            return false;
        }

        var expected = Encoding.UTF8.GetBytes(User + ":" + Password);
        return CryptographicOperations.FixedTimeEquals(buffer.AsSpan(0, written), expected);
    }

    public override string ToString() => $"{User}:***";
}

/// <summary>bitcoind's cookie file: written to <c>.cookie.tmp</c> then renamed, owner-only, no newline.</summary>
public static class CookieFile
{
    public static string PathFor(string dataDir) => System.IO.Path.Combine(dataDir, "regtest", ".cookie");

    public static void Write(string path, RpcCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var dir = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(tmp, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(credentials.User + ":" + credentials.Password));
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
    }

    public static RpcCredentials? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : new RpcCredentials(text[..colon], text[(colon + 1)..]);
    }

    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
