using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Blockstack.Node.Peers;

/// <summary>A peer's p2p address, <c>host:port</c> (IPv6 in brackets); compared case-insensitively.</summary>
public readonly record struct PeerAddress(string Host, int Port)
{
    public static bool TryParse(string? text, out PeerAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty address; expected host:port";
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not host:port";
            return false;
        }

        var host = text[..colon].Trim();
        if (host.StartsWith('[') != host.EndsWith(']'))
        {
            error = $"'{text}': unbalanced brackets around an IPv6 host";
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{text}': the port must be 1..65535";
            return false;
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            error = $"'{text}': bad host";
            return false;
        }

        address = new PeerAddress(host.ToLowerInvariant(), port);
        error = null;
        return true;
    }

    /// <summary>The gRPC address of this peer (plaintext HTTP/2).</summary>
    public Uri ToUri() => new($"http://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}");

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
