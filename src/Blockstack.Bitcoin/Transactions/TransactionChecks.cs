namespace Blockstack.Bitcoin.Transactions;

/// <summary>The outcome of a context-free check: valid, or a stable reject code as Bitcoin Core names it.</summary>
public readonly record struct CheckResult(string? RejectReason)
{
    public static CheckResult Valid => default;

    public bool IsValid => RejectReason is null;

    public static CheckResult Reject(string reason) => new(reason);

    public override string ToString() => RejectReason ?? "valid";
}

/// <summary>Bitcoin consensus amounts and limits used by the context-free checks.</summary>
public static class Money
{
    public const long Coin = 100_000_000;

    /// <summary>No amount larger than this (in satoshis) is valid.</summary>
    public const long MaxMoney = 21_000_000 * Coin;

    public static bool InRange(long value) => value is >= 0 and <= MaxMoney;
}

/// <summary>
/// Bitcoin Core's <c>CheckTransaction</c>: the rules a transaction must meet on its own, before
/// any UTXO, script or block context is looked at.
/// </summary>
public static class TransactionChecks
{
    /// <summary>BIP141 block weight limit; a transaction's base size × 4 may not exceed it.</summary>
    public const int MaxBlockWeight = 4_000_000;

    public const string VinEmpty = "bad-txns-vin-empty";
    public const string VoutEmpty = "bad-txns-vout-empty";
    public const string Oversize = "bad-txns-oversize";
    public const string VoutNegative = "bad-txns-vout-negative";
    public const string VoutTooLarge = "bad-txns-vout-toolarge";
    public const string OutputTotalTooLarge = "bad-txns-txouttotal-toolarge";
    public const string InputsDuplicate = "bad-txns-inputs-duplicate";
    public const string CoinbaseLength = "bad-cb-length";
    public const string PrevoutNull = "bad-txns-prevout-null";

    public static CheckResult CheckTransaction(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var inputs = transaction.InputSpan;
        var outputs = transaction.OutputSpan;
        if (inputs.IsEmpty)
        {
            return CheckResult.Reject(VinEmpty);
        }

        if (outputs.IsEmpty)
        {
            return CheckResult.Reject(VoutEmpty);
        }

        // The witness is not counted: it has not been checked for malleability yet.
        if ((long)transaction.BaseSize * Transaction.WitnessScaleFactor > MaxBlockWeight)
        {
            return CheckResult.Reject(Oversize);
        }

        long total = 0;
        foreach (var output in outputs)
        {
            if (output.Value < 0)
            {
                return CheckResult.Reject(VoutNegative);
            }

            if (output.Value > Money.MaxMoney)
            {
                return CheckResult.Reject(VoutTooLarge);
            }

            // Both terms are at most MaxMoney here, so the sum cannot overflow.
            total += output.Value;
            if (!Money.InRange(total))
            {
                return CheckResult.Reject(OutputTotalTooLarge);
            }
        }

        if (inputs.Length > 1)
        {
            var seen = new HashSet<OutPoint>(inputs.Length);
            foreach (var input in inputs)
            {
                if (!seen.Add(input.PrevOut))
                {
                    return CheckResult.Reject(InputsDuplicate);
                }
            }
        }

        if (transaction.IsCoinBase)
        {
            var length = inputs[0].ScriptSig.Length;
            if (length is < 2 or > 100)
            {
                return CheckResult.Reject(CoinbaseLength);
            }
        }
        else
        {
            foreach (var input in inputs)
            {
                if (input.PrevOut.IsNull)
                {
                    return CheckResult.Reject(PrevoutNull);
                }
            }
        }

        return CheckResult.Valid;
    }
}
