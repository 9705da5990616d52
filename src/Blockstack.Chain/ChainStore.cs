using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Stacks;
using Blockstack.Storage;
using Blockstack.Storage.Trie;

namespace Blockstack.Chain;

/// <summary>
/// The chain's persistent store: typed access to the chain column families
/// (docs/storage-layout.md, "Chain state"). Writes go only through batches the coordinator commits.
/// </summary>
public sealed class ChainStore
{
    /// <summary>The schema the node checks on open.</summary>
    public static readonly StoreSchema Schema = new("blockstack-chain", 1);

    internal static readonly byte[] TipKey = "tip"u8.ToArray();
    internal static readonly byte[] SequenceKey = "sequence"u8.ToArray();
    internal static readonly byte[] GenesisKey = "genesis"u8.ToArray();

    public ChainStore(IKeyValueStore<ChainColumn> store, int trieCacheCapacity = StateTrie<ChainColumn>.DefaultCacheCapacity)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        Trie = new StateTrie<ChainColumn>(ChainColumn.TrieNodes, trieCacheCapacity);
    }

    /// <summary>Opens (or creates) the RocksDB chain store at <paramref name="path"/>, checking the schema.</summary>
    public static ChainStore OpenRocks(string path, RocksStoreOptions? options = null) => new(RocksStore.Open<ChainColumn>(path, Schema, options));

    public IKeyValueStore<ChainColumn> Store { get; }

    public StateTrie<ChainColumn> Trie { get; }

    public static BlockRecord? GetBlock(IStoreReader<ChainColumn> reader, StacksBlockId id)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Get(ChainColumn.Blocks, id.Hash.ToArray()) is { } bytes ? BlockRecord.Decode(bytes) : null;
    }

    public static StacksBlockId? GetTipId(IStoreReader<ChainColumn> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Get(ChainColumn.ChainMeta, TipKey) is { } bytes ? new StacksBlockId(new Hash256(bytes)) : null;
    }

    public static ulong GetSequence(IStoreReader<ChainColumn> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Get(ChainColumn.ChainMeta, SequenceKey) is { } bytes ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : 0;
    }

    public static byte[] HeightKey(ulong height)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, height);
        return key;
    }

    public static IReadOnlyList<TransactionReceipt> GetReceipts(IStoreReader<ChainColumn> reader, StacksBlockId id)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Get(ChainColumn.Receipts, id.Hash.ToArray()) is { } bytes ? ReceiptCodec.Decode(bytes) : [];
    }

    public static StacksBlock? GetBlockBody(IStoreReader<ChainColumn> reader, StacksBlockId id)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Get(ChainColumn.BlockBodies, id.Hash.ToArray()) is { } bytes && StacksBlock.TryDecode(bytes, out var block, out _) ? block : null;
    }

    public static IReadOnlyList<AccountChange> GetDiff(IStoreReader<ChainColumn> reader, StacksBlockId id)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Get(ChainColumn.BlockDiffs, id.Hash.ToArray()) is { } bytes ? AccountDiffCodec.Decode(bytes) : [];
    }

    /// <summary>Every processed block (including the genesis record), in key order.</summary>
    public static IEnumerable<BlockRecord> AllBlocks(IStoreReader<ChainColumn> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        foreach (var (_, value) in reader.Prefix(ChainColumn.Blocks, []))
        {
            yield return BlockRecord.Decode(value);
        }
    }
}
