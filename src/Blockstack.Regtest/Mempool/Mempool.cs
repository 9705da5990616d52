using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;

namespace Blockstack.Regtest.Mempool;

/// <summary>A transaction waiting in the mempool, with what acceptance computed about it.</summary>
public sealed record MempoolEntry(Transaction Tx, long Fee, int VSize, long Time, long Sequence)
{
    public Txid Txid => Tx.Txid;

    /// <summary>Fee rate in satoshis per 1000 virtual bytes.</summary>
    public long FeeRatePerKvB => Fee * 1000 / VSize;

    /// <summary>BIP125 signal: some input has nSequence below 0xfffffffe.</summary>
    public bool SignalsReplaceable => Tx.Inputs.Any(i => i.Sequence < 0xffff_fffe);
}

/// <summary>
/// Unconfirmed transactions by txid, with the outpoints they spend. Holds no rules: acceptance is
/// <see cref="MempoolAcceptance"/>. Not thread-safe; the engine serializes access.
/// </summary>
public sealed class Mempool
{
    private readonly Dictionary<Txid, MempoolEntry> _entries = [];
    private readonly Dictionary<OutPoint, Txid> _spenders = [];
    private long _nextSequence;

    public int Count => _entries.Count;

    public IEnumerable<MempoolEntry> Entries => _entries.Values.OrderBy(e => e.Sequence);

    public long NextSequence() => _nextSequence++;

    public bool Contains(Txid txid) => _entries.ContainsKey(txid);

    public MempoolEntry? Get(Txid txid) => _entries.GetValueOrDefault(txid);

    public Txid? GetSpender(OutPoint outPoint) => _spenders.TryGetValue(outPoint, out var txid) ? txid : null;

    /// <summary>An output created by a mempool transaction (at <see cref="Coin.MempoolHeight"/>).</summary>
    public Coin? GetOutput(OutPoint outPoint)
    {
        if (!_entries.TryGetValue(outPoint.Txid, out var entry) || outPoint.Index >= entry.Tx.Outputs.Count)
        {
            return null;
        }

        var output = entry.Tx.Outputs[(int)outPoint.Index];
        return new Coin(output.Value, output.ScriptPubKey.ToArray(), Coin.MempoolHeight, false);
    }

    public void Add(MempoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entries[entry.Txid] = entry;
        foreach (var input in entry.Tx.Inputs)
        {
            _spenders[input.PrevOut] = entry.Txid;
        }
    }

    /// <summary>The transaction and every mempool transaction that spends its outputs, recursively.</summary>
    public HashSet<Txid> WithDescendants(IEnumerable<Txid> roots)
    {
        var result = new HashSet<Txid>();
        var stack = new Stack<Txid>(roots);
        while (stack.Count > 0)
        {
            var txid = stack.Pop();
            if (!_entries.TryGetValue(txid, out var entry) || !result.Add(txid))
            {
                continue;
            }

            for (var o = 0; o < entry.Tx.Outputs.Count; o++)
            {
                if (_spenders.TryGetValue(new OutPoint(txid, (uint)o), out var child))
                {
                    stack.Push(child);
                }
            }
        }

        return result;
    }

    public void Remove(Txid txid)
    {
        if (_entries.Remove(txid, out var entry))
        {
            foreach (var input in entry.Tx.Inputs)
            {
                if (_spenders.TryGetValue(input.PrevOut, out var spender) && spender == txid)
                {
                    _spenders.Remove(input.PrevOut);
                }
            }
        }
    }

    public void RemoveWithDescendants(IEnumerable<Txid> roots)
    {
        foreach (var txid in WithDescendants(roots))
        {
            Remove(txid);
        }
    }

    /// <summary>Drops what a newly connected block confirmed, and whatever now conflicts with it.</summary>
    public void RemoveForBlock(Bitcoin.Blocks.Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        foreach (var tx in block.Transactions)
        {
            Remove(tx.Txid);
        }

        var conflicts = new List<Txid>();
        foreach (var tx in block.Transactions)
        {
            foreach (var input in tx.Inputs)
            {
                if (_spenders.TryGetValue(input.PrevOut, out var spender))
                {
                    conflicts.Add(spender);
                }
            }
        }

        RemoveWithDescendants(conflicts);
    }

    /// <summary>Empties the pool and hands back its transactions in arrival order.</summary>
    public List<Transaction> Drain()
    {
        var txs = Entries.Select(e => e.Tx).ToList();
        _entries.Clear();
        _spenders.Clear();
        return txs;
    }
}
