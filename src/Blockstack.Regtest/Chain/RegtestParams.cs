using System.Numerics;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Regtest.Chain;

/// <summary>
/// Bitcoin Core's regtest consensus parameters (its <c>CRegTestParams</c>): the genesis block,
/// the proof-of-work limit 207fffff, 50 BTC halving every 150 blocks, coinbase maturity 100, with
/// BIP34, segwit and taproot active from the start.
/// </summary>
public sealed record RegtestParams
{
    public static RegtestParams Default { get; } = new();

    public uint PowLimitBits { get; init; } = 0x207f_ffff;

    public int SubsidyHalvingInterval { get; init; } = 150;

    public int CoinbaseMaturity { get; init; } = 100;

    public long InitialSubsidy { get; init; } = 50 * Money.Coin;

    public int MaxBlockWeight { get; init; } = 4_000_000;

    /// <summary>A block may be at most this far ahead of the clock ("time-too-new").</summary>
    public TimeSpan MaxFutureBlockTime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Initial block download lasts until the tip is younger than this (bitcoind's -maxtipage).</summary>
    public TimeSpan MaxTipAge { get; init; } = TimeSpan.FromHours(24);

    public Hash256 PowLimit => ProofOfWork.ToHash256(ProofOfWork.DecodeCompact(PowLimitBits, out _, out _));

    public long GetSubsidy(int height)
    {
        var halvings = height / SubsidyHalvingInterval;
        return halvings >= 64 ? 0 : InitialSubsidy >> halvings;
    }

    /// <summary>The work a header proves: 2^256 / (target + 1).</summary>
    public static BigInteger GetWork(uint bits)
    {
        var target = ProofOfWork.DecodeCompact(bits, out var negative, out var overflow);
        if (negative || overflow || target.IsZero)
        {
            return BigInteger.Zero;
        }

        return (BigInteger.One << 256) / (target + 1);
    }

    /// <summary>bitcoind's GetDifficulty: the genesis target of mainnet divided by this target, as a double.</summary>
    public static double GetDifficulty(uint bits)
    {
        var shift = (int)((bits >> 24) & 0xff);
        var diff = 0x0000ffff / (double)(bits & 0x00ff_ffff);
        while (shift < 29)
        {
            diff *= 256.0;
            shift++;
        }

        while (shift > 29)
        {
            diff /= 256.0;
            shift--;
        }

        return diff;
    }

    /// <summary>The regtest genesis block, built from its parameters.</summary>
    public static Block CreateGenesis()
    {
        var scriptSig = Convert.FromHexString(
            "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73");
        var outputScript = Convert.FromHexString(
            "4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac");
        var coinbase = new Transaction(1, [new TxIn(OutPoint.Null, scriptSig)], [new TxOut(50 * Money.Coin, outputScript)], 0);
        var header = new BlockHeader(1, default, coinbase.Txid.Hash, 1296688602, 0x207f_ffff, 2);
        return new Block(header, [coinbase]);
    }
}
