using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Rpc;

namespace Blockstack.Mining;

/// <summary>A signed burnchain transaction and what it spends and pays in fees.</summary>
public sealed record SignedBurnTransaction(Transaction Transaction, IReadOnlyList<SpentCoin> Inputs, long Fee, int VirtualSize, uint ChangeVout);

/// <summary>
/// Coin selection and signing of the miner's Bitcoin transactions: OP_RETURN first, then the
/// payments, then the change back to the miner (mandatory for commits: it links the next one).
/// </summary>
public static class CommitTransactions
{
    /// <summary>Smallest change output the miner makes (stacks-core's DUST_UTXO_LIMIT).</summary>
    public const long MinimumChange = 5_500;

    /// <summary>Minimum relay fee rate bitcoind enforces on the extra fee of a replacement (BIP125 rule 4), sat/vB.</summary>
    public const long IncrementalRelayFeeRate = 1;

    /// <summary>
    /// Coin order for a fresh transaction: the <paramref name="preferred"/> outpoints first (the
    /// last commit's change, which keeps the UTXO chain), then least-confirmed, then smallest.
    /// </summary>
    public static List<UnspentOutput> OrderCoins(IEnumerable<UnspentOutput> coins, IReadOnlyCollection<OutPoint> preferred)
    {
        ArgumentNullException.ThrowIfNull(coins);
        ArgumentNullException.ThrowIfNull(preferred);
        return [.. coins
            .OrderBy(c => preferred.Contains(new OutPoint(c.Txid, c.Vout)) ? 0 : 1)
            .ThenBy(c => c.Confirmations)
            .ThenBy(c => c.Satoshis)
            .ThenBy(c => c.Txid.ToString(), StringComparer.Ordinal)
            .ThenBy(c => c.Vout)];
    }

    /// <summary>
    /// Builds and signs: fee = max(<paramref name="feeRate"/> × max(<paramref name="estimatedSize"/>, vsize), <paramref name="minimumFee"/>).
    /// With <paramref name="fixedInputs"/> those coins are spent (a replacement); otherwise coins are
    /// taken from <paramref name="available"/> in order until they cover payments, fee and change.
    /// </summary>
    public static bool TryBuild(
        MinerKeys keys,
        byte[] opReturn,
        IReadOnlyList<(long Value, byte[] Script)> payments,
        ulong feeRate,
        int estimatedSize,
        long minimumFee,
        IReadOnlyList<SpentCoin>? fixedInputs,
        IReadOnlyList<UnspentOutput> available,
        out SignedBurnTransaction? result,
        out string error)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(available);
        result = null;
        var paid = payments.Sum(p => p.Value);
        var inputs = new List<SpentCoin>();
        if (fixedInputs is not null)
        {
            inputs.AddRange(fixedInputs);
        }

        var next = 0;
        while (true)
        {
            var builder = new TransactionBuilder();
            foreach (var coin in inputs)
            {
                builder.AddInput(new OutPoint(Txid.Parse(coin.Txid), coin.Vout), new TxOut(coin.Value, Convert.FromHexString(coin.Script)));
            }

            builder.AddOutput(0, opReturn);
            foreach (var (value, script) in payments)
            {
                builder.AddOutput(value, script);
            }

            builder.AddOutput(0, keys.Script); // change placeholder: same size as the final one
            var vsize = inputs.Count == 0 ? 0 : builder.EstimateVirtualSize();
            var fee = Math.Max(checked((long)feeRate * Math.Max(estimatedSize, vsize)), minimumFee);
            var have = inputs.Sum(c => c.Value);
            var change = have - paid - fee;
            if (inputs.Count > 0 && change >= MinimumChange)
            {
                var final = new TransactionBuilder();
                foreach (var coin in inputs)
                {
                    final.AddInput(new OutPoint(Txid.Parse(coin.Txid), coin.Vout), new TxOut(coin.Value, Convert.FromHexString(coin.Script)));
                }

                final.AddOutput(0, opReturn);
                foreach (var (value, script) in payments)
                {
                    final.AddOutput(value, script);
                }

                final.AddOutput(change, keys.Script);
                var ring = new KeyRing(Secp256k1.Default);
                ring.Add(keys.PrivateKey);
                var signed = final.Sign(new TransactionSigner(Secp256k1.Default), ring);
                if (!signed.IsComplete)
                {
                    error = "cannot sign the miner's transaction: " + string.Join("; ", signed.InputErrors.Where(e => e is not null));
                    return false;
                }

                result = new SignedBurnTransaction(signed.Transaction, inputs, fee, signed.Transaction.VirtualSize, (uint)(1 + payments.Count));
                error = string.Empty;
                return true;
            }

            if (fixedInputs is not null || next >= available.Count)
            {
                error = $"the miner's coins ({have} sat in {inputs.Count} inputs) do not cover {paid} sat of outputs, a {fee} sat fee and {MinimumChange} sat of change";
                return false;
            }

            var u = available[next++];
            inputs.Add(new SpentCoin(u.Txid.ToString(), u.Vout, u.Satoshis, Convert.ToHexStringLower(u.ScriptPubKey)));
        }
    }
}
