using System.Globalization;
using Blockstack.Bitcoin.Scripts;

namespace Blockstack.Bitcoin.Tests;

/// <summary>
/// Bitcoin Core's test notation for scripts (as in tx_valid.json), parsed as far as the tests
/// need: opcode names with or without OP_, decimal numbers as minimal pushes, <c>0x..</c> raw
/// bytes and <c>'text'</c> pushes. Returns false for anything else.
/// </summary>
internal static class CoreScriptText
{
    public static bool TryParse(string text, out byte[] script)
    {
        var bytes = new List<byte>();
        script = [];
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith("0x", StringComparison.Ordinal))
            {
                if (token.Length % 2 != 0)
                {
                    return false;
                }

                try
                {
                    bytes.AddRange(Convert.FromHexString(token.AsSpan(2)));
                }
                catch (FormatException)
                {
                    return false;
                }
            }
            else if (token.Length >= 2 && token[0] == '\'' && token[^1] == '\'')
            {
                bytes.AddRange(StandardScripts.Push(System.Text.Encoding.ASCII.GetBytes(token[1..^1])));
            }
            else if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                if (number == -1 || number is >= 0 and <= 16)
                {
                    bytes.Add(number == -1 ? (byte)Opcode.OP_1NEGATE : (byte)Script.EncodeSmallInteger((int)number));
                }
                else
                {
                    bytes.AddRange(StandardScripts.Push(ScriptNum.Encode(number)));
                }
            }
            else
            {
                var name = token.StartsWith("OP_", StringComparison.Ordinal) ? token : "OP_" + token;
                if (!Enum.TryParse<Opcode>(name, out var opcode) || !Enum.IsDefined(opcode))
                {
                    return false;
                }

                bytes.Add((byte)opcode);
            }
        }

        script = [.. bytes];
        return true;
    }
}
