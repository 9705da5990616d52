using Blockstack.Protos.V1;
using Blockstack.Stacks;

namespace Blockstack.Node.Peers;

/// <summary>The kinds of item peers exchange.</summary>
public enum PeerItemKind
{
    Block,
    Transaction,
    Zonefile,
}

/// <summary>What became of an item a peer offered (or this node fetched).</summary>
public enum OfferStatus
{
    /// <summary>New, and taken: staged, admitted to the mempool, stored.</summary>
    Accepted,

    /// <summary>Already held: not relayed again.</summary>
    Duplicate,

    /// <summary>Well-formed but not taken for a benign reason (stale nonce, low fee, staging full, no name has this zonefile hash yet).</summary>
    Refused,

    /// <summary>Malformed or provably invalid (undecodable, bad signature, bad merkle root, wrong hash): the sender is banned.</summary>
    Invalid,
}

/// <summary>The outcome of an offer: a status and, unless accepted, a reason code and sentence.</summary>
public sealed record OfferResult(OfferStatus Status, string Code, string Message)
{
    public static OfferResult Accepted { get; } = new(OfferStatus.Accepted, "", "");

    public static OfferResult Duplicate { get; } = new(OfferStatus.Duplicate, "", "");
}

/// <summary>An item newly taken by the node, with the peer it came from (null: a local client or the miner).</summary>
public sealed record PeerItem(PeerItemKind Kind, string Id, ReadOnlyMemory<byte> Bytes, string ConsensusHash, PeerIdentity? From);

/// <summary>
/// The node as the peer network sees it: what it tells peers (identity, tips, inventory, blocks,
/// zonefiles) and where offered items go (staging, mempool, zonefile store). Implemented over the
/// runtime and the BNS index; tests fake it. All members are thread-safe.
/// </summary>
public interface IPeerNode
{
    /// <summary>0x17000000 on mainnet, 0x80000000 on testnet and regtest.</summary>
    uint NetworkId { get; }

    /// <summary>Display hex of the network's first burn block.</summary>
    string FirstBurnBlockHash { get; }

    /// <summary>Hex state root of the genesis Stacks block.</summary>
    string GenesisStateRoot { get; }

    ChainTips GetTips();

    /// <summary>Inventory entries from <paramref name="startBurnHeight"/> on the canonical burn chain, at most <paramref name="count"/>, stopping at the tip.</summary>
    IReadOnlyList<InventoryEntry> GetInventory(ulong startBurnHeight, int count);

    /// <summary>The block with this hash, accepted or staged, as wire bytes; null when not held.</summary>
    byte[]? GetBlockBytes(ConsensusHash? consensusHash, StacksBlockHash blockHash);

    /// <summary>True when this node holds the block (accepted or staged).</summary>
    bool HasBlock(StacksBlockHash blockHash);

    /// <summary>Zonefile content by hash160, or null.</summary>
    byte[]? GetZonefile(ReadOnlySpan<byte> hash160);

    /// <summary>Zonefile hashes on chain (at the canonical tip) whose content this node lacks, at most <paramref name="max"/>.</summary>
    IReadOnlyList<byte[]> GetMissingZonefileHashes(int max);

    OfferResult OfferBlock(ReadOnlyMemory<byte> block, PeerIdentity? from);

    OfferResult OfferTransaction(ReadOnlyMemory<byte> transaction, PeerIdentity? from);

    OfferResult OfferZonefile(ReadOnlyMemory<byte> content, PeerIdentity? from);

    /// <summary>Raised after an item was accepted (from a peer, a client, or the miner): the relay sends it on.</summary>
    event Action<PeerItem>? ItemAccepted;

    /// <summary>Raised when a block staged from a peer later fails validation against its sortition (the peer is banned).</summary>
    event Action<StacksBlockHash, PeerIdentity, string>? StagedBlockInvalid;

    /// <summary>Raised after each processed burn block: the downloader looks for missing blocks.</summary>
    event Action? BurnTipChanged;
}
