using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Storage;

namespace Blockstack.Regtest.Chain;

/// <summary>What a change of the active chain did: blocks taken off (tip first) and put on (in order).</summary>
public sealed record ChainUpdate(IReadOnlyList<Block> Disconnected, IReadOnlyList<Block> Connected)
{
    public static ChainUpdate None { get; } = new([], []);

    public bool IsEmpty => Disconnected.Count == 0 && Connected.Count == 0;
}

/// <summary>
/// The block tree, the active chain and the UTXO set over a store. Every block connected or
/// disconnected is one write batch holding the coin changes, undo data, transaction index, chain
/// entry and tip marker, so a crash leaves the chain at a whole block. Not thread-safe: the owner
/// serializes calls.
/// </summary>
public sealed class ChainState : ICoinView
{
    private readonly IKeyValueStore<RegtestColumn> _store;
    private readonly RegtestParams _params;
    private readonly IScriptVerifier _verifier;
    private readonly TimeProvider _time;
    private readonly Dictionary<BlockHash, BlockIndexEntry> _index = [];
    private readonly List<BlockIndexEntry> _active = [];
    private long _nextSequence;

    private ChainState(IKeyValueStore<RegtestColumn> store, RegtestParams parameters, IScriptVerifier verifier, TimeProvider time)
    {
        _store = store;
        _params = parameters;
        _verifier = verifier;
        _time = time;
    }

    public RegtestParams Params => _params;

    public BlockIndexEntry Tip => _active[^1];

    public int Height => _active.Count - 1;

    public IEnumerable<BlockIndexEntry> AllEntries => _index.Values;

    /// <summary>Opens the chain in the store, writing the genesis block into an empty one.</summary>
    public static ChainState Open(IKeyValueStore<RegtestColumn> store, RegtestParams parameters, IScriptVerifier verifier, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        var chain = new ChainState(store, parameters, verifier, time);
        var records = new List<byte[]>();
        foreach (var kv in store.Prefix(RegtestColumn.BlockIndex, []))
        {
            records.Add(kv.Value);
        }

        if (records.Count == 0)
        {
            chain.WriteGenesis();
            return chain;
        }

        records.Sort((a, b) => BinaryPrimitives.ReadInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt32LittleEndian(b)));
        foreach (var record in records)
        {
            var entry = BlockIndexEntry.Deserialize(record, h => chain._index.GetValueOrDefault(h));
            chain._index[entry.Hash] = entry;
            chain._nextSequence = Math.Max(chain._nextSequence, entry.Sequence + 1);
        }

        var tipBytes = store.Get(RegtestColumn.Meta, RegtestKeys.Tip) ?? throw new InvalidDataException("regtest store has blocks but no tip marker");
        var tip = chain._index[new BlockHash(new Hash256(tipBytes))];
        var path = new List<BlockIndexEntry>();
        for (var e = tip; e is not null; e = e.Parent)
        {
            path.Add(e);
        }

        path.Reverse();
        chain._active.AddRange(path);
        return chain;
    }

    private void WriteGenesis()
    {
        var genesis = RegtestParams.CreateGenesis();
        var entry = new BlockIndexEntry(genesis.Header, 0, null, BlockStatus.Connected, 1, genesis.TotalSize, genesis.BaseSize, genesis.Weight, _nextSequence++, 0);
        using var batch = _store.CreateBatch();
        batch.Put(RegtestColumn.Blocks, RegtestKeys.Hash(entry.Hash.Hash), genesis.ToBytes());
        batch.Put(RegtestColumn.BlockIndex, RegtestKeys.Hash(entry.Hash.Hash), entry.Serialize());
        batch.Put(RegtestColumn.ActiveChain, RegtestKeys.Height(0), RegtestKeys.Hash(entry.Hash.Hash));
        batch.Put(RegtestColumn.Meta, RegtestKeys.Tip, RegtestKeys.Hash(entry.Hash.Hash));

        // As in bitcoind, the genesis coinbase is not in the UTXO set: it cannot be spent.
        batch.Commit();
        _index[entry.Hash] = entry;
        _active.Add(entry);
    }

    public BlockIndexEntry? GetEntry(BlockHash hash) => _index.GetValueOrDefault(hash);

    public BlockIndexEntry? GetActive(int height) => height >= 0 && height < _active.Count ? _active[height] : null;

    public bool IsActive(BlockIndexEntry entry) =>
        entry is not null && entry.Height < _active.Count && ReferenceEquals(_active[entry.Height], entry);

    public byte[]? ReadBlockBytes(BlockHash hash) => _store.Get(RegtestColumn.Blocks, RegtestKeys.Hash(hash.Hash));

    public Block? ReadBlock(BlockHash hash) =>
        ReadBlockBytes(hash) is { } bytes && Block.TryParse(bytes, out var block, out _) ? block : null;

    public Coin? GetCoin(OutPoint outPoint) =>
        _store.Get(RegtestColumn.Coins, RegtestKeys.OutPoint(outPoint)) is { } bytes ? Coin.Deserialize(bytes) : null;

    /// <summary>The unspent outputs paying to <paramref name="script"/>.</summary>
    public IEnumerable<(OutPoint OutPoint, Coin Coin)> GetCoinsByScript(ReadOnlySpan<byte> script)
    {
        var prefix = RegtestKeys.ScriptPrefix(script);
        var result = new List<(OutPoint, Coin)>();
        foreach (var kv in _store.Prefix(RegtestColumn.ScriptCoins, prefix))
        {
            var outPoint = RegtestKeys.ReadOutPoint(kv.Key.AsSpan(32));
            if (GetCoin(outPoint) is { } coin)
            {
                result.Add((outPoint, coin));
            }
        }

        return result;
    }

    /// <summary>The block and position of an active-chain transaction.</summary>
    public (BlockHash Block, int Position)? FindTransaction(Txid txid)
    {
        if (_store.Get(RegtestColumn.TxIndex, RegtestKeys.Hash(txid.Hash)) is not { } bytes)
        {
            return null;
        }

        return (new BlockHash(new Hash256(bytes.AsSpan(0, 32))), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(32)));
    }

    /// <summary>The current time in seconds since the epoch (the node's clock).</summary>
    public long NowSeconds => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>bitcoind's IsInitialBlockDownload on regtest: the tip is older than -maxtipage.</summary>
    public bool IsInitialBlockDownload => Tip.Header.Time < NowSeconds - (long)_params.MaxTipAge.TotalSeconds;

    /// <summary>
    /// bitcoind's submitblock: null when the block became part of the chain; "duplicate",
    /// "duplicate-invalid", "inconclusive" (valid but not on the best chain) or a reject reason.
    /// </summary>
    public (string? Result, ChainUpdate Update) SubmitBlock(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var hash = block.Hash;
        if (_index.TryGetValue(hash, out var known))
        {
            return (known.IsFailed ? "duplicate-invalid" : "duplicate", ChainUpdate.None);
        }

        if (BlockValidation.CheckProofOfWork(block.Header, _params) is { } pow)
        {
            return (pow, ChainUpdate.None);
        }

        if (!_index.TryGetValue(block.Header.PrevBlock, out var parent))
        {
            return ("prev-blk-not-found", ChainUpdate.None);
        }

        if (parent.IsFailed)
        {
            return ("bad-prevblk", ChainUpdate.None);
        }

        var reason = BlockValidation.CheckHeaderAgainstParent(block.Header, parent, NowSeconds, _params)
            ?? BlockValidation.CheckBlock(block, _params)
            ?? BlockValidation.CheckBlockAtHeight(block, parent.Height + 1, _params);
        if (reason is not null)
        {
            return (reason, ChainUpdate.None);
        }

        var entry = new BlockIndexEntry(block.Header, parent.Height + 1, parent, BlockStatus.Accepted, block.Transactions.Count, block.TotalSize, block.BaseSize, block.Weight, _nextSequence++, -1);
        using (var batch = _store.CreateBatch())
        {
            batch.Put(RegtestColumn.Blocks, RegtestKeys.Hash(hash.Hash), block.ToBytes());
            batch.Put(RegtestColumn.BlockIndex, RegtestKeys.Hash(hash.Hash), entry.Serialize());
            batch.Commit();
        }

        _index[hash] = entry;
        if (ReferenceEquals(parent, Tip))
        {
            // The common case (mining on the tip): connect it straight away.
            if (ConnectTip(entry, block) is { } connectError)
            {
                MarkFailed(entry);
                return (connectError, ChainUpdate.None);
            }

            return (null, new ChainUpdate([], [block]));
        }

        var update = ActivateBestChain();
        if (entry.IsFailed)
        {
            return ("rejected", update);
        }

        return (IsActive(entry) ? null : "inconclusive", update);
    }

    /// <summary>bitcoind's invalidateblock: marks the block and its descendants invalid and reorganizes.</summary>
    public ChainUpdate InvalidateBlock(BlockIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var disconnected = new List<Block>();
        while (IsActive(entry) && _active.Count > 1)
        {
            disconnected.Add(DisconnectTip());
        }

        MarkFailed(entry);
        var update = ActivateBestChain();
        return new ChainUpdate([.. disconnected, .. update.Disconnected], update.Connected);
    }

    /// <summary>bitcoind's reconsiderblock: clears the invalid marks on the block, its ancestors and descendants.</summary>
    public ChainUpdate ReconsiderBlock(BlockIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using (var batch = _store.CreateBatch())
        {
            foreach (var e in _index.Values)
            {
                if (e.IsFailed && (e.GetAncestor(entry.Height) == entry || entry.GetAncestor(e.Height) == e))
                {
                    e.Status = BlockStatus.Accepted;
                    batch.Put(RegtestColumn.BlockIndex, RegtestKeys.Hash(e.Hash.Hash), e.Serialize());
                }
            }

            batch.Commit();
        }

        return ActivateBestChain();
    }

    private void MarkFailed(BlockIndexEntry entry)
    {
        using var batch = _store.CreateBatch();
        entry.Status = BlockStatus.Failed;
        batch.Put(RegtestColumn.BlockIndex, RegtestKeys.Hash(entry.Hash.Hash), entry.Serialize());
        foreach (var e in _index.Values)
        {
            if (e != entry && e.Height > entry.Height && e.GetAncestor(entry.Height) == entry && e.Status != BlockStatus.FailedChild)
            {
                e.Status = BlockStatus.FailedChild;
                batch.Put(RegtestColumn.BlockIndex, RegtestKeys.Hash(e.Hash.Hash), e.Serialize());
            }
        }

        batch.Commit();
    }

    /// <summary>Moves the active chain to the valid chain with the most work (first seen on a tie).</summary>
    private ChainUpdate ActivateBestChain()
    {
        var disconnected = new List<Block>();
        var connected = new List<Block>();
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var best = FindBestCandidate();
            if (best is null || best == Tip)
            {
                break;
            }

            var fork = FindFork(Tip, best);
            while (Tip != fork)
            {
                var block = DisconnectTip();
                if (connected.Count > 0 && connected[^1].Hash == block.Hash)
                {
                    connected.RemoveAt(connected.Count - 1);
                }
                else
                {
                    disconnected.Add(block);
                }
            }

            var path = new List<BlockIndexEntry>();
            for (var e = best; e != fork; e = e!.Parent)
            {
                path.Add(e!);
            }

            path.Reverse();
            foreach (var e in path)
            {
                var block = ReadBlock(e.Hash) ?? throw new InvalidDataException("block data missing for " + e.Hash);
                if (ConnectTip(e, block) is not null)
                {
                    MarkFailed(e);
                    break;
                }

                connected.Add(block);
            }
        }

        return new ChainUpdate(disconnected, connected);
    }

    private BlockIndexEntry? FindBestCandidate()
    {
        // Descendants of a failed block are marked FailedChild, so a status check suffices.
        BlockIndexEntry? best = Tip.IsFailed ? null : Tip;
        foreach (var e in _index.Values)
        {
            if (!e.IsFailed && (best is null || IsBetter(e, best)))
            {
                best = e;
            }
        }

        return best;
    }

    private bool IsBetter(BlockIndexEntry candidate, BlockIndexEntry best) =>
        candidate.ChainWork > best.ChainWork
        || (candidate.ChainWork == best.ChainWork && !IsActive(best) && candidate.Sequence < best.Sequence);

    private static BlockIndexEntry FindFork(BlockIndexEntry a, BlockIndexEntry b)
    {
        while (a.Height > b.Height)
        {
            a = a.Parent!;
        }

        while (b.Height > a.Height)
        {
            b = b.Parent!;
        }

        while (a != b)
        {
            a = a.Parent!;
            b = b.Parent!;
        }

        return a;
    }

    /// <summary>Connects a child of the tip; null on success, else the reject reason (nothing written).</summary>
    private string? ConnectTip(BlockIndexEntry entry, Block block)
    {
        var (changes, reject) = BlockValidation.Connect(block, entry.Height, this, _verifier, _params);
        if (changes is null)
        {
            return reject;
        }

        var hashKey = RegtestKeys.Hash(entry.Hash.Hash);
        using var batch = _store.CreateBatch();
        foreach (var (outPoint, coin, spent) in changes.CoinWrites)
        {
            var key = RegtestKeys.OutPoint(outPoint);
            var scriptKey = RegtestKeys.ScriptCoin(coin.Script, outPoint);
            if (spent)
            {
                batch.Delete(RegtestColumn.Coins, key);
                batch.Delete(RegtestColumn.ScriptCoins, scriptKey);
            }
            else
            {
                batch.Put(RegtestColumn.Coins, key, coin.Serialize());
                batch.Put(RegtestColumn.ScriptCoins, scriptKey, []);
            }
        }

        batch.Put(RegtestColumn.Undo, hashKey, SerializeUndo(changes.Undo));
        var txs = block.TransactionSpan;
        for (var i = 0; i < txs.Length; i++)
        {
            var value = new byte[36];
            entry.Hash.Hash.WriteTo(value);
            BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(32), i);
            batch.Put(RegtestColumn.TxIndex, RegtestKeys.Hash(txs[i].Txid.Hash), value);
        }

        entry.Status = BlockStatus.Connected;
        entry.Fees = changes.Fees;
        batch.Put(RegtestColumn.BlockIndex, hashKey, entry.Serialize());
        batch.Put(RegtestColumn.ActiveChain, RegtestKeys.Height(entry.Height), hashKey);
        batch.Put(RegtestColumn.Meta, RegtestKeys.Tip, hashKey);
        batch.Commit();
        _active.Add(entry);
        return null;
    }

    /// <summary>Takes the tip off the active chain, restoring the coins it spent from its undo data.</summary>
    private Block DisconnectTip()
    {
        var entry = Tip;
        var hashKey = RegtestKeys.Hash(entry.Hash.Hash);
        var block = ReadBlock(entry.Hash) ?? throw new InvalidDataException("block data missing for " + entry.Hash);
        var undo = DeserializeUndo(_store.Get(RegtestColumn.Undo, hashKey) ?? throw new InvalidDataException("undo data missing for " + entry.Hash));
        var undoPos = undo.Count;
        using var batch = _store.CreateBatch();
        var txs = block.TransactionSpan;
        for (var t = txs.Length - 1; t >= 0; t--)
        {
            var tx = txs[t];
            var txid = tx.Txid;
            for (var o = 0; o < tx.OutputSpan.Length; o++)
            {
                var outPoint = new OutPoint(txid, (uint)o);
                batch.Delete(RegtestColumn.Coins, RegtestKeys.OutPoint(outPoint));
                batch.Delete(RegtestColumn.ScriptCoins, RegtestKeys.ScriptCoin(tx.OutputSpan[o].ScriptPubKey.Span, outPoint));
            }

            if (!tx.IsCoinBase)
            {
                for (var i = tx.InputSpan.Length - 1; i >= 0; i--)
                {
                    var coin = undo[--undoPos];
                    var outPoint = tx.InputSpan[i].PrevOut;
                    batch.Put(RegtestColumn.Coins, RegtestKeys.OutPoint(outPoint), coin.Serialize());
                    batch.Put(RegtestColumn.ScriptCoins, RegtestKeys.ScriptCoin(coin.Script, outPoint), []);
                }
            }

            batch.Delete(RegtestColumn.TxIndex, RegtestKeys.Hash(txid.Hash));
        }

        batch.Delete(RegtestColumn.Undo, hashKey);
        batch.Delete(RegtestColumn.ActiveChain, RegtestKeys.Height(entry.Height));
        batch.Put(RegtestColumn.Meta, RegtestKeys.Tip, RegtestKeys.Hash(entry.Parent!.Hash.Hash));
        batch.Commit();
        _active.RemoveAt(_active.Count - 1);
        return block;
    }

    private static byte[] SerializeUndo(IReadOnlyList<Coin> coins)
    {
        var parts = coins.Select(c => c.Serialize()).ToList();
        var bytes = new byte[4 + parts.Sum(p => 4 + p.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, parts.Count);
        var o = 4;
        foreach (var p in parts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(o), p.Length);
            p.CopyTo(bytes, o + 4);
            o += 4 + p.Length;
        }

        return bytes;
    }

    /// <summary>The coins a connected block spent, in input order; null when it has no undo data.</summary>
    public List<Coin>? ReadUndo(BlockHash hash) =>
        _store.Get(RegtestColumn.Undo, RegtestKeys.Hash(hash.Hash)) is { } bytes ? DeserializeUndo(bytes) : null;

    private static List<Coin> DeserializeUndo(ReadOnlySpan<byte> bytes)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var coins = new List<Coin>(count);
        var o = 4;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[o..]);
            coins.Add(Coin.Deserialize(bytes.Slice(o + 4, length)));
            o += 4 + length;
        }

        return coins;
    }
}
