using System.Globalization;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Regtest.Chain;

/// <summary>Looks up unspent outputs (the chain's UTXO set, possibly with the mempool on top).</summary>
public interface ICoinView
{
    Coin? GetCoin(OutPoint outPoint);
}

/// <summary>
/// Checks that one input's script spends its previous output. Returns null when it does, or
/// bitcoind's script error text ("Signature must be zero for failed CHECK(MULTI)SIG operation", ...).
/// </summary>
public interface IScriptVerifier
{
    string? VerifyInput(Transaction transaction, int inputIndex, IReadOnlyList<TxOut> spentOutputs);
}

/// <summary>The effect of connecting one block: coins created and spent, and the undo record.</summary>
public sealed record BlockChanges(
    IReadOnlyList<(OutPoint OutPoint, Coin Coin, bool Spent)> CoinWrites,
    IReadOnlyList<Coin> Undo,
    long Fees);

/// <summary>
/// Bitcoin Core's block rules in phases, each a pure function returning a reject reason (null when
/// valid): context-free (<see cref="CheckBlock"/>), against the parent header
/// (<see cref="CheckHeaderAgainstParent"/>), against the height (<see cref="CheckBlockAtHeight"/>),
/// and against the UTXO set (<see cref="Connect"/>).
/// </summary>
public static class BlockValidation
{
    public static string? CheckProofOfWork(BlockHeader header, RegtestParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return ProofOfWork.Check(header.Hash, header.Bits, parameters.PowLimit) ? null : "high-hash";
    }

    public static string? CheckBlock(Block block, RegtestParams parameters)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(parameters);
        if (CheckProofOfWork(block.Header, parameters) is { } pow)
        {
            return pow;
        }

        if (BlockChecks.CheckMerkleRoot(block).RejectReason is { } merkle)
        {
            return merkle;
        }

        var txs = block.TransactionSpan;
        if (txs.IsEmpty || (long)block.BaseSize * Transaction.WitnessScaleFactor > parameters.MaxBlockWeight)
        {
            return "bad-blk-length";
        }

        if (!txs[0].IsCoinBase)
        {
            return "bad-cb-missing";
        }

        for (var i = 1; i < txs.Length; i++)
        {
            if (txs[i].IsCoinBase)
            {
                return "bad-cb-multiple";
            }
        }

        foreach (var tx in txs)
        {
            if (TransactionChecks.CheckTransaction(tx).RejectReason is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    public static string? CheckHeaderAgainstParent(BlockHeader header, BlockIndexEntry parent, long nowSeconds, RegtestParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(parameters);
        if (header.Bits != parameters.PowLimitBits)
        {
            return "bad-diffbits";
        }

        if (header.Time <= parent.MedianTimePast)
        {
            return "time-too-old";
        }

        if (header.Time > nowSeconds + (long)parameters.MaxFutureBlockTime.TotalSeconds)
        {
            return "time-too-new";
        }

        return header.Version < 4 ? "bad-version(0x" + header.Version.ToString("x8", CultureInfo.InvariantCulture) + ")" : null;
    }

    public static string? CheckBlockAtHeight(Block block, int height, RegtestParams parameters)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(parameters);
        if (BlockChecks.CheckBip34Height(block, height).RejectReason is { } bip34)
        {
            return bip34;
        }

        if (BlockChecks.CheckWitnessCommitment(block).RejectReason is { } witness)
        {
            return witness;
        }

        return block.Weight > parameters.MaxBlockWeight ? "bad-blk-weight" : null;
    }

    /// <summary>
    /// Spends the block's inputs against <paramref name="view"/>: inputs exist and are mature, values
    /// balance, scripts verify, and the coinbase claims no more than subsidy plus fees.
    /// </summary>
    public static (BlockChanges? Changes, string? Reject) Connect(Block block, int height, ICoinView view, IScriptVerifier verifier, RegtestParams parameters)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(parameters);
        var pending = new Dictionary<OutPoint, Coin?>();
        var writes = new List<(OutPoint, Coin, bool)>();
        var undo = new List<Coin>();
        long fees = 0;
        var txs = block.TransactionSpan;
        for (var t = 0; t < txs.Length; t++)
        {
            var tx = txs[t];
            if (!tx.IsCoinBase)
            {
                var spent = new TxOut[tx.InputSpan.Length];
                long valueIn = 0;
                for (var i = 0; i < tx.InputSpan.Length; i++)
                {
                    var prevOut = tx.InputSpan[i].PrevOut;
                    var coin = pending.TryGetValue(prevOut, out var p) ? p : view.GetCoin(prevOut);
                    if (coin is null)
                    {
                        return (null, "bad-txns-inputs-missingorspent");
                    }

                    if (coin.IsCoinbase && height - coin.Height < parameters.CoinbaseMaturity)
                    {
                        return (null, "bad-txns-premature-spend-of-coinbase");
                    }

                    spent[i] = coin.ToTxOut();
                    valueIn += coin.Value;
                    pending[prevOut] = null;
                    writes.Add((prevOut, coin, true));
                    undo.Add(coin);
                }

                long valueOut = 0;
                foreach (var output in tx.OutputSpan)
                {
                    valueOut += output.Value;
                }

                if (valueIn < valueOut)
                {
                    return (null, "bad-txns-in-belowout");
                }

                for (var i = 0; i < spent.Length; i++)
                {
                    if (verifier.VerifyInput(tx, i, spent) is { } scriptError)
                    {
                        return (null, "mandatory-script-verify-flag-failed (" + scriptError + ")");
                    }
                }

                fees += valueIn - valueOut;
            }

            var txid = tx.Txid;
            for (var o = 0; o < tx.OutputSpan.Length; o++)
            {
                var output = tx.OutputSpan[o];
                if (Script.IsUnspendable(output.ScriptPubKey.Span))
                {
                    continue;
                }

                var outPoint = new OutPoint(txid, (uint)o);
                var coin = new Coin(output.Value, output.ScriptPubKey.ToArray(), height, tx.IsCoinBase);
                pending[outPoint] = coin;
                writes.Add((outPoint, coin, false));
            }
        }

        long coinbaseOut = 0;
        foreach (var output in txs[0].OutputSpan)
        {
            coinbaseOut += output.Value;
        }

        if (coinbaseOut > parameters.GetSubsidy(height) + fees)
        {
            return (null, "bad-cb-amount");
        }

        return (new BlockChanges(writes, undo, fees), null);
    }
}
