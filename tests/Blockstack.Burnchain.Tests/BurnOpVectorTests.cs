using System.Text.Json.Nodes;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Ops;
using Blockstack.TestKit;

namespace Blockstack.Burnchain.Tests;

/// <summary>stacks-core's burn-operation vectors (shared/vectors/stacks/burnchain_ops.json).</summary>
[Trait("Category", "Vector")]
public class BurnOpVectorTests
{
    private static readonly BlockHash AnyBlock = new(new Hash256(new byte[32]));

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        if (!Vectors.Available)
        {
            data.Add(-1, "vectors absent");
            return data;
        }

        var cases = Load();
        for (var i = 0; i < cases.Count; i++)
        {
            data.Add(i, $"{cases[i]!["kind"]}: {cases[i]!["note"]}");
        }

        return data;
    }

    [VectorFact]
    public void Vectors_AllKindsPresent_ThirtyOneCases()
    {
        var cases = Load();
        Assert.Equal(31, cases.Count);
    }

    [VectorTheory]
    [MemberData(nameof(Cases))]
    public void Parse_Vector_MatchesExpected(int index, string note)
    {
        Assert.False(string.IsNullOrEmpty(note));
        var c = Load()[index]!.AsObject();
        switch ((string)c["kind"]!)
        {
            case "leader_key_register":
            case "leader_block_commit":
                RawOpCase(c);
                break;
            case "bitcoin_tx_parse_layer":
                ParseLayerCase(c);
                break;
            default:
                StructuredCase(c);
                break;
        }
    }

    private static JsonArray Load() =>
        JsonNode.Parse(Vectors.ReadText("stacks", "burnchain_ops.json"))!["cases"]!.AsArray();

    private static BurnchainParameters ParamsFor(JsonObject c)
    {
        var height = (ulong)c["block_height"]!;
        var mainnet = (string?)c["network"] == "mainnet";
        var note = (string?)c["burnchain_params"] ?? string.Empty;
        ulong start = ulong.MaxValue - 1, end = ulong.MaxValue;
        uint prepare = 3;
        if (note.Contains("prepare_length=1", StringComparison.Ordinal))
        {
            prepare = 1;
        }

        if (note.Contains("sunset_start=block_height", StringComparison.Ordinal))
        {
            (start, end) = (height, height + 1);
        }
        else if (note.Contains("sunset_start=", StringComparison.Ordinal))
        {
            start = ulong.Parse(Between(note, "sunset_start=", ","), System.Globalization.CultureInfo.InvariantCulture);
            end = ulong.Parse(Between(note, "sunset_end=", " "), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (c["pox_sunset_end"] is JsonNode sunsetEnd)
        {
            end = (ulong)sunsetEnd;
            start = end - 1;
        }

        return BurnchainParameters.Regtest() with
        {
            Bitcoin = mainnet ? BitcoinNetwork.Mainnet : BitcoinNetwork.Testnet,
            Pox = new PoxConstants(5, prepare, start, end),
        };
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return to < 0 ? text[from..] : text[from..to];
    }

    private static StacksEpoch EpochOf(JsonObject c) => (string?)c["epoch"] switch
    {
        "2.0" => StacksEpoch.Epoch20,
        "2.05" => StacksEpoch.Epoch205,
        _ => StacksEpoch.Epoch21,
    };

    private static void RawOpCase(JsonObject c)
    {
        var parameters = ParamsFor(c);
        Assert.Equal("id", (string)c["magic"]!);
        Assert.True(Transaction.TryParse(Convert.FromHexString((string)c["raw_btc_tx_hex"]!), out var tx, out var error), error);
        var context = new BurnOpContext(parameters, (ulong)c["block_height"]!, AnyBlock, EpochOf(c));
        var status = BurnTransactionDecoder.Decode(tx, (uint)c["vtxindex"]!, parameters, context.Epoch, out var candidate, out _);
        BurnOperation? op = null;
        if (status == BurnTxDecodeStatus.Candidate)
        {
            var expectedOpcode = (string)c["kind"]! == "leader_key_register" ? BurnOpcode.LeaderKeyRegister : BurnOpcode.LeaderBlockCommit;
            op = expectedOpcode == BurnOpcode.LeaderKeyRegister
                ? BurnOpParser.ParseLeaderKeyRegister(candidate!, context).Operation
                : BurnOpParser.ParseLeaderBlockCommit(candidate!, context).Operation;
        }

        var expected = c["expected"] as JsonObject;
        if (expected is null)
        {
            Assert.Null(op);
            return;
        }

        Assert.NotNull(op);
        Assert.Equal((string)c["expected_reserialized_op_hex"]!, Convert.ToHexStringLower(BurnOpEncoder.EncodePush(parameters, op)));
        Assert.Equal((ulong)c["block_height"]!, op.BlockHeight);
        Assert.Equal((uint)c["vtxindex"]!, op.Vtxindex);
        Assert.Equal((string)expected["txid_stacks_order_hex"]!, op.Txid.ToString());
        Assert.Equal((string)expected["txid_stacks_order_hex"]!, Convert.ToHexStringLower(op.Txid.ToDisplayBytes()));
        if (op is LeaderKeyRegisterOp key)
        {
            Assert.Equal((string)expected["consensus_hash"]!, key.ConsensusHash.ToString());
            Assert.Equal((string)expected["public_key"]!, key.PublicKey.ToString());
            Assert.Equal((string)expected["memo_hex"]!, key.Memo.ToHex());
            return;
        }

        var commit = Assert.IsType<LeaderBlockCommitOp>(op);
        Assert.Equal((string)expected["block_header_hash"]!, commit.BlockHeaderHash.ToHex());
        Assert.Equal((string)expected["new_seed"]!, commit.NewSeed.ToHex());
        Assert.Equal((uint)expected["parent_block_ptr"]!, commit.ParentBlockPtr);
        Assert.Equal((ushort)expected["parent_vtxindex"]!, commit.ParentVtxindex);
        Assert.Equal((uint)expected["key_block_ptr"]!, commit.KeyBlockPtr);
        Assert.Equal((ushort)expected["key_vtxindex"]!, commit.KeyVtxindex);
        Assert.Equal((byte)expected["memo"]![0]!, commit.Memo);
        Assert.Equal((byte)expected["burn_parent_modulus"]!, commit.BurnParentModulus);
        Assert.Equal((ulong)expected["burn_fee"]!, commit.BurnFee);
        Assert.Equal((ulong)expected["sunset_burn"]!, commit.SunsetBurn);
        var outs = expected["commit_outs"]!.AsArray();
        Assert.Equal(outs.Count, commit.CommitOutputs.Count);
        for (var i = 0; i < outs.Count; i++)
        {
            Assert.Equal((byte)outs[i]!["version"]!, commit.CommitOutputs[i].Version);
            Assert.Equal((string)outs[i]!["hash160"]!, commit.CommitOutputs[i].Hash.ToHex());
            Assert.True(commit.CommitOutputs[i].IsBurn);
        }

        Assert.Equal((string)expected["input"]!["txid"]!, commit.Input.Txid.ToString());
        Assert.Equal((uint)expected["input"]!["vout"]!, commit.Input.Index);
        Assert.NotNull(commit.ApparentSender);
        Assert.Equal((string)expected["apparent_sender_b58"]!, commit.ApparentSender.Value.ToBitcoinAddress(BitcoinNetwork.Testnet));
    }

    private static void ParseLayerCase(JsonObject c)
    {
        var parameters = BurnchainParameters.Regtest() with { Bitcoin = BitcoinNetwork.Testnet };
        var expected = c["expected"]!.AsObject();
        Assert.True(Transaction.TryParse(Convert.FromHexString((string)c["raw_btc_tx_hex"]!), out var tx, out var error), error);
        var status = BurnTransactionDecoder.Decode(tx, (uint)c["vtxindex"]!, parameters, StacksEpoch.Epoch205, out var candidate, out var rejection);
        Assert.Equal(BurnTxDecodeStatus.Candidate, status);
        Assert.Null(rejection);
        Assert.Equal((string)expected["txid_stacks_order_hex"]!, candidate!.Txid.ToString());
        Assert.Equal((byte)((string)expected["opcode_char"]!)[0], candidate.Opcode);
        Assert.Equal((string)expected["data_hex"]!, candidate.Data.ToHex());
        Assert.Equal((ulong)expected["data_amt"]!, candidate.DataAmount);
        var inputs = expected["inputs"]!.AsArray();
        Assert.Equal(inputs.Count, candidate.Inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Equal((string)inputs[i]!["prev_txid"]!, candidate.Inputs[i].PrevOut.Txid.ToString());
            Assert.Equal((uint)inputs[i]!["vout"]!, candidate.Inputs[i].PrevOut.Index);
        }

        var outputs = expected["outputs_excluding_op_return"]!.AsArray();
        Assert.Equal(outputs.Count, candidate.Outputs.Count);
        for (var i = 0; i < outputs.Count; i++)
        {
            Assert.Equal((ulong)outputs[i]!["units"]!, candidate.Outputs[i].Amount);
            Assert.Equal(PoxAddressKind.P2pkh, candidate.Outputs[i].Address.Kind);
            Assert.Equal((string)outputs[i]!["hash160"]!, candidate.Outputs[i].Address.Hash.ToHex());
        }

        Assert.Equal(BurnOpParseResult.Default, BurnOpParser.Parse(candidate, new BurnOpContext(parameters, 1, AnyBlock, StacksEpoch.Epoch205), new NoPreStx()));
    }

    private static void StructuredCase(JsonObject c)
    {
        var parameters = ParamsFor(c);
        var context = new BurnOpContext(parameters, (ulong)c["block_height"]!, AnyBlock, EpochOf(c));
        var tx = StructuredTx(c);
        var sender = c["sender"] is JsonObject s
            ? new StacksAddressValue((byte)s["version"]!, Hash160Bytes.FromHex((string)s["hash160"]!))
            : default;
        var result = (string)c["kind"]! switch
        {
            "block_commit_outputs" => BurnOpParser.ParseLeaderBlockCommit(tx, context),
            "pre_stx" => BurnOpParser.ParsePreStx(tx, context),
            "stack_stx" => BurnOpParser.ParseStackStx(tx, context, sender),
            "transfer_stx" => BurnOpParser.ParseTransferStx(tx, context, sender),
            "delegate_stx" => BurnOpParser.ParseDelegateStx(tx, context, sender),
            var other => throw new InvalidOperationException(other),
        };
        var expected = c["expected"]!.AsObject();
        if (expected["ok"] is JsonNode ok && !(bool)ok)
        {
            Assert.Null(result.Operation);
            Assert.NotNull(result.Rejection);
            Assert.Equal((string)expected["error"]!, result.Rejection.Code.ToUpstreamError());
            return;
        }

        Assert.Null(result.Rejection);
        switch (result.Operation)
        {
            case LeaderBlockCommitOp commit:
                if (expected["commit_outs_count"] is JsonNode count)
                {
                    Assert.Equal((int)count, commit.CommitOutputs.Count);
                }

                if (expected["burn_fee"] is JsonNode fee)
                {
                    Assert.Equal((ulong)fee, commit.BurnFee);
                }

                if (expected["sunset_burn"] is JsonNode sunset)
                {
                    Assert.Equal((ulong)sunset, commit.SunsetBurn);
                }

                if (expected["first_is_burn"] is JsonNode firstBurn)
                {
                    Assert.Equal((bool)firstBurn, commit.CommitOutputs[0].IsBurn);
                }

                break;
            case PreStxOp pre:
                AssertAddress(expected["output_stacks_address"]!, pre.Output);
                break;
            case StackStxOp stack:
                Assert.Equal((string)expected["stacked_ustx_hex_be"]!, U128Hex(stack.StackedUstx));
                Assert.Equal((byte)expected["num_cycles"]!, stack.NumCycles);
                Assert.Equal((string?)expected["signer_key_hex"], stack.SignerKey?.ToHex());
                if (expected["reward_addr"] is JsonObject reward)
                {
                    AssertPox(reward, stack.RewardAddress);
                }

                Assert.Equal(sender, stack.Sender);
                break;
            case TransferStxOp transfer:
                Assert.Equal((string)expected["transfered_ustx_hex_be"]!, U128Hex(transfer.TransferedUstx));
                Assert.Equal((string)expected["memo_hex"]!, transfer.Memo.ToHex());
                AssertAddress(expected["recipient"]!, transfer.Recipient);
                Assert.Equal(sender, transfer.Sender);
                break;
            case DelegateStxOp delegate_:
                Assert.Equal((string)expected["delegated_ustx_hex_be"]!, U128Hex(delegate_.DelegatedUstx));
                if (expected["reward_addr"] is JsonObject rewardAddr)
                {
                    Assert.NotNull(delegate_.RewardAddress);
                    Assert.Equal((uint)rewardAddr["output_index"]!, delegate_.RewardAddress.Value.OutputIndex);
                    AssertPox(rewardAddr, delegate_.RewardAddress.Value.Address);
                }
                else
                {
                    Assert.Null(delegate_.RewardAddress);
                }

                if (expected["delegate_to"] is JsonNode to)
                {
                    AssertAddress(to, delegate_.DelegateTo);
                }

                var untilHex = (string?)expected["until_burn_height_hex_be"];
                Assert.Equal(untilHex, delegate_.UntilBurnHeight is { } u ? u.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : null);
                break;
            default:
                Assert.Fail($"unexpected result {result}");
                break;
        }
    }

    private static BurnchainTransaction StructuredTx(JsonObject c)
    {
        var inputs = c["inputs"]!.AsArray().Select(i => new BurnchainInput(
            new OutPoint(Txid.Parse((string)i!["prev_txid"]!), (uint)i["vout"]!), ByteString.Empty, default));
        var outputs = c["outputs_excluding_op_return"]!.AsArray().Select(o =>
        {
            var hash = new byte[20];
            Array.Fill(hash, (byte)o!["hash160_fill_byte"]!);
            Assert.Equal("p2pkh", (string)o["type"]!);
            return new BurnchainOutput(new PoxAddress(PoxAddressKind.P2pkh, (string)o["network"]! == "mainnet", new ByteString(hash)), (ulong)o["units"]!);
        });
        return new BurnchainTransaction(
            Txid.Parse((string)c["txid"]!),
            (uint)c["vtxindex"]!,
            (byte)((string)c["opcode_char"]!)[0],
            ByteString.FromHex((string)c["data_hex"]!),
            (ulong)c["data_amt"]!,
            new ValueList<BurnchainInput>(inputs),
            new ValueList<BurnchainOutput>(outputs));
    }

    private static void AssertAddress(JsonNode expected, StacksAddressValue actual)
    {
        Assert.Equal((byte)expected["version"]!, actual.Version);
        Assert.Equal((string)expected["hash160"]!, actual.Hash.ToString());
    }

    private static void AssertPox(JsonObject expected, PoxAddress actual)
    {
        Assert.Equal((byte)expected["version"]!, actual.Version);
        Assert.Equal((string)expected["hash160"]!, actual.Hash.ToHex());
        Assert.Equal((string)expected["hash_mode"]!, actual.HashMode);
    }

    private static string U128Hex(UInt128 value) => value.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
}
