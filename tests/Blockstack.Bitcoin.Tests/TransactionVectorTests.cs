using System.Text.Json;
using Blockstack.Bitcoin.Transactions;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Vector")]
public class TransactionVectorTests
{
    public static TheoryData<int, string, string> ValidVectors() => Load("tx_valid.json");

    public static TheoryData<int, string, string> InvalidVectors() => Load("tx_invalid.json");

    [VectorTheory]
    [MemberData(nameof(ValidVectors))]
    public void TryParse_TxValid_RoundTripsAndPassesCheckTransaction(int entry, string hex, string flags)
    {
        _ = (entry, flags);
        var tx = ParseAndRoundTrip(hex);
        Assert.Equal(CheckResult.Valid, TransactionChecks.CheckTransaction(tx));
    }

    [VectorTheory]
    [MemberData(nameof(InvalidVectors))]
    public void TryParse_TxInvalid_RoundTripsAndBadTxFailsCheckTransaction(int entry, string hex, string flags)
    {
        _ = entry;
        var tx = ParseAndRoundTrip(hex);
        var result = TransactionChecks.CheckTransaction(tx);
        if (flags == "BADTX")
        {
            Assert.False(result.IsValid);
        }
    }

    [VectorFact]
    public void Vectors_Counts_MatchTheReadme()
    {
        Assert.Equal(121, Load("tx_valid.json").Count);
        Assert.Equal(93, Load("tx_invalid.json").Count);
    }

    private static Transaction ParseAndRoundTrip(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.True(Transaction.TryParse(bytes, out var tx, out var error), error);
        Assert.Equal(hex, Convert.ToHexStringLower(tx.ToBytes()));
        Assert.Equal(bytes.Length, tx.TotalSize);
        var txid = tx.Txid;
        Assert.True(Transaction.TryParse(tx.ToBytes(), out var again, out _));
        Assert.Equal(txid, again.Txid);
        Assert.Equal(txid, tx.Txid);

        // The txid is the hash of the legacy form, however the tx was received.
        var legacy = tx.ToBytes(withWitness: false);
        Assert.Equal(tx.BaseSize, legacy.Length);
        Assert.Equal(Crypto.Hashes.Sha256d(legacy), txid.Hash.ToArray());
        Assert.Equal(Crypto.Hashes.Sha256d(bytes), tx.Wtxid.ToArray());
        Assert.Equal((tx.BaseSize * 3) + tx.TotalSize, tx.Weight);
        return tx;
    }

    private static TheoryData<int, string, string> Load(string file)
    {
        var data = new TheoryData<int, string, string>();
        if (!Vectors.Available)
        {
            data.Add(0, "", "");
            return data;
        }

        // The entry's position in the file is part of each row: some entries repeat a transaction
        // with other prevouts, and rows with equal arguments would be collapsed into one test.
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", file));
        var position = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            position++;
            if (entry.GetArrayLength() == 1 || entry[0].ValueKind == JsonValueKind.String)
            {
                continue;
            }

            data.Add(position, entry[1].GetString()!, entry[2].GetString()!);
        }

        return data;
    }
}
