using System.Text;
using System.Text.Json;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

/// <summary>bitcoinjs-lib (tests/interop/bitcoin-sign.js) as the independent oracle, both ways.</summary>
[Trait("Category", "Integration")]
public class SpendInteropTests
{
    private static readonly BouncySecp256k1 Secp = BouncySecp256k1.Instance;

    [Fact]
    public void VerifyTransaction_BitcoinjsSignedRandomSpends_EveryInputValid()
    {
        var output = NodeJs.Run("bitcoin-sign.js", "", "20240611", "60");
        var verifier = new SpendVerifier(Secp, SpendVerifierOptions.Standard);
        var templates = new Dictionary<SpendTemplate, int>();
        var count = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            Assert.True(Transaction.TryParse(Convert.FromHexString(doc.RootElement.GetProperty("hex").GetString()!), out var tx, out var error), error);
            var spent = doc.RootElement.GetProperty("spent").EnumerateArray()
                .Select(s => new TxOut(s.GetProperty("value").GetInt64(), Convert.FromHexString(s.GetProperty("script").GetString()!)))
                .ToArray();

            var result = verifier.VerifyTransaction(tx, spent);

            Assert.True(result.IsValid, $"{line}: input {result.FirstInvalidInput} {result.Error}");
            foreach (var r in result.Inputs)
            {
                templates[r.Template] = templates.GetValueOrDefault(r.Template) + 1;
            }

            count++;
        }

        Assert.Equal(60, count);
        Assert.True(templates.GetValueOrDefault(SpendTemplate.PayToPubKeyHash) > 0);
        Assert.True(templates.GetValueOrDefault(SpendTemplate.PayToWitnessPubKeyHash) > 0);
        Assert.True(templates.GetValueOrDefault(SpendTemplate.PayToScriptHashWitnessPubKeyHash) > 0);
        Assert.True(templates.GetValueOrDefault(SpendTemplate.PayToTaprootKeyPath) > 0);
    }

    [Fact]
    public void Sign_RandomSpends_BitcoinjsVerifiesEveryInput()
    {
        var random = new Random(31);
        (SpendTemplate, bool)[] kinds =
        [
            (SpendTemplate.PayToPubKeyHash, true),
            (SpendTemplate.PayToPubKeyHash, false),
            (SpendTemplate.PayToWitnessPubKeyHash, true),
            (SpendTemplate.PayToScriptHashWitnessPubKeyHash, true),
            (SpendTemplate.PayToTaprootKeyPath, true),
        ];
        byte[] hashTypes = [0x01, 0x02, 0x81, 0x82];
        var lines = new StringBuilder();
        const int Count = 40;
        Transaction? last = null;
        TxOut[] lastSpent = [];
        for (var n = 0; n < Count; n++)
        {
            var inputs = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => kinds[random.Next(kinds.Length)]).ToList();
            var s = SpendRoundTripTests.Build(random, inputs, outputCount: 1 + random.Next(3));
            var options = new SigningOptions
            {
                InputHashTypes = [.. inputs.Select(i => random.Next(3) == 0 ? (byte?)null : hashTypes[random.Next(hashTypes.Length)])],
            };
            var signed = new TransactionSigner(Secp).Sign(s.Unsigned, s.Spent, new PerInputKeys([.. s.Keys.Select(k => (ReadOnlyMemory<byte>?)k)]), options);
            Assert.True(signed.IsComplete);
            lines.Append(ToJsonLine(signed.Transaction, s.Spent)).Append('\n');
            (last, lastSpent) = (signed.Transaction, s.Spent);
        }

        // A control the oracle must reject: the last transaction with one output value changed.
        var outputs = last!.Outputs.ToArray();
        outputs[0] = new TxOut(outputs[0].Value + 1, outputs[0].ScriptPubKey);
        lines.Append(ToJsonLine(new Transaction(last.Version, last.Inputs, outputs, last.LockTime), lastSpent)).Append('\n');

        var verdicts = NodeJs.Run("bitcoin-sign.js", lines.ToString(), "verify")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToList();

        Assert.Equal(Count + 1, verdicts.Count);
        for (var i = 0; i < Count; i++)
        {
            Assert.True(verdicts[i].GetProperty("ok").GetBoolean(), $"tx {i}: {verdicts[i].GetRawText()}");
        }

        Assert.False(verdicts[Count].GetProperty("ok").GetBoolean());
    }

    private static string ToJsonLine(Transaction tx, IReadOnlyList<TxOut> spent) => JsonSerializer.Serialize(new
    {
        hex = Convert.ToHexStringLower(tx.ToBytes()),
        spent = spent.Select(o => new { script = Convert.ToHexStringLower(o.ScriptPubKey.Span), value = o.Value }).ToArray(),
    });
}
