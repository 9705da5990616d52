using Blockstack.Bitcoin;

namespace Blockstack.Pox.Tests;

/// <summary>Known answers from rand_chacha 0.3's own tests (ChaChaRng = ChaCha20Rng).</summary>
[Trait("Category", "Vector")]
public class ChaCha20RngTests
{
    [Fact]
    public void NextUInt32_RandChachaConstructionSeed_Is137206642()
    {
        var seed = new byte[32];
        seed[8] = 1;
        seed[16] = 2;
        seed[24] = 3;
        Assert.Equal(137206642u, new ChaCha20Rng(seed).NextUInt32());
    }

    [Fact]
    public void NextUInt32_ZeroSeed_MatchesTrueValuesA()
    {
        var rng = new ChaCha20Rng(new byte[32]);
        uint[] first = [0xade0b876, 0x903df1a0, 0xe56a5d40, 0x28bd8653, 0xb819d2bd, 0x1aed8da0, 0xccef36a8, 0xc70d778b, 0x7c5941da, 0x8d485751, 0x3fe02477, 0x374ad8b8, 0xf4b8436a, 0x1ca11815, 0x69b687c3, 0x8665eeb2];
        uint[] second = [0xbee7079f, 0x7a385155, 0x7c97ba98, 0x0d082d73, 0xa0290fcb, 0x6965e348, 0x3e53c612, 0xed7aee32, 0x7621b729, 0x434ee69c, 0xb03371d5, 0xd539d874, 0x281fed31, 0x45fb0a51, 0x1f0ae1ac, 0x6f4d794b];
        Assert.Equal(first, Enumerable.Range(0, 16).Select(_ => rng.NextUInt32()).ToArray());
        Assert.Equal(second, Enumerable.Range(0, 16).Select(_ => rng.NextUInt32()).ToArray());
    }

    [Fact]
    public void NextUInt32_SeedEndingInOne_MatchesTrueValuesBSecondBlock()
    {
        var seed = new byte[32];
        seed[31] = 1;
        var rng = new ChaCha20Rng(seed);
        for (var i = 0; i < 16; i++)
        {
            rng.NextUInt32();
        }

        uint[] expected = [0x2452eb3a, 0x9249f8ec, 0x8d829d9b, 0xddd4ceb1, 0xe8252083, 0x60818b01, 0xf38422b8, 0x5aaa49c9, 0xbb00ca8e, 0xda3ba7b4, 0xc4b592d1, 0xfdf2732f, 0x4436274e, 0x2561b3c8, 0xebdd4aa6, 0xa0136c00];
        Assert.Equal(expected, Enumerable.Range(0, 16).Select(_ => rng.NextUInt32()).ToArray());
    }

    [Fact]
    public void NextUInt32_SeventeenthWords_MatchMultipleBlocksVector()
    {
        byte[] seed = [0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0];
        var rng = new ChaCha20Rng(seed);
        var results = new uint[16];
        for (var i = 0; i < 16; i++)
        {
            results[i] = rng.NextUInt32();
            for (var j = 0; j < 16; j++)
            {
                rng.NextUInt32();
            }
        }

        uint[] expected = [0xf225c81a, 0x6ab1be57, 0x04d42951, 0x70858036, 0x49884684, 0x64efec72, 0x4be2d186, 0x3615b384, 0x11cfa18e, 0xd3c50049, 0x75c775f6, 0x434c6530, 0x2c5bad8f, 0x898881dc, 0x5f1c86d9, 0xc1f8e7f4];
        Assert.Equal(expected, results);
    }

    [Fact]
    public void NextUInt32_StreamTwoShifted56_MatchesNonceVector()
    {
        var rng = new ChaCha20Rng(new byte[32], 2UL << 56);
        uint[] expected = [0x374dc6c2, 0x3736d58c, 0xb904e24a, 0xcd3f93ef, 0x88228b1a, 0x96a4dfb3, 0x5b76ab72, 0xc727ee54, 0x0e0e978a, 0xf3145c95, 0x1b748ea8, 0xf786c297, 0x99c28f5f, 0x628314e8, 0x398a19fa, 0x6ded1b53];
        Assert.Equal(expected, Enumerable.Range(0, 16).Select(_ => rng.NextUInt32()).ToArray());
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void NextInRange_ZeroSeed_FollowsWidenMultiplyRule()
    {
        // First word 0xade0b876; range 10: (v * 10) >> 32 = 6, low half 0xcac73a9c ≤ zone 0x9fffffff? no → reject,
        // so the second word 0x903df1a0 decides: (v * 10) >> 32 = 5, low 0xa26b7040 > zone → reject; third 0xe56a5d40 → 8, low 0xf627a280 > zone;
        // computed independently below with the same rule on the raw keystream.
        var raw = new ChaCha20Rng(new byte[32]);
        uint Expected(uint range)
        {
            var zone = (range << System.Numerics.BitOperations.LeadingZeroCount(range)) - 1;
            while (true)
            {
                var p = (ulong)raw.NextUInt32() * range;
                if ((uint)p <= zone)
                {
                    return (uint)(p >> 32);
                }
            }
        }

        var rng = new ChaCha20Rng(new byte[32]);
        foreach (var range in new uint[] { 10, 1, 2, 3, 7, 4000, uint.MaxValue })
        {
            var got = rng.NextInRange(0, range);
            Assert.Equal(Expected(range), got);
            Assert.True(got < range);
        }
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(3u)]
    [InlineData(4000u)]
    public void ChooseTwo_AnySeed_GivesDistinctIndicesBelowMax(uint max)
    {
        for (var s = 0; s < 200; s++)
        {
            var seed = new Hash256(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(s)));
            var chosen = RecipientPicker.ChooseTwo(seed, max);
            Assert.Equal((int)Math.Min(max, 2), chosen.Count);
            Assert.All(chosen, i => Assert.True(i < max));
            Assert.Equal(chosen.Count, chosen.Distinct().Count());
            Assert.Equal(chosen, RecipientPicker.ChooseTwo(seed, max));
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void ChooseTwo_ZeroSeedMaxTen_MatchesHandComputedDraw()
    {
        // rand_chacha zero-seed words: 0xade0b876, 0x903df1a0, 0xe56a5d40, 0x28bd8653 ...
        // range 10, zone = (10 << 28) - 1 = 0x9fffffff. w0*10 = 0x6_cac7_3a9c → lo > zone, reject.
        // w1*10 = 0x5_a26b_7040 → reject. w2*10 = 0x8_f627_a280 → reject. w3*10 = 0x1_9767_3f3e → lo ok, a = 1.
        // range 9, zone = (9 << 28) - 1 = 0x8fffffff. w4 = 0xb819d2bd * 9 = 0x6_7ae8_6aa5 → lo ok → b' = 6.
        var chosen = RecipientPicker.ChooseTwo(Hash256.Zero, 10);
        Assert.Equal(new uint[] { 1, 6 }, chosen);
    }
}
