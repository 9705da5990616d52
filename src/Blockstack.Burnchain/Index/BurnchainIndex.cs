using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Burnchain.Ops;
using Blockstack.Storage;

namespace Blockstack.Burnchain.Index;

/// <summary>Column families of the burnchain index (docs/storage-layout.md).</summary>
public enum BurnchainColumn
{
    /// <summary>"tip" → height u64 BE || block hash (display order).</summary>
    Metadata,

    /// <summary>block hash (display) → height u64 BE || parent hash (display) || time u32 BE.</summary>
    HeadersByHash,

    /// <summary>height u64 BE → block hash (display): the canonical chain.</summary>
    CanonicalByHeight,

    /// <summary>block hash (display) || vtxindex u32 BE → stored operation.</summary>
    OpsByBlock,

    /// <summary>PreStx txid (display) → block hash (display) || vtxindex u32 BE.</summary>
    PreStxByTxid,
}

/// <summary>
/// The burnchain index: canonical headers by height and hash, operations by block, PreStx by
/// txid, and the processed-up-to tip. Every applied or rolled-back block is ONE atomic batch that
/// also moves the tip, so after a crash the index holds whole blocks only. Single writer (the
/// watcher); readers may use <see cref="IStoreReader{TColumn}"/> snapshots.
/// </summary>
public sealed class BurnchainIndex : IPreStxLookup, IDisposable
{
    public static readonly StoreSchema Schema = new("blockstack-burnchain", 1);

    private static readonly byte[] TipKey = "tip"u8.ToArray();
    private readonly IKeyValueStore<BurnchainColumn> _store;
    private readonly bool _owned;

    public BurnchainIndex(IKeyValueStore<BurnchainColumn> store, bool ownsStore = false)
    {
        _store = store;
        _owned = ownsStore;
    }

    /// <summary>Opens (or creates) a RocksDB index in <paramref name="path"/>.</summary>
    public static BurnchainIndex Open(string path, RocksStoreOptions? options = null) =>
        new(RocksStore.Open<BurnchainColumn>(path, Schema, options), ownsStore: true);

    /// <summary>An in-memory index (tests, tools).</summary>
    public static BurnchainIndex InMemory() => new(new MemoryStore<BurnchainColumn>(), ownsStore: true);

    public IKeyValueStore<BurnchainColumn> Store => _store;

    /// <summary>The last applied block, or null when nothing has been applied.</summary>
    public BurnBlockHeader? Tip
    {
        get
        {
            var v = _store.Get(BurnchainColumn.Metadata, TipKey);
            return v is null ? null : GetHeader(BurnchainIds.BlockHashFromDisplayBytes(v.AsSpan(8, 32)));
        }
    }

    public BurnBlockHeader? GetHeader(BlockHash hash)
    {
        var v = _store.Get(BurnchainColumn.HeadersByHash, hash.ToDisplayBytes());
        return v is null ? null : DecodeHeader(hash, v);
    }

    /// <summary>The canonical block at <paramref name="height"/>, or null above the tip.</summary>
    public BurnBlockHeader? GetCanonicalHeader(ulong height)
    {
        var v = _store.Get(BurnchainColumn.CanonicalByHeight, HeightKey(height));
        return v is null ? null : GetHeader(BurnchainIds.BlockHashFromDisplayBytes(v));
    }

    /// <summary>The operations of block <paramref name="hash"/> in vtxindex order.</summary>
    public IReadOnlyList<BurnOperation> GetOperations(BlockHash hash)
    {
        var list = new List<BurnOperation>();
        foreach (var kv in _store.Prefix(BurnchainColumn.OpsByBlock, hash.ToDisplayBytes()))
        {
            list.Add(BurnOpCodec.Decode(kv.Value));
        }

        return list;
    }

    public BurnBlock? GetBlock(ulong height)
    {
        var header = GetCanonicalHeader(height);
        return header is null
            ? null
            : new BurnBlock(header.Value, new ValueList<BurnOperationRef>(GetOperations(header.Value.Hash).Select(o => new BurnOperationRef(o))));
    }

    /// <summary>A PreStx on the canonical chain, by txid.</summary>
    public PreStxOp? FindPreStx(Txid txid)
    {
        var v = _store.Get(BurnchainColumn.PreStxByTxid, txid.ToDisplayBytes());
        if (v is null)
        {
            return null;
        }

        var op = _store.Get(BurnchainColumn.OpsByBlock, v);
        return op is null ? null : BurnOpCodec.Decode(op) as PreStxOp;
    }

    /// <summary>Applies <paramref name="block"/> on top of the tip in one atomic batch.</summary>
    public void Apply(BurnBlock block, Action? beforeCommit = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        var header = block.Header;
        var tip = Tip;
        if (tip is { } t && (t.Height + 1 != header.Height || t.Hash != header.ParentHash))
        {
            throw new InvalidOperationException($"block {header} does not extend the index tip {t}");
        }

        var hashKey = header.Hash.ToDisplayBytes();
        using var batch = _store.CreateBatch();
        batch.Put(BurnchainColumn.HeadersByHash, hashKey, EncodeHeader(header));
        batch.Put(BurnchainColumn.CanonicalByHeight, HeightKey(header.Height), hashKey);
        foreach (var op in block.Ops)
        {
            var opKey = OpKey(hashKey, op.Vtxindex);
            batch.Put(BurnchainColumn.OpsByBlock, opKey, BurnOpCodec.Encode(op));
            if (op is PreStxOp)
            {
                batch.Put(BurnchainColumn.PreStxByTxid, op.Txid.ToDisplayBytes(), opKey);
            }
        }

        batch.Put(BurnchainColumn.Metadata, TipKey, TipValue(header.Height, hashKey));
        beforeCommit?.Invoke();
        batch.Commit();
    }

    /// <summary>Removes the tip block in one atomic batch; the tip becomes its parent. Returns the removed header.</summary>
    public BurnBlockHeader RollBackTip(Action? beforeCommit = null)
    {
        var tip = Tip ?? throw new InvalidOperationException("the burnchain index is empty");
        var hashKey = tip.Hash.ToDisplayBytes();
        using var batch = _store.CreateBatch();
        foreach (var kv in _store.Prefix(BurnchainColumn.OpsByBlock, hashKey))
        {
            batch.Delete(BurnchainColumn.OpsByBlock, kv.Key);
            if (kv.Value.Length > 0 && kv.Value[0] == (byte)BurnOpcode.PreStx)
            {
                batch.Delete(BurnchainColumn.PreStxByTxid, kv.Value.AsSpan(1, 32));
            }
        }

        batch.Delete(BurnchainColumn.CanonicalByHeight, HeightKey(tip.Height));
        batch.Delete(BurnchainColumn.HeadersByHash, hashKey);
        if (GetHeader(tip.ParentHash) is { } parent)
        {
            batch.Put(BurnchainColumn.Metadata, TipKey, TipValue(parent.Height, tip.ParentHash.ToDisplayBytes()));
        }
        else
        {
            batch.Delete(BurnchainColumn.Metadata, TipKey);
        }

        beforeCommit?.Invoke();
        batch.Commit();
        return tip;
    }

    /// <summary>Every key and value of every column, in order (test oracle for "equal indexes").</summary>
    public IEnumerable<(BurnchainColumn Column, byte[] Key, byte[] Value)> Dump()
    {
        foreach (var column in Enum.GetValues<BurnchainColumn>())
        {
            foreach (var kv in _store.Range(column, [], null))
            {
                yield return (column, kv.Key, kv.Value);
            }
        }
    }

    public void Dispose()
    {
        if (_owned)
        {
            _store.Dispose();
        }
    }

    internal static byte[] HeightKey(ulong height)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, height);
        return key;
    }

    private static byte[] OpKey(byte[] hashKey, uint vtxindex)
    {
        var key = new byte[36];
        hashKey.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(32), vtxindex);
        return key;
    }

    private static byte[] TipValue(ulong height, byte[] hashKey)
    {
        var v = new byte[40];
        BinaryPrimitives.WriteUInt64BigEndian(v, height);
        hashKey.CopyTo(v, 8);
        return v;
    }

    private static byte[] EncodeHeader(BurnBlockHeader header)
    {
        var v = new byte[44];
        BinaryPrimitives.WriteUInt64BigEndian(v, header.Height);
        header.ParentHash.ToDisplayBytes().CopyTo(v, 8);
        BinaryPrimitives.WriteUInt32BigEndian(v.AsSpan(40), header.Timestamp);
        return v;
    }

    private static BurnBlockHeader DecodeHeader(BlockHash hash, byte[] v) => new(
        BinaryPrimitives.ReadUInt64BigEndian(v),
        hash,
        BurnchainIds.BlockHashFromDisplayBytes(v.AsSpan(8, 32)),
        BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(40)));
}
