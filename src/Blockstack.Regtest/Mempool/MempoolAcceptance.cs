using System.Globalization;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;

namespace Blockstack.Regtest.Mempool;

/// <summary>Relay policy (bitcoind v28 defaults).</summary>
public sealed record MempoolPolicy
{
    /// <summary>-minrelaytxfee: 1000 sat/kvB.</summary>
    public long MinRelayFeePerKvB { get; init; } = 1000;

    /// <summary>-dustrelayfee: 3000 sat/kvB.</summary>
    public long DustRelayFeePerKvB { get; init; } = 3000;

    /// <summary>-mempoolfullrbf (default on since v28): replacement needs no BIP125 signal.</summary>
    public bool FullRbf { get; init; } = true;

    public int MaxReplacementEvictions { get; init; } = 100;

    public int MaxStandardTxWeight { get; init; } = 400_000;

    public int MaxStandardScriptSigSize { get; init; } = 1650;
}

/// <summary>How a rejection maps onto bitcoind's RPC errors.</summary>
public enum RejectKind
{
    /// <summary>Policy or consensus failure: -26.</summary>
    Rejected,

    /// <summary>Inputs missing or spent: -25.</summary>
    MissingInputs,

    /// <summary>Outputs already in the UTXO set: -27.</summary>
    AlreadyInChain,

    /// <summary>Same transaction already in the mempool (sendrawtransaction answers its txid).</summary>
    AlreadyInMempool,
}

/// <summary>The outcome of checking a transaction for the mempool.</summary>
public sealed record AcceptResult(RejectKind? Kind, string? Reason, long Fee, int VSize, IReadOnlySet<Txid> Replaced)
{
    public bool IsAccepted => Kind is null;

    public static AcceptResult Reject(RejectKind kind, string reason) => new(kind, reason, 0, 0, new HashSet<Txid>());
}

/// <summary>
/// bitcoind's AcceptToMemoryPool for single transactions, in its order: context-free checks,
/// standardness, finality, conflicts (BIP125 replacement), inputs, fees, scripts. Pure over the
/// chain view and the pool; changes nothing.
/// </summary>
public static class MempoolAcceptance
{
    public static AcceptResult Check(Transaction tx, ChainState chain, Mempool pool, MempoolPolicy policy, IScriptVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(verifier);
        if (TransactionChecks.CheckTransaction(tx).RejectReason is { } invalid)
        {
            return AcceptResult.Reject(RejectKind.Rejected, invalid);
        }

        if (tx.IsCoinBase)
        {
            return AcceptResult.Reject(RejectKind.Rejected, "coinbase");
        }

        if (CheckStandard(tx, policy) is { } nonStandard)
        {
            return AcceptResult.Reject(RejectKind.Rejected, nonStandard);
        }

        if (tx.BaseSize < 65)
        {
            return AcceptResult.Reject(RejectKind.Rejected, "tx-size-small");
        }

        var spendHeight = chain.Height + 1;
        if (!IsFinal(tx, spendHeight, chain.Tip.MedianTimePast))
        {
            return AcceptResult.Reject(RejectKind.Rejected, "non-final");
        }

        var txid = tx.Txid;
        if (pool.Get(txid) is { } existing)
        {
            return existing.Tx.Wtxid == tx.Wtxid
                ? AcceptResult.Reject(RejectKind.AlreadyInMempool, "txn-already-in-mempool")
                : AcceptResult.Reject(RejectKind.Rejected, "txn-same-nonwitness-data-in-mempool");
        }

        var conflicts = new HashSet<Txid>();
        foreach (var input in tx.Inputs)
        {
            if (pool.GetSpender(input.PrevOut) is { } spender)
            {
                if (!policy.FullRbf && !pool.Get(spender)!.SignalsReplaceable)
                {
                    return AcceptResult.Reject(RejectKind.Rejected, "txn-mempool-conflict");
                }

                conflicts.Add(spender);
            }
        }

        var spent = new TxOut[tx.Inputs.Count];
        long valueIn = 0;
        for (var i = 0; i < tx.Inputs.Count; i++)
        {
            var prevOut = tx.Inputs[i].PrevOut;
            if (conflicts.Contains(prevOut.Txid))
            {
                return AcceptResult.Reject(RejectKind.Rejected, "bad-txns-spends-conflicting-tx");
            }

            var coin = pool.GetOutput(prevOut) ?? chain.GetCoin(prevOut);
            if (coin is null)
            {
                for (var o = 0; o < tx.Outputs.Count; o++)
                {
                    if (chain.GetCoin(new OutPoint(txid, (uint)o)) is not null)
                    {
                        return AcceptResult.Reject(RejectKind.AlreadyInChain, "txn-already-known");
                    }
                }

                return AcceptResult.Reject(RejectKind.MissingInputs, "bad-txns-inputs-missingorspent");
            }

            if (coin.IsCoinbase && spendHeight - coin.Height < chain.Params.CoinbaseMaturity)
            {
                return AcceptResult.Reject(RejectKind.Rejected, string.Create(CultureInfo.InvariantCulture,
                    $"bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth {spendHeight - coin.Height}"));
            }

            if (StandardScripts.Classify(coin.Script) == ScriptType.NonStandard)
            {
                return AcceptResult.Reject(RejectKind.Rejected, "bad-txns-nonstandard-inputs");
            }

            spent[i] = coin.ToTxOut();
            valueIn += coin.Value;
        }

        long valueOut = tx.Outputs.Sum(o => o.Value);
        if (valueIn < valueOut)
        {
            return AcceptResult.Reject(RejectKind.Rejected,
                $"bad-txns-in-belowout, value in ({FormatMoney(valueIn)}) < value out ({FormatMoney(valueOut)})");
        }

        var fee = valueIn - valueOut;
        var vsize = tx.VirtualSize;
        var minFee = policy.MinRelayFeePerKvB * vsize / 1000;
        if (fee < minFee)
        {
            return AcceptResult.Reject(RejectKind.Rejected, string.Create(CultureInfo.InvariantCulture, $"min relay fee not met, {fee} < {minFee}"));
        }

        var replaced = new HashSet<Txid>();
        if (conflicts.Count > 0 && CheckReplacement(txid, fee, vsize, conflicts, pool, policy, replaced) is { } rbf)
        {
            return AcceptResult.Reject(RejectKind.Rejected, rbf);
        }

        for (var i = 0; i < spent.Length; i++)
        {
            if (verifier.VerifyInput(tx, i, spent) is { } scriptError)
            {
                return AcceptResult.Reject(RejectKind.Rejected, "mandatory-script-verify-flag-failed (" + scriptError + ")");
            }
        }

        return new AcceptResult(null, null, fee, vsize, replaced);
    }

    /// <summary>BIP125 rules 3, 4, 5 and 6 as bitcoind words them (reject reason "insufficient fee").</summary>
    private static string? CheckReplacement(Txid txid, long fee, int vsize, HashSet<Txid> conflicts, Mempool pool, MempoolPolicy policy, HashSet<Txid> replaced)
    {
        var newRate = fee * 1000 / vsize;
        foreach (var conflict in conflicts)
        {
            var old = pool.Get(conflict)!;
            if (newRate <= old.FeeRatePerKvB)
            {
                return $"insufficient fee, rejecting replacement {txid}; new feerate {FormatFeeRate(newRate)} <= old feerate {FormatFeeRate(old.FeeRatePerKvB)}";
            }
        }

        replaced.UnionWith(pool.WithDescendants(conflicts));
        if (replaced.Count > policy.MaxReplacementEvictions)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"too many potential replacements, rejecting replacement {txid}; too many potential replacements ({replaced.Count} > {policy.MaxReplacementEvictions})");
        }

        long originalFees = replaced.Sum(t => pool.Get(t)!.Fee);
        if (fee < originalFees)
        {
            return $"insufficient fee, rejecting replacement {txid}, less fees than conflicting txs; {FormatMoney(fee)} < {FormatMoney(originalFees)}";
        }

        var additional = fee - originalFees;
        var relayFee = policy.MinRelayFeePerKvB * vsize / 1000;
        if (additional < relayFee)
        {
            return $"insufficient fee, rejecting replacement {txid}, not enough additional fees to relay; {FormatMoney(additional)} < {FormatMoney(relayFee)}";
        }

        return null;
    }

    /// <summary>bitcoind's IsStandardTx reasons.</summary>
    public static string? CheckStandard(Transaction tx, MempoolPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(policy);
        if (tx.Version is < 1 or > 3)
        {
            return "version";
        }

        if (tx.Weight > policy.MaxStandardTxWeight)
        {
            return "tx-size";
        }

        foreach (var input in tx.Inputs)
        {
            if (input.ScriptSig.Length > policy.MaxStandardScriptSigSize)
            {
                return "scriptsig-size";
            }

            if (!Script.IsPushOnly(input.ScriptSig.Span))
            {
                return "scriptsig-not-pushonly";
            }
        }

        var nullData = 0;
        foreach (var output in tx.Outputs)
        {
            var type = StandardScripts.Classify(output.ScriptPubKey.Span);
            if (type == ScriptType.NonStandard)
            {
                return "scriptpubkey";
            }

            if (type == ScriptType.NullData)
            {
                if (!StandardScripts.IsStandardNullData(output.ScriptPubKey.Span))
                {
                    return "scriptpubkey";
                }

                nullData++;
            }
            else if (output.Value < DustThreshold(output, policy.DustRelayFeePerKvB))
            {
                return "dust";
            }
        }

        return nullData > 1 ? "multi-op-return" : null;
    }

    /// <summary>bitcoind's GetDustThreshold: the fee to spend the output at the dust relay rate.</summary>
    public static long DustThreshold(TxOut output, long dustRelayFeePerKvB)
    {
        if (Script.IsUnspendable(output.ScriptPubKey.Span))
        {
            return 0;
        }

        var size = output.SerializedSize;
        size += Script.IsWitnessProgram(output.ScriptPubKey.Span, out _, out _) ? 32 + 4 + 1 + (107 / 4) + 4 : 32 + 4 + 1 + 107 + 4;
        return dustRelayFeePerKvB * size / 1000;
    }

    /// <summary>bitcoind's IsFinalTx.</summary>
    public static bool IsFinal(Transaction tx, int height, long medianTimePast)
    {
        ArgumentNullException.ThrowIfNull(tx);
        if (tx.LockTime == 0)
        {
            return true;
        }

        var limit = tx.LockTime < 500_000_000 ? height : medianTimePast;
        if (tx.LockTime < limit)
        {
            return true;
        }

        return tx.Inputs.All(i => i.Sequence == TxIn.SequenceFinal);
    }

    /// <summary>bitcoind's FormatMoney: at least two decimals, trailing zeros trimmed.</summary>
    public static string FormatMoney(long satoshis)
    {
        var text = Rpc.Amounts.Format(satoshis);
        var end = text.Length;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        while (end - dot - 1 > 2 && text[end - 1] == '0')
        {
            end--;
        }

        return text[..end];
    }

    /// <summary>bitcoind's CFeeRate::ToString: "0.00001000 BTC/kvB".</summary>
    public static string FormatFeeRate(long satoshisPerKvB) => Rpc.Amounts.Format(satoshisPerKvB) + " BTC/kvB";
}
