using System.Text;

namespace Blockstack.Bitcoin.Scripts;

/// <summary>Facts about a script's bytes, and its assembly text as Bitcoin Core prints it.</summary>
public static class Script
{
    /// <summary>Core's MAX_SCRIPT_SIZE: longer scripts are unspendable.</summary>
    public const int MaxScriptSize = 10_000;

    /// <summary>The smallest and largest witness program lengths (BIP141).</summary>
    public const int MinWitnessProgramSize = 2;
    public const int MaxWitnessProgramSize = 40;

    public static bool IsSmallInteger(Opcode opcode) => opcode is >= Opcode.OP_1 and <= Opcode.OP_16;

    /// <summary>OP_0 is 0, OP_1..OP_16 are 1..16.</summary>
    public static int DecodeSmallInteger(Opcode opcode) => opcode == Opcode.OP_0 ? 0 : (int)opcode - ((int)Opcode.OP_1 - 1);

    /// <summary>OP_0 for 0, OP_1..OP_16 for 1..16.</summary>
    public static Opcode EncodeSmallInteger(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 16);
        return value == 0 ? Opcode.OP_0 : (Opcode)((int)Opcode.OP_1 + value - 1);
    }

    /// <summary>Every operation parses and is a push or a small number (OP_RESERVED counts, as in Core).</summary>
    public static bool IsPushOnly(ReadOnlySpan<byte> script)
    {
        var reader = new ScriptReader(script);
        while (!reader.IsEnd)
        {
            if (!reader.TryReadOp(out var opcode, out _) || opcode > Opcode.OP_16)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts with OP_RETURN or exceeds the maximum script size.</summary>
    public static bool IsUnspendable(ReadOnlySpan<byte> script) =>
        (script.Length > 0 && script[0] == (byte)Opcode.OP_RETURN) || script.Length > MaxScriptSize;

    public static bool IsPayToScriptHash(ReadOnlySpan<byte> script) =>
        script.Length == 23 && script[0] == (byte)Opcode.OP_HASH160 && script[1] == 20 && script[22] == (byte)Opcode.OP_EQUAL;

    public static bool IsPayToPubKeyHash(ReadOnlySpan<byte> script) =>
        script.Length == 25 && script[0] == (byte)Opcode.OP_DUP && script[1] == (byte)Opcode.OP_HASH160 && script[2] == 20
        && script[23] == (byte)Opcode.OP_EQUALVERIFY && script[24] == (byte)Opcode.OP_CHECKSIG;

    /// <summary>The BIP141 witness program form: a version opcode, then one direct push of 2–40 bytes.</summary>
    public static bool IsWitnessProgram(ReadOnlySpan<byte> script, out int version, out ReadOnlySpan<byte> program)
    {
        version = -1;
        program = default;
        if (script.Length is < 4 or > 42)
        {
            return false;
        }

        var first = (Opcode)script[0];
        if (first != Opcode.OP_0 && !IsSmallInteger(first))
        {
            return false;
        }

        if (script[1] + 2 != script.Length)
        {
            return false;
        }

        version = DecodeSmallInteger(first);
        program = script[2..];
        return true;
    }

    /// <summary>The pay-to-anchor output script <c>OP_1 0x4e73</c>.</summary>
    public static bool IsPayToAnchor(ReadOnlySpan<byte> script) =>
        script.Length == 4 && script[0] == (byte)Opcode.OP_1 && script[1] == 2 && script[2] == 0x4e && script[3] == 0x73;

    /// <summary>Core's <c>GetOpName</c>: "0", "-1", "1".."16", otherwise the OP_ name or OP_UNKNOWN.</summary>
    public static string GetOpName(Opcode opcode) => opcode switch
    {
        Opcode.OP_0 => "0",
        Opcode.OP_PUSHDATA1 => "OP_PUSHDATA1",
        Opcode.OP_PUSHDATA2 => "OP_PUSHDATA2",
        Opcode.OP_PUSHDATA4 => "OP_PUSHDATA4",
        Opcode.OP_1NEGATE => "-1",
        Opcode.OP_RESERVED => "OP_RESERVED",
        Opcode.OP_1 => "1",
        Opcode.OP_2 => "2",
        Opcode.OP_3 => "3",
        Opcode.OP_4 => "4",
        Opcode.OP_5 => "5",
        Opcode.OP_6 => "6",
        Opcode.OP_7 => "7",
        Opcode.OP_8 => "8",
        Opcode.OP_9 => "9",
        Opcode.OP_10 => "10",
        Opcode.OP_11 => "11",
        Opcode.OP_12 => "12",
        Opcode.OP_13 => "13",
        Opcode.OP_14 => "14",
        Opcode.OP_15 => "15",
        Opcode.OP_16 => "16",
        Opcode.OP_NOP => "OP_NOP",
        Opcode.OP_VER => "OP_VER",
        Opcode.OP_IF => "OP_IF",
        Opcode.OP_NOTIF => "OP_NOTIF",
        Opcode.OP_VERIF => "OP_VERIF",
        Opcode.OP_VERNOTIF => "OP_VERNOTIF",
        Opcode.OP_ELSE => "OP_ELSE",
        Opcode.OP_ENDIF => "OP_ENDIF",
        Opcode.OP_VERIFY => "OP_VERIFY",
        Opcode.OP_RETURN => "OP_RETURN",
        Opcode.OP_TOALTSTACK => "OP_TOALTSTACK",
        Opcode.OP_FROMALTSTACK => "OP_FROMALTSTACK",
        Opcode.OP_2DROP => "OP_2DROP",
        Opcode.OP_2DUP => "OP_2DUP",
        Opcode.OP_3DUP => "OP_3DUP",
        Opcode.OP_2OVER => "OP_2OVER",
        Opcode.OP_2ROT => "OP_2ROT",
        Opcode.OP_2SWAP => "OP_2SWAP",
        Opcode.OP_IFDUP => "OP_IFDUP",
        Opcode.OP_DEPTH => "OP_DEPTH",
        Opcode.OP_DROP => "OP_DROP",
        Opcode.OP_DUP => "OP_DUP",
        Opcode.OP_NIP => "OP_NIP",
        Opcode.OP_OVER => "OP_OVER",
        Opcode.OP_PICK => "OP_PICK",
        Opcode.OP_ROLL => "OP_ROLL",
        Opcode.OP_ROT => "OP_ROT",
        Opcode.OP_SWAP => "OP_SWAP",
        Opcode.OP_TUCK => "OP_TUCK",
        Opcode.OP_CAT => "OP_CAT",
        Opcode.OP_SUBSTR => "OP_SUBSTR",
        Opcode.OP_LEFT => "OP_LEFT",
        Opcode.OP_RIGHT => "OP_RIGHT",
        Opcode.OP_SIZE => "OP_SIZE",
        Opcode.OP_INVERT => "OP_INVERT",
        Opcode.OP_AND => "OP_AND",
        Opcode.OP_OR => "OP_OR",
        Opcode.OP_XOR => "OP_XOR",
        Opcode.OP_EQUAL => "OP_EQUAL",
        Opcode.OP_EQUALVERIFY => "OP_EQUALVERIFY",
        Opcode.OP_RESERVED1 => "OP_RESERVED1",
        Opcode.OP_RESERVED2 => "OP_RESERVED2",
        Opcode.OP_1ADD => "OP_1ADD",
        Opcode.OP_1SUB => "OP_1SUB",
        Opcode.OP_2MUL => "OP_2MUL",
        Opcode.OP_2DIV => "OP_2DIV",
        Opcode.OP_NEGATE => "OP_NEGATE",
        Opcode.OP_ABS => "OP_ABS",
        Opcode.OP_NOT => "OP_NOT",
        Opcode.OP_0NOTEQUAL => "OP_0NOTEQUAL",
        Opcode.OP_ADD => "OP_ADD",
        Opcode.OP_SUB => "OP_SUB",
        Opcode.OP_MUL => "OP_MUL",
        Opcode.OP_DIV => "OP_DIV",
        Opcode.OP_MOD => "OP_MOD",
        Opcode.OP_LSHIFT => "OP_LSHIFT",
        Opcode.OP_RSHIFT => "OP_RSHIFT",
        Opcode.OP_BOOLAND => "OP_BOOLAND",
        Opcode.OP_BOOLOR => "OP_BOOLOR",
        Opcode.OP_NUMEQUAL => "OP_NUMEQUAL",
        Opcode.OP_NUMEQUALVERIFY => "OP_NUMEQUALVERIFY",
        Opcode.OP_NUMNOTEQUAL => "OP_NUMNOTEQUAL",
        Opcode.OP_LESSTHAN => "OP_LESSTHAN",
        Opcode.OP_GREATERTHAN => "OP_GREATERTHAN",
        Opcode.OP_LESSTHANOREQUAL => "OP_LESSTHANOREQUAL",
        Opcode.OP_GREATERTHANOREQUAL => "OP_GREATERTHANOREQUAL",
        Opcode.OP_MIN => "OP_MIN",
        Opcode.OP_MAX => "OP_MAX",
        Opcode.OP_WITHIN => "OP_WITHIN",
        Opcode.OP_RIPEMD160 => "OP_RIPEMD160",
        Opcode.OP_SHA1 => "OP_SHA1",
        Opcode.OP_SHA256 => "OP_SHA256",
        Opcode.OP_HASH160 => "OP_HASH160",
        Opcode.OP_HASH256 => "OP_HASH256",
        Opcode.OP_CODESEPARATOR => "OP_CODESEPARATOR",
        Opcode.OP_CHECKSIG => "OP_CHECKSIG",
        Opcode.OP_CHECKSIGVERIFY => "OP_CHECKSIGVERIFY",
        Opcode.OP_CHECKMULTISIG => "OP_CHECKMULTISIG",
        Opcode.OP_CHECKMULTISIGVERIFY => "OP_CHECKMULTISIGVERIFY",
        Opcode.OP_NOP1 => "OP_NOP1",
        Opcode.OP_CHECKLOCKTIMEVERIFY => "OP_CHECKLOCKTIMEVERIFY",
        Opcode.OP_CHECKSEQUENCEVERIFY => "OP_CHECKSEQUENCEVERIFY",
        Opcode.OP_NOP4 => "OP_NOP4",
        Opcode.OP_NOP5 => "OP_NOP5",
        Opcode.OP_NOP6 => "OP_NOP6",
        Opcode.OP_NOP7 => "OP_NOP7",
        Opcode.OP_NOP8 => "OP_NOP8",
        Opcode.OP_NOP9 => "OP_NOP9",
        Opcode.OP_NOP10 => "OP_NOP10",
        Opcode.OP_CHECKSIGADD => "OP_CHECKSIGADD",
        Opcode.OP_INVALIDOPCODE => "OP_INVALIDOPCODE",
        _ => "OP_UNKNOWN",
    };

    /// <summary>
    /// The assembly text <c>decoderawtransaction</c> prints (Core's <c>ScriptToAsmStr</c>): pushes
    /// of up to 4 bytes as decimal script numbers, longer pushes as hex, opcodes by name, and
    /// "[error]" where a push runs past the end. With <paramref name="attemptSighashDecode"/>
    /// (Core passes it for scriptSigs), a push that is a strictly encoded signature with a defined
    /// hash type is printed as hex without its last byte, followed by the type, e.g. "[ALL]".
    /// </summary>
    public static string ToAsm(ReadOnlySpan<byte> script, bool attemptSighashDecode = false)
    {
        var text = new StringBuilder();
        var reader = new ScriptReader(script);
        var decodeSighash = attemptSighashDecode && !IsUnspendable(script);
        while (!reader.IsEnd)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            if (!reader.TryReadOp(out var opcode, out var data))
            {
                text.Append("[error]");
                break;
            }

            if (opcode > Opcode.OP_PUSHDATA4)
            {
                text.Append(GetOpName(opcode));
            }
            else if (data.Length <= 4)
            {
                text.Append(ScriptNum.Decode(data).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (decodeSighash && IsStrictSignatureEncoding(data) && SighashName(data[^1]) is { } name)
            {
                text.Append(Convert.ToHexStringLower(data[..^1])).Append('[').Append(name).Append(']');
            }
            else
            {
                text.Append(Convert.ToHexStringLower(data));
            }
        }

        return text.ToString();
    }

    /// <summary>The name Core gives a defined sighash type byte ("ALL", "NONE|ANYONECANPAY", ...), or null.</summary>
    public static string? SighashName(byte hashType) => hashType switch
    {
        0x01 => "ALL",
        0x81 => "ALL|ANYONECANPAY",
        0x02 => "NONE",
        0x82 => "NONE|ANYONECANPAY",
        0x03 => "SINGLE",
        0x83 => "SINGLE|ANYONECANPAY",
        _ => null,
    };

    /// <summary>
    /// BIP66 strict DER plus a defined hash type byte: what Core's CheckSignatureEncoding accepts
    /// under STRICTENC for a non-empty signature.
    /// </summary>
    public static bool IsStrictSignatureEncoding(ReadOnlySpan<byte> sig) =>
        IsValidDerSignatureEncoding(sig) && (sig[^1] & 0x7f) is >= 1 and <= 3;

    /// <summary>BIP66 DER signature encoding, with the trailing hash type byte included.</summary>
    public static bool IsValidDerSignatureEncoding(ReadOnlySpan<byte> sig)
    {
        if (sig.Length is < 9 or > 73 || sig[0] != 0x30 || sig[1] != sig.Length - 3)
        {
            return false;
        }

        var lenR = sig[3];
        if (5 + lenR >= sig.Length)
        {
            return false;
        }

        var lenS = sig[5 + lenR];
        if (lenR + lenS + 7 != sig.Length || sig[2] != 0x02 || lenR == 0 || (sig[4] & 0x80) != 0)
        {
            return false;
        }

        if (lenR > 1 && sig[4] == 0 && (sig[5] & 0x80) == 0)
        {
            return false;
        }

        if (sig[lenR + 4] != 0x02 || lenS == 0 || (sig[lenR + 6] & 0x80) != 0)
        {
            return false;
        }

        return !(lenS > 1 && sig[lenR + 6] == 0 && (sig[lenR + 7] & 0x80) == 0);
    }
}
