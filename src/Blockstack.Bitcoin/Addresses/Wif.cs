using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Bitcoin.Addresses;

/// <summary>
/// Wallet Import Format: Base58Check of <c>version || secret32 [|| 0x01]</c>, the trailing 0x01
/// marking a key whose public key is used compressed. Encoder and decoder side by side; the
/// decoder never throws and refuses secrets outside [1, n-1].
/// </summary>
public static class Wif
{
    private const int SecretSize = 32;
    private const byte CompressedFlag = 0x01;

    public static string Encode(ReadOnlySpan<byte> secret, bool compressed, BitcoinNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!CurveOrder.IsInRange(secret))
        {
            throw new ArgumentException("secret is not a valid private key", nameof(secret));
        }

        Span<byte> payload = stackalloc byte[1 + SecretSize + 1];
        payload[0] = network.WifVersion;
        secret.CopyTo(payload[1..]);
        payload[^1] = CompressedFlag;
        return Base58.EncodeCheck(compressed ? payload : payload[..^1]);
    }

    public static bool TryDecode(string? wif, BitcoinNetwork network, out byte[] secret, out bool compressed)
    {
        ArgumentNullException.ThrowIfNull(network);
        secret = [];
        compressed = false;
        if (wif is null || wif.Length > BitcoinAddress.MaxBase58Length || !Base58.TryDecodeCheck(wif, out var payload))
        {
            return false;
        }

        var isCompressed = payload.Length == 1 + SecretSize + 1 && payload[^1] == CompressedFlag;
        if (!isCompressed && payload.Length != 1 + SecretSize)
        {
            return false;
        }

        if (payload[0] != network.WifVersion || !CurveOrder.IsInRange(payload.AsSpan(1, SecretSize)))
        {
            return false;
        }

        secret = payload[1..(1 + SecretSize)];
        compressed = isCompressed;
        return true;
    }
}
