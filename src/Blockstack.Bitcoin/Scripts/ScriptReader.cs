using System.Buffers.Binary;

namespace Blockstack.Bitcoin.Scripts;

/// <summary>
/// Walks a script one operation at a time, as Bitcoin Core's <c>GetScriptOp</c> does: a push
/// opcode yields its data, a push that runs past the end fails. Never throws. After a failure,
/// <see cref="Position"/> is where Core's iterator stops (past the opcode and any length bytes
/// that were present), which the legacy sighash depends on.
/// </summary>
public ref struct ScriptReader
{
    private readonly ReadOnlySpan<byte> _script;

    public ScriptReader(ReadOnlySpan<byte> script)
    {
        _script = script;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly bool IsEnd => Position >= _script.Length;

    /// <summary>Reads the next operation; false at the end or on a truncated push.</summary>
    public bool TryReadOp(out Opcode opcode, out ReadOnlySpan<byte> data)
    {
        opcode = Opcode.OP_INVALIDOPCODE;
        data = default;
        if (Position >= _script.Length)
        {
            return false;
        }

        var op = _script[Position++];
        if (op <= (byte)Opcode.OP_PUSHDATA4)
        {
            int size;
            var remaining = _script.Length - Position;
            if (op < (byte)Opcode.OP_PUSHDATA1)
            {
                size = op;
            }
            else if (op == (byte)Opcode.OP_PUSHDATA1)
            {
                if (remaining < 1)
                {
                    return false;
                }

                size = _script[Position++];
            }
            else if (op == (byte)Opcode.OP_PUSHDATA2)
            {
                if (remaining < 2)
                {
                    return false;
                }

                size = BinaryPrimitives.ReadUInt16LittleEndian(_script[Position..]);
                Position += 2;
            }
            else
            {
                if (remaining < 4)
                {
                    return false;
                }

                var size32 = BinaryPrimitives.ReadUInt32LittleEndian(_script[Position..]);
                Position += 4;
                if (size32 > int.MaxValue)
                {
                    return false;
                }

                size = (int)size32;
            }

            if (_script.Length - Position < size)
            {
                return false;
            }

            data = _script.Slice(Position, size);
            Position += size;
        }

        opcode = (Opcode)op;
        return true;
    }
}
