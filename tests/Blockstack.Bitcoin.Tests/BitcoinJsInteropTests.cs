using System.Text.Json;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

/// <summary>
/// Cross-checks against an independent implementation: bitcoinjs-lib (npm) builds random
/// transactions with every standard output type; this code must agree on txid, wtxid, sizes,
/// output types and addresses, and on the script each address stands for.
/// </summary>
[Trait("Category", "Integration")]
public class BitcoinJsInteropTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomTransactions_FromBitcoinJs_AgreeOnIdsSizesTypesAndAddresses(int seed)
    {
        var lines = NodeJs.Run("bitcoin-random-txs.js", "", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "200")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(200, lines.Length);

        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var expected = doc.RootElement;
            var hex = expected.GetProperty("hex").GetString()!;
            var network = BitcoinNetwork.FromName(expected.GetProperty("network").GetString()!);

            Assert.True(Transaction.TryParse(Convert.FromHexString(hex), out var tx, out var error), $"seed {seed}: {error} in {hex}");
            Assert.Equal(expected.GetProperty("txid").GetString(), tx.Txid.ToString());
            Assert.Equal(expected.GetProperty("wtxid").GetString(), tx.Wtxid.ToDisplayString());
            Assert.Equal(expected.GetProperty("size").GetInt32(), tx.TotalSize);
            Assert.Equal(expected.GetProperty("vsize").GetInt32(), tx.VirtualSize);
            Assert.Equal(expected.GetProperty("weight").GetInt32(), tx.Weight);
            Assert.Equal(hex, Convert.ToHexStringLower(tx.ToBytes()));

            var outputs = expected.GetProperty("outputs").EnumerateArray().ToList();
            Assert.Equal(outputs.Count, tx.Outputs.Count);
            for (var i = 0; i < outputs.Count; i++)
            {
                var script = tx.Outputs[i].ScriptPubKey.Span;
                Assert.Equal(outputs[i].GetProperty("script").GetString(), Convert.ToHexStringLower(script));
                Assert.Equal(outputs[i].GetProperty("type").GetString(), StandardScripts.GetName(StandardScripts.Classify(script)));

                var address = outputs[i].GetProperty("address").GetString();
                var hasAddress = BitcoinAddress.TryEncode(script, network, out var ours);
                Assert.Equal(address is not null, hasAddress);
                if (address is not null)
                {
                    Assert.Equal(address, ours);
                    Assert.True(BitcoinAddress.TryDecode(address, network, out var decoded, out var decodeError), decodeError);
                    Assert.Equal(script.ToArray(), decoded);
                }
            }
        }
    }
}
