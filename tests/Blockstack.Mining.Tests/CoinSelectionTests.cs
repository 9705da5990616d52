using System.Security.Cryptography;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Rpc;

namespace Blockstack.Mining.Tests;

[Trait("Category", "Unit")]
public sealed class CoinSelectionTests
{
    private static UnspentOutput Coin(byte tag, long sats, long confirmations) =>
        new(new Txid(new Hash256(SHA256.HashData([tag]))), 0, sats, [0x00], confirmations);

    [Fact]
    public void OrderCoins_PreferredFirst_ThenLeastConfirmed_ThenSmallest()
    {
        var old = Coin(1, 50_000, 10);
        var newBig = Coin(2, 90_000, 0);
        var newSmall = Coin(3, 10_000, 0);
        var mid = Coin(4, 5_000, 3);
        var change = Coin(5, 999_999, 7);
        var ordered = CommitTransactions.OrderCoins([old, newBig, newSmall, mid, change], [new OutPoint(change.Txid, 0)]);
        Assert.Equal([change, newSmall, newBig, mid, old], ordered);
    }

    [Fact]
    public void TryBuild_TakesCoinsInOrderUntilCovered_AndPaysAtLeastTheEstimatedSize()
    {
        var keys = new MinerOptions { BitcoinKey = Convert.ToHexStringLower(SHA256.HashData("k"u8)) + "01", AddressType = "p2wpkh", StateDirectory = "x" }
            .CreateKeys(BurnchainParameters.Regtest());
        UnspentOutput Mine(byte tag, long sats) => new(new Txid(new Hash256(SHA256.HashData([tag]))), 1, sats, keys.Script, 1);
        var coins = new[] { Mine(1, 10_000), Mine(2, 15_000), Mine(3, 1_000_000) };
        var burn = new byte[25];
        Assert.True(CommitTransactions.TryBuild(keys, [0x6a, 0x01, 0x00], [(10_000, burn), (10_000, burn)], 10, 380, 0, null, coins, out var tx, out var error), error);
        Assert.Equal(3, tx!.Inputs.Count); // 10k + 15k cannot pay 20k + 3.8k fee + 5.5k change
        Assert.Equal(3_800, tx.Fee);
        Assert.Equal(3u, tx.ChangeVout);
        Assert.Equal(1_025_000 - 20_000 - 3_800, tx.Transaction.Outputs[3].Value);

        Assert.False(CommitTransactions.TryBuild(keys, [0x6a], [(10_000, burn)], 10, 380, 0, null, coins.Take(1).ToList(), out _, out var why));
        Assert.Contains("do not cover", why, StringComparison.Ordinal);
    }
}
