namespace Blockstack.Bitcoin.Addresses;

/// <summary>
/// Converts between address strings and the scriptPubKeys they stand for, decoder and encoder side
/// by side: P2PKH and P2SH (Base58Check), and segwit programs (BIP173 bech32 for version 0,
/// BIP350 bech32m for versions 1..16). Decoding never throws; failures carry a short reason.
/// </summary>
public static class BitcoinAddress
{
    /// <summary>Longest string considered for Base58Check decoding (longer is never an address).</summary>
    public const int MaxBase58Length = 100;

    private const int HashSize = 20;
    private const byte OpDup = 0x76;
    private const byte OpHash160 = 0xa9;
    private const byte OpEqual = 0x87;
    private const byte OpEqualVerify = 0x88;
    private const byte OpCheckSig = 0xac;
    private const byte Op0 = 0x00;
    private const byte Op1 = 0x51;
    private const byte Op16 = 0x60;

    /// <summary>
    /// Decodes an address for <paramref name="network"/> into its scriptPubKey. Bech32 addresses
    /// may be all lowercase or all uppercase; the HRP must be the network's.
    /// </summary>
    public static bool TryDecode(string? address, BitcoinNetwork network, out byte[] scriptPubKey, out string error)
    {
        ArgumentNullException.ThrowIfNull(network);
        scriptPubKey = [];
        if (string.IsNullOrEmpty(address))
        {
            error = "empty address";
            return false;
        }

        var separator = address.LastIndexOf('1');
        if (separator > 0 && address[..separator].Equals(network.Bech32Hrp, StringComparison.OrdinalIgnoreCase))
        {
            return TryDecodeSegwit(address, network, out scriptPubKey, out error);
        }

        if (address.Length <= MaxBase58Length && Base58.TryDecodeCheck(address, out var payload))
        {
            if (payload.Length != 1 + HashSize)
            {
                error = "invalid base58 payload length";
                return false;
            }

            if (payload[0] == network.PubKeyHashVersion)
            {
                scriptPubKey = P2pkh(payload.AsSpan(1));
                error = string.Empty;
                return true;
            }

            if (payload[0] == network.ScriptHashVersion)
            {
                scriptPubKey = P2sh(payload.AsSpan(1));
                error = string.Empty;
                return true;
            }

            error = "invalid base58 version byte for this network";
            return false;
        }

        error = Bech32.TryDecode(address, out _, out _, out _) ? "wrong bech32 HRP for this network" : "not a valid base58check or bech32 address";
        return false;
    }

    /// <summary>
    /// The address of a scriptPubKey on <paramref name="network"/>; false for scripts that have no
    /// address (P2PK, bare multisig, OP_RETURN, nonstandard, v0 programs not 20 or 32 bytes).
    /// </summary>
    public static bool TryEncode(ReadOnlySpan<byte> scriptPubKey, BitcoinNetwork network, out string address)
    {
        ArgumentNullException.ThrowIfNull(network);
        address = string.Empty;
        Span<byte> payload = stackalloc byte[1 + HashSize];
        if (IsP2pkh(scriptPubKey))
        {
            payload[0] = network.PubKeyHashVersion;
            scriptPubKey.Slice(3, HashSize).CopyTo(payload[1..]);
            address = Base58.EncodeCheck(payload);
            return true;
        }

        if (IsP2sh(scriptPubKey))
        {
            payload[0] = network.ScriptHashVersion;
            scriptPubKey.Slice(2, HashSize).CopyTo(payload[1..]);
            address = Base58.EncodeCheck(payload);
            return true;
        }

        if (!TryGetWitnessProgram(scriptPubKey, out var version, out var program))
        {
            return false;
        }

        if (!Bech32.TryConvertBits(program, 8, 5, true, out var data5))
        {
            return false;
        }

        address = Bech32.Encode(
            network.Bech32Hrp,
            [(byte)version, .. data5],
            version == 0 ? Bech32Variant.Bech32 : Bech32Variant.Bech32m);
        return true;
    }

    /// <summary>OP_DUP OP_HASH160 &lt;20&gt; OP_EQUALVERIFY OP_CHECKSIG.</summary>
    public static byte[] P2pkh(ReadOnlySpan<byte> pubKeyHash20)
    {
        RequireHash(pubKeyHash20);
        return [OpDup, OpHash160, HashSize, .. pubKeyHash20, OpEqualVerify, OpCheckSig];
    }

    /// <summary>OP_HASH160 &lt;20&gt; OP_EQUAL.</summary>
    public static byte[] P2sh(ReadOnlySpan<byte> scriptHash20)
    {
        RequireHash(scriptHash20);
        return [OpHash160, HashSize, .. scriptHash20, OpEqual];
    }

    /// <summary>OP_n &lt;program&gt; for a witness version 0..16 and a 2..40-byte program.</summary>
    public static byte[] WitnessProgram(int version, ReadOnlySpan<byte> program)
    {
        if (version is < 0 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(version), "witness version is 0..16");
        }

        if (program.Length is < 2 or > 40)
        {
            throw new ArgumentException("witness program is 2..40 bytes", nameof(program));
        }

        return [version == 0 ? Op0 : (byte)(Op1 + version - 1), (byte)program.Length, .. program];
    }

    private static bool TryDecodeSegwit(string address, BitcoinNetwork network, out byte[] scriptPubKey, out string error)
    {
        scriptPubKey = [];
        if (!Bech32.TryDecode(address, out var hrp, out var data5, out var variant))
        {
            error = "invalid bech32 string";
            return false;
        }

        if (hrp != network.Bech32Hrp)
        {
            error = "wrong bech32 HRP for this network";
            return false;
        }

        if (data5.Length == 0)
        {
            error = "empty witness data";
            return false;
        }

        int version = data5[0];
        if (version > 16)
        {
            error = "invalid witness version";
            return false;
        }

        if ((version == 0) != (variant == Bech32Variant.Bech32))
        {
            error = version == 0 ? "version 0 requires the bech32 checksum" : "versions 1..16 require the bech32m checksum";
            return false;
        }

        if (!Bech32.TryConvertBits(data5.AsSpan(1), 5, 8, false, out var program))
        {
            error = "invalid padding in witness program";
            return false;
        }

        if (program.Length is < 2 or > 40)
        {
            error = "invalid witness program length";
            return false;
        }

        if (version == 0 && program.Length is not (20 or 32))
        {
            error = "invalid witness program length for version 0";
            return false;
        }

        scriptPubKey = WitnessProgram(version, program);
        error = string.Empty;
        return true;
    }

    private static bool IsP2pkh(ReadOnlySpan<byte> script) =>
        script.Length == 25 && script[0] == OpDup && script[1] == OpHash160 && script[2] == HashSize
        && script[23] == OpEqualVerify && script[24] == OpCheckSig;

    private static bool IsP2sh(ReadOnlySpan<byte> script) =>
        script.Length == 23 && script[0] == OpHash160 && script[1] == HashSize && script[22] == OpEqual;

    private static bool TryGetWitnessProgram(ReadOnlySpan<byte> script, out int version, out ReadOnlySpan<byte> program)
    {
        version = -1;
        program = default;
        if (script.Length is < 4 or > 42 || script[1] != script.Length - 2)
        {
            return false;
        }

        if (script[0] == Op0)
        {
            version = 0;
        }
        else if (script[0] is >= Op1 and <= Op16)
        {
            version = script[0] - Op1 + 1;
        }
        else
        {
            return false;
        }

        program = script[2..];
        return version != 0 || program.Length is 20 or 32;
    }

    private static void RequireHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashSize)
        {
            throw new ArgumentException($"expected a {HashSize}-byte hash", nameof(hash));
        }
    }
}
