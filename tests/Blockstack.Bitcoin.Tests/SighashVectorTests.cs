using System.Text.Json;
using Blockstack.Bitcoin.Sighash;
using Blockstack.Bitcoin.Transactions;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Vector")]
public class SighashVectorTests
{
    [VectorFact]
    public void LegacySighash_CoreSighashJson_AllMatch()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "sighash.json"));
        var count = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            if (entry.GetArrayLength() == 1)
            {
                continue;
            }

            var raw = Convert.FromHexString(entry[0].GetString()!);
            var script = Convert.FromHexString(entry[1].GetString()!);
            var index = entry[2].GetInt32();
            var hashType = entry[3].GetInt32();
            Assert.True(Transaction.TryParse(raw, out var tx, out var error), error);

            var hash = LegacySighash.Compute(tx, index, script, hashType);

            Assert.Equal(entry[4].GetString(), hash.ToDisplayString());
            count++;
        }

        Assert.Equal(500, count);
    }

    [VectorFact]
    public void LegacySighash_SingleWithoutMatchingOutput_ReturnsOne()
    {
        var tx = new Transaction(
            1,
            [new TxIn(new OutPoint(new Txid(new Hash256(new byte[32])), 0), Array.Empty<byte>()), new TxIn(new OutPoint(new Txid(new Hash256(new byte[32])), 1), Array.Empty<byte>())],
            [new TxOut(1, Array.Empty<byte>())],
            0);
        Assert.Equal(LegacySighash.One, LegacySighash.Compute(tx, 1, [], SighashType.Single));
        Assert.Equal("0000000000000000000000000000000000000000000000000000000000000001", LegacySighash.One.ToDisplayString());
    }

    [VectorFact]
    public void SegwitV0Sighash_Bip143Examples_MatchEveryIntermediate()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip143_vectors.json"));
        var count = 0;
        foreach (var v in doc.RootElement.GetProperty("vectors").EnumerateArray())
        {
            Assert.True(Transaction.TryParse(Convert.FromHexString(v.GetProperty("unsigned_tx").GetString()!), out var tx, out var error), error);
            var data = new PrecomputedTransactionData(tx);
            Assert.Equal(v.GetProperty("hashPrevouts").GetProperty("value").GetString(), data.HashPrevouts.ToHex());
            Assert.Equal(v.GetProperty("hashSequence").GetProperty("value").GetString(), data.HashSequence.ToHex());
            Assert.Equal(v.GetProperty("hashOutputs").GetProperty("value").GetString(), data.HashOutputs.ToHex());

            var index = v.GetProperty("input_index").GetInt32();
            var scriptCode = Convert.FromHexString(v.GetProperty("scriptCode").GetString()!);
            var amount = v.GetProperty("amount_sats").GetInt64();
            var hashType = v.GetProperty("nHashType").GetInt32();
            var preimage = SegwitV0Sighash.GetPreimage(data, index, StripLength(scriptCode), amount, hashType);
            Assert.Equal(v.GetProperty("hash_preimage").GetString(), Convert.ToHexStringLower(preimage));
            Assert.Equal(v.GetProperty("sigHash").GetString(), SegwitV0Sighash.Compute(data, index, StripLength(scriptCode), amount, hashType).ToHex());
            count++;
        }

        Assert.Equal(2, count);
    }

    [VectorFact]
    public void TaprootSighash_Bip341KeyPathSpending_MatchesIntermediariesAndEveryInput()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip341_wallet_vectors.json"));
        var spending = doc.RootElement.GetProperty("keyPathSpending")[0];
        var given = spending.GetProperty("given");
        Assert.True(Transaction.TryParse(Convert.FromHexString(given.GetProperty("rawUnsignedTx").GetString()!), out var tx, out var error), error);
        var spent = given.GetProperty("utxosSpent").EnumerateArray()
            .Select(u => new TxOut(u.GetProperty("amountSats").GetInt64(), Convert.FromHexString(u.GetProperty("scriptPubKey").GetString()!)))
            .ToList();
        var data = new PrecomputedTransactionData(tx, spent);
        var intermediary = spending.GetProperty("intermediary");
        Assert.Equal(intermediary.GetProperty("hashAmounts").GetString(), data.ShaAmounts.ToHex());
        Assert.Equal(intermediary.GetProperty("hashOutputs").GetString(), data.ShaOutputs.ToHex());
        Assert.Equal(intermediary.GetProperty("hashPrevouts").GetString(), data.ShaPrevouts.ToHex());
        Assert.Equal(intermediary.GetProperty("hashScriptPubkeys").GetString(), data.ShaScriptPubKeys.ToHex());
        Assert.Equal(intermediary.GetProperty("hashSequences").GetString(), data.ShaSequences.ToHex());

        var inputs = 0;
        foreach (var input in spending.GetProperty("inputSpending").EnumerateArray())
        {
            var index = input.GetProperty("given").GetProperty("txinIndex").GetInt32();
            var hashType = (byte)input.GetProperty("given").GetProperty("hashType").GetInt32();
            var expected = input.GetProperty("intermediary");
            Assert.True(TaprootSighash.TryGetMessage(data, index, hashType, out var message));
            Assert.Equal(expected.GetProperty("sigMsg").GetString(), Convert.ToHexStringLower(message));
            Assert.True(TaprootSighash.TryCompute(data, index, hashType, out var sighash));
            Assert.Equal(expected.GetProperty("sigHash").GetString(), sighash.ToHex());
            inputs++;
        }

        Assert.Equal(7, inputs);
    }

    [VectorFact]
    public void TaprootSighash_UndefinedHashTypeOrSingleWithoutOutput_Fails()
    {
        var tx = new Transaction(2, [new TxIn(new OutPoint(default, 0), Array.Empty<byte>()), new TxIn(new OutPoint(default, 1), Array.Empty<byte>())], [new TxOut(5, new byte[] { 0x51 })], 0);
        var data = new PrecomputedTransactionData(tx, [new TxOut(1, new byte[] { 0x51 }), new TxOut(2, new byte[] { 0x51 })]);
        Assert.False(TaprootSighash.TryCompute(data, 0, 0x04, out _));
        Assert.False(TaprootSighash.TryCompute(data, 0, 0x80, out _));
        Assert.False(TaprootSighash.TryCompute(data, 1, SighashType.Single, out _));
        Assert.True(TaprootSighash.TryCompute(data, 0, SighashType.Single, out _));
    }

    // The BIP's scriptCode is shown with its length prefix; the API takes the script itself.
    private static byte[] StripLength(byte[] scriptCode) => scriptCode[0] == scriptCode.Length - 1 ? scriptCode[1..] : scriptCode;
}
