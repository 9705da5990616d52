using System.Globalization;
using System.Reflection;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Chain;
using Blockstack.Node.Runtime;
using Blockstack.Pox;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Google.Protobuf;
using Grpc.Core;
using Account = Blockstack.Protos.V1.Account;
using ProtoBlock = Blockstack.Protos.V1.Block;
using ProtoStatus = Blockstack.Protos.V1.TransactionStatus;

namespace Blockstack.Node.Grpc;

/// <summary>Stable error codes of NodeService (the prefix of each status message and the <c>node-error</c> trailer).</summary>
public static class NodeErrors
{
    public const string NotSynced = "node-not-synced";
    public const string ShuttingDown = "node-shutting-down";
    public const string PrincipalInvalid = "principal-invalid";
    public const string TxidInvalid = "txid-invalid";
    public const string TxEmpty = "tx-empty";
    public const string TxNotFound = "tx-not-found";
    public const string BlockIdInvalid = "block-id-invalid";
    public const string BlockNotFound = "block-not-found";
    public const string BurnHashInvalid = "burn-hash-invalid";
    public const string SortitionNotFound = "sortition-not-found";
    public const string RewardCycleNotFound = "reward-cycle-not-found";
    public const string RequestInvalid = "request-invalid";

    /// <summary>The trailer that carries the code (and, for a rejected transaction, the rejection code).</summary>
    public const string Trailer = "node-error";
}

/// <summary>Whether the host is stopping; flipped by the host before the runtime stops.</summary>
public sealed class NodeServiceState : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _isStopping;

    public bool IsStopping => _isStopping;

    /// <summary>Cancelled when stopping starts: open streams end at once instead of holding shutdown.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void MarkStopping()
    {
        _isStopping = true;
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing left to notify.
        }
    }

    public void Dispose() => _stopping.Dispose();
}

/// <summary>
/// <c>blockstack.v1.NodeService</c>: a thin adapter over <see cref="INodeBackend"/>. Reads of
/// history (blocks, sortitions, cycles, transactions) answer while syncing; GetAccount and
/// SubmitTransaction answer FAILED_PRECONDITION until the node is synced. Every call answers
/// UNAVAILABLE once shutdown started. Error style as BnsService (docs/api.md).
/// </summary>
public sealed class NodeGrpcService(INodeBackend backend, NodeServiceState state) : NodeService.NodeServiceBase
{
    /// <summary>The node's version as the assembly states it.</summary>
    public static string Version { get; } =
        typeof(NodeGrpcService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(NodeGrpcService).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    public override Task<NodeInfo> GetInfo(GetInfoRequest request, ServerCallContext context)
    {
        NotStopping();
        var sync = backend.GetSyncStatus();
        var tip = backend.Chain.Tip;
        var info = new NodeInfo
        {
            Network = backend.Network,
            BurnHeight = sync.BurnHeight,
            StableBurnHeight = sync.StableBurnHeight ?? 0,
            BurnBlockHash = sync.BurnBlockHash ?? "",
            StacksTipHeight = tip.Height,
            StacksTipBlockHash = tip.BlockHash.ToString(),
            StacksTipIndexBlockHash = tip.Id.ToString(),
            ConsensusHash = backend.Sortitions.Tip?.ConsensusHash.ToString() ?? "",
            SyncProgressPercent = sync.ProgressPercent,
            Synced = sync.Synced,
            PeerCount = (uint)Math.Max(0, sync.PeerCount),
            Version = Version,
            StateRoot = tip.StateRoot.ToString(),
        };
        return Task.FromResult(info);
    }

    public override Task<Account> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Synced();
        if (!Principal.TryParse(request.Principal, out var principal, out var error) || principal is null)
        {
            throw Fail(NodeErrors.PrincipalInvalid, StatusCode.InvalidArgument, $"'{Trim(request.Principal)}' is not a principal: {error.Message}");
        }

        var mainnetAddress = StacksAddressVersion.IsMainnet(principal.Address.Version);
        if (mainnetAddress != (backend.Network == "mainnet"))
        {
            throw Fail(NodeErrors.PrincipalInvalid, StatusCode.InvalidArgument, $"{request.Principal} is a {(mainnetAddress ? "mainnet" : "testnet")} address; this node runs {backend.Network}");
        }

        var account = backend.Chain.GetAccount(principal);
        return Task.FromResult(new Account
        {
            Principal = request.Principal,
            BalanceUstx = account.Unlocked.ToString(CultureInfo.InvariantCulture),
            LockedUstx = account.Locked.ToString(CultureInfo.InvariantCulture),
            UnlockBurnHeight = account.Locked > 0 ? account.UnlockHeight : 0,
            Nonce = account.Nonce,
        });
    }

    public override Task<SubmitTransactionResponse> SubmitTransaction(SubmitTransactionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Synced();
        if (request.RawTransaction.IsEmpty)
        {
            throw Fail(NodeErrors.TxEmpty, StatusCode.InvalidArgument, "raw_transaction is empty");
        }

        var outcome = backend.SubmitTransaction(request.RawTransaction.Span);
        if (outcome.Accepted)
        {
            return Task.FromResult(new SubmitTransactionResponse { Txid = outcome.Txid!.Value.ToString() });
        }

        if (backend.IsShuttingDown || state.IsStopping)
        {
            throw Fail(NodeErrors.ShuttingDown, StatusCode.Unavailable, "the node is shutting down");
        }

        var code = string.IsNullOrEmpty(outcome.RejectionCode) ? "tx-rejected" : outcome.RejectionCode;
        throw Fail(code, StatusCode.InvalidArgument, outcome.RejectionMessage ?? "the transaction was rejected");
    }

    public override Task<ProtoStatus> GetTransaction(GetTransactionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        NotStopping();
        if (!TryHash(request.Txid, out var hash))
        {
            throw Fail(NodeErrors.TxidInvalid, StatusCode.InvalidArgument, "txid must be 64 hex digits");
        }

        var txid = new StacksTxid(hash);
        if (backend.Chain.GetReceipt(txid) is { } found)
        {
            var (block, receipt) = found;
            var status = new ProtoStatus { Txid = txid.ToString(), Status = ProtoStatus.Types.Status.Confirmed, Receipt = ToProto(block, receipt) };
            if (backend.Chain.GetBlockBody(block.Id) is { } body && receipt.Index >= 0 && receipt.Index < body.Transactions.Count)
            {
                status.RawTransaction = ByteString.CopyFrom(body.Transactions[receipt.Index].Serialize());
            }

            return Task.FromResult(status);
        }

        if (backend.GetPending(txid) is { } pending)
        {
            return Task.FromResult(new ProtoStatus
            {
                Txid = txid.ToString(),
                Status = ProtoStatus.Types.Status.Pending,
                RawTransaction = ByteString.CopyFrom(pending.Transaction.Serialize()),
            });
        }

        if (backend.GetDroppedReason(txid) is { } reason)
        {
            return Task.FromResult(new ProtoStatus { Txid = txid.ToString(), Status = ProtoStatus.Types.Status.Dropped, DroppedReason = reason });
        }

        throw Fail(NodeErrors.TxNotFound, StatusCode.NotFound, $"transaction {txid} is neither pending, confirmed on the canonical chain nor recently dropped");
    }

    public override Task<ProtoBlock> GetBlock(GetBlockRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        NotStopping();
        var chain = backend.Chain;
        BlockRecord? record;
        switch (request.IdCase)
        {
            case GetBlockRequest.IdOneofCase.IndexBlockHash:
                record = TryHash(request.IndexBlockHash, out var id)
                    ? chain.GetBlock(new StacksBlockId(id))
                    : throw Fail(NodeErrors.BlockIdInvalid, StatusCode.InvalidArgument, "index_block_hash must be 64 hex digits");
                break;
            case GetBlockRequest.IdOneofCase.BlockHash:
                if (!TryHash(request.BlockHash, out var bh))
                {
                    throw Fail(NodeErrors.BlockIdInvalid, StatusCode.InvalidArgument, "block_hash must be 64 hex digits");
                }

                record = FindByBlockHash(new StacksBlockHash(bh));
                break;
            case GetBlockRequest.IdOneofCase.Height:
                record = chain.GetBlockAtHeight(request.Height);
                break;
            default:
                throw Fail(NodeErrors.RequestInvalid, StatusCode.InvalidArgument, "set one of index_block_hash, block_hash or height");
        }

        if (record is null)
        {
            throw Fail(NodeErrors.BlockNotFound, StatusCode.NotFound, "no such block on this node");
        }

        return Task.FromResult(ToProto(record, request.IncludeTransactions));
    }

    public override Task<Sortition> GetSortition(GetSortitionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        NotStopping();
        var sortitions = backend.Sortitions;
        SortitionSnapshot? snapshot;
        switch (request.IdCase)
        {
            case GetSortitionRequest.IdOneofCase.BurnHeight:
                snapshot = sortitions.GetSnapshotAtHeight(request.BurnHeight);
                break;
            case GetSortitionRequest.IdOneofCase.BurnBlockHash:
                if (!Hash256.TryParseDisplay(request.BurnBlockHash, out var hash) || request.BurnBlockHash.Length != 64)
                {
                    throw Fail(NodeErrors.BurnHashInvalid, StatusCode.InvalidArgument, "burn_block_hash must be 64 hex digits (display order)");
                }

                snapshot = sortitions.GetSnapshotByBurnHash(new BlockHash(hash.Value));
                break;
            default:
                throw Fail(NodeErrors.RequestInvalid, StatusCode.InvalidArgument, "set burn_height or burn_block_hash");
        }

        if (snapshot is null || sortitions.GetDetails(snapshot.SortitionId) is not { } details)
        {
            throw Fail(NodeErrors.SortitionNotFound, StatusCode.NotFound, "no sortition for that burn block on the canonical burn chain");
        }

        var pox = sortitions.Pox;
        var network = BtcNetwork();
        var result = new Sortition
        {
            BurnHeight = snapshot.BurnHeight,
            BurnBlockHash = snapshot.BurnHeaderHash.ToString(),
            ConsensusHash = snapshot.ConsensusHash.ToString(),
            SortitionId = snapshot.SortitionId.ToString(),
            Sortition_ = snapshot.Sortition && !snapshot.IsFirst,
            WinningBlockHash = snapshot.Sortition && !snapshot.IsFirst ? snapshot.WinningBlockHash.ToString() : "",
            WinningCommitTxid = snapshot.Sortition && !snapshot.IsFirst ? snapshot.WinningTxid.ToString() : "",
            VrfSeed = snapshot.LastVrfSeed.ToHex(),
            TotalBurnSats = snapshot.TotalBurn,
            RewardCycle = snapshot.BurnHeight >= pox.FirstBlockHeight ? pox.CycleOf(snapshot.BurnHeight) : 0,
            PreparePhase = pox.IsInPreparePhase(snapshot.BurnHeight),
        };
        foreach (var c in details.Commits)
        {
            result.Commits.Add(new BlockCommit
            {
                Txid = c.Op.Txid.ToString(),
                Vtxindex = c.Op.Vtxindex,
                BlockHash = c.Op.BlockHeaderHash.ToHex(),
                BurnFeeSats = c.Op.BurnFee,
                EffectiveBurnSats = c.Burn,
                RangeStart = c.RangeStart.ToString(),
                RangeEnd = c.RangeEnd.ToString(),
                Won = c.Won,
                ApparentSender = c.Op.ApparentSender?.ToBitcoinAddress(network) ?? "",
            });
        }

        result.PoxRecipients.AddRange(details.ExpectedRecipients.Select(a => a.ToBitcoinAddress(network)));
        return Task.FromResult(result);
    }

    public override Task<RewardCycle> GetRewardCycle(GetRewardCycleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        NotStopping();
        var pox = backend.Sortitions.Pox;
        var info = backend.Sortitions.GetRewardCycle(request.Cycle)
            ?? throw Fail(NodeErrors.RewardCycleNotFound, StatusCode.NotFound, $"reward cycle {request.Cycle} has not started on this node");
        var first = checked(pox.FirstBlockHeight + (request.Cycle * pox.RewardCycleLength));
        var result = new RewardCycle
        {
            Cycle = request.Cycle,
            FirstBurnHeight = first,
            RewardPhaseStart = first + 1,
            PreparePhaseStart = first + pox.RewardCycleLength - pox.PrepareLength + 1,
            HasAnchorBlock = info.Anchor is not null,
            AnchorBlockHash = info.Anchor?.BlockHash.ToString() ?? "",
            ThresholdUstx = info.RewardSet?.Threshold.ToString(CultureInfo.InvariantCulture) ?? "0",
        };
        if (info.RewardSet is { } set)
        {
            var network = BtcNetwork();
            var stacked = StackedByAddress(info, network);
            foreach (var group in set.Slots.GroupBy(a => a.ToBitcoinAddress(network)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                result.RewardSet.Add(new RewardSlot
                {
                    PoxAddress = group.Key,
                    Slots = (uint)group.Count(),
                    StackedUstx = stacked.TryGetValue(group.Key, out var ustx) ? ustx.ToString(CultureInfo.InvariantCulture) : "",
                });
            }
        }

        return Task.FromResult(result);
    }

    /// <summary>How many recent heights StreamBlocks remembers to skip a block it already sent.</summary>
    private const ulong StreamDedupWindow = 256;

    public override async Task StreamBlocks(StreamBlocksRequest request, IServerStreamWriter<ProtoBlock> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        NotStopping();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, state.Stopping);
        var ct = linked.Token;
        try
        {
            // Subscribe first (the first MoveNextAsync starts the subscription), so a block accepted
            // while history is sent is not lost; what was already sent is skipped.
            var live = backend.WatchCanonicalBlocks(ct).GetAsyncEnumerator(ct);
            await using (live.ConfigureAwait(false))
            {
                var nextLive = live.MoveNextAsync();
                var next = request.StartHeight;
                var sent = new Dictionary<ulong, StacksBlockId>();
                async Task SendAsync(BlockRecord block)
                {
                    await responseStream.WriteAsync(ToProto(block, false), ct).ConfigureAwait(false);
                    sent[block.Height] = block.Id;
                    sent.Remove(block.Height - Math.Min(block.Height, StreamDedupWindow));
                    next = Math.Max(next, block.Height + 1);
                }

                while (!ct.IsCancellationRequested && backend.Chain.GetBlockAtHeight(next) is { } block)
                {
                    await SendAsync(block).ConfigureAwait(false);
                }

                while (await nextLive.ConfigureAwait(false))
                {
                    var block = live.Current;
                    var alreadySent = sent.TryGetValue(block.Height, out var id) && id == block.Id;
                    if (block.Height >= request.StartHeight && !alreadySent)
                    {
                        // Fill any gap from the canonical index, then this one. A block below the
                        // last one sent replaces it (a reorg): the stream goes on from there.
                        while (next < block.Height && backend.Chain.GetBlockAtHeight(next) is { } missing)
                        {
                            await SendAsync(missing).ConfigureAwait(false);
                        }

                        await SendAsync(block).ConfigureAwait(false);
                    }

                    nextLive = live.MoveNextAsync();
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // Deadline or client cancel: the framework reports DEADLINE_EXCEEDED / CANCELLED.
            return;
        }
        catch (OperationCanceledException) when (state.IsStopping)
        {
            throw Fail(NodeErrors.ShuttingDown, StatusCode.Unavailable, "the node is shutting down");
        }

        if (backend.IsShuttingDown || state.IsStopping)
        {
            throw Fail(NodeErrors.ShuttingDown, StatusCode.Unavailable, "the node is shutting down");
        }
    }

    private Dictionary<string, UInt128> StackedByAddress(RewardCycleInfo info, BitcoinNetwork network)
    {
        var result = new Dictionary<string, UInt128>(StringComparer.Ordinal);
        if (info.Anchor is not { } anchor || backend.Chain.GetRewardSetInputs(anchor.BlockId, info.Cycle) is not { } inputs)
        {
            return result;
        }

        foreach (var entry in inputs.Entries)
        {
            if (PoxConversions.ToPoxAddress(entry.Address, backend.Network == "mainnet") is { } address)
            {
                var key = address.ToBitcoinAddress(network);
                result[key] = result.GetValueOrDefault(key) + entry.Ustx;
            }
        }

        return result;
    }

    private BlockRecord? FindByBlockHash(StacksBlockHash hash)
    {
        // A block hash is unique per sortition that elected it: find the sortition, then the index hash.
        var chain = backend.Chain;
        for (var snapshot = backend.Sortitions.Tip; snapshot is not null && !snapshot.IsFirst; snapshot = backend.Sortitions.GetSnapshot(snapshot.ParentSortitionId))
        {
            if (snapshot.Sortition && snapshot.WinningBlockHash == hash && snapshot.WinningBlockId is { } id && chain.GetBlock(id) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private ProtoBlock ToProto(BlockRecord record, bool includeTransactions)
    {
        var chain = backend.Chain;
        var body = record.IsGenesis ? null : chain.GetBlockBody(record.Id);
        var canonical = chain.GetBlockAtHeight(record.Height) is { } c && c.Id == record.Id;
        var burn = record.IsGenesis ? null : backend.Sortitions.GetSnapshotByConsensusHash(record.ConsensusHash);
        var block = new ProtoBlock
        {
            BlockHash = record.BlockHash.ToString(),
            IndexBlockHash = record.Id.ToString(),
            ParentBlockHash = body?.Header.ParentBlock.ToString() ?? "",
            Height = record.Height,
            BurnHeight = record.BurnHeight,
            BurnBlockHash = burn?.BurnHeaderHash.ToString() ?? "",
            ConsensusHash = record.ConsensusHash.ToString(),
            StateRoot = record.StateRoot.ToString(),
            TxMerkleRoot = body?.Header.TxMerkleRoot.ToHex() ?? "",
            Canonical = canonical,
        };
        if (body is not null)
        {
            foreach (var tx in body.Transactions)
            {
                var raw = tx.Serialize();
                block.Txids.Add(StacksTxid.Of(raw).ToString());
                if (includeTransactions)
                {
                    block.Transactions.Add(ByteString.CopyFrom(raw));
                }
            }
        }

        return block;
    }

    private static Receipt ToProto(BlockRecord block, TransactionReceipt receipt)
    {
        var r = new Receipt
        {
            Txid = receipt.Txid.ToString(),
            IndexBlockHash = block.Id.ToString(),
            BlockHeight = block.Height,
            TxIndex = (uint)receipt.Index,
            Status = receipt.Status switch
            {
                Chain.TransactionStatus.Success => "success",
                Chain.TransactionStatus.AbortByResponse => "abort_by_response",
                _ => "abort_by_post_condition",
            },
            ResultHex = receipt.Result.ToHex(),
            ResultRepr = receipt.Result.ToRepr(),
            FeeUstx = receipt.Fee.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var e in receipt.Events)
        {
            r.Events.Add(new Event
            {
                Type = e.Kind switch
                {
                    ChainEventKind.StxTransfer => "stx_transfer",
                    ChainEventKind.StxMint => "stx_mint",
                    ChainEventKind.StxBurn => "stx_burn",
                    ChainEventKind.StxLock => "stx_lock",
                    _ => "contract_event",
                },
                Sender = e.Kind == ChainEventKind.ContractEvent ? "" : e.Sender?.ToString() ?? "",
                Recipient = e.Recipient?.ToString() ?? "",
                AmountUstx = e.Kind == ChainEventKind.ContractEvent ? "" : e.Amount.ToString(CultureInfo.InvariantCulture),
                Contract = e.Kind == ChainEventKind.ContractEvent ? e.Sender?.ToString() ?? "" : "",
                ValueRepr = e.Value?.ToRepr() ?? "",
            });
        }

        return r;
    }

    private BitcoinNetwork BtcNetwork() => backend.Network switch
    {
        "mainnet" => BitcoinNetwork.Mainnet,
        "testnet" => BitcoinNetwork.Testnet,
        _ => BitcoinNetwork.Regtest,
    };

    private void NotStopping()
    {
        if (backend.IsShuttingDown || state.IsStopping)
        {
            throw Fail(NodeErrors.ShuttingDown, StatusCode.Unavailable, "the node is shutting down");
        }
    }

    private void Synced()
    {
        NotStopping();
        if (!backend.GetSyncStatus().Synced)
        {
            throw Fail(NodeErrors.NotSynced, StatusCode.FailedPrecondition, "the node is not synced yet; its tip is not the network's");
        }
    }

    private static bool TryHash(string? hex, out Hash256 hash)
    {
        hash = default;
        if (hex is null || hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }

        hash = Hash256.FromHex(hex);
        return true;
    }

    private static string Trim(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <summary>An RpcException whose message starts with the code, with the code in the <c>node-error</c> trailer.</summary>
    public static RpcException Fail(string code, StatusCode status, string message) =>
        new(new Status(status, $"{code}: {message}"), new Metadata { { NodeErrors.Trailer, code } });
}
