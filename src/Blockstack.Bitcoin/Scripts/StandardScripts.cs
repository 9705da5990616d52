namespace Blockstack.Bitcoin.Scripts;

/// <summary>Output script templates, as Bitcoin Core's Solver classifies them (<c>TxoutType</c>).</summary>
public enum ScriptType
{
    NonStandard,
    PubKey,
    PubKeyHash,
    ScriptHash,
    Multisig,
    NullData,
    Anchor,
    WitnessV0KeyHash,
    WitnessV0ScriptHash,
    WitnessV1Taproot,
    WitnessUnknown,
}

/// <summary>
/// Classification of scriptPubKeys into Core's standard templates, extraction of what each
/// template commits to, and builders for the standard forms.
/// </summary>
public static class StandardScripts
{
    public const int MaxPubKeysPerMultisig = 20;

    /// <summary>Core's long-standing default relay limit for a whole OP_RETURN output script.</summary>
    public const int DefaultMaxNullDataSize = 83;

    /// <summary>The name <c>decoderawtransaction</c> prints for a type.</summary>
    public static string GetName(ScriptType type) => type switch
    {
        ScriptType.NonStandard => "nonstandard",
        ScriptType.PubKey => "pubkey",
        ScriptType.PubKeyHash => "pubkeyhash",
        ScriptType.ScriptHash => "scripthash",
        ScriptType.Multisig => "multisig",
        ScriptType.NullData => "nulldata",
        ScriptType.Anchor => "anchor",
        ScriptType.WitnessV0KeyHash => "witness_v0_keyhash",
        ScriptType.WitnessV0ScriptHash => "witness_v0_scripthash",
        ScriptType.WitnessV1Taproot => "witness_v1_taproot",
        ScriptType.WitnessUnknown => "witness_unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static ScriptType Classify(ReadOnlySpan<byte> script) => Solve(script, out _);

    /// <summary>
    /// Core's Solver. <paramref name="solutions"/> receives what the template commits to: the
    /// hash or program; for a pubkey script the key; for multisig m, the keys, n (m and n as
    /// one byte each); for an unknown witness version the version byte then the program.
    /// </summary>
    public static ScriptType Solve(ReadOnlySpan<byte> script, out IReadOnlyList<byte[]> solutions)
    {
        solutions = [];
        if (Script.IsPayToScriptHash(script))
        {
            solutions = [script.Slice(2, 20).ToArray()];
            return ScriptType.ScriptHash;
        }

        if (Script.IsWitnessProgram(script, out var version, out var program))
        {
            if (version == 0 && program.Length == 20)
            {
                solutions = [program.ToArray()];
                return ScriptType.WitnessV0KeyHash;
            }

            if (version == 0 && program.Length == 32)
            {
                solutions = [program.ToArray()];
                return ScriptType.WitnessV0ScriptHash;
            }

            if (version == 1 && program.Length == 32)
            {
                solutions = [program.ToArray()];
                return ScriptType.WitnessV1Taproot;
            }

            if (Script.IsPayToAnchor(script))
            {
                return ScriptType.Anchor;
            }

            if (version != 0)
            {
                solutions = [[(byte)version], program.ToArray()];
                return ScriptType.WitnessUnknown;
            }

            return ScriptType.NonStandard;
        }

        if (script.Length >= 1 && script[0] == (byte)Opcode.OP_RETURN && Script.IsPushOnly(script[1..]))
        {
            return ScriptType.NullData;
        }

        if (MatchPayToPubKey(script, out var pubKey))
        {
            solutions = [pubKey.ToArray()];
            return ScriptType.PubKey;
        }

        if (Script.IsPayToPubKeyHash(script))
        {
            solutions = [script.Slice(3, 20).ToArray()];
            return ScriptType.PubKeyHash;
        }

        if (MatchMultisig(script, out var required, out var keys))
        {
            var list = new List<byte[]>(keys.Count + 2) { new[] { (byte)required } };
            list.AddRange(keys);
            list.Add([(byte)keys.Count]);
            solutions = list;
            return ScriptType.Multisig;
        }

        return ScriptType.NonStandard;
    }

    /// <summary>
    /// An OP_RETURN output Core would relay under a data-carrier limit on the whole script size
    /// (83 bytes was Core's default for a decade; newer releases raise it).
    /// </summary>
    public static bool IsStandardNullData(ReadOnlySpan<byte> script, int maxScriptSize = DefaultMaxNullDataSize) =>
        Classify(script) == ScriptType.NullData && script.Length <= maxScriptSize;

    /// <summary>A SEC1 public key by size and prefix only (Core's <c>CPubKey::ValidSize</c>).</summary>
    public static bool IsValidPubKeySize(ReadOnlySpan<byte> key) =>
        key.Length > 0 && key.Length == key[0] switch
        {
            2 or 3 => 33,
            4 or 6 or 7 => 65,
            _ => 0,
        };

    /// <summary>The 20-byte hash of a P2PKH, P2SH or P2WPKH script, or the 32-byte program of P2WSH/P2TR.</summary>
    public static bool TryGetDestinationHash(ReadOnlySpan<byte> script, out ScriptType type, out ReadOnlySpan<byte> hash)
    {
        hash = default;
        type = ScriptType.NonStandard;
        if (Script.IsPayToPubKeyHash(script))
        {
            type = ScriptType.PubKeyHash;
            hash = script.Slice(3, 20);
            return true;
        }

        if (Script.IsPayToScriptHash(script))
        {
            type = ScriptType.ScriptHash;
            hash = script.Slice(2, 20);
            return true;
        }

        if (Script.IsWitnessProgram(script, out var version, out var program))
        {
            type = (version, program.Length) switch
            {
                (0, 20) => ScriptType.WitnessV0KeyHash,
                (0, 32) => ScriptType.WitnessV0ScriptHash,
                (1, 32) when !Script.IsPayToAnchor(script) => ScriptType.WitnessV1Taproot,
                _ => ScriptType.NonStandard,
            };
            if (type != ScriptType.NonStandard)
            {
                hash = program;
                return true;
            }
        }

        return false;
    }

    /// <summary>The data pushes of a standard OP_RETURN script, in order; false if it is not one.</summary>
    public static bool TryGetNullData(ReadOnlySpan<byte> script, out IReadOnlyList<byte[]> pushes)
    {
        pushes = [];
        if (Classify(script) != ScriptType.NullData)
        {
            return false;
        }

        var list = new List<byte[]>();
        var reader = new ScriptReader(script[1..]);
        while (reader.TryReadOp(out var opcode, out var data))
        {
            list.Add(opcode is >= Opcode.OP_1NEGATE and <= Opcode.OP_16 && opcode != Opcode.OP_RESERVED
                ? ScriptNum.Encode(opcode == Opcode.OP_1NEGATE ? -1 : Script.DecodeSmallInteger(opcode))
                : data.ToArray());
        }

        pushes = list;
        return true;
    }

    public static byte[] PayToPubKeyHash(ReadOnlySpan<byte> hash160)
    {
        RequireLength(hash160, 20, nameof(hash160));
        return [(byte)Opcode.OP_DUP, (byte)Opcode.OP_HASH160, 20, .. hash160, (byte)Opcode.OP_EQUALVERIFY, (byte)Opcode.OP_CHECKSIG];
    }

    public static byte[] PayToScriptHash(ReadOnlySpan<byte> hash160)
    {
        RequireLength(hash160, 20, nameof(hash160));
        return [(byte)Opcode.OP_HASH160, 20, .. hash160, (byte)Opcode.OP_EQUAL];
    }

    public static byte[] PayToWitnessPubKeyHash(ReadOnlySpan<byte> hash160)
    {
        RequireLength(hash160, 20, nameof(hash160));
        return WitnessProgram(0, hash160);
    }

    public static byte[] PayToWitnessScriptHash(ReadOnlySpan<byte> sha256)
    {
        RequireLength(sha256, 32, nameof(sha256));
        return WitnessProgram(0, sha256);
    }

    public static byte[] PayToTaproot(ReadOnlySpan<byte> outputKey)
    {
        RequireLength(outputKey, 32, nameof(outputKey));
        return WitnessProgram(1, outputKey);
    }

    /// <summary>A witness program output: version opcode then one direct push of the program.</summary>
    public static byte[] WitnessProgram(int version, ReadOnlySpan<byte> program)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, 16);
        if (program.Length is < Script.MinWitnessProgramSize or > Script.MaxWitnessProgramSize)
        {
            throw new ArgumentException("a witness program is 2 to 40 bytes", nameof(program));
        }

        return [(byte)Script.EncodeSmallInteger(version), (byte)program.Length, .. program];
    }

    /// <summary>OP_RETURN followed by one minimal push of <paramref name="data"/> (any length).</summary>
    public static byte[] NullData(ReadOnlySpan<byte> data) => [(byte)Opcode.OP_RETURN, .. Push(data)];

    /// <summary>The smallest push of <paramref name="data"/> as a direct or OP_PUSHDATA push (no OP_n substitution).</summary>
    public static byte[] Push(ReadOnlySpan<byte> data) => data.Length switch
    {
        < (int)Opcode.OP_PUSHDATA1 => [(byte)data.Length, .. data],
        <= 0xff => [(byte)Opcode.OP_PUSHDATA1, (byte)data.Length, .. data],
        <= 0xffff => [(byte)Opcode.OP_PUSHDATA2, (byte)data.Length, (byte)(data.Length >> 8), .. data],
        _ => [(byte)Opcode.OP_PUSHDATA4, (byte)data.Length, (byte)(data.Length >> 8), (byte)(data.Length >> 16), (byte)(data.Length >> 24), .. data],
    };

    private static bool MatchPayToPubKey(ReadOnlySpan<byte> script, out ReadOnlySpan<byte> pubKey)
    {
        pubKey = default;
        if ((script.Length == 67 && script[0] == 65) || (script.Length == 35 && script[0] == 33))
        {
            if (script[^1] != (byte)Opcode.OP_CHECKSIG)
            {
                return false;
            }

            pubKey = script[1..^1];
            return IsValidPubKeySize(pubKey);
        }

        return false;
    }

    private static bool MatchMultisig(ReadOnlySpan<byte> script, out int required, out List<byte[]> keys)
    {
        required = 0;
        keys = [];
        if (script.Length < 1 || script[^1] != (byte)Opcode.OP_CHECKMULTISIG)
        {
            return false;
        }

        var reader = new ScriptReader(script);
        if (!reader.TryReadOp(out var opcode, out var data) || !TryGetScriptNumber(opcode, data, 1, MaxPubKeysPerMultisig, out required))
        {
            return false;
        }

        bool ok;
        while ((ok = reader.TryReadOp(out opcode, out data)) && IsValidPubKeySize(data))
        {
            keys.Add(data.ToArray());
        }

        if (!ok)
        {
            // Core's failed GetOp leaves the opcode invalid, which is not a number.
            return false;
        }

        if (!TryGetScriptNumber(opcode, data, required, MaxPubKeysPerMultisig, out var count) || keys.Count != count)
        {
            return false;
        }

        return reader.Position + 1 == script.Length;
    }

    /// <summary>OP_1..OP_16, or a minimal push of a minimally encoded number, within [min, max].</summary>
    private static bool TryGetScriptNumber(Opcode opcode, ReadOnlySpan<byte> data, int min, int max, out int value)
    {
        value = 0;
        long number;
        if (Script.IsSmallInteger(opcode))
        {
            number = Script.DecodeSmallInteger(opcode);
        }
        else if (opcode is > Opcode.OP_0 and <= Opcode.OP_PUSHDATA4)
        {
            if (!IsMinimalPush(data, opcode) || !ScriptNum.TryDecodeMinimal(data, out number))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (number < min || number > max)
        {
            return false;
        }

        value = (int)number;
        return true;
    }

    /// <summary>Core's CheckMinimalPush: the push uses the shortest opcode for its data.</summary>
    public static bool IsMinimalPush(ReadOnlySpan<byte> data, Opcode opcode)
    {
        if (data.Length == 0)
        {
            return opcode == Opcode.OP_0;
        }

        if (data.Length == 1 && data[0] is >= 1 and <= 16)
        {
            return false;
        }

        if (data.Length == 1 && data[0] == 0x81)
        {
            return false;
        }

        if (data.Length <= 75)
        {
            return (int)opcode == data.Length;
        }

        if (data.Length <= 255)
        {
            return opcode == Opcode.OP_PUSHDATA1;
        }

        if (data.Length <= 65535)
        {
            return opcode == Opcode.OP_PUSHDATA2;
        }

        return true;
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"expected {length} bytes, got {value.Length}", name);
        }
    }
}
