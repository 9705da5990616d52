using Blockstack.Bns;
using Blockstack.Chain;
using Blockstack.Node.Runtime;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Node.Peers;

/// <summary>
/// The running node as the peer network sees it (<see cref="IPeerNode"/>), over the
/// <see cref="NodeRuntime"/> (sortitions, chain, staging, mempool) and the BNS index (zonefiles).
/// Offers go through the runtime's own entry points (<see cref="NodeRuntime.StageBlock"/>,
/// <see cref="NodeRuntime.SubmitTransactionFrom"/>, <see cref="BnsChainIndex.PutZonefile"/>),
/// so the runtime's single-writer rules hold; <see cref="ItemAccepted"/> follows the runtime's and
/// the index's "newly taken" events, so it fires once per item whatever its source (a peer, a
/// client, the miner).
/// </summary>
public sealed partial class RuntimePeerNode : IPeerNode, IDisposable
{
    public const uint MainnetNetworkId = 0x17000000;
    public const uint TestnetNetworkId = 0x80000000;

    /// <summary>Offer codes (kebab-case, docs/peer-protocol.md).</summary>
    public const string BlockUndecodable = "block-undecodable";
    public const string ZonefileHashMismatch = "zonefile-hash-mismatch";

    /// <summary>How many blocks taken from peers are remembered, to name the sender of one that later fails validation.</summary>
    private const int RememberedBlockSources = 4096;

    [ThreadStatic]
    private static PeerIdentity? _zonefileFrom;

    [ThreadStatic]
    private static bool _taken;

    private readonly NodeRuntime _runtime;
    private readonly ILogger _logger;
    private readonly BnsChainIndex? _bns;
    private readonly BlockEnvironment _stateless;
    private readonly Lazy<string> _genesisRoot;
    private readonly Lock _sourcesGate = new();
    private readonly Dictionary<StacksBlockHash, PeerIdentity> _blockSources = [];
    private readonly Queue<StacksBlockHash> _sourceOrder = new();

    public RuntimePeerNode(NodeRuntime runtime, BnsChainIndex? bns, ILogger<RuntimePeerNode>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _runtime = runtime;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _bns = bns;
        NetworkId = runtime.Network == "mainnet" ? MainnetNetworkId : TestnetNetworkId;
        FirstBurnBlockHash = runtime.NetworkParameters.Burnchain.FirstBlockHash.ToString();
        _stateless = new BlockEnvironment(runtime.ChainParameters, runtime.Contracts, 0, 0);
        _genesisRoot = new Lazy<string>(() => runtime.Chain.GetBlock(BlockRecord.GenesisId)?.StateRoot.ToString() ?? "", LazyThreadSafetyMode.ExecutionAndPublication);
        _runtime.BlockStaged += OnBlockStaged;
        _runtime.TransactionAdmitted += OnTransactionAdmitted;
        _runtime.StagedBlockRejected += OnStagedBlockRejected;
        _runtime.BurnBlockProcessed += OnBurnBlockProcessed;
        if (_bns is not null)
        {
            _bns.ZonefileStored += OnZonefileStored;
        }
    }

    public event Action<PeerItem>? ItemAccepted;

    public event Action<StacksBlockHash, PeerIdentity, string>? StagedBlockInvalid;

    public event Action? BurnTipChanged;

    public uint NetworkId { get; }

    public string FirstBurnBlockHash { get; }

    public string GenesisStateRoot => _genesisRoot.Value;

    /// <summary>True from the moment the runtime starts shutting down: the peer service answers UNAVAILABLE.</summary>
    public bool IsShuttingDown => _runtime.IsShuttingDown;

    public ChainTips GetTips()
    {
        var burn = _runtime.Sortitions.Tip;
        var stacks = _runtime.Chain.Tip;
        return new ChainTips
        {
            BurnHeight = burn?.BurnHeight ?? 0,
            BurnBlockHash = burn?.BurnHeaderHash.ToString() ?? "",
            ConsensusHash = burn?.ConsensusHash.ToString() ?? "",
            StacksTipHeight = stacks.Height,
            StacksTipIndexBlockHash = stacks.Id.ToString(),
        };
    }

    public IReadOnlyList<InventoryEntry> GetInventory(ulong startBurnHeight, int count)
    {
        var entries = new List<InventoryEntry>();
        var height = Math.Max(startBurnHeight, _runtime.NetworkParameters.Burnchain.FirstBlockHeight);
        while (entries.Count < count && _runtime.Sortitions.GetSnapshotAtHeight(height) is { } snapshot)
        {
            var sortition = snapshot is { Sortition: true, IsFirst: false };
            entries.Add(new InventoryEntry
            {
                BurnHeight = snapshot.BurnHeight,
                BurnBlockHash = snapshot.BurnHeaderHash.ToString(),
                ConsensusHash = snapshot.ConsensusHash.ToString(),
                Sortition = sortition,
                WinningBlockHash = sortition ? snapshot.WinningBlockHash.ToString() : "",
                HasBlock = sortition && (_runtime.Chain.GetBlock(StacksBlockId.Of(snapshot.WinningBlockHash, snapshot.ConsensusHash)) is not null || _runtime.Staging.Contains(snapshot.WinningBlockHash)),
            });
            height++;
        }

        return entries;
    }

    public byte[]? GetBlockBytes(ConsensusHash? consensusHash, StacksBlockHash blockHash)
    {
        var ch = consensusHash ?? _runtime.Sortitions.GetWinningSortition(blockHash)?.ConsensusHash;
        if (ch is { } c && _runtime.Chain.GetBlockBody(StacksBlockId.Of(blockHash, c)) is { } body && body.BlockHash == blockHash)
        {
            return body.Serialize();
        }

        return _runtime.Staging.Get(blockHash) is { } staged ? staged.Block.Serialize() : null;
    }

    public bool HasBlock(StacksBlockHash blockHash) => IsAccepted(blockHash) || _runtime.Staging.Contains(blockHash);

    public byte[]? GetZonefile(ReadOnlySpan<byte> hash160)
    {
        if (_bns is null || hash160.Length != BnsConstants.HashLength)
        {
            return null;
        }

        var result = _bns.GetZonefile(new Buff(hash160));
        return result.IsOk ? result.Value : null;
    }

    public IReadOnlyList<byte[]> GetMissingZonefileHashes(int max) =>
        _bns is null || max <= 0 ? [] : _bns.GetMissingZonefileHashes(max);

    public OfferResult OfferBlock(ReadOnlyMemory<byte> block, PeerIdentity? from)
    {
        if (_runtime.IsShuttingDown)
        {
            return Refused(NodeRuntime.ShuttingDown, "the node is shutting down");
        }

        if (!StacksBlock.TryDecode(block.Span, out var decoded, out var error))
        {
            return Invalid(BlockUndecodable, $"{error.Code}: {error.Message}");
        }

        if (BlockProcessor.CheckContextFree(_runtime.ChainParameters, decoded, block.Length) is { } bad)
        {
            return Invalid(bad.Code, bad.Message);
        }

        var hash = decoded.BlockHash;
        if (HasBlock(hash))
        {
            return OfferResult.Duplicate;
        }

        // A block whose sortition is known is validated in full by the loop at once (a failure
        // raises StagedBlockInvalid with its sender); one that arrives before its sortition is
        // checked here for what needs no state, signatures included, before it may wait in staging.
        if (_runtime.Sortitions.GetWinningSortition(hash) is null)
        {
            for (var i = 0; i < decoded.Transactions.Count; i++)
            {
                if (TransactionProcessor.CheckStateless(_stateless, decoded.Transactions[i]) is { } badTx)
                {
                    return Invalid(badTx.Code, $"transaction {i} ({decoded.Transactions[i].Txid}): {badTx.Message}");
                }
            }
        }

        _taken = false;
        ChainRejection? rejection;
        try
        {
            rejection = _runtime.StageBlock(decoded, from);
        }
        catch (ObjectDisposedException)
        {
            return Refused(NodeRuntime.ShuttingDown, "the node is shutting down");
        }

        if (rejection is { } r)
        {
            return r.Code is NodeRuntime.StagingFull or NodeRuntime.ShuttingDown ? Refused(r.Code, r.Message) : Invalid(r.Code, r.Message);
        }

        return _taken ? OfferResult.Accepted : OfferResult.Duplicate;
    }

    public OfferResult OfferTransaction(ReadOnlyMemory<byte> transaction, PeerIdentity? from)
    {
        SubmitOutcome outcome;
        try
        {
            outcome = _runtime.SubmitTransactionFrom(transaction.Span, from);
        }
        catch (ObjectDisposedException)
        {
            return Refused(NodeRuntime.ShuttingDown, "the node is shutting down");
        }

        if (outcome.Accepted)
        {
            return OfferResult.Accepted;
        }

        var code = outcome.RejectionCode ?? "tx-rejected";
        var message = outcome.RejectionMessage ?? "";
        return code switch
        {
            ChainErrorCodes.MempoolDuplicate => OfferResult.Duplicate,
            ChainErrorCodes.TxUndecodable or ChainErrorCodes.TxBadSignature or ChainErrorCodes.TxBadChainId or ChainErrorCodes.TxBadVersion
                or ChainErrorCodes.TxCoinbaseNotFirst or ChainErrorCodes.TxTooLarge => Invalid(code, message),
            _ => Refused(code, message),
        };
    }

    public OfferResult OfferZonefile(ReadOnlyMemory<byte> content, PeerIdentity? from)
    {
        if (content.Length == 0)
        {
            return Invalid(BnsQueryErrors.ZonefileEmpty, "zonefile is empty");
        }

        if (content.Length > BnsIndex.MaxZonefileSize)
        {
            return Invalid(BnsQueryErrors.ZonefileTooLarge, $"zonefile is {content.Length} bytes; the maximum is {BnsIndex.MaxZonefileSize}");
        }

        if (_bns is null)
        {
            return Refused("zonefiles-unavailable", "this node keeps no BNS index");
        }

        var hash = Hash160.Of(content.Span).ToArray();
        if (_bns.HasZonefile(hash))
        {
            return OfferResult.Duplicate;
        }

        if (!_bns.IsZonefileHashOnChain(hash))
        {
            return Refused(BnsQueryErrors.ZonefileHashUnknown, $"no name on chain here has zonefile hash {Convert.ToHexStringLower(hash)}");
        }

        _taken = false;
        _zonefileFrom = from;
        try
        {
            var result = _bns.PutZonefile(content.Span);
            if (!result.IsOk)
            {
                var e = result.Error!;
                return Refused(e.Code, e.Message);
            }
        }
        finally
        {
            _zonefileFrom = null;
        }

        return _taken ? OfferResult.Accepted : OfferResult.Duplicate;
    }

    public void Dispose()
    {
        _runtime.BlockStaged -= OnBlockStaged;
        _runtime.TransactionAdmitted -= OnTransactionAdmitted;
        _runtime.StagedBlockRejected -= OnStagedBlockRejected;
        _runtime.BurnBlockProcessed -= OnBurnBlockProcessed;
        if (_bns is not null)
        {
            _bns.ZonefileStored -= OnZonefileStored;
        }
    }

    private static OfferResult Invalid(string code, string message) => new(OfferStatus.Invalid, code, message);

    private static OfferResult Refused(string code, string message) => new(OfferStatus.Refused, code, message);

    private bool IsAccepted(StacksBlockHash hash) =>
        _runtime.Sortitions.GetWinningSortition(hash) is { } won && _runtime.Chain.GetBlock(StacksBlockId.Of(hash, won.ConsensusHash)) is not null;

    private void OnBlockStaged(object? sender, BlockStagedEventArgs e)
    {
        _taken = true;
        var from = e.Origin as PeerIdentity;
        var hash = e.Block.BlockHash;
        if (from is not null)
        {
            lock (_sourcesGate)
            {
                if (_blockSources.TryAdd(hash, from))
                {
                    _sourceOrder.Enqueue(hash);
                    while (_sourceOrder.Count > RememberedBlockSources)
                    {
                        _blockSources.Remove(_sourceOrder.Dequeue());
                    }
                }
            }
        }

        var ch = _runtime.Sortitions.GetWinningSortition(hash)?.ConsensusHash.ToString() ?? "";
        Publish(new PeerItem(PeerItemKind.Block, hash.ToString(), e.Raw, ch, from));
    }

    private void OnTransactionAdmitted(object? sender, TransactionAdmittedEventArgs e) =>
        Publish(new PeerItem(PeerItemKind.Transaction, e.Transaction.Txid.ToString(), e.Raw, "", e.Origin as PeerIdentity));

    private void OnZonefileStored(Buff hash, byte[] content)
    {
        _taken = true;
        Publish(new PeerItem(PeerItemKind.Zonefile, hash.ToHex(), content, "", _zonefileFrom));
    }

    /// <summary>Raises <see cref="ItemAccepted"/>; a failing subscriber is logged and never fails the offer or the client call.</summary>
    private void Publish(PeerItem item)
    {
        try
        {
            ItemAccepted?.Invoke(item);
        }
        catch (Exception e)
        {
            LogSubscriberFailed(_logger, item.Kind, item.Id, e);
        }
    }

    [LoggerMessage(EventId = 9300, Level = LogLevel.Warning, Message = "peers: a subscriber of ItemAccepted failed on {Kind} {Id}")]
    private static partial void LogSubscriberFailed(ILogger logger, PeerItemKind kind, string id, Exception exception);

    private void OnStagedBlockRejected(object? sender, StagedBlockRejectedEventArgs e)
    {
        PeerIdentity? from;
        lock (_sourcesGate)
        {
            from = _blockSources.GetValueOrDefault(e.BlockHash);
        }

        if (from is not null)
        {
            try
            {
                StagedBlockInvalid?.Invoke(e.BlockHash, from, $"{e.Code}: {e.Message}");
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(_logger, PeerItemKind.Block, e.BlockHash.ToString(), ex);
            }
        }
    }

    private void OnBurnBlockProcessed(object? sender, BurnBlockProcessedEventArgs e) => BurnTipChanged?.Invoke();
}
