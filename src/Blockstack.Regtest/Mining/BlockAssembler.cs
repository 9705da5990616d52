using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;

namespace Blockstack.Regtest.Mining;

/// <summary>
/// Builds and mines blocks the way bitcoind's CreateNewBlock does on regtest: a version 0x20000000
/// header on the tip, time max(median time past + 1, now), a coinbase with the BIP34 height and
/// OP_0, subsidy plus fees to the given script, and the BIP141 witness commitment.
/// </summary>
public static class BlockAssembler
{
    public const int BlockVersion = 0x2000_0000;

    /// <summary>Weight kept free for the coinbase (bitcoind reserves 4000).</summary>
    public const int CoinbaseReservedWeight = 4000;

    public static Transaction CreateCoinbase(int height, ReadOnlySpan<byte> payoutScript, long value, Hash256? witnessCommitment)
    {
        byte[] heightPush = height is >= 1 and <= 16
            ? [(byte)Script.EncodeSmallInteger(height)]
            : height == 0 ? [(byte)Opcode.OP_0] : StandardScripts.Push(ScriptNum.Encode(height));
        byte[] scriptSig = [.. heightPush, (byte)Opcode.OP_0];
        var outputs = new List<TxOut> { new(value, payoutScript.ToArray()) };
        ReadOnlyMemory<byte>[]? witness = null;
        if (witnessCommitment is { } commitment)
        {
            var script = new byte[38];
            script[0] = (byte)Opcode.OP_RETURN;
            script[1] = 0x24;
            script[2] = 0xaa;
            script[3] = 0x21;
            script[4] = 0xa9;
            script[5] = 0xed;
            commitment.WriteTo(script.AsSpan(6));
            outputs.Add(new TxOut(0, script));
            witness = [new byte[32]];
        }

        return new Transaction(2, [new TxIn(OutPoint.Null, scriptSig, TxIn.SequenceFinal, witness)], outputs, 0);
    }

    /// <summary>Assembles a block on <paramref name="parent"/> holding <paramref name="transactions"/> (already ordered) and mines it.</summary>
    public static Block CreateAndMine(BlockIndexEntry parent, IReadOnlyList<Transaction> transactions, long fees, ReadOnlySpan<byte> payoutScript, long nowSeconds, RegtestParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(parameters);
        var height = parent.Height + 1;
        var leaves = new Hash256[transactions.Count + 1];
        for (var i = 0; i < transactions.Count; i++)
        {
            leaves[i + 1] = transactions[i].Wtxid;
        }

        var witnessRoot = MerkleTree.ComputeRoot(leaves);
        var commitment = BlockChecks.ComputeWitnessCommitment(witnessRoot, new byte[32]);
        var coinbase = CreateCoinbase(height, payoutScript, parameters.GetSubsidy(height) + fees, commitment);
        var all = new List<Transaction>(transactions.Count + 1) { coinbase };
        all.AddRange(transactions);
        var txids = new Hash256[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            txids[i] = all[i].Txid.Hash;
        }

        var time = (uint)Math.Max(parent.MedianTimePast + 1, nowSeconds);
        var header = new BlockHeader(BlockVersion, parent.Hash, MerkleTree.ComputeRoot(txids), time, parameters.PowLimitBits, 0);
        var powLimit = parameters.PowLimit;
        while (!ProofOfWork.Check(header.Hash, header.Bits, powLimit))
        {
            header = header with { Nonce = header.Nonce + 1 };
        }

        return new Block(header, all);
    }
}
