using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Unit")]
public class TransactionPropertyTests
{
    [Fact]
    public void TryParse_RandomTransactions_RoundTripWithStableTxidAndExactSize()
    {
        var random = new Random(20240601);
        for (var n = 0; n < 500; n++)
        {
            var tx = RandomTransaction(random, segwit: n % 2 == 1);
            var bytes = tx.ToBytes();
            Assert.Equal(tx.TotalSize, bytes.Length);
            Assert.Equal(tx.BaseSize, tx.ToBytes(withWitness: false).Length);

            Assert.True(Transaction.TryParse(bytes, out var parsed, out var error), error);

            Assert.Equal(bytes, parsed.ToBytes());
            Assert.Equal(tx.Txid, parsed.Txid);
            Assert.Equal(tx.Wtxid, parsed.Wtxid);
            Assert.Equal(tx.HasWitness, parsed.HasWitness);
            Assert.Equal(tx.Weight, parsed.Weight);
            Assert.Equal(tx.ToBytes(withWitness: false), parsed.ToBytes(withWitness: false));
            Assert.Equal(Hashes.Sha256d(tx.ToBytes(withWitness: false)), parsed.Txid.Hash.ToArray());
            Assert.Equal((parsed.Weight + 3) / 4, parsed.VirtualSize);

            var destination = new byte[bytes.Length + 5];
            Assert.Equal(bytes.Length, parsed.Serialize(destination));
        }
    }

    [Fact]
    public void TryParse_EveryTruncation_FailsWithoutThrowing()
    {
        var random = new Random(7);
        for (var n = 0; n < 20; n++)
        {
            var bytes = RandomTransaction(random, segwit: n % 2 == 0).ToBytes();
            for (var length = 0; length < bytes.Length; length++)
            {
                Assert.False(Transaction.TryParse(bytes.AsSpan(0, length), out _, out _));
            }
        }
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(99);
        for (var n = 0; n < 20000; n++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (n % 3 == 0 && bytes.Length > 6)
            {
                bytes[4] = 0;
                bytes[5] = 1;
            }

            if (Transaction.TryParse(bytes, out var tx, out _))
            {
                Assert.Equal(bytes, tx.ToBytes());
            }
        }
    }

    [Theory]
    [InlineData("01000000" + "feffffffff")] // 2^32-1 inputs claimed in a few bytes
    [InlineData("01000000" + "ffffffffffffffffff")] // 2^64-1
    [InlineData("01000000" + "fd0100")] // non-canonical CompactSize
    [InlineData("01000000" + "fe00000100")] // 65536 inputs, no bytes
    [InlineData("01000000" + "00" + "02" + "00" + "00" + "00000000")] // flag 2
    [InlineData("01000000" + "0001" + "01" + "0000000000000000000000000000000000000000000000000000000000000000ffffffff" + "00" + "ffffffff" + "00" + "00" + "00000000")] // all witnesses empty
    [InlineData("")]
    [InlineData("01000000")]
    public void TryParse_BadInput_Fails(string hex)
    {
        Assert.False(Transaction.TryParse(Convert.FromHexString(hex), out var tx, out var error));
        Assert.Null(tx);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParse_TrailingBytes_Fails()
    {
        var bytes = RandomTransaction(new Random(3), segwit: false).ToBytes();
        Assert.False(Transaction.TryParse([.. bytes, 0x00], out _, out var error));
        Assert.Equal("tx-trailing-bytes", error);
    }

    [Fact]
    public void TryParse_EmptyInputsAndOutputs_ParsesAsCoreDoes()
    {
        // Marker with a zero "flag" is read as an empty output vector.
        Assert.True(Transaction.TryParse(Convert.FromHexString("01000000000000000000"), out var tx, out _));
        Assert.Empty(tx.Inputs);
        Assert.Empty(tx.Outputs);
        Assert.Equal(TransactionChecks.VinEmpty, TransactionChecks.CheckTransaction(tx).RejectReason);
    }

    [Fact]
    public void CheckTransaction_Rules_ReturnCoreReasons()
    {
        var a = new OutPoint(new Txid(new Hash256(Enumerable.Repeat((byte)1, 32).ToArray())), 0);
        var b = new OutPoint(a.Txid, 1);
        TxOut Out(long value) => new(value, new byte[] { 0x51 });
        TxIn In(OutPoint p, byte[]? script = null) => new(p, script ?? []);

        Assert.Equal(TransactionChecks.VoutEmpty, Check([In(a)], []));
        Assert.Equal(TransactionChecks.VoutNegative, Check([In(a)], [Out(-1)]));
        Assert.Equal(TransactionChecks.VoutTooLarge, Check([In(a)], [Out(Money.MaxMoney + 1)]));
        Assert.Equal(TransactionChecks.OutputTotalTooLarge, Check([In(a)], [Out(Money.MaxMoney), Out(1)]));
        Assert.Equal(TransactionChecks.InputsDuplicate, Check([In(a), In(b), In(a)], [Out(1)]));
        Assert.Equal(TransactionChecks.CoinbaseLength, Check([In(OutPoint.Null, [1])], [Out(1)]));
        Assert.Equal(TransactionChecks.CoinbaseLength, Check([In(OutPoint.Null, new byte[101])], [Out(1)]));
        Assert.Null(Check([In(OutPoint.Null, new byte[100])], [Out(1)]));
        Assert.Equal(TransactionChecks.PrevoutNull, Check([In(a), In(OutPoint.Null)], [Out(1)]));
        Assert.Equal(TransactionChecks.Oversize, Check([In(a, new byte[1_000_000])], [Out(1)]));
        Assert.Null(Check([In(a), In(b)], [Out(Money.MaxMoney)]));
    }

    private static string? Check(TxIn[] inputs, TxOut[] outputs) =>
        TransactionChecks.CheckTransaction(new Transaction(1, inputs, outputs, 0)).RejectReason;

    internal static Transaction RandomTransaction(Random random, bool segwit)
    {
        var inputs = new TxIn[random.Next(1, 6)];
        var anyWitness = false;
        for (var i = 0; i < inputs.Length; i++)
        {
            var hash = new byte[32];
            random.NextBytes(hash);
            byte[][]? witness = null;
            if (segwit && (random.Next(2) == 0 || (i == inputs.Length - 1 && !anyWitness)))
            {
                witness = new byte[random.Next(1, 4)][];
                for (var j = 0; j < witness.Length; j++)
                {
                    witness[j] = RandomBytes(random, random.Next(0, 80));
                }

                anyWitness = true;
            }

            var script = RandomBytes(random, random.Next(0, 5) == 0 ? random.Next(253, 300) : random.Next(0, 110));
            inputs[i] = new TxIn(
                new OutPoint(new Txid(new Hash256(hash)), (uint)random.Next()),
                script,
                (uint)random.NextInt64(0, uint.MaxValue + 1L),
                witness?.Select(w => (ReadOnlyMemory<byte>)w).ToArray());
        }

        var outputs = new TxOut[random.Next(0, 5)];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new TxOut(random.NextInt64(long.MinValue, long.MaxValue), RandomBytes(random, random.Next(0, 60)));
        }

        return new Transaction(random.Next(int.MinValue, int.MaxValue), inputs, outputs, (uint)random.NextInt64(0, uint.MaxValue + 1L));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
