namespace Blockstack.Chain;

/// <summary>Column families of the chain store (docs/storage-layout.md, "Chain state").</summary>
public enum ChainColumn
{
    /// <summary>State trie nodes: node hash → node.</summary>
    TrieNodes,

    /// <summary>Processed blocks: block id → <see cref="BlockRecord"/>.</summary>
    Blocks,

    /// <summary>Raw blocks: block id → block bytes.</summary>
    BlockBodies,

    /// <summary>Receipts of a processed block: block id → receipts.</summary>
    Receipts,

    /// <summary>Per-block index diff (undo/redo): block id → account changes.</summary>
    BlockDiffs,

    /// <summary>Canonical index: height u64 BE → block id.</summary>
    CanonicalHeights,

    /// <summary>Canonical index: txid → block id ‖ tx index u32 BE.</summary>
    CanonicalTxs,

    /// <summary>Canonical index: principal → account at the canonical tip.</summary>
    CanonicalAccounts,

    /// <summary>Singletons: tip, processed counter, genesis fingerprint.</summary>
    ChainMeta,
}
