using System.Buffers.Binary;

namespace Blockstack.Chain;

/// <summary>
/// An STX account in the state: unlocked balance, nonce, and a PoX lock (amount and the burn height
/// at which it unlocks). Amounts are µSTX in <see cref="UInt128"/>; arithmetic is checked.
/// </summary>
public readonly record struct Account(UInt128 Unlocked, ulong Nonce, UInt128 Locked, ulong UnlockHeight)
{
    /// <summary>16 + 8 + 16 + 8 bytes.</summary>
    public const int Size = 48;

    public static Account Empty => default;

    public UInt128 Total => checked(Unlocked + Locked);

    /// <summary>The account as seen at <paramref name="burnHeight"/>: an expired lock is released.</summary>
    public Account At(ulong burnHeight) =>
        Locked > 0 && burnHeight >= UnlockHeight
            ? new Account(checked(Unlocked + Locked), Nonce, 0, 0)
            : this;

    public byte[] Encode()
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Unlocked);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), Nonce);
        BinaryPrimitives.WriteUInt128BigEndian(bytes.AsSpan(24), Locked);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(40), UnlockHeight);
        return bytes;
    }

    public static Account Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new InvalidDataException($"an account record is {Size} bytes, not {bytes.Length}");
        }

        return new Account(
            BinaryPrimitives.ReadUInt128BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt128BigEndian(bytes[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[40..]));
    }
}

/// <summary>Totals kept in the state to check conservation: minted and burned µSTX.</summary>
public readonly record struct SupplyRecord(UInt128 Minted, UInt128 Burned)
{
    public UInt128 Liquid => checked(Minted - Burned);

    public byte[] Encode()
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Minted);
        BinaryPrimitives.WriteUInt128BigEndian(bytes.AsSpan(16), Burned);
        return bytes;
    }

    public static SupplyRecord Decode(ReadOnlySpan<byte> bytes) =>
        bytes.Length != 32
            ? throw new InvalidDataException("a supply record is 32 bytes")
            : new SupplyRecord(BinaryPrimitives.ReadUInt128BigEndian(bytes), BinaryPrimitives.ReadUInt128BigEndian(bytes[16..]));
}
