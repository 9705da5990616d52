using System.Buffers.Binary;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Regtest.Chain;

/// <summary>An unspent output with the height of the block that created it and whether a coinbase did.</summary>
public sealed record Coin(long Value, byte[] Script, int Height, bool IsCoinbase)
{
    /// <summary>Height given to outputs of mempool transactions (bitcoind's MEMPOOL_HEIGHT).</summary>
    public const int MempoolHeight = 0x7fff_ffff;

    public TxOut ToTxOut() => new(Value, Script);

    /// <summary>value (8, LE) | height (4, LE) | flags (1) | script.</summary>
    public byte[] Serialize()
    {
        var bytes = new byte[13 + Script.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, Value);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), Height);
        bytes[12] = IsCoinbase ? (byte)1 : (byte)0;
        Script.CopyTo(bytes, 13);
        return bytes;
    }

    public static Coin Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 13)
        {
            throw new InvalidDataException("corrupt coin record");
        }

        return new Coin(
            BinaryPrimitives.ReadInt64LittleEndian(bytes),
            bytes[13..].ToArray(),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]),
            bytes[12] == 1);
    }
}
