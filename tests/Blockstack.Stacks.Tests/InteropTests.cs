using System.Text;
using System.Text.Json;
using Blockstack.TestKit;

namespace Blockstack.Stacks.Tests;

[Trait("Category", "Integration")]
public class StacksJsInteropTests
{
    [Fact]
    public void Decode_StacksJsRandomTransactions_SameTxidFieldsAndValidSignatures()
    {
        var output = NodeJs.Run("stacks-random-txs.js", "", "60", "20240601");
        var kinds = new HashSet<string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var c = doc.RootElement;
            var kind = c.GetProperty("kind").GetString()!;
            kinds.Add(kind);
            Assert.True(StacksTransaction.TryDecodeHex(c.GetProperty("hex").GetString()!, out var tx, out var e), $"{kind}: {e}");
            Assert.Equal(c.GetProperty("txid").GetString(), tx.Txid.ToString());
            Assert.Equal(c.GetProperty("hex").GetString(), tx.ToHex());
            Assert.Equal(c.GetProperty("network").GetString() == "mainnet", tx.IsMainnet);
            Assert.Equal(c.GetProperty("signer").GetString(), tx.Auth.Origin.Signer.ToHex());
            Assert.Equal(c.GetProperty("hash_mode").GetInt32(), (int)tx.Auth.Origin.HashMode);
            Assert.Equal(ulong.Parse(c.GetProperty("nonce").GetString()!, System.Globalization.CultureInfo.InvariantCulture), tx.Auth.Origin.Nonce);
            Assert.Equal(c.GetProperty("post_conditions").GetInt32(), tx.PostConditions.Count);
            Assert.Equal(kind == "sponsored", tx.Auth.Sponsor is not null);
            if (kind == "contract_call")
            {
                var call = Assert.IsType<ContractCallPayload>(tx.Payload);
                var hexes = c.GetProperty("function_args").EnumerateArray().Select(a => a.GetString()!).ToList();
                Assert.Equal(hexes, call.Arguments.Select(a => a.ToHex()).ToList());
            }
            else
            {
                var transfer = Assert.IsType<TokenTransferPayload>(tx.Payload);
                Assert.Equal(c.GetProperty("recipient").GetString(), transfer.Recipient.ToString());
                Assert.Equal(c.GetProperty("amount").GetString(), transfer.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            Assert.True(TxFixtures.Signer.Verify(tx, out e), $"{kind}: {e}");
        }

        Assert.Equal(4, kinds.Count);
    }

    [Fact]
    public void Sign_OurTransactions_AcceptedByStacksJs()
    {
        var signer = TxFixtures.Signer;
        var txs = new List<StacksTransaction>();
        for (var i = 0; i < 12; i++)
        {
            var key = TxFixtures.Key(100 + i, compressed: i % 3 != 0);
            var version = i % 2 == 0 ? TransactionVersion.Mainnet : TransactionVersion.Testnet;
            var tx = TxFixtures.Transfer(signer.SingleSigCondition(key, (ulong)i, 180), version: version);
            if (i % 4 == 1)
            {
                tx = tx with { Payload = new ContractCallPayload(tx.OriginAddress, "c", "f", [new ClarityUInt(5), new ClarityBuffer([1, 2]), new ClarityPrincipal(new StandardPrincipal(tx.OriginAddress))]) };
            }

            txs.Add(signer.SignOrigin(tx, key));
        }

        var keys = new[] { TxFixtures.Key(1), TxFixtures.Key(2), TxFixtures.Key(3) };
        var pubs = keys.Select(k => k.PublicKey(TxFixtures.Curve)).ToList();
        txs.Add(signer.SignOriginMultiSig(TxFixtures.Transfer(StacksSigner.MultiSigCondition(pubs, 2, 1, 300)), pubs, [keys[0], keys[1], null]));
        var sponsored = TxFixtures.Transfer(signer.SingleSigCondition(keys[0], 4, 0), signer.SingleSigCondition(keys[1], 2, 500));
        txs.Add(signer.SignSponsor(signer.SignOrigin(sponsored, keys[0]), keys[1]));

        var input = new StringBuilder();
        foreach (var tx in txs)
        {
            input.Append(tx.ToHex()).Append('\n');
        }

        var results = NodeJs.Run("stacks-verify-txs.js", input.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(txs.Count, results.Length);
        for (var i = 0; i < txs.Count; i++)
        {
            using var doc = JsonDocument.Parse(results[i]);
            Assert.True(doc.RootElement.GetProperty("ok").GetBoolean(), results[i]);
            Assert.Equal(txs[i].Txid.ToString(), doc.RootElement.GetProperty("txid").GetString());
        }
    }

    [Fact]
    public void C32_RandomHashesAndVersions_AgreeWithC32check()
    {
        var rng = new Random(99);
        var cases = new List<StacksAddress>();
        for (var i = 0; i < 200; i++)
        {
            var hash = new byte[20];
            rng.NextBytes(hash);
            if (i % 10 == 0)
            {
                Array.Clear(hash, 0, rng.Next(1, 20));
            }

            cases.Add(new StacksAddress((byte)rng.Next(0, 32), new Hash160(hash)));
        }

        var input = string.Join('\n', cases.Select(a => $"{a.Version} {a.Hash.ToHex()}"));
        var lines = NodeJs.Run("stacks-c32.js", input).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cases.Count, lines.Length);
        for (var i = 0; i < cases.Count; i++)
        {
            var parts = lines[i].Split(' ');
            Assert.Equal(parts[0], cases[i].ToString());
            Assert.True(StacksAddress.TryParse(parts[0], out var parsed, out _));
            Assert.Equal(cases[i], parsed);
        }
    }
}
