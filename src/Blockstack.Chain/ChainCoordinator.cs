using Blockstack.Stacks;
using Blockstack.Storage;
using Blockstack.Storage.Trie;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Chain;

/// <summary>The result of offering a block: accepted (and whether it became the tip) or rejected.</summary>
public sealed record BlockOutcome(BlockRecord? Block, ChainRejection? Rejection, bool BecameTip, IReadOnlyList<TransactionReceipt> Receipts)
{
    public bool IsAccepted => Block is not null;
}

/// <summary>How the canonical tip moved: blocks undone (tip first) and redone (oldest first).</summary>
public sealed record TipChange(IReadOnlyList<BlockRecord> Disconnected, IReadOnlyList<BlockRecord> Connected);

/// <summary>
/// The single writer of the chain store. For each block: validate in phases, apply to the parent's
/// state, and commit the trie nodes, block record, body, receipts, index diff, canonical-index moves
/// and the tip/processed markers in ONE write batch. Readers use <see cref="ChainState"/>.
/// </summary>
public sealed class ChainCoordinator
{
    private readonly object _gate = new();
    private readonly ChainStore _store;
    private readonly ISortitionView _sortitions;
    private readonly ILogger _logger;
    private BlockRecord _tip = null!;

    public ChainCoordinator(ChainStore store, ChainParameters parameters, ISortitionView sortitions, NativeContractRegistry contracts, ILogger<ChainCoordinator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(sortitions);
        ArgumentNullException.ThrowIfNull(contracts);
        _store = store;
        Parameters = parameters;
        _sortitions = sortitions;
        Contracts = contracts;
        _logger = logger ?? NullLogger<ChainCoordinator>.Instance;
        State = new ChainState(store, parameters, contracts);
        Initialize();
    }

    public ChainParameters Parameters { get; }

    public NativeContractRegistry Contracts { get; }

    /// <summary>Read access (snapshots) for queries, BNS and the daemon.</summary>
    public ChainState State { get; }

    /// <summary>Verify transaction signatures while applying blocks (benchmarks may turn it off).</summary>
    public bool VerifySignatures { get; init; } = true;

    /// <summary>The mempool to keep in step with the tip, if any.</summary>
    public Mempool? Mempool { get; set; }

    public BlockRecord Tip
    {
        get
        {
            lock (_gate)
            {
                return _tip;
            }
        }
    }

    /// <summary>Raised after a commit that moved the canonical tip.</summary>
    public event EventHandler<TipChange>? TipChanged;

    /// <summary>Validates and applies a block elected by the sortition <paramref name="consensusHash"/>.</summary>
    public BlockOutcome ProcessBlock(StacksBlock block, ConsensusHash consensusHash)
    {
        ArgumentNullException.ThrowIfNull(block);
        TipChange? change;
        BlockOutcome outcome;
        lock (_gate)
        {
            outcome = ProcessLocked(block, consensusHash, out change);
        }

        if (change is not null)
        {
            Mempool?.OnTipChanged(change, State);
            TipChanged?.Invoke(this, change);
        }

        return outcome;
    }

    /// <summary>Recomputes the canonical tip after the sortition layer switched burnchain forks.</summary>
    public void ReevaluateTip()
    {
        TipChange? change = null;
        lock (_gate)
        {
            var best = _tip;
            var candidates = ChainStore.AllBlocks(_store.Store).Where(b => b.IsGenesis || _sortitions.IsCanonical(b.ConsensusHash));
            best = candidates.OrderByDescending(b => b.Height).ThenBy(b => b.Sequence).First();
            if (best.Id != _tip.Id)
            {
                using var batch = _store.Store.CreateBatch();
                change = MoveTip(batch, _tip, best, null, null);
                batch.Commit();
                _tip = best;
            }
        }

        if (change is not null)
        {
            Mempool?.OnTipChanged(change, State);
            TipChanged?.Invoke(this, change);
        }
    }

    /// <summary>
    /// The state root a block would have on top of <paramref name="parent"/> (block assembly): the
    /// header's own root is ignored. The sortition facts give burn height and missed sortitions.
    /// </summary>
    public bool TryComputeStateRoot(StacksBlockId parent, StacksBlock block, SortitionFacts sortition, IReadOnlyList<BurnStxOperation> burnOperations, out TrieRoot root, out ChainRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(sortition);
        root = default;
        using var snapshot = _store.Store.CreateSnapshot();
        var parentRecord = ChainStore.GetBlock(snapshot, parent);
        if (parentRecord is null)
        {
            rejection = new(ChainErrorCodes.BlockUnknownParent, $"parent {parent} is not processed");
            return false;
        }

        using var scratch = _store.Store.CreateBatch();
        var env = new BlockEnvironment(Parameters, Contracts, sortition.BurnHeight, parentRecord.Height + 1, VerifySignatures);
        if (!BlockProcessor.TryApply(_store.Trie, snapshot, scratch, env, parentRecord, sortition, block, burnOperations, checkStateRoot: false, out var app, out rejection))
        {
            return false;
        }

        root = app!.StateRoot;
        return true;
    }

    private BlockOutcome ProcessLocked(StacksBlock block, ConsensusHash consensusHash, out TipChange? change)
    {
        change = null;
        var id = block.Header.IndexBlockHash(consensusHash);
        BlockOutcome Reject(ChainRejection r)
        {
            ChainLog.BlockRejected(_logger, id, r.Code, r);
            return new BlockOutcome(null, r, false, []);
        }

        var sortition = _sortitions.GetSortition(consensusHash);
        if (sortition is null)
        {
            return Reject(new(ChainErrorCodes.BlockUnknownSortition, $"no winning sortition {consensusHash}"));
        }

        if (ChainStore.GetBlock(_store.Store, id) is not null)
        {
            return Reject(new(ChainErrorCodes.BlockAlreadyProcessed, $"block {id} was processed before"));
        }

        var bytes = block.Serialize();
        if (BlockProcessor.CheckContextFree(Parameters, block, bytes.Length) is { } contextFree)
        {
            return Reject(contextFree);
        }

        var parentId = block.Header.ParentBlock == SortitionFacts.FirstBlockHash
            ? BlockRecord.GenesisId
            : StacksBlockId.Of(block.Header.ParentBlock, sortition.ParentConsensusHash);
        var parent = ChainStore.GetBlock(_store.Store, parentId);
        if (parent is null)
        {
            return Reject(new(ChainErrorCodes.BlockUnknownParent, $"parent {parentId} is not processed"));
        }

        var parentBurn = parent.IsGenesis ? 0 : _sortitions.GetSortition(parent.ConsensusHash)?.TotalBurn ?? 0;
        if (BlockProcessor.CheckAgainstSortition(block, sortition, parent, parentBurn) is { } bad)
        {
            return Reject(bad);
        }

        using var batch = _store.Store.CreateBatch();
        var env = new BlockEnvironment(Parameters, Contracts, sortition.BurnHeight, parent.Height + 1, VerifySignatures);
        var ops = _sortitions.GetBurnOperations(consensusHash);
        if (!BlockProcessor.TryApply(_store.Trie, _store.Store, batch, env, parent, sortition, block, ops, checkStateRoot: true, out var app, out var rejection))
        {
            return Reject(rejection);
        }

        var sequence = ChainStore.GetSequence(_store.Store) + 1;
        var record = new BlockRecord(id, block.BlockHash, consensusHash, parentId, parent.Height + 1, sortition.BurnHeight, app!.StateRoot, sequence);
        var key = id.Hash.ToArray();
        batch.Put(ChainColumn.Blocks, key, record.Encode());
        batch.Put(ChainColumn.BlockBodies, key, bytes);
        batch.Put(ChainColumn.Receipts, key, ReceiptCodec.Encode(app.Receipts));
        batch.Put(ChainColumn.BlockDiffs, key, AccountDiffCodec.Encode(app.AccountChanges));
        batch.Put(ChainColumn.ChainMeta, ChainStore.SequenceKey, ChainStore.HeightKey(sequence));

        // Fork choice: greatest height on the canonical sortition fork; ties keep the first processed.
        var becameTip = _sortitions.IsCanonical(consensusHash) && record.Height > _tip.Height;
        if (becameTip)
        {
            change = MoveTip(batch, _tip, record, record, app);
        }

        batch.Commit();
        if (becameTip)
        {
            _tip = record;
        }

        ChainLog.BlockAccepted(_logger, id, record.Height, record.BurnHeight, block.Transactions.Count, record.StateRoot, becameTip);
        return new BlockOutcome(record, null, becameTip, app.Receipts);
    }

    /// <summary>Moves the canonical indexes from <paramref name="from"/> to <paramref name="to"/> inside <paramref name="batch"/>.</summary>
    private TipChange MoveTip(IWriteBatch<ChainColumn> batch, BlockRecord from, BlockRecord to, BlockRecord? pending, BlockApplication? pendingApp)
    {
        BlockRecord Get(StacksBlockId id) =>
            pending is not null && id == pending.Id ? pending : ChainStore.GetBlock(_store.Store, id) ?? throw new InvalidDataException($"missing block record {id}");

        var undo = new List<BlockRecord>();
        var redo = new List<BlockRecord>();
        var a = from;
        var b = to;
        while (a.Id != b.Id)
        {
            if (a.Height >= b.Height)
            {
                undo.Add(a);
                a = Get(a.ParentId);
            }
            else
            {
                redo.Add(b);
                b = Get(b.ParentId);
            }
        }

        redo.Reverse();
        foreach (var block in undo)
        {
            foreach (var c in ChainStore.GetDiff(_store.Store, block.Id))
            {
                PutOrDelete(batch, ChainColumn.CanonicalAccounts, c.Key, c.Before);
            }

            batch.Delete(ChainColumn.CanonicalHeights, ChainStore.HeightKey(block.Height));
            foreach (var r in ChainStore.GetReceipts(_store.Store, block.Id))
            {
                batch.Delete(ChainColumn.CanonicalTxs, r.Txid.Hash.ToArray());
            }
        }

        foreach (var block in redo)
        {
            var isPending = pending is not null && block.Id == pending.Id;
            var diff = isPending ? pendingApp!.AccountChanges : ChainStore.GetDiff(_store.Store, block.Id);
            foreach (var c in diff)
            {
                PutOrDelete(batch, ChainColumn.CanonicalAccounts, c.Key, c.After);
            }

            batch.Put(ChainColumn.CanonicalHeights, ChainStore.HeightKey(block.Height), block.Id.Hash.ToArray());
            var receipts = isPending ? pendingApp!.Receipts : ChainStore.GetReceipts(_store.Store, block.Id);
            foreach (var r in receipts)
            {
                var value = new byte[36];
                block.Id.Hash.WriteTo(value);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(32), (uint)r.Index);
                batch.Put(ChainColumn.CanonicalTxs, r.Txid.Hash.ToArray(), value);
            }
        }

        batch.Put(ChainColumn.ChainMeta, ChainStore.TipKey, to.Id.Hash.ToArray());
        if (undo.Count > 0)
        {
            ChainLog.TipMoved(_logger, to.Id, to.Height, undo.Count, redo.Count);
        }

        return new TipChange(undo, redo);
    }

    private static void PutOrDelete(IWriteBatch<ChainColumn> batch, ChainColumn column, byte[] key, byte[]? value)
    {
        if (value is null)
        {
            batch.Delete(column, key);
        }
        else
        {
            batch.Put(column, key, value);
        }
    }

    private void Initialize()
    {
        var genesisRoot = ComputeGenesis(out var changes);
        if (ChainStore.GetTipId(_store.Store) is { } tipId)
        {
            var recorded = _store.Store.Get(ChainColumn.ChainMeta, ChainStore.GenesisKey);
            if (recorded is null || !recorded.AsSpan().SequenceEqual(genesisRoot.ToArray()))
            {
                throw new InvalidOperationException(
                    $"the chain store was created for another genesis (network or initial balances differ from '{Parameters.Name}'); use another data directory");
            }

            _tip = ChainStore.GetBlock(_store.Store, tipId) ?? throw new InvalidDataException("the tip marker names a block that is not stored");
            return;
        }

        using var batch = _store.Store.CreateBatch();
        var root = _store.Trie.Apply(_store.Store, TrieRoot.Empty, changes, batch);
        var genesis = new BlockRecord(BlockRecord.GenesisId, SortitionFacts.FirstBlockHash, SortitionFacts.FirstConsensusHash, BlockRecord.GenesisId, 0, Parameters.FirstBurnHeight, root, 0);
        var key = genesis.Id.Hash.ToArray();
        batch.Put(ChainColumn.Blocks, key, genesis.Encode());
        var diff = changes.Where(c => c.Key[0] == StateKeys.AccountPrefix).Select(c => new AccountChange(c.Key, null, c.Value)).ToList();
        batch.Put(ChainColumn.BlockDiffs, key, AccountDiffCodec.Encode(diff));
        foreach (var c in diff)
        {
            batch.Put(ChainColumn.CanonicalAccounts, c.Key, c.After!);
        }

        batch.Put(ChainColumn.CanonicalHeights, ChainStore.HeightKey(0), key);
        batch.Put(ChainColumn.ChainMeta, ChainStore.TipKey, key);
        batch.Put(ChainColumn.ChainMeta, ChainStore.GenesisKey, root.ToArray());
        batch.Commit();
        _tip = genesis;
        ChainLog.GenesisWritten(_logger, Parameters.Name, root);
    }

    private TrieRoot ComputeGenesis(out List<KeyValuePair<byte[], byte[]?>> changes)
    {
        var balances = new SortedDictionary<byte[], UInt128>(ByteKeyComparer.Instance);
        UInt128 total = 0;
        foreach (var g in Parameters.GenesisBalances)
        {
            var k = StateKeys.Account(g.Address);
            balances[k] = checked((balances.TryGetValue(k, out var v) ? v : 0) + g.Ustx);
            total = checked(total + g.Ustx);
        }

        changes = balances.Select(kv => new KeyValuePair<byte[], byte[]?>(kv.Key, new Account(kv.Value, 0, 0, 0).Encode())).ToList();
        changes.Add(new(StateKeys.Supply, new SupplyRecord(total, 0).Encode()));
        using var scratch = _store.Store.CreateBatch();
        return _store.Trie.Apply(_store.Store, TrieRoot.Empty, changes, scratch);
    }
}
