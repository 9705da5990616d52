using Blockstack.Stacks;

namespace Blockstack.Chain;

/// <summary>A transaction waiting in the mempool.</summary>
public sealed record MempoolEntry(StacksTransaction Transaction, StacksTxid Txid, StacksAddress Sender, ulong Nonce, ulong Fee, int Length)
{
    /// <summary>Fee per byte, compared without division: a.Fee × b.Length vs b.Fee × a.Length.</summary>
    public int CompareFeeRate(MempoolEntry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ((UInt128)Fee * (ulong)other.Length).CompareTo((UInt128)other.Fee * (ulong)Length);
    }
}

/// <summary>
/// Pending transactions, checked against the canonical tip: signature, nonce window
/// (account nonce … + <see cref="ChainParameters.MempoolMaxChain"/>), fee ≥ 1 µSTX per byte,
/// affordable; one per (sender, nonce) with replace-by-fee; removed when mined, re-admitted when a
/// reorg undoes their block; bounded (the lowest fee rate is evicted). In memory: a restart starts
/// empty. Thread-safe.
/// </summary>
public sealed class Mempool
{
    private readonly object _gate = new();
    private readonly ChainParameters _parameters;
    private readonly NativeContractRegistry _contracts;
    private readonly SortedDictionary<(StacksAddress Sender, ulong Nonce), MempoolEntry> _bySenderNonce = new(SenderNonceComparer.Instance);
    private readonly Dictionary<StacksTxid, MempoolEntry> _byTxid = [];

    public Mempool(ChainParameters parameters, NativeContractRegistry contracts)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(contracts);
        _parameters = parameters;
        _contracts = contracts;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byTxid.Count;
            }
        }
    }

    public bool Contains(StacksTxid txid)
    {
        lock (_gate)
        {
            return _byTxid.ContainsKey(txid);
        }
    }

    /// <summary>Admits <paramref name="tx"/> against the canonical tip, or says why not.</summary>
    public ChainRejection? TryAdd(StacksTransaction tx, ChainState state)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(state);
        var tip = state.Tip;
        var env = new BlockEnvironment(_parameters, _contracts, tip.BurnHeight, tip.Height + 1);
        if (tx.Payload is CoinbasePayload)
        {
            return new(ChainErrorCodes.TxCoinbaseNotFirst, "a coinbase is only valid as a block's first transaction");
        }

        if (TransactionProcessor.CheckStateless(env, tx) is { } bad)
        {
            return bad;
        }

        var length = tx.Serialize().Length;
        var fee = (tx.Auth.Sponsor ?? tx.Auth.Origin).Fee;
        if (fee == 0 || fee < (ulong)length)
        {
            return new(ChainErrorCodes.MempoolFeeRateTooLow, $"fee {fee} is below 1 µSTX per byte ({length} bytes)");
        }

        var sender = tx.OriginAddress;
        var nonce = tx.Auth.Origin.Nonce;
        var account = state.GetAccount(sender);
        if (nonce < account.Nonce)
        {
            return new(ChainErrorCodes.TxBadNonce, $"nonce {nonce} is below the account nonce {account.Nonce}");
        }

        if (nonce >= account.Nonce + (ulong)_parameters.MempoolMaxChain)
        {
            return new(ChainErrorCodes.MempoolNonceTooFar, $"nonce {nonce} is more than {_parameters.MempoolMaxChain} ahead of the account");
        }

        var payer = tx.SponsorAddress ?? sender;
        var spend = (UInt128)fee + (tx.Payload is TokenTransferPayload t ? t.Amount : 0UL);
        if (state.GetAccount(payer).Unlocked < (tx.SponsorAddress is null ? spend : fee)
            || (tx.SponsorAddress is not null && tx.Payload is TokenTransferPayload tt && account.Unlocked < tt.Amount))
        {
            return new(ChainErrorCodes.TxInsufficientFunds, "the sender cannot afford the fee and amount");
        }

        var entry = new MempoolEntry(tx, tx.Txid, sender, nonce, fee, length);
        lock (_gate)
        {
            if (_byTxid.ContainsKey(entry.Txid))
            {
                return new(ChainErrorCodes.MempoolDuplicate, "already in the mempool");
            }

            if (_bySenderNonce.TryGetValue((sender, nonce), out var existing))
            {
                if (entry.Fee <= existing.Fee)
                {
                    return new(ChainErrorCodes.MempoolReplaceFeeTooLow, $"replacing nonce {nonce} needs a fee above {existing.Fee}");
                }

                Remove(existing);
            }
            else if (_byTxid.Count >= _parameters.MempoolCapacity)
            {
                var lowest = _byTxid.Values.OrderBy(e => e, Comparer<MempoolEntry>.Create((a, b) => a.CompareFeeRate(b))).ThenBy(e => e.Txid.Hash.ToHex(), StringComparer.Ordinal).First();
                if (entry.CompareFeeRate(lowest) <= 0)
                {
                    return new(ChainErrorCodes.MempoolFull, "the mempool is full of transactions paying at least this fee rate");
                }

                Remove(lowest);
            }

            _bySenderNonce[(sender, nonce)] = entry;
            _byTxid[entry.Txid] = entry;
        }

        return null;
    }

    /// <summary>Transactions in (sender, nonce) order, best for assembly: each sender's chain from its lowest nonce.</summary>
    public IReadOnlyList<MempoolEntry> Snapshot()
    {
        lock (_gate)
        {
            return _bySenderNonce.Values.ToList();
        }
    }

    /// <summary>Drops mined transactions and those made stale; re-admits the undone blocks' transactions.</summary>
    public void OnTipChanged(TipChange change, ChainState state)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            foreach (var block in change.Connected)
            {
                if (state.GetBlockBody(block.Id) is not { } body)
                {
                    continue;
                }

                foreach (var tx in body.Transactions)
                {
                    if (_bySenderNonce.TryGetValue((tx.OriginAddress, tx.Auth.Origin.Nonce), out var e))
                    {
                        Remove(e);
                    }
                }
            }
        }

        foreach (var block in change.Disconnected)
        {
            if (state.GetBlockBody(block.Id) is not { } body)
            {
                continue;
            }

            foreach (var tx in body.Transactions.Skip(1))
            {
                _ = TryAdd(tx, state);
            }
        }
    }

    private void Remove(MempoolEntry e)
    {
        _bySenderNonce.Remove((e.Sender, e.Nonce));
        _byTxid.Remove(e.Txid);
    }
}

/// <summary>Orders (sender, nonce) by address version, hash bytes, then nonce.</summary>
internal sealed class SenderNonceComparer : IComparer<(StacksAddress Sender, ulong Nonce)>
{
    public static SenderNonceComparer Instance { get; } = new();

    public int Compare((StacksAddress Sender, ulong Nonce) x, (StacksAddress Sender, ulong Nonce) y)
    {
        var c = x.Sender.Version.CompareTo(y.Sender.Version);
        if (c == 0)
        {
            c = x.Sender.Hash.ToArray().AsSpan().SequenceCompareTo(y.Sender.Hash.ToArray());
        }

        return c != 0 ? c : x.Nonce.CompareTo(y.Nonce);
    }
}
