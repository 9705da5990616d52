using System.Diagnostics.CodeAnalysis;

namespace Blockstack.Stacks;

/// <summary>Stacks address versions (the c32 character after the leading <c>S</c>).</summary>
public static class StacksAddressVersion
{
    /// <summary><c>SP</c>: mainnet single-sig.</summary>
    public const byte MainnetSingleSig = 22;

    /// <summary><c>SM</c>: mainnet multi-sig.</summary>
    public const byte MainnetMultiSig = 20;

    /// <summary><c>ST</c>: testnet single-sig.</summary>
    public const byte TestnetSingleSig = 26;

    /// <summary><c>SN</c>: testnet multi-sig.</summary>
    public const byte TestnetMultiSig = 21;

    public const byte BitcoinMainnetP2pkh = 0;
    public const byte BitcoinMainnetP2sh = 5;
    public const byte BitcoinTestnetP2pkh = 111;
    public const byte BitcoinTestnetP2sh = 196;

    /// <summary>The Stacks version for a legacy Bitcoin address version, by the fixed map; null if none.</summary>
    public static byte? FromBitcoinVersion(byte bitcoinVersion) => bitcoinVersion switch
    {
        BitcoinMainnetP2pkh => MainnetSingleSig,
        BitcoinMainnetP2sh => MainnetMultiSig,
        BitcoinTestnetP2pkh => TestnetSingleSig,
        BitcoinTestnetP2sh => TestnetMultiSig,
        _ => null,
    };

    /// <summary>The legacy Bitcoin address version for a Stacks version; null if none.</summary>
    public static byte? ToBitcoinVersion(byte stacksVersion) => stacksVersion switch
    {
        MainnetSingleSig => BitcoinMainnetP2pkh,
        MainnetMultiSig => BitcoinMainnetP2sh,
        TestnetSingleSig => BitcoinTestnetP2pkh,
        TestnetMultiSig => BitcoinTestnetP2sh,
        _ => null,
    };

    public static bool IsMainnet(byte version) => version is MainnetSingleSig or MainnetMultiSig;
}

/// <summary>A Stacks address: a c32 version (0..31) and a Hash160. Prints as c32check (<c>SP...</c>).</summary>
public readonly record struct StacksAddress(byte Version, Hash160 Hash)
{
    public const int SerializedSize = 1 + Hash160.Size;

    public override string ToString() => "S" + C32.CheckEncode(Version, Hash.ToArray());

    public static bool TryParse(string? text, out StacksAddress address, out StacksError error)
    {
        address = default;
        if (text is null || text.Length <= 5)
        {
            error = new StacksError(StacksErrorCodes.C32BadLength, "a Stacks address is longer than 5 characters");
            return false;
        }

        if (text[0] is not ('S' or 's'))
        {
            error = new StacksError(StacksErrorCodes.AddressBadPrefix, "a Stacks address starts with S");
            return false;
        }

        if (!C32.TryCheckDecode(text[1..], out var version, out var payload, out error))
        {
            return false;
        }

        if (payload.Length != Hash160.Size)
        {
            error = new StacksError(StacksErrorCodes.C32BadLength, $"a Stacks address carries 20 bytes, not {payload.Length}");
            return false;
        }

        address = new StacksAddress(version, new Hash160(payload));
        return true;
    }

    public static StacksAddress Parse(string text) =>
        TryParse(text, out var a, out var e) ? a : throw new FormatException(e.ToString());

    public static bool TryParse(string? text, [NotNullWhen(true)] out StacksAddress? address)
    {
        var ok = TryParse(text, out StacksAddress a, out _);
        address = ok ? a : null;
        return ok;
    }
}

/// <summary>Conversion between Stacks addresses and legacy (base58check) Bitcoin addresses by the version map.</summary>
public static class StacksBitcoinAddress
{
    /// <summary>The base58check Bitcoin address with the same hash (SP↔1, SM↔3, ST↔m/n, SN↔2).</summary>
    public static bool TryToBitcoin(StacksAddress address, [NotNullWhen(true)] out string? bitcoinAddress, out StacksError error)
    {
        bitcoinAddress = null;
        if (StacksAddressVersion.ToBitcoinVersion(address.Version) is not { } version)
        {
            error = new StacksError(StacksErrorCodes.AddressNoVersionMapping, $"Stacks version {address.Version} has no Bitcoin counterpart");
            return false;
        }

        var payload = new byte[1 + Hash160.Size];
        payload[0] = version;
        address.Hash.WriteTo(payload.AsSpan(1));
        bitcoinAddress = Bitcoin.Addresses.Base58.EncodeCheck(payload);
        error = default;
        return true;
    }

    public static bool TryFromBitcoin(string? bitcoinAddress, out StacksAddress address, out StacksError error)
    {
        address = default;
        if (!Bitcoin.Addresses.Base58.TryDecodeCheck(bitcoinAddress, out var payload) || payload.Length != 1 + Hash160.Size)
        {
            error = new StacksError(StacksErrorCodes.AddressBadPrefix, "not a legacy base58check Bitcoin address");
            return false;
        }

        if (StacksAddressVersion.FromBitcoinVersion(payload[0]) is not { } version)
        {
            error = new StacksError(StacksErrorCodes.AddressNoVersionMapping, $"Bitcoin version {payload[0]} has no Stacks counterpart");
            return false;
        }

        address = new StacksAddress(version, new Hash160(payload.AsSpan(1)));
        error = default;
        return true;
    }
}
