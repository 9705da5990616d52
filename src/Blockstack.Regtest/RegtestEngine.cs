using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;
using Blockstack.Regtest.Mempool;
using Blockstack.Regtest.Mining;
using Blockstack.Storage;

namespace Blockstack.Regtest;

/// <summary>
/// The chain, the mempool and the store behind one lock: every RPC that reads or changes chain
/// state takes <see cref="SyncRoot"/>, so parallel callers see whole blocks only. Keeps the
/// mempool consistent with the active chain after every block connected or disconnected.
/// </summary>
public sealed class RegtestEngine : IDisposable
{
    private readonly IKeyValueStore<RegtestColumn> _store;
    private readonly IScriptVerifier _verifier;
    private readonly TimeProvider _time;

    public RegtestEngine(IKeyValueStore<RegtestColumn> store, IScriptVerifier verifier, TimeProvider time, RegtestParams? parameters = null, MempoolPolicy? policy = null)
    {
        _store = store;
        _verifier = verifier;
        _time = time;
        Policy = policy ?? new MempoolPolicy();
        Chain = ChainState.Open(store, parameters ?? RegtestParams.Default, verifier, time);
    }

    public Lock SyncRoot { get; } = new();

    public ChainState Chain { get; }

    public Mempool.Mempool Pool { get; } = new();

    public MempoolPolicy Policy { get; }

    public IKeyValueStore<RegtestColumn> Store => _store;

    public IScriptVerifier Verifier => _verifier;

    public long NowSeconds => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Checks a transaction against the tip and the mempool and, unless <paramref name="testOnly"/>, adds it.</summary>
    public AcceptResult AcceptToMempool(Transaction tx, bool testOnly = false)
    {
        lock (SyncRoot)
        {
            var result = MempoolAcceptance.Check(tx, Chain, Pool, Policy, _verifier);
            if (result.IsAccepted && !testOnly)
            {
                Pool.RemoveWithDescendants(result.Replaced);
                Pool.Add(new MempoolEntry(tx, result.Fee, result.VSize, NowSeconds, Pool.NextSequence()));
            }

            return result;
        }
    }

    /// <summary>Mines <paramref name="count"/> blocks paying to <paramref name="payoutScript"/>, each filled from the mempool by fee rate.</summary>
    public List<BlockHash> Generate(int count, byte[] payoutScript)
    {
        var hashes = new List<BlockHash>(count);
        for (var i = 0; i < count; i++)
        {
            lock (SyncRoot)
            {
                var (txs, fees) = SelectTransactions();
                var block = BlockAssembler.CreateAndMine(Chain.Tip, txs, fees, payoutScript, NowSeconds, Chain.Params);
                var (result, _) = SubmitBlock(block);
                if (result is not null)
                {
                    throw new InvalidOperationException("a block built from the mempool was rejected: " + result);
                }

                hashes.Add(block.Hash);
            }
        }

        return hashes;
    }

    /// <summary>generateblock: a block with exactly these transactions (in order), mined and optionally submitted.</summary>
    public (Block? Block, string? Error) GenerateBlock(byte[] payoutScript, IReadOnlyList<Transaction> txs, bool submit)
    {
        lock (SyncRoot)
        {
            // Fees are computed against the tip plus the earlier transactions of the same block.
            long fees = 0;
            var created = new Dictionary<OutPoint, TxOut>();
            foreach (var tx in txs)
            {
                long valueIn = 0;
                foreach (var input in tx.Inputs)
                {
                    if (created.Remove(input.PrevOut, out var local))
                    {
                        valueIn += local.Value;
                    }
                    else if (Chain.GetCoin(input.PrevOut) is { } coin)
                    {
                        valueIn += coin.Value;
                    }
                    else
                    {
                        return (null, "TestBlockValidity failed: bad-txns-inputs-missingorspent");
                    }
                }

                fees += valueIn - tx.Outputs.Sum(o => o.Value);
                for (var o = 0; o < tx.Outputs.Count; o++)
                {
                    created[new OutPoint(tx.Txid, (uint)o)] = tx.Outputs[o];
                }
            }

            var block = BlockAssembler.CreateAndMine(Chain.Tip, txs, Math.Max(0, fees), payoutScript, NowSeconds, Chain.Params);
            if (!submit)
            {
                return (block, null);
            }

            var (result, _) = SubmitBlock(block);
            return result is null ? (block, null) : (null, "TestBlockValidity failed: " + result);
        }
    }

    /// <summary>submitblock: null on success, else bitcoind's result string.</summary>
    public (string? Result, ChainUpdate Update) SubmitBlock(Block block)
    {
        lock (SyncRoot)
        {
            var (result, update) = Chain.SubmitBlock(block);
            UpdateMempool(update);
            return (result, update);
        }
    }

    public ChainUpdate InvalidateBlock(BlockIndexEntry entry)
    {
        lock (SyncRoot)
        {
            var update = Chain.InvalidateBlock(entry);
            UpdateMempool(update);
            return update;
        }
    }

    public ChainUpdate ReconsiderBlock(BlockIndexEntry entry)
    {
        lock (SyncRoot)
        {
            var update = Chain.ReconsiderBlock(entry);
            UpdateMempool(update);
            return update;
        }
    }

    /// <summary>
    /// After blocks were connected only, drops what they confirmed or conflict with. After a reorg,
    /// re-validates the transactions of the disconnected blocks (oldest first) and then the old
    /// mempool against the new tip, as bitcoind's MaybeUpdateMempoolForReorg does.
    /// </summary>
    private void UpdateMempool(ChainUpdate update)
    {
        if (update.IsEmpty)
        {
            return;
        }

        if (update.Disconnected.Count == 0)
        {
            foreach (var block in update.Connected)
            {
                Pool.RemoveForBlock(block);
            }

            return;
        }

        var candidates = new List<Transaction>();
        for (var i = update.Disconnected.Count - 1; i >= 0; i--)
        {
            candidates.AddRange(update.Disconnected[i].Transactions.Where(t => !t.IsCoinBase));
        }

        candidates.AddRange(Pool.Drain());
        foreach (var tx in candidates)
        {
            var result = MempoolAcceptance.Check(tx, Chain, Pool, Policy with { FullRbf = false }, _verifier);
            if (result.IsAccepted && result.Replaced.Count == 0)
            {
                Pool.Add(new MempoolEntry(tx, result.Fee, result.VSize, NowSeconds, Pool.NextSequence()));
            }
        }
    }

    /// <summary>Mempool transactions by fee rate, parents before children, within the block weight.</summary>
    public (List<Transaction> Txs, long Fees) SelectTransactions()
    {
        lock (SyncRoot)
        {
            var ordered = Pool.Entries.OrderByDescending(e => e.FeeRatePerKvB).ThenBy(e => e.Sequence).ToList();
            var included = new HashSet<Txid>();
            var result = new List<Transaction>();
            long fees = 0;
            var weight = BlockAssembler.CoinbaseReservedWeight + (80 * 4);
            var progress = true;
            while (progress)
            {
                progress = false;
                foreach (var entry in ordered)
                {
                    if (included.Contains(entry.Txid) || weight + entry.Tx.Weight > Chain.Params.MaxBlockWeight)
                    {
                        continue;
                    }

                    if (entry.Tx.Inputs.Any(i => Pool.Contains(i.PrevOut.Txid) && !included.Contains(i.PrevOut.Txid)))
                    {
                        continue;
                    }

                    included.Add(entry.Txid);
                    result.Add(entry.Tx);
                    fees += entry.Fee;
                    weight += entry.Tx.Weight;
                    progress = true;
                }
            }

            return (result, fees);
        }
    }

    public void Dispose() => _store.Dispose();
}
