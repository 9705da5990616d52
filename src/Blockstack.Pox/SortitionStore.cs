using System.Buffers.Binary;
using System.Collections.Concurrent;
using Blockstack.Bitcoin;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Watcher;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Pox;

/// <summary>Column families of the sortition store (docs/storage-layout.md).</summary>
public enum SortitionColumn
{
    /// <summary>"tip" → sortition id: the processed-up-to marker.</summary>
    Metadata,

    /// <summary>sortition id → snapshot (kept after a rollback, marked in <see cref="Invalid"/>).</summary>
    Snapshots,

    /// <summary>height u64 → sortition id, canonical fork only.</summary>
    CanonicalByHeight,

    /// <summary>burn block hash (display) → sortition id, canonical fork only.</summary>
    ByBurnHash,

    /// <summary>consensus hash → sortition id, canonical fork only.</summary>
    ByConsensusHash,

    /// <summary>sortition id → accepted commits with burns and ranges.</summary>
    Commits,

    /// <summary>sortition id → accepted leader keys.</summary>
    LeaderKeys,

    /// <summary>sortition id → accepted operations (opcode, txid, vtxindex).</summary>
    AcceptedOps,

    /// <summary>sortition id → rejected operations with codes.</summary>
    Rejections,

    /// <summary>intended sortition id → missed commits aimed at it (canonical fork only).</summary>
    MissedByIntended,

    /// <summary>VRF public key → height u64 ‖ vtxindex u32 (canonical fork only).</summary>
    VrfKeys,

    /// <summary>Stacks block hash → height u64 of the commit (canonical fork only).</summary>
    CommittedBlocks,

    /// <summary>sortition id of a cycle's first rewarded block → reward-cycle info.</summary>
    RewardCycles,

    /// <summary>cycle u64 → sortition id of its first rewarded block (canonical fork only).</summary>
    CycleStarts,

    /// <summary>sortition id → empty: the sortition was rolled back with its burn block.</summary>
    Invalid,
}

/// <summary>A sortition with everything recorded for it: the answer to "what happened at this burn block".</summary>
public sealed record SortitionDetails(
    SortitionSnapshot Snapshot,
    bool IsCanonical,
    IReadOnlyList<CommitEntry> Commits,
    IReadOnlyList<AcceptedOp> AcceptedOps,
    IReadOnlyList<SortitionRejection> Rejections)
{
    public CommitEntry? Winner => Commits.FirstOrDefault(c => c.Won);

    /// <summary>The addresses this block's commits had to pay; empty when they had to burn.</summary>
    public IReadOnlyList<PoxAddress> ExpectedRecipients => Snapshot.CommitsMustBurn ? [] : Snapshot.Payouts;
}

/// <summary>
/// The sortition store: follows the burnchain watcher (Applied / RolledBack), runs the pure
/// <see cref="SortitionEngine"/> for each block against its own canonical fork, and persists each
/// result in ONE batch together with the tip marker. A rolled-back block's sortition leaves the
/// canonical indexes and is marked invalid; applying the new branch computes exactly what a fresh
/// node computes, because every lookup goes through the canonical fork. Single writer; readers
/// use the query methods (or a snapshot of <see cref="Store"/>).
/// </summary>
public sealed class SortitionStore : ISortitionView, IDisposable
{
    public static readonly StoreSchema Schema = new("blockstack-sortition", 1);

    private static readonly byte[] TipKey = "tip"u8.ToArray();
    private static readonly byte[] Empty = [];
    private readonly IKeyValueStore<SortitionColumn> _store;
    private readonly bool _owned;
    private readonly PoxParameters _pox;
    private readonly IRewardSetProvider _rewards;
    private readonly ILogger _logger;

    // Decoded values by sortition id. A sortition id fixes its burn block and PoX fork, so the
    // stored values under it never change; the caches only save decoding (and key validation).
    private readonly ConcurrentDictionary<SortitionId, IReadOnlyList<CommitEntry>> _commitCache = new();
    private readonly ConcurrentDictionary<SortitionId, IReadOnlyList<LeaderKeyRegisterOp>> _keyCache = new();
    private readonly ConcurrentDictionary<SortitionId, SortitionSnapshot> _snapshotCache = new();

    public SortitionStore(IKeyValueStore<SortitionColumn> store, PoxParameters pox, IRewardSetProvider rewards, ILogger<SortitionStore>? logger = null, bool ownsStore = false)
    {
        _store = store;
        _pox = pox;
        _rewards = rewards;
        _owned = ownsStore;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public static SortitionStore Open(string path, PoxParameters pox, IRewardSetProvider rewards, ILogger<SortitionStore>? logger = null, RocksStoreOptions? options = null) =>
        new(RocksStore.Open<SortitionColumn>(path, Schema, options), pox, rewards, logger, ownsStore: true);

    public static SortitionStore InMemory(PoxParameters pox, IRewardSetProvider rewards) =>
        new(new MemoryStore<SortitionColumn>(), pox, rewards, ownsStore: true);

    public IKeyValueStore<SortitionColumn> Store => _store;

    public PoxParameters Pox => _pox;

    /// <summary>Called just before each batch commits (tests simulate a crash there).</summary>
    public Action? BeforeCommit { get; init; }

    /// <summary>The last processed sortition, or null before the first burn block.</summary>
    public SortitionSnapshot? Tip
    {
        get
        {
            var id = _store.Get(SortitionColumn.Metadata, TipKey);
            return id is null ? null : GetSnapshot(new SortitionId(new Hash256(id)));
        }
    }

    /// <summary>Handles one watcher event; returns the new sortition for Applied, null for RolledBack.</summary>
    public SortitionResult? Handle(BurnchainEvent burnchainEvent) => burnchainEvent switch
    {
        BurnchainEvent.Applied a => Apply(a.Block),
        BurnchainEvent.RolledBack r => RollBackTo(r.Block),
        _ => throw new ArgumentOutOfRangeException(nameof(burnchainEvent)),
    };

    /// <summary>Runs the sortition of <paramref name="block"/> on the tip and persists it in one batch.</summary>
    public SortitionResult Apply(BurnBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var header = block.Header;
        var tip = Tip;
        SortitionResult result;
        if (tip is null)
        {
            if (header.Height != _pox.FirstBlockHeight)
            {
                throw new InvalidOperationException($"the first sortition must be at burn height {_pox.FirstBlockHeight}, not {header.Height}");
            }

            var first = SortitionSnapshot.Initial(header.Height, header.Hash, header.ParentHash, header.Timestamp);
            result = new SortitionResult(first, [], [], [], [], [], null, null);
        }
        else
        {
            var cycleStart = _pox.IsRewardCycleStart(header.Height) ? EvaluateCycle(tip, header.Height) : null;
            result = SortitionEngine.Evaluate(this, tip, block, _pox, cycleStart);
        }

        Persist(result);
        Log(result);
        return result;
    }

    /// <summary>Rolls back the tip sortition, which must belong to <paramref name="header"/>.</summary>
    public SortitionResult? RollBackTo(BurnBlockHeader header)
    {
        var tip = Tip ?? throw new InvalidOperationException("nothing to roll back");
        if (tip.BurnHeaderHash != header.Hash)
        {
            throw new InvalidOperationException($"rollback of {header.Hash} but the sortition tip is {tip.BurnHeaderHash}");
        }

        using var batch = _store.CreateBatch();
        var id = tip.SortitionId;
        batch.Delete(SortitionColumn.CanonicalByHeight, HeightKey(tip.BurnHeight));
        batch.Delete(SortitionColumn.ByBurnHash, tip.BurnHeaderHash.ToDisplayBytes());
        batch.Delete(SortitionColumn.ByConsensusHash, ChKey(tip.ConsensusHash));
        batch.Delete(SortitionColumn.MissedByIntended, Key(tip.ParentSortitionId));
        foreach (var key in GetLeaderKeys(id))
        {
            batch.Delete(SortitionColumn.VrfKeys, key.PublicKey.ToArray());
        }

        foreach (var c in GetCommits(id))
        {
            batch.Delete(SortitionColumn.CommittedBlocks, c.Op.BlockHeaderHash.ToArray());
        }

        if (_store.Get(SortitionColumn.RewardCycles, Key(id)) is not null)
        {
            batch.Delete(SortitionColumn.CycleStarts, HeightKey(_pox.CycleOf(tip.BurnHeight)));
        }

        batch.Put(SortitionColumn.Invalid, Key(id), Empty);
        if (tip.IsFirst)
        {
            batch.Delete(SortitionColumn.Metadata, TipKey);
        }
        else
        {
            batch.Put(SortitionColumn.Metadata, TipKey, Key(tip.ParentSortitionId));
        }

        BeforeCommit?.Invoke();
        batch.Commit();
        _logger.RolledBack(tip.BurnHeight, tip.BurnHeaderHash);
        return null;
    }

    // ----- queries for the layers above -----

    public SortitionSnapshot? GetSnapshot(SortitionId id)
    {
        if (_snapshotCache.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var v = _store.Get(SortitionColumn.Snapshots, Key(id));
        return v is null ? null : Remember(_snapshotCache, id, SortitionCodec.DecodeSnapshot(v));
    }

    public bool IsCanonical(SortitionId id) => _store.Get(SortitionColumn.Snapshots, Key(id)) is not null && !_store.Contains(SortitionColumn.Invalid, Key(id));

    /// <summary>The canonical sortition at a burn height.</summary>
    public SortitionSnapshot? GetSnapshotAtHeight(ulong height)
    {
        var id = _store.Get(SortitionColumn.CanonicalByHeight, HeightKey(height));
        return id is null ? null : GetSnapshot(new SortitionId(new Hash256(id)));
    }

    public SortitionSnapshot? GetSnapshotByBurnHash(BlockHash hash)
    {
        var id = _store.Get(SortitionColumn.ByBurnHash, hash.ToDisplayBytes());
        return id is null ? null : GetSnapshot(new SortitionId(new Hash256(id)));
    }

    public SortitionSnapshot? GetSnapshotByConsensusHash(ConsensusHash consensusHash)
    {
        var id = _store.Get(SortitionColumn.ByConsensusHash, ChKey(consensusHash));
        return id is null ? null : GetSnapshot(new SortitionId(new Hash256(id)));
    }

    public SortitionDetails? GetDetails(SortitionId id)
    {
        var snapshot = GetSnapshot(id);
        if (snapshot is null)
        {
            return null;
        }

        var ops = _store.Get(SortitionColumn.AcceptedOps, Key(id));
        var rejections = _store.Get(SortitionColumn.Rejections, Key(id));
        return new SortitionDetails(
            snapshot,
            IsCanonical(id),
            GetCommits(id),
            ops is null ? [] : SortitionCodec.DecodeAccepted(ops),
            rejections is null ? [] : SortitionCodec.DecodeRejections(rejections));
    }

    /// <summary>The decision taken at the start of <paramref name="cycle"/> on the canonical fork, or null if not reached.</summary>
    public RewardCycleInfo? GetRewardCycle(ulong cycle)
    {
        var id = _store.Get(SortitionColumn.CycleStarts, HeightKey(cycle));
        if (id is null)
        {
            return null;
        }

        var v = _store.Get(SortitionColumn.RewardCycles, id);
        return v is null ? null : SortitionCodec.DecodeCycle(v);
    }

    /// <summary>
    /// The chain layer's VRF check for the Stacks block that won <paramref name="sortitionId"/>:
    /// verifies <paramref name="proof"/> under the winning commit's leader key over the sortition
    /// hash of the burn block before the commit's, and the proof's seed against the commit's new_seed.
    /// </summary>
    public VrfCheckCode CheckWinnerVrfProof(SortitionId sortitionId, VrfProof proof)
    {
        var snapshot = GetSnapshot(sortitionId);
        if (snapshot is null || !snapshot.Sortition || snapshot.IsFirst)
        {
            return VrfCheckCode.Unknown;
        }

        var winner = GetCommits(sortitionId).FirstOrDefault(c => c.Won);
        if (winner is null)
        {
            return VrfCheckCode.Unknown;
        }

        var key = FindLeaderKey(snapshot, winner.Op.KeyBlockPtr, winner.Op.KeyVtxindex);
        var previous = GetSnapshot(snapshot.ParentSortitionId);
        if (key is null || previous is null)
        {
            return VrfCheckCode.Unknown;
        }

        return LeaderVrf.Check(key.PublicKey, proof, previous.SortitionHash, winner.Op.NewSeed);
    }

    /// <summary>
    /// What the next burn block's commits must pay (stacks-core get_next_block_recipients): the
    /// chosen reward addresses, or null when they must burn. Miners build commits with it.
    /// </summary>
    public RecipientInfo? GetNextBlockRecipients()
    {
        var tip = Tip ?? throw new InvalidOperationException("no sortition yet");
        var height = tip.BurnHeight + 1;
        var cycleStart = _pox.IsRewardCycleStart(height) ? EvaluateCycle(tip, height) : null;
        var info = SortitionEngine.PickRecipients(tip, _pox, height, cycleStart);
        return info is null || _pox.IsInPreparePhase(height) || info.Recipients.All(r => r.Address.IsBurn) ? null : info;
    }

    // ----- ISortitionView over the canonical fork -----

    public IReadOnlyList<CommitEntry> GetCommits(SortitionId sortitionId)
    {
        if (_commitCache.TryGetValue(sortitionId, out var cached))
        {
            return cached;
        }

        var v = _store.Get(SortitionColumn.Commits, Key(sortitionId));
        return v is null ? [] : Remember(_commitCache, sortitionId, (IReadOnlyList<CommitEntry>)SortitionCodec.DecodeCommits(v));
    }

    public IReadOnlyList<MissedCommit> GetMissedCommits(SortitionId intended)
    {
        var v = _store.Get(SortitionColumn.MissedByIntended, Key(intended));
        return v is null ? [] : SortitionCodec.DecodeMissed(v);
    }

    public LeaderKeyRegisterOp? GetLeaderKey(ulong height, uint vtxindex)
    {
        var snapshot = GetSnapshotAtHeight(height);
        return snapshot is null ? null : GetLeaderKeys(snapshot.SortitionId).FirstOrDefault(k => k.Vtxindex == vtxindex);
    }

    public bool IsVrfKeyRegistered(VrfPublicKeyBytes key) => _store.Contains(SortitionColumn.VrfKeys, key.ToArray());

    /// <summary>The accepted registration of <paramref name="key"/> on the canonical fork, or null (miners find their key pointer with it).</summary>
    public LeaderKeyRegisterOp? FindRegisteredKey(VrfPublicKeyBytes key)
    {
        var v = _store.Get(SortitionColumn.VrfKeys, key.ToArray());
        return v is not { Length: 12 }
            ? null
            : GetLeaderKey(BinaryPrimitives.ReadUInt64BigEndian(v), BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(8)));
    }

    public bool IsBlockCommitted(StacksBlockHash blockHash) => _store.Contains(SortitionColumn.CommittedBlocks, blockHash.Hash.ToArray());

    /// <summary>
    /// The canonical sortition whose winning commit named <paramref name="blockHash"/>, or null (not
    /// committed on this fork, or committed by a commit that lost). A block hash is committed at most
    /// once per fork (<c>pox-commit-duplicate-block</c>), so the answer is unique.
    /// </summary>
    public SortitionSnapshot? GetWinningSortition(StacksBlockHash blockHash)
    {
        var v = _store.Get(SortitionColumn.CommittedBlocks, blockHash.Hash.ToArray());
        if (v is null || v.Length != 8)
        {
            return null;
        }

        var snapshot = GetSnapshotAtHeight(BinaryPrimitives.ReadUInt64BigEndian(v));
        return snapshot is { Sortition: true, IsFirst: false } && snapshot.WinningBlockHash == blockHash ? snapshot : null;
    }

    public IReadOnlyList<LeaderKeyRegisterOp> GetLeaderKeys(SortitionId sortitionId)
    {
        if (_keyCache.TryGetValue(sortitionId, out var cached))
        {
            return cached;
        }

        var v = _store.Get(SortitionColumn.LeaderKeys, Key(sortitionId));
        return v is null ? [] : Remember(_keyCache, sortitionId, (IReadOnlyList<LeaderKeyRegisterOp>)SortitionCodec.DecodeKeys(v));
    }

    private static T Remember<T>(ConcurrentDictionary<SortitionId, T> cache, SortitionId id, T value)
    {
        if (cache.Count >= 4096)
        {
            cache.Clear();
        }

        cache[id] = value;
        return value;
    }

    public void Dispose()
    {
        if (_owned)
        {
            _store.Dispose();
        }
    }

    private LeaderKeyRegisterOp? FindLeaderKey(SortitionSnapshot from, ulong height, uint vtxindex)
    {
        var sn = from;
        while (sn is not null && sn.BurnHeight > height && !sn.IsFirst)
        {
            sn = GetSnapshot(sn.ParentSortitionId);
        }

        return sn is null || sn.BurnHeight != height ? null : GetLeaderKeys(sn.SortitionId).FirstOrDefault(k => k.Vtxindex == vtxindex);
    }

    private RewardCycleInfo EvaluateCycle(SortitionSnapshot prepareEnd, ulong height)
    {
        var cycle = _pox.CycleOf(height);
        var anchor = AnchorSelector.Select(this, prepareEnd, _pox);
        if (anchor is not { } a)
        {
            return new RewardCycleInfo(cycle, null, false, null);
        }

        var inputs = _rewards.GetRewardSetInputs(a, cycle);
        return inputs is null
            ? new RewardCycleInfo(cycle, a, false, null)
            : new RewardCycleInfo(cycle, a, true, RewardSetCalculator.Compute(inputs, _pox));
    }

    private void Persist(SortitionResult result)
    {
        var s = result.Snapshot;
        var id = Key(s.SortitionId);
        using var batch = _store.CreateBatch();
        batch.Put(SortitionColumn.Snapshots, id, SortitionCodec.Encode(s));
        batch.Put(SortitionColumn.CanonicalByHeight, HeightKey(s.BurnHeight), id);
        batch.Put(SortitionColumn.ByBurnHash, s.BurnHeaderHash.ToDisplayBytes(), id);
        batch.Put(SortitionColumn.ByConsensusHash, ChKey(s.ConsensusHash), id);
        batch.Put(SortitionColumn.Commits, id, SortitionCodec.EncodeCommits(result.Commits));
        batch.Put(SortitionColumn.LeaderKeys, id, SortitionCodec.EncodeKeys(result.LeaderKeys));
        batch.Put(SortitionColumn.AcceptedOps, id, SortitionCodec.EncodeAccepted(result.AcceptedOps));
        batch.Put(SortitionColumn.Rejections, id, SortitionCodec.EncodeRejections(result.Rejections));
        batch.Delete(SortitionColumn.Invalid, id);
        if (result.MissedCommits.Count > 0)
        {
            batch.Put(SortitionColumn.MissedByIntended, Key(s.ParentSortitionId), SortitionCodec.EncodeMissed(result.MissedCommits));
        }

        foreach (var key in result.LeaderKeys)
        {
            var v = new byte[12];
            BinaryPrimitives.WriteUInt64BigEndian(v, key.BlockHeight);
            BinaryPrimitives.WriteUInt32BigEndian(v.AsSpan(8), key.Vtxindex);
            batch.Put(SortitionColumn.VrfKeys, key.PublicKey.ToArray(), v);
        }

        foreach (var c in result.Commits)
        {
            batch.Put(SortitionColumn.CommittedBlocks, c.Op.BlockHeaderHash.ToArray(), HeightKey(c.Op.BlockHeight));
        }

        if (result.CycleStart is { } cycle)
        {
            batch.Put(SortitionColumn.RewardCycles, id, SortitionCodec.Encode(cycle));
            batch.Put(SortitionColumn.CycleStarts, HeightKey(cycle.Cycle), id);
        }

        batch.Put(SortitionColumn.Metadata, TipKey, id);
        BeforeCommit?.Invoke();
        batch.Commit();
    }

    private void Log(SortitionResult result)
    {
        var s = result.Snapshot;
        if (result.CycleStart is { } c && _logger.IsEnabled(LogLevel.Information))
        {
            _logger.CycleStarted(c.Cycle, s.BurnHeight, c.Anchor?.BlockHash.ToString() ?? "none", c.AnchorKnown, c.RewardSet?.Slots.Count ?? 0);
        }

        foreach (var r in result.Rejections)
        {
            _logger.OpRejected(r.CodeText, s.BurnHeight, r.Txid, r.Detail);
        }

        if (result.Winner is { } w)
        {
            _logger.SortitionWon(s.BurnHeight, s.BurnHeaderHash, w.Op.Txid, result.Commits.Count, s.ConsensusHash);
        }
        else
        {
            _logger.SortitionEmpty(s.BurnHeight, s.BurnHeaderHash, result.Commits.Count, s.ConsensusHash);
        }
    }

    private static byte[] Key(SortitionId id) => id.Hash.ToArray();

    private static byte[] ChKey(ConsensusHash ch)
    {
        var b = new byte[20];
        ch.Hash.WriteTo(b);
        return b;
    }

    private static byte[] HeightKey(ulong height)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, height);
        return b;
    }
}
