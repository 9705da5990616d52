using System.Numerics;

namespace Blockstack.Bitcoin.Blocks;

/// <summary>The compact "nBits" target encoding and the proof-of-work check, as Bitcoin Core does them.</summary>
public static class ProofOfWork
{
    private static readonly BigInteger Mask256 = (BigInteger.One << 256) - 1;

    /// <summary>
    /// Core's <c>arith_uint256::SetCompact</c>: a 256-bit target from nBits, with the sign bit and
    /// overflow reported rather than applied.
    /// </summary>
    public static BigInteger DecodeCompact(uint compact, out bool negative, out bool overflow)
    {
        var size = (int)(compact >> 24);
        var word = compact & 0x007f_ffffu;
        BigInteger value;
        if (size <= 3)
        {
            word >>= 8 * (3 - size);
            value = word;
        }
        else
        {
            value = (new BigInteger(word) << (8 * (size - 3))) & Mask256;
        }

        negative = word != 0 && (compact & 0x0080_0000u) != 0;
        overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
        return value;
    }

    /// <summary>Core's <c>GetCompact</c>: the nBits encoding of a non-negative target.</summary>
    public static uint EncodeCompact(BigInteger target)
    {
        if (target.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(target), "a target is not negative");
        }

        var size = (int)((target.GetBitLength() + 7) / 8);
        uint compact = size <= 3
            ? (uint)(target << (8 * (3 - size)))
            : (uint)(target >> (8 * (size - 3)));
        if ((compact & 0x0080_0000u) != 0)
        {
            compact >>= 8;
            size++;
        }

        return compact | ((uint)size << 24);
    }

    /// <summary>A hash as the little-endian 256-bit number Core compares with the target.</summary>
    public static BigInteger ToNumber(Hash256 hash)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        hash.WriteTo(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    /// <summary>A 256-bit number as a Hash256 (little-endian), e.g. a target or pow limit.</summary>
    public static Hash256 ToHash256(BigInteger value)
    {
        if (value.Sign < 0 || value > Mask256)
        {
            throw new ArgumentOutOfRangeException(nameof(value));
        }

        Span<byte> bytes = stackalloc byte[Hash256.Size];
        bytes.Clear();
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new Hash256(bytes);
    }

    /// <summary>
    /// Core's <c>CheckProofOfWork</c>: nBits decodes to a positive, non-overflowing target no
    /// easier than <paramref name="powLimit"/>, and the hash does not exceed it.
    /// </summary>
    public static bool Check(BlockHash hash, uint bits, Hash256 powLimit)
    {
        var target = DecodeCompact(bits, out var negative, out var overflow);
        if (negative || overflow || target.IsZero || target > ToNumber(powLimit))
        {
            return false;
        }

        return ToNumber(hash.Hash) <= target;
    }
}
