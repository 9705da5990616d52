using System.Security.Cryptography;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Protos.V1;
using Blockstack.Stacks;

namespace Blockstack.Node.Peers.Sync.Tests;

/// <summary>
/// An in-memory <see cref="IPeerNode"/>: a burn chain of <see cref="TestSortition"/>s, held
/// blocks ("staging") and the Stacks chain applied from them in sortition order, each block on
/// its parent; a mempool of transaction ids; zonefiles and the hashes on chain. Records every
/// offer with its sender.
/// </summary>
public sealed class FakePeerNode : IPeerNode
{
    public const uint Regtest = 0x80000000;

    private readonly Lock _lock = new();
    private readonly List<TestSortition> _sortitions;
    private readonly Dictionary<string, byte[]> _blocks = new(StringComparer.Ordinal);
    private readonly List<string> _applied = [];
    private int _next;
    private readonly HashSet<string> _transactions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _zonefiles = new(StringComparer.Ordinal);
    private readonly List<string> _zonefileHashesOnChain = [];
    private readonly List<(PeerItemKind Kind, string Id, PeerIdentity? From, OfferStatus Status)> _offers = [];

    public FakePeerNode(IReadOnlyList<TestSortition> sortitions, bool holdsBlocks = false, string? genesisStateRoot = null, string? firstBurnBlockHash = null)
    {
        _sortitions = [.. sortitions];
        GenesisStateRoot = genesisStateRoot ?? TestChain.Hex("genesis", 32);
        FirstBurnBlockHash = firstBurnBlockHash ?? TestChain.Hex("first-burn", 32);
        if (holdsBlocks)
        {
            foreach (var s in sortitions.Where(s => s.Block is not null))
            {
                _blocks[s.BlockHash] = s.Block!;
            }

            Apply();
        }
    }

    public uint NetworkId { get; init; } = Regtest;

    public string FirstBurnBlockHash { get; }

    public string GenesisStateRoot { get; }

    /// <summary>Blocks this node calls invalid when offered.</summary>
    public HashSet<string> InvalidBlocks { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Applied
    {
        get
        {
            lock (_lock)
            {
                return [.. _applied];
            }
        }
    }

    public int BlockCount
    {
        get
        {
            lock (_lock)
            {
                return _blocks.Count;
            }
        }
    }

    public IReadOnlyList<(PeerItemKind Kind, string Id, PeerIdentity? From, OfferStatus Status)> Offers
    {
        get
        {
            lock (_lock)
            {
                return [.. _offers];
            }
        }
    }

    public event Action<PeerItem>? ItemAccepted;

    public event Action<StacksBlockHash, PeerIdentity, string>? StagedBlockInvalid;

    public event Action? BurnTipChanged;

    public ChainTips GetTips()
    {
        lock (_lock)
        {
            var tip = _sortitions.Count == 0 ? null : _sortitions[^1];
            return new ChainTips
            {
                BurnHeight = tip?.Height ?? 0,
                BurnBlockHash = tip?.BurnBlockHash ?? "",
                ConsensusHash = tip?.ConsensusHash ?? "",
                StacksTipHeight = (ulong)_applied.Count,
                StacksTipIndexBlockHash = _applied.Count == 0 ? "" : _applied[^1],
            };
        }
    }

    public IReadOnlyList<InventoryEntry> GetInventory(ulong startBurnHeight, int count)
    {
        lock (_lock)
        {
            return [.. _sortitions.Where(s => s.Height >= startBurnHeight).Take(count).Select(s => new InventoryEntry
            {
                BurnHeight = s.Height,
                BurnBlockHash = s.BurnBlockHash,
                ConsensusHash = s.ConsensusHash,
                Sortition = s.Sortition,
                WinningBlockHash = s.BlockHash,
                HasBlock = s.Sortition && _blocks.ContainsKey(s.BlockHash),
            })];
        }
    }

    public byte[]? GetBlockBytes(ConsensusHash? consensusHash, StacksBlockHash blockHash)
    {
        lock (_lock)
        {
            return _blocks.GetValueOrDefault(blockHash.ToString());
        }
    }

    public bool HasBlock(StacksBlockHash blockHash)
    {
        lock (_lock)
        {
            return _blocks.ContainsKey(blockHash.ToString());
        }
    }

    public byte[]? GetZonefile(ReadOnlySpan<byte> hash160)
    {
        var key = Convert.ToHexStringLower(hash160);
        lock (_lock)
        {
            return _zonefiles.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<byte[]> GetMissingZonefileHashes(int max)
    {
        lock (_lock)
        {
            return [.. _zonefileHashesOnChain.Where(h => !_zonefiles.ContainsKey(h)).Take(max).Select(Convert.FromHexString)];
        }
    }

    public OfferResult OfferBlock(ReadOnlyMemory<byte> block, PeerIdentity? from)
    {
        var hash = BlockDownloader.HashOf(block.Span);
        OfferResult result;
        PeerItem? accepted = null;
        lock (_lock)
        {
            if (hash is null || InvalidBlocks.Contains(hash))
            {
                result = new OfferResult(OfferStatus.Invalid, "block-invalid", "this test node calls it invalid");
            }
            else if (_blocks.ContainsKey(hash))
            {
                result = OfferResult.Duplicate;
            }
            else
            {
                _blocks[hash] = block.ToArray();
                Apply();
                result = OfferResult.Accepted;
                var ch = _sortitions.FirstOrDefault(s => s.BlockHash == hash)?.ConsensusHash ?? "";
                accepted = new PeerItem(PeerItemKind.Block, hash, block, ch, from);
            }

            _offers.Add((PeerItemKind.Block, hash ?? "", from, result.Status));
        }

        if (accepted is not null)
        {
            ItemAccepted?.Invoke(accepted);
        }

        return result;
    }

    public OfferResult OfferTransaction(ReadOnlyMemory<byte> transaction, PeerIdentity? from)
    {
        var id = TxidOf(transaction.Span);
        OfferResult result;
        lock (_lock)
        {
            result = _transactions.Add(id) ? OfferResult.Accepted : OfferResult.Duplicate;
            _offers.Add((PeerItemKind.Transaction, id, from, result.Status));
        }

        if (result.Status == OfferStatus.Accepted)
        {
            ItemAccepted?.Invoke(new PeerItem(PeerItemKind.Transaction, id, transaction, "", from));
        }

        return result;
    }

    public OfferResult OfferZonefile(ReadOnlyMemory<byte> content, PeerIdentity? from)
    {
        var hash = Convert.ToHexStringLower(Hashes.Hash160(content.Span));
        OfferResult result;
        lock (_lock)
        {
            if (!_zonefileHashesOnChain.Contains(hash))
            {
                result = new OfferResult(OfferStatus.Refused, "zonefile-not-on-chain", "no name has this zonefile hash");
            }
            else if (_zonefiles.ContainsKey(hash))
            {
                result = OfferResult.Duplicate;
            }
            else
            {
                _zonefiles[hash] = content.ToArray();
                result = OfferResult.Accepted;
            }

            _offers.Add((PeerItemKind.Zonefile, hash, from, result.Status));
        }

        if (result.Status == OfferStatus.Accepted)
        {
            ItemAccepted?.Invoke(new PeerItem(PeerItemKind.Zonefile, hash, content, "", from));
        }

        return result;
    }

    public static string TxidOf(ReadOnlySpan<byte> transaction) => Convert.ToHexStringLower(SHA256.HashData(transaction));

    public bool HasTransaction(string txid)
    {
        lock (_lock)
        {
            return _transactions.Contains(txid);
        }
    }

    /// <summary>A client submits a transaction to this node (From = null).</summary>
    public string Submit(byte[] transaction)
    {
        OfferTransaction(transaction, null);
        return TxidOf(transaction);
    }

    /// <summary>Puts a zonefile hash on chain (a name registered with it); with content when this node holds it.</summary>
    public string AddZonefileOnChain(byte[] content, bool holdContent)
    {
        var hash = Convert.ToHexStringLower(Hashes.Hash160(content));
        lock (_lock)
        {
            _zonefileHashesOnChain.Add(hash);
            if (holdContent)
            {
                _zonefiles[hash] = content;
            }
        }

        return hash;
    }

    public bool HasZonefile(string hash)
    {
        lock (_lock)
        {
            return _zonefiles.ContainsKey(hash);
        }
    }

    /// <summary>A burnchain reorg: the canonical burn chain becomes <paramref name="sortitions"/> (held blocks stay, the Stacks chain is applied again); raises BurnTipChanged.</summary>
    public void Reorg(IReadOnlyList<TestSortition> sortitions, bool holdBlocks)
    {
        lock (_lock)
        {
            _sortitions.Clear();
            _sortitions.AddRange(sortitions);
            if (holdBlocks)
            {
                foreach (var s in sortitions.Where(s => s.Block is not null))
                {
                    _blocks[s.BlockHash] = s.Block!;
                }
            }

            _applied.Clear();
            _next = 0;
            Apply();
        }

        BurnTipChanged?.Invoke();
    }

    /// <summary>
    /// The node loses every block it holds and its Stacks chain (as when its sortitions are
    /// evaluated again after a late anchor block and the applied blocks no longer count);
    /// raises BurnTipChanged.
    /// </summary>
    public void LoseAllBlocks()
    {
        lock (_lock)
        {
            _blocks.Clear();
            _applied.Clear();
            _next = 0;
        }

        BurnTipChanged?.Invoke();
    }

    /// <summary>Gives this node a block (as if staged earlier) without raising events.</summary>
    public void Hold(TestSortition sortition)
    {
        lock (_lock)
        {
            _blocks[sortition.BlockHash] = sortition.Block!;
            Apply();
        }

        BurnTipChanged?.Invoke();
    }

    public void RaiseStagedBlockInvalid(string blockHash, PeerIdentity from, string reason)
    {
        lock (_lock)
        {
            _blocks.Remove(blockHash);
        }

        StagedBlockInvalid?.Invoke(StacksBlockHash.Parse(blockHash), from, reason);
    }

    /// <summary>Applies held blocks in sortition order while each is the next one on the chain.</summary>
    private void Apply()
    {
        for (; _next < _sortitions.Count; _next++)
        {
            var s = _sortitions[_next];
            if (!s.Sortition)
            {
                continue;
            }

            if (!_blocks.TryGetValue(s.BlockHash, out var block))
            {
                return;
            }

            var parent = TestChain.ParentOf(block);
            var expected = _applied.Count == 0 ? new string('0', 64) : _applied[^1];
            if (parent != expected)
            {
                return;
            }

            _applied.Add(s.BlockHash);
        }
    }
}
