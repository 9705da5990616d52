namespace Blockstack.Stacks;

/// <summary>
/// The guarded strings of the wire format. Both are a u8 length and ASCII bytes.
/// A contract name is a letter then letters, digits, <c>-</c> or <c>_</c>, at most 128 bytes on the
/// wire (nodes have always accepted up to 128; new deployments are limited to 40 by a later rule).
/// A Clarity name is a letter then letters, digits or <c>-_!?+&lt;&gt;=/*</c>, or one of the
/// operator names <c>- + = / * &lt; &gt; &lt;= &gt;=</c>, at most 128 bytes.
/// </summary>
public static class StacksNames
{
    public const int MaxLength = 128;
    public const int MaxNewContractNameLength = 40;

    public static bool IsValidContractName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "__transient")
        {
            return true;
        }

        if (name.Length is 0 or > MaxLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidClarityName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        if (name is "-" or "+" or "=" or "/" or "*" or "<" or ">" or "<=" or ">=")
        {
            return true;
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '!' or '?' or '+' or '<' or '>' or '=' or '/' or '*'))
            {
                return false;
            }
        }

        return true;
    }
}
