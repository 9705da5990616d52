using System.Text.Json;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Transactions;
using Blockstack.TestKit;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Vector")]
public class BlockVectorTests
{
    private static readonly Dictionary<string, string> PowLimits = new()
    {
        ["main"] = "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ["test"] = "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ["testnet4"] = "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ["regtest"] = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ["signet"] = "00000377ae000000000000000000000000000000000000000000000000000000",
    };

    public static TheoryData<string> Networks() => ["main", "test", "regtest", "testnet4", "signet"];

    [VectorTheory]
    [MemberData(nameof(Networks))]
    public void Genesis_EveryNetwork_HashesRoundTripAndPow(string network)
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("bitcoin", "genesis.json"));
        var g = doc.RootElement.GetProperty("networks").GetProperty(network);
        var blockHex = g.GetProperty("block_hex").GetString()!;

        Assert.True(Block.TryParse(Convert.FromHexString(blockHex), out var block, out var error), error);

        Assert.Equal(g.GetProperty("block_hash").GetString(), block.Hash.ToString());
        Assert.Equal(g.GetProperty("header_hex").GetString(), Convert.ToHexStringLower(block.Header.ToBytes()));
        Assert.Equal(g.GetProperty("merkle_root").GetString(), block.Header.MerkleRoot.ToDisplayString());
        Assert.Equal(g.GetProperty("coinbase_txid").GetString(), block.Transactions[0].Txid.ToString());
        Assert.Equal(g.GetProperty("coinbase_tx_hex").GetString(), Convert.ToHexStringLower(block.Transactions[0].ToBytes()));
        Assert.Equal(CheckResult.Valid, BlockChecks.CheckMerkleRoot(block));
        Assert.Equal(blockHex, Convert.ToHexStringLower(block.ToBytes()));
        Assert.Equal(g.GetProperty("nBits").GetUInt32(), block.Header.Bits);
        Assert.Equal((uint)g.GetProperty("nonce").GetInt64(), block.Header.Nonce);
        var target = ProofOfWork.DecodeCompact(block.Header.Bits, out var negative, out var overflow);
        Assert.False(negative || overflow);
        Assert.Equal(g.GetProperty("target_hex").GetString(), ProofOfWork.ToHash256(target).ToDisplayString());
        Assert.True(ProofOfWork.Check(block.Hash, block.Header.Bits, Hash256.FromDisplayString(PowLimits[network])));
        Assert.True(block.Transactions[0].IsCoinBase);
        Assert.Equal(CheckResult.Valid, TransactionChecks.CheckTransaction(block.Transactions[0]));
    }

    [VectorFact]
    public void Block413567_Parse_MatchesInfoAndRoundTrips()
    {
        var raw = Vectors.ReadBytes("bitcoin", "block413567.raw");
        using var info = JsonDocument.Parse(Vectors.ReadText("bitcoin", "block413567_info.json"));
        var root = info.RootElement;

        Assert.True(Block.TryParse(raw, out var block, out var error), error);

        Assert.Equal(root.GetProperty("block_hash").GetString(), block.Hash.ToString());
        Assert.Equal(root.GetProperty("tx_count").GetInt32(), block.Transactions.Count);
        Assert.Equal(1557, block.Transactions.Count);
        Assert.Equal(root.GetProperty("merkle_root").GetString(), block.Header.MerkleRoot.ToDisplayString());
        Assert.Equal(block.Header.MerkleRoot, MerkleTree.BlockMerkleRoot(block, out var mutated));
        Assert.False(mutated);
        Assert.Equal(root.GetProperty("prev_block_hash").GetString(), block.Header.PrevBlock.ToString());
        Assert.Equal(root.GetProperty("coinbase_txid").GetString(), block.Transactions[0].Txid.ToString());
        Assert.Equal(root.GetProperty("size_bytes").GetInt32(), block.TotalSize);
        Assert.Equal(raw.Length, block.BaseSize);
        Assert.Equal(raw.Length * 4, block.Weight);
        Assert.Equal(raw, block.ToBytes());
        Assert.True(ProofOfWork.Check(block.Hash, block.Header.Bits, Hash256.FromDisplayString(PowLimits["main"])));
        Assert.True(BlockChecks.TryGetBip34Height(block.Transactions[0].Inputs[0].ScriptSig.Span, out var height));
        Assert.Equal(root.GetProperty("height").GetInt64(), height);
        Assert.Equal(CheckResult.Valid, BlockChecks.CheckBip34Height(block, height));
        Assert.Equal(CheckResult.Valid, BlockChecks.CheckWitnessCommitment(block));
        Assert.All(block.Transactions, tx => Assert.True(TransactionChecks.CheckTransaction(tx).IsValid));
    }

    [VectorFact]
    public void TryParse_Block413567WithTrailingByteOrTruncated_Fails()
    {
        var raw = Vectors.ReadBytes("bitcoin", "block413567.raw");
        Assert.False(Block.TryParse([.. raw, 0], out _, out var error));
        Assert.Equal("block-trailing-bytes", error);
        Assert.False(Block.TryParse(raw.AsSpan(0, raw.Length - 1), out _, out _));
        Assert.False(Block.TryParse(raw.AsSpan(0, 79), out _, out _));
    }
}

[Trait("Category", "Unit")]
public class BlockUnitTests
{
    [Theory]
    [InlineData(0x01003456u, "0", false, false)]
    [InlineData(0x01123456u, "12", false, false)]
    [InlineData(0x02123456u, "1234", false, false)]
    [InlineData(0x04923456u, "12345600", true, false)]
    [InlineData(0x05009234u, "92340000", false, false)]
    [InlineData(0x20123456u, "1234560000000000000000000000000000000000000000000000000000000000", false, false)]
    [InlineData(0xff123456u, "0", false, true)]
    public void DecodeCompact_CoreExamples_MatchSetCompact(uint compact, string hex, bool negative, bool overflow)
    {
        var value = ProofOfWork.DecodeCompact(compact, out var isNegative, out var isOverflow);
        Assert.Equal(negative, isNegative);
        Assert.Equal(overflow, isOverflow);
        if (!overflow)
        {
            Assert.Equal(System.Numerics.BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), value);
        }
    }

    [Fact]
    public void EncodeCompact_GenesisTarget_Is1d00ffff()
    {
        var target = ProofOfWork.DecodeCompact(0x1d00ffff, out _, out _);
        Assert.Equal(0x1d00ffffu, ProofOfWork.EncodeCompact(target));
    }

    [Fact]
    public void ComputeRoot_DuplicateLastPair_FlagsMutation()
    {
        var a = new Hash256(Enumerable.Repeat((byte)1, 32).ToArray());
        var b = new Hash256(Enumerable.Repeat((byte)2, 32).ToArray());
        var c = new Hash256(Enumerable.Repeat((byte)3, 32).ToArray());

        var odd = MerkleTree.ComputeRoot([a, b, c], out var mutatedOdd);
        var duplicated = MerkleTree.ComputeRoot([a, b, c, c], out var mutatedDup);

        Assert.Equal(odd, duplicated);
        Assert.False(mutatedOdd);
        Assert.True(mutatedDup);
        Assert.Equal(a, MerkleTree.ComputeRoot([a], out _));
        Assert.Equal(Hash256.Zero, MerkleTree.ComputeRoot([], out _));
    }

    [Theory]
    [InlineData("00", 0L)]
    [InlineData("51", 1L)]
    [InlineData("60", 16L)]
    [InlineData("0111", 17L)]
    [InlineData("037f4f06", 413567L)]
    [InlineData("0380", -1L)]
    public void TryGetBip34Height_Prefixes_Decode(string hex, long expected)
    {
        var ok = BlockChecks.TryGetBip34Height(Convert.FromHexString(hex), out var height);
        Assert.Equal(expected >= 0, ok);
        if (ok)
        {
            Assert.Equal(expected, height);
        }
    }

    [Fact]
    public void CheckWitnessCommitment_CommittedSegwitBlock_ValidAndTamperedRejected()
    {
        var spend = new Transaction(
            2,
            [new TxIn(new OutPoint(new Txid(new Hash256(Enumerable.Repeat((byte)7, 32).ToArray())), 0), Array.Empty<byte>(), 0xffffffff, [new byte[] { 1, 2, 3 }])],
            [new TxOut(1000, Scripts.StandardScripts.PayToWitnessPubKeyHash(new byte[20]))],
            0);
        var reserved = new byte[32];
        var witnessRoot = MerkleTree.ComputeRoot([Hash256.Zero, spend.Wtxid]);
        var commitment = BlockChecks.ComputeWitnessCommitment(witnessRoot, reserved);
        byte[] commitScript = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed, .. commitment.ToArray()];
        var coinbase = new Transaction(
            2,
            [new TxIn(OutPoint.Null, new byte[] { 0x01, 0x11 }, 0xffffffff, [reserved])],
            [new TxOut(50, new byte[] { 0x51 }), new TxOut(0, commitScript)],
            0);
        var header = new BlockHeader(4, default, MerkleTree.ComputeRoot([coinbase.Txid.Hash, spend.Txid.Hash]), 0, 0x207fffff, 0);
        var block = new Block(header, [coinbase, spend]);

        Assert.Equal(1, BlockChecks.FindWitnessCommitmentIndex(block));
        Assert.Equal(CheckResult.Valid, BlockChecks.CheckWitnessCommitment(block));
        Assert.Equal(CheckResult.Valid, BlockChecks.CheckMerkleRoot(block));
        Assert.Equal(CheckResult.Valid, BlockChecks.CheckBip34Height(block, 17));
        Assert.True(Block.TryParse(block.ToBytes(), out var parsed, out var error), error);
        Assert.Equal(block.Hash, parsed.Hash);
        Assert.Equal(block.TotalSize, parsed.ToBytes().Length);
        Assert.True(block.Weight < block.TotalSize * 4);

        byte[] wrongScript = [.. commitScript];
        wrongScript[^1] ^= 1;
        var badCoinbase = new Transaction(2, coinbase.Inputs, [coinbase.Outputs[0], new TxOut(0, wrongScript)], 0);
        Assert.Equal(BlockChecks.BadWitnessMerkleMatch, BlockChecks.CheckWitnessCommitment(new Block(header, [badCoinbase, spend])).RejectReason);

        var noCommitment = new Transaction(2, [new TxIn(OutPoint.Null, new byte[] { 0x01, 0x11 })], [new TxOut(50, new byte[] { 0x51 })], 0);
        Assert.Equal(BlockChecks.UnexpectedWitness, BlockChecks.CheckWitnessCommitment(new Block(header, [noCommitment, spend])).RejectReason);
    }
}
