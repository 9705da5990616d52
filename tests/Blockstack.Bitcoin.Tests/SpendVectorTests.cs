using System.Text.Json;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Vector")]
public class SpendVectorTests
{
    private static readonly BouncySecp256k1 Secp = BouncySecp256k1.Instance;

    private static Transaction ParseTx(string hex)
    {
        Assert.True(Transaction.TryParse(Convert.FromHexString(hex), out var tx, out var error), error);
        return tx;
    }

    private static List<(JsonElement Vector, Transaction Signed, Transaction Unsigned, TxOut[] Spent)> Bip143Vectors(JsonDocument doc)
    {
        var list = new List<(JsonElement, Transaction, Transaction, TxOut[])>();
        foreach (var v in doc.RootElement.GetProperty("vectors").EnumerateArray())
        {
            var spent = v.GetProperty("inputs").EnumerateArray()
                .Select(i => new TxOut(
                    (long)(decimal.Parse(i.GetProperty("value_btc").GetString()!, System.Globalization.CultureInfo.InvariantCulture) * 100_000_000m),
                    Convert.FromHexString(i.GetProperty("scriptPubKey").GetString()!)))
                .ToArray();
            list.Add((v, ParseTx(v.GetProperty("signed_tx").GetString()!), ParseTx(v.GetProperty("unsigned_tx").GetString()!), spent));
        }

        return list;
    }

    [VectorFact]
    public void VerifyTransaction_Bip143SignedTxs_EveryInputValid()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip143_vectors.json"));
        var verifier = new SpendVerifier(Secp, SpendVerifierOptions.Standard);
        var templates = new List<SpendTemplate>();
        foreach (var (_, signed, _, spent) in Bip143Vectors(doc))
        {
            var result = verifier.VerifyTransaction(signed, spent);

            Assert.True(result.IsValid, $"input {result.FirstInvalidInput}: {result.Error}");
            templates.AddRange(result.Inputs.Select(r => r.Template));
        }

        Assert.Equal(
            [SpendTemplate.PayToPubKey, SpendTemplate.PayToWitnessPubKeyHash, SpendTemplate.PayToScriptHashWitnessPubKeyHash],
            templates);
    }

    [VectorFact]
    public void Sign_Bip143UnsignedTxs_ReproducesSignedTxExactly()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip143_vectors.json"));
        var signer = new TransactionSigner(Secp);
        var count = 0;
        foreach (var (v, signed, unsigned, spent) in Bip143Vectors(doc))
        {
            var keys = v.GetProperty("inputs").EnumerateArray()
                .Select(i => (ReadOnlyMemory<byte>?)Convert.FromHexString(i.GetProperty("private_key").GetString()!))
                .ToList();

            var result = signer.Sign(unsigned, spent, new PerInputKeys(keys));

            Assert.True(result.IsComplete, string.Join(",", result.InputErrors));
            Assert.Equal(v.GetProperty("signed_tx").GetString(), Convert.ToHexStringLower(result.Transaction.ToBytes()));
            Assert.Equal(signed.Wtxid, result.Transaction.Wtxid);
            count++;
        }

        Assert.Equal(2, count);
    }

    [VectorFact]
    public void VerifyTransaction_Bip341FullySignedTx_EveryInputValid()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip341_wallet_vectors.json"));
        var spending = doc.RootElement.GetProperty("keyPathSpending")[0];
        var spent = spending.GetProperty("given").GetProperty("utxosSpent").EnumerateArray()
            .Select(u => new TxOut(u.GetProperty("amountSats").GetInt64(), Convert.FromHexString(u.GetProperty("scriptPubKey").GetString()!)))
            .ToArray();
        var tx = ParseTx(spending.GetProperty("auxiliary").GetProperty("fullySignedTx").GetString()!);

        var result = new SpendVerifier(Secp, SpendVerifierOptions.Standard).VerifyTransaction(tx, spent);

        Assert.True(result.IsValid, $"input {result.FirstInvalidInput}: {result.Error}");
        Assert.Equal(9, result.Inputs.Count);
        Assert.Equal(7, result.Inputs.Count(r => r.Template == SpendTemplate.PayToTaprootKeyPath));
        Assert.Contains(result.Inputs, r => r.Template == SpendTemplate.PayToPubKeyHash);
        Assert.Contains(result.Inputs, r => r.Template == SpendTemplate.PayToWitnessPubKeyHash);
    }

    [VectorFact]
    public void VerifyTransaction_Bip341WithOneAmountChanged_TaprootInputsFail()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip341_wallet_vectors.json"));
        var spending = doc.RootElement.GetProperty("keyPathSpending")[0];
        var spent = spending.GetProperty("given").GetProperty("utxosSpent").EnumerateArray()
            .Select(u => new TxOut(u.GetProperty("amountSats").GetInt64(), Convert.FromHexString(u.GetProperty("scriptPubKey").GetString()!)))
            .ToArray();
        var tx = ParseTx(spending.GetProperty("auxiliary").GetProperty("fullySignedTx").GetString()!);
        spent[2] = new TxOut(spent[2].Value + 1, spent[2].ScriptPubKey);

        var result = new SpendVerifier(Secp).VerifyTransaction(tx, spent);

        // Taproot signatures without ANYONECANPAY commit to every amount; inputs 1, 7 and 8 use
        // ANYONECANPAY and the legacy/v0 inputs do not cover input 2's amount.
        var failed = Enumerable.Range(0, 9).Where(i => !result.Inputs[i].IsValid).ToArray();
        Assert.Equal([0, 3, 4, 6], failed);
        Assert.All(failed, i => Assert.Equal(SpendErrors.SigInvalid, result.Inputs[i].Error));
    }

    [VectorFact]
    public void GetTaprootOutputKey_Bip341CasesWithoutScriptTree_MatchTweakedKey()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "bip341_wallet_vectors.json"));
        var count = 0;
        foreach (var c in doc.RootElement.GetProperty("scriptPubKey").EnumerateArray())
        {
            if (c.GetProperty("given").GetProperty("scriptTree").ValueKind != JsonValueKind.Null)
            {
                continue;
            }

            var internalKey = Convert.FromHexString(c.GetProperty("given").GetProperty("internalPubkey").GetString()!);

            var script = SpendScripts.GetScriptPubKey(Secp, SpendTemplate.PayToTaprootKeyPath, internalKey);

            Assert.Equal(c.GetProperty("intermediary").GetProperty("tweakedPubkey").GetString(), Convert.ToHexStringLower(script.AsSpan(2)));
            Assert.Equal(c.GetProperty("expected").GetProperty("scriptPubKey").GetString(), Convert.ToHexStringLower(script));
            Assert.Equal(
                c.GetProperty("expected").GetProperty("bip350Address").GetString(),
                SpendScripts.GetAddress(Secp, SpendTemplate.PayToTaprootKeyPath, internalKey, Addresses.BitcoinNetwork.Mainnet));
            count++;
        }

        Assert.True(count > 0);
    }

    private static readonly string[] EnforcedFlags = ["P2SH", "STRICTENC", "DERSIG", "WITNESS", "TAPROOT", "CLEANSTACK", "SIGPUSHONLY"];

    [VectorFact]
    public void VerifyTransaction_CoreTxValidWithSupportedTemplates_AllValid()
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "tx_valid.json"));
        var skipped = new Dictionary<string, int>();
        var verifiedInputs = new Dictionary<SpendTemplate, int>();
        var verifiedTxs = 0;
        var failures = new List<string>();
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            if (entry.GetArrayLength() == 1)
            {
                continue;
            }

            var reason = Check(entry, verifiedInputs, failures);
            if (reason is null)
            {
                verifiedTxs++;
            }
            else
            {
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // 11 of Core's 121 valid txs spend only these templates under rules the verifier applies.
        Assert.True(verifiedTxs == 11, $"verified {verifiedTxs}; skipped {string.Join(", ", skipped)}");
        Assert.True(verifiedInputs.GetValueOrDefault(SpendTemplate.PayToPubKeyHash) > 0);
        Assert.True(verifiedInputs.GetValueOrDefault(SpendTemplate.PayToWitnessPubKeyHash) > 0);
        Assert.True(verifiedInputs.GetValueOrDefault(SpendTemplate.PayToScriptHashWitnessPubKeyHash) > 0);
        Assert.True(verifiedInputs.GetValueOrDefault(SpendTemplate.PayToPubKey) > 0);
        Assert.Equal(121, verifiedTxs + skipped.Values.Sum());
    }

    /// <summary>Null when verified; otherwise why the entry was skipped. Failures are collected.</summary>
    private static string? Check(JsonElement entry, Dictionary<SpendTemplate, int> verifiedInputs, List<string> failures)
    {
        var excluded = entry[2].GetString()!.Split(',');
        if (excluded.Any(EnforcedFlags.Contains))
        {
            return "excludes-a-rule-the-verifier-always-applies";
        }

        var prevouts = new Dictionary<OutPoint, TxOut>();
        foreach (var p in entry[0].EnumerateArray())
        {
            if (!CoreScriptText.TryParse(p[2].GetString()!, out var script))
            {
                return "unparsed-script-text";
            }

            if (SpendTemplates.FromScriptPubKey(script) == SpendTemplate.Unsupported)
            {
                return "unsupported-prevout-template";
            }

            var index = p[1].GetInt64();
            var outPoint = new OutPoint(Txid.Parse(p[0].GetString()!), unchecked((uint)index));
            prevouts[outPoint] = new TxOut(p.GetArrayLength() > 3 ? p[3].GetInt64() : 0, script);
        }

        var tx = ParseTx(entry[1].GetString()!);
        var spent = new TxOut[tx.Inputs.Count];
        for (var i = 0; i < spent.Length; i++)
        {
            if (!prevouts.TryGetValue(tx.Inputs[i].PrevOut, out spent[i]))
            {
                return "prevout-not-listed";
            }
        }

        var options = new SpendVerifierOptions(
            RequireLowS: !excluded.Contains("LOW_S"),
            RequireCompressedSegwitKeys: !excluded.Contains("WITNESS_PUBKEYTYPE"));
        var result = new SpendVerifier(Secp, options).VerifyTransaction(tx, spent);
        if (result.Inputs.Any(r => r.Error == SpendErrors.UnsupportedSpend))
        {
            return "unsupported-spend-shape";
        }

        if (!result.IsValid)
        {
            failures.Add($"{tx.Txid} input {result.FirstInvalidInput}: {result.Error} ({entry[2].GetString()})");
            return "failed";
        }

        foreach (var r in result.Inputs)
        {
            verifiedInputs[r.Template] = verifiedInputs.GetValueOrDefault(r.Template) + 1;
        }

        return null;
    }
}
