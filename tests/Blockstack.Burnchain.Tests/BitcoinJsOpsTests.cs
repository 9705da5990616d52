using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Watcher;
using Blockstack.TestKit;

namespace Blockstack.Burnchain.Tests;

/// <summary>Operations crafted with bitcoinjs-lib, mined, and read back by the watcher with exactly their fields.</summary>
[Trait("Category", "Integration")]
public class BitcoinJsOpsTests
{
    [Fact]
    public async Task Watcher_BitcoinJsCraftedOps_ComeOutWithTheFieldsPutIn()
    {
        var crafted = JsonNode.Parse(NodeJs.Run("burnchain-ops.js"))!.AsArray();
        var txs = crafted.Select(c =>
        {
            Assert.True(Transaction.TryParse(Convert.FromHexString((string)c!["hex"]!), out var tx, out var error), error);
            Assert.Equal((string)c["txid"]!, tx.Txid.ToString());
            return tx;
        }).ToList();
        var chain = new FakeBitcoinChain();
        chain.Mine(6);
        chain.Mine(1, _ => txs); // height 7: reward phase on regtest (offset 2 of 5)
        using var index = BurnchainIndex.InMemory();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(chain, index, chain.Parameters(), events: events.Writer);
        await watcher.SyncAsync(int.MaxValue, CancellationToken.None);

        var block = WatcherTests.Drain(events).Cast<BurnchainEvent.Applied>().Last().Block;
        Assert.Equal(7ul, block.Header.Height);
        var ops = block.Ops;
        Assert.Equal(crafted.Count, ops.Count);
        for (var i = 0; i < ops.Count; i++)
        {
            var c = crafted[i]!;
            var op = ops[i];
            Assert.Equal((string)c["txid"]!, op.Txid.ToString());
            Assert.Equal((uint)(i + 1), op.Vtxindex);
            Assert.Equal(block.Header.Hash, op.BurnHeaderHash);
            AssertFields(c, op);
            if (op is LeaderBlockCommitOp m)
            {
                Assert.Equal(CommitModulusStatus.MissedFurther, BurnOpChecks.CheckModulus(m)); // modulus 3 → intended 4, height 7 mod 5 = 2
            }
        }

        Assert.Equal(ops, index.GetOperations(block.Header.Hash));
    }

    /// <summary>The op carries exactly the fields burnchain-ops.js reported for it.</summary>
    internal static void AssertFields(JsonNode c, BurnOperation op)
    {
        Assert.Equal((string)c["txid"]!, op.Txid.ToString());
        switch (op)
        {
            case LeaderKeyRegisterOp k:
                Assert.Equal((string)c["consensus_hash"]!, k.ConsensusHash.ToString());
                Assert.Equal((string)c["public_key"]!, k.PublicKey.ToString());
                Assert.Equal((string)c["memo"]!, k.Memo.ToHex());
                break;
            case LeaderBlockCommitOp m:
                Assert.Equal((string)c["block_header_hash"]!, m.BlockHeaderHash.ToHex());
                Assert.Equal((string)c["new_seed"]!, m.NewSeed.ToHex());
                Assert.Equal((uint)c["key_block_ptr"]!, m.KeyBlockPtr);
                Assert.Equal((ushort)c["key_vtxindex"]!, m.KeyVtxindex);
                Assert.Equal((byte)c["memo"]!, m.Memo);
                Assert.Equal((byte)c["modulus"]!, m.BurnParentModulus);
                Assert.Equal((ulong)c["burn_fee"]!, m.BurnFee);
                Assert.Equal((string)c["input_txid"]!, m.Input.Txid.ToString());
                Assert.Equal((uint)c["input_vout"]!, m.Input.Index);
                Assert.Equal(2, m.CommitOutputs.Count);
                Assert.All(m.CommitOutputs, a => Assert.True(a.IsBurn));
                break;
            case PreStxOp p:
                Assert.Equal((string)c["output"]!, p.Output.Hash.ToString());
                Assert.Equal(StacksAddressValue.TestnetSingleSig, p.Output.Version);
                break;
            case StackStxOp s:
                Assert.Equal(UInt128.Parse((string)c["ustx"]!, CultureInfo.InvariantCulture), s.StackedUstx);
                Assert.Equal((byte)c["cycles"]!, s.NumCycles);
                Assert.Equal((string)c["signer_key"]!, s.SignerKey?.ToHex());
                Assert.Equal(UInt128.Parse((string)c["max_amount"]!, CultureInfo.InvariantCulture), s.MaxAmount);
                Assert.Equal((uint)c["auth_id"]!, s.AuthId);
                Assert.Equal((string)c["reward"]!, s.RewardAddress.Hash.ToHex());
                Assert.Equal((string)c["sender"]!, s.Sender.Hash.ToString());
                break;
            case TransferStxOp t:
                Assert.Equal(UInt128.Parse((string)c["ustx"]!, CultureInfo.InvariantCulture), t.TransferedUstx);
                Assert.Equal((string)c["memo"]!, t.Memo.ToHex());
                Assert.Equal((string)c["recipient"]!, t.Recipient.Hash.ToString());
                Assert.Equal((string)c["sender"]!, t.Sender.Hash.ToString());
                break;
            case DelegateStxOp d:
                Assert.Equal(UInt128.Parse((string)c["ustx"]!, CultureInfo.InvariantCulture), d.DelegatedUstx);
                Assert.Equal((uint)c["reward_index"]!, d.RewardAddress!.Value.OutputIndex);
                Assert.Equal((string)c["reward"]!, d.RewardAddress.Value.Address.Hash.ToHex());
                Assert.Equal((ulong)c["until"]!, d.UntilBurnHeight);
                Assert.Equal((string)c["delegate_to"]!, d.DelegateTo.Hash.ToString());
                Assert.Equal((string)c["sender"]!, d.Sender.Hash.ToString());
                break;
            default:
                Assert.Fail($"unexpected {op}");
                break;
        }
    }
}
