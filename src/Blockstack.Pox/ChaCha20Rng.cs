using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Blockstack.Pox;

/// <summary>
/// The ChaCha20 keystream generator that rand_chacha 0.2/0.3's <c>ChaCha20Rng::from_seed</c> is:
/// key = the 32-byte seed, 64-bit block counter from 0 (state words 12–13), 64-bit stream id 0
/// (words 14–15), output read as consecutive little-endian u32 words. This is the original
/// (DJB) ChaCha layout, which BouncyCastle's <see cref="ChaChaEngine"/> implements with an 8-byte
/// IV; tests check it against rand_chacha's own known-answer values.
/// </summary>
public sealed class ChaCha20Rng
{
    private const int BlockBytes = 64;
    private readonly ChaChaEngine _engine = new(20);
    private readonly byte[] _zeros = new byte[BlockBytes];
    private readonly byte[] _block = new byte[BlockBytes];
    private int _offset = BlockBytes;

    public ChaCha20Rng(ReadOnlySpan<byte> seed, ulong stream = 0)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("a ChaCha20 seed is 32 bytes", nameof(seed));
        }

        var iv = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(iv, stream);
        _engine.Init(true, new ParametersWithIV(new KeyParameter(seed.ToArray()), iv));
    }

    /// <summary>The next little-endian u32 of the keystream (rand's <c>next_u32</c>).</summary>
    public uint NextUInt32()
    {
        if (_offset == BlockBytes)
        {
            _engine.ProcessBytes(_zeros, 0, BlockBytes, _block, 0);
            _offset = 0;
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(_block.AsSpan(_offset));
        _offset += 4;
        return value;
    }

    /// <summary>
    /// rand's <c>gen_range(low..high)</c> for u32 (rand 0.7 <c>sample_single</c> and 0.8
    /// <c>sample_single_inclusive</c> agree): range = high − low, zone = (range &lt;&lt; lz(range)) − 1,
    /// draw v, (hi, lo) = v × range as 64-bit, accept when lo ≤ zone, return low + hi.
    /// </summary>
    public uint NextInRange(uint low, uint high)
    {
        if (low >= high)
        {
            throw new ArgumentOutOfRangeException(nameof(high), "empty range");
        }

        var range = high - low;
        var zone = unchecked((range << System.Numerics.BitOperations.LeadingZeroCount(range)) - 1);
        while (true)
        {
            var v = NextUInt32();
            var product = (ulong)v * range;
            var hi = (uint)(product >> 32);
            var lo = unchecked((uint)product);
            if (lo <= zone)
            {
                return low + hi;
            }
        }
    }
}

/// <summary>The two-recipient draw of a reward-phase sortition (consensus.md §2.4).</summary>
public static class RecipientPicker
{
    /// <summary>
    /// stacks-core's <c>SortitionHash::choose_two(max)</c>: fewer than 2 ⇒ [0..max); otherwise
    /// a = range(0, max), b' = range(0, max−1), b = (b' == a) ? max − 1 : b', from a ChaCha20 RNG
    /// keyed by <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<uint> ChooseTwo(Bitcoin.Hash256 seed, uint max)
    {
        if (max < 2)
        {
            return max == 0 ? [] : [0u];
        }

        var rng = new ChaCha20Rng(seed.ToArray());
        var first = rng.NextInRange(0, max);
        var trySecond = rng.NextInRange(0, max - 1);
        var second = first == trySecond ? max - 1 : trySecond;
        return [first, second];
    }

    /// <summary>The picker's seed: SHA256(parent.sortition_hash || parent.burn_header_hash (display order)).</summary>
    public static Bitcoin.Hash256 SeedFor(SortitionHash parentSortitionHash, Bitcoin.BlockHash parentBurnHeaderHash) =>
        parentSortitionHash.MixBurnHeader(parentBurnHeaderHash).Hash;
}
