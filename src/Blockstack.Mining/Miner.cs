using System.Globalization;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Blockstack.Chain;
using Blockstack.Pox;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blockstack.Mining;

/// <summary>
/// The miner (DESIGN.md: Blockstack.Mining). The node calls <see cref="RunRoundAsync"/> on its
/// single writer loop after every burn block it has fully processed; a round registers the VRF
/// key, or assembles a Stacks block and sends (or replaces) the LeaderBlockCommit for the next
/// burn block. It reads the burnchain index, sortition store and chain, and writes only its
/// own state file and bitcoind's mempool. Assembled blocks go to the node through the callback:
/// once when committed (consensus hash null: the sortition is not known yet) and once more when
/// their sortition is seen won and the chain has not processed them (with its consensus hash).
/// A round never throws for bitcoind or state-file trouble: it answers Skipped with the reason.
/// See docs/mining.md.
/// </summary>
public sealed class Miner
{
    private const int KeptBlocks = 16;

    private readonly MinerOptions _options;
    private readonly IBitcoinRpc _rpc;
    private readonly BurnchainParameters _burnchain;
    private readonly PoxParameters _pox;
    private readonly BurnchainIndex _index;
    private readonly SortitionStore _sortitions;
    private readonly ChainCoordinator _chain;
    private readonly BlockAssembler _assembler;
    private readonly Func<StacksBlock, ConsensusHash?, CancellationToken, ValueTask> _onBlock;
    private readonly ILogger _logger;
    private readonly MinerStateFile _file;
    private MinerState? _state;
    private VrfPrivateKey? _vrf;

    public Miner(
        MinerOptions options,
        IBitcoinRpc rpc,
        BurnchainParameters burnchain,
        BurnchainIndex index,
        SortitionStore sortitions,
        ChainCoordinator chain,
        Mempool? mempool,
        Func<StacksBlock, ConsensusHash?, CancellationToken, ValueTask> onBlock,
        ILogger? logger = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(burnchain);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(sortitions);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(onBlock);
        Keys = options.CreateKeys(burnchain);
        _options = options;
        _rpc = rpc;
        _burnchain = burnchain;
        _pox = PoxParameters.For(burnchain);
        _index = index;
        _sortitions = sortitions;
        _chain = chain;
        _onBlock = onBlock;
        _logger = logger ?? NullLogger.Instance;
        Time = time ?? TimeProvider.System;
        _file = new MinerStateFile(options.StateDirectory);
        _assembler = new BlockAssembler(chain, mempool ?? chain.Mempool, sortitions, new SortitionStoreView(sortitions, index), options.MaxBlockTransactions);
    }

    public MinerKeys Keys { get; }

    public MinerMetrics Metrics { get; } = new();

    public TimeProvider Time { get; }

    public bool IsInitialized => _state is not null;

    /// <summary>The VRF public key (after <see cref="InitializeAsync"/>).</summary>
    public VrfPublicKey? VrfPublicKey => _vrf?.PublicKey;

    /// <summary>The persisted state as of the last round (tests, status pages).</summary>
    public MinerState? State => _state;

    /// <summary>
    /// Loads (or creates, once) the VRF key and state, makes sure the bitcoind wallet is loaded
    /// (created on regtest when missing) and watches the miner's address via importdescriptors.
    /// Throws with a clear message when bitcoind cannot be used; rounds retry it.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var state = _file.Load();
        if (state is null)
        {
            var vrf = VrfPrivateKey.Generate();
            state = new MinerState(MinerState.CurrentVersion, vrf.ToHex(), null, null, []);
            _file.Save(state);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                MinerLog.VrfKeyCreated(_logger, vrf.PublicKey, _file.Path);
            }
        }

        var vrfKey = new VrfPrivateKey(Convert.FromHexString(state.VrfKey));
        await EnsureWalletAsync(cancellationToken).ConfigureAwait(false);
        var results = await _rpc.ImportDescriptorsAsync(_options.WalletName, [new DescriptorImport(Keys.Descriptor, 0, true)], cancellationToken).ConfigureAwait(false);
        if (results.Count != 1 || !results[0].Success)
        {
            var why = results.Count == 1 ? $"{results[0].ErrorCode}: {results[0].Error}" : $"{results.Count} answers to one request";
            throw new InvalidOperationException($"bitcoind wallet '{_options.WalletName}' refused to import {Keys.Descriptor} ({why}); it must be a descriptor wallet with private keys disabled");
        }

        _vrf = vrfKey;
        _state = state;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            MinerLog.Initialized(_logger, Keys.Address, _options.WalletName, vrfKey.PublicKey);
        }
    }

    /// <summary>
    /// One round after a processed burn block: hands over won blocks, then registers the key, or
    /// commits (fresh for a new target, replace-by-fee for the same one). Never throws for
    /// bitcoind or state-file trouble (only on cancellation).
    /// </summary>
    public async Task<MinerRoundResult> RunRoundAsync(CancellationToken cancellationToken)
    {
        MinerRoundResult result;
        try
        {
            result = await RoundAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BitcoinRpcException e)
        {
            Metrics.Error();
            result = MinerRoundResult.Skipped(MinerSkipCodes.BitcoindError, e.Message);
        }
        catch (BitcoinRpcUnavailableException e)
        {
            Metrics.Error();
            result = MinerRoundResult.Skipped(MinerSkipCodes.BitcoindUnavailable, e.Message);
        }
        catch (BitcoinRpcAuthException e)
        {
            Metrics.Error();
            result = MinerRoundResult.Skipped(MinerSkipCodes.BitcoindUnavailable, e.Message);
        }
        catch (NotSupportedException e)
        {
            Metrics.Error();
            result = MinerRoundResult.Skipped(MinerSkipCodes.BitcoindError, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Metrics.Error();
            result = MinerRoundResult.Skipped(MinerSkipCodes.StateError, e.Message);
        }

        if (result.Action == MinerAction.Skipped)
        {
            Metrics.Skip();
            MinerLog.RoundSkipped(_logger, result.Code ?? string.Empty, result.Reason ?? string.Empty);
        }
        else if (_logger.IsEnabled(LogLevel.Information))
        {
            MinerLog.RoundSent(_logger, result.Action, result.Txid, result.TargetBurnHeight, result.FeeRate, result.Burn);
        }

        return result;
    }

    private async Task<MinerRoundResult> RoundAsync(CancellationToken ct)
    {
        if (_state is null)
        {
            try
            {
                await InitializeAsync(ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                return MinerRoundResult.Skipped(MinerSkipCodes.NotInitialized, e.Message);
            }
            catch (MinerConfigurationException e)
            {
                return MinerRoundResult.Skipped(MinerSkipCodes.NotInitialized, e.Message);
            }
        }

        var tip = _sortitions.Tip;
        if (tip is null)
        {
            return MinerRoundResult.Skipped(MinerSkipCodes.NoBurnchain, "no burn block processed yet");
        }

        await HandOverWonBlocksAsync(ct).ConfigureAwait(false);
        var vrfBytes = VrfPublicKeyBytes.FromHex(_vrf!.PublicKey.ToHex());
        var key = _sortitions.FindRegisteredKey(vrfBytes);
        if (key is null || key.BlockHeight > tip.BurnHeight)
        {
            return await RegisterKeyAsync(tip, vrfBytes, ct).ConfigureAwait(false);
        }

        if (_state!.KeyRegistration is not null)
        {
            Save(_state with { KeyRegistration = null });
            MinerLog.KeyUsable(_logger, key.BlockHeight, key.Vtxindex);
        }

        return await CommitAsync(tip, key, ct).ConfigureAwait(false);
    }

    // ----- key registration -----

    private async Task<MinerRoundResult> RegisterKeyAsync(SortitionSnapshot tip, VrfPublicKeyBytes vrfBytes, CancellationToken ct)
    {
        var pending = _state!.KeyRegistration;
        if (pending is not null && pending.VrfPublicKey == vrfBytes.ToString())
        {
            if (tip.BurnHeight < pending.SentAtBurnHeight + (ulong)_options.KeyRegisterTimeoutBlocks)
            {
                return MinerRoundResult.Skipped(MinerSkipCodes.WaitingForKey, $"key registration {pending.Txid} sent at burn height {pending.SentAtBurnHeight} is not in the sortition store yet");
            }

            // Timed out. A registration that confirmed yet is not in the store was rejected (the
            // key was taken): only then is a new VRF key needed.
            var seen = await _rpc.GetWalletTransactionAsync(_options.WalletName, Txid.Parse(pending.Txid), ct).ConfigureAwait(false);
            if (seen is { Confirmations: > 0, BlockHeight: { } h } && h <= tip.BurnHeight)
            {
                var fresh = VrfPrivateKey.Generate();
                _vrf = fresh;
                Save(_state with { VrfKey = fresh.ToHex(), KeyRegistration = null });
                vrfBytes = VrfPublicKeyBytes.FromHex(fresh.PublicKey.ToHex());
                if (_logger.IsEnabled(LogLevel.Warning))
                {
                    MinerLog.VrfKeyReplaced(_logger, pending.Txid, fresh.PublicKey);
                }
            }
        }

        var op = new LeaderKeyRegisterOp(
            new Burnchain.ConsensusHash(new Hash160Bytes(tip.ConsensusHash.Hash.ToArray())), vrfBytes, ByteString.Empty, default, 0, 0, default);
        var coins = await ListCoinsAsync(ct).ConfigureAwait(false);
        var ordered = CommitTransactions.OrderCoins(coins, []);
        if (!CommitTransactions.TryBuild(Keys, BurnOpEncoder.OpReturnScript(_burnchain, op), [], _options.FeeRate, _options.KeyRegisterEstimatedSize, 0, null, ordered, out var tx, out var error))
        {
            return MinerRoundResult.Skipped(MinerSkipCodes.InsufficientFunds, "key registration: " + error);
        }

        var txid = await _rpc.SendRawTransactionAsync(tx!.Transaction.ToBytes(), ct).ConfigureAwait(false);
        var attempts = (_state!.KeyRegistration?.Attempts ?? 0) + 1;
        Save(_state with { KeyRegistration = new PendingKeyRegistration(txid.ToString(), vrfBytes.ToString(), tip.BurnHeight, attempts) });
        Metrics.KeyRegistration();
        return new MinerRoundResult(MinerAction.KeyRegistered, null, null, txid, _options.FeeRate, 0, tip.BurnHeight + 1, null);
    }

    // ----- commits -----

    private async Task<MinerRoundResult> CommitAsync(SortitionSnapshot tip, LeaderKeyRegisterOp key, CancellationToken ct)
    {
        var target = tip.BurnHeight + 1;
        var ongoing = _state!.Ongoing;
        var sameTarget = ongoing is not null && ongoing.TargetBurnHeight == target && ongoing.TipBurnHash == tip.BurnHeaderHash.ToString();
        if (sameTarget && await FindConfirmedAsync(ongoing!, ct).ConfigureAwait(false) is { } confirmed)
        {
            // Never replace a mined commit (#4206): wait for the burn block to be processed.
            return MinerRoundResult.Skipped(MinerSkipCodes.CommitConfirmed, $"commit {confirmed} for burn height {target} is already mined; a fresh commit follows the next processed burn block");
        }

        if (!_assembler.TryAssemble(tip, _vrf!, Keys.StacksKey, out var assembled, out var assemblyError))
        {
            return MinerRoundResult.Skipped(MinerSkipCodes.AssemblyFailed, assemblyError);
        }

        var burn = _options.BurnAmount;
        var payments = CommitPayments(target, burn);
        var committedBurn = (ulong)payments.Sum(p => p.Value);
        var op = new LeaderBlockCommitOp(
            assembled!.Block.BlockHash.Hash,
            assembled.NewSeed,
            assembled.ParentBlockPtr,
            assembled.ParentVtxindex,
            checked((uint)key.BlockHeight),
            checked((ushort)key.Vtxindex),
            _burnchain.EpochAt(target).CommitMemoMarker(),
            (byte)((target - 1) % 5),
            committedBurn,
            0,
            default,
            default,
            null,
            default,
            0,
            target,
            default);
        var opReturn = BurnOpEncoder.OpReturnScript(_burnchain, op);
        var payload = Convert.ToHexStringLower(opReturn);

        if (sameTarget)
        {
            if (ongoing!.Payload == payload && ongoing.Burn == committedBurn)
            {
                return MinerRoundResult.Skipped(MinerSkipCodes.IdenticalCommit, $"the commit for burn height {target} is unchanged ({ongoing.LastTxid})");
            }

            var rate = ongoing.FeeRate + _options.RbfFeeIncrement;
            var cap = _options.FeeRate * _options.MaxRbfPercent / 100;
            if (rate > cap)
            {
                return MinerRoundResult.Skipped(MinerSkipCodes.RbfCapReached, $"replacing {ongoing.LastTxid} needs {rate} sat/vB, above the cap {cap} sat/vB (fee rate × max RBF {_options.MaxRbfPercent}%)");
            }

            var previousSize = checked((long)Math.Max(_options.CommitEstimatedSize, 1));
            if (!CommitTransactions.TryBuild(Keys, opReturn, payments, rate, _options.CommitEstimatedSize, ongoing.Fee + previousSize * CommitTransactions.IncrementalRelayFeeRate, ongoing.Inputs, [], out var replacement, out var error))
            {
                return MinerRoundResult.Skipped(MinerSkipCodes.InsufficientFunds, error);
            }

            var txid = await _rpc.SendRawTransactionAsync(replacement!.Transaction.ToBytes(), ct).ConfigureAwait(false);
            var next = ongoing with
            {
                BlockHash = assembled.Block.BlockHash.Hash.ToHex(),
                Payload = payload,
                Burn = committedBurn,
                FeeRate = rate,
                Fee = replacement.Fee,
                Txids = [.. ongoing.Txids, txid.ToString()],
                ChangeVout = replacement.ChangeVout,
            };
            Save(_state with { Ongoing = next, Blocks = Remember(_state.Blocks, target, assembled.Block) });
            Metrics.Rbf();
            await _onBlock(assembled.Block, null, ct).ConfigureAwait(false);
            return new MinerRoundResult(MinerAction.Replaced, null, null, txid, rate, committedBurn, target, assembled.Block.BlockHash);
        }

        // A new target: a fresh commit at the base rate. An earlier commit that missed its
        // block is not replaced into this one (#6101); its change, if unspent, is spent first.
        var preferred = new HashSet<OutPoint>();
        if (ongoing is not null)
        {
            foreach (var t in ongoing.Txids)
            {
                preferred.Add(new OutPoint(Txid.Parse(t), ongoing.ChangeVout));
            }
        }

        var coins = CommitTransactions.OrderCoins(await ListCoinsAsync(ct).ConfigureAwait(false), preferred);
        if (!CommitTransactions.TryBuild(Keys, opReturn, payments, _options.FeeRate, _options.CommitEstimatedSize, 0, null, coins, out var tx, out var buildError))
        {
            return MinerRoundResult.Skipped(MinerSkipCodes.InsufficientFunds, buildError);
        }

        var sent = await _rpc.SendRawTransactionAsync(tx!.Transaction.ToBytes(), ct).ConfigureAwait(false);
        var commit = new OngoingCommit(
            target, tip.BurnHeaderHash.ToString(), assembled.Block.BlockHash.Hash.ToHex(), payload, committedBurn,
            _options.FeeRate, tx.Fee, [sent.ToString()], tx.Inputs, tx.ChangeVout);
        Save(_state with { Ongoing = commit, Blocks = Remember(_state.Blocks, target, assembled.Block) });
        Metrics.Commit();
        await _onBlock(assembled.Block, null, ct).ConfigureAwait(false);
        return new MinerRoundResult(MinerAction.Committed, null, null, sent, _options.FeeRate, committedBurn, target, assembled.Block.BlockHash);
    }

    /// <summary>
    /// The commit outputs for a block at <paramref name="target"/>: one burn in the prepare
    /// phase; the two chosen reward addresses (a single one padded with a burn) in a reward phase
    /// with recipients; two burns otherwise. Each of two outputs gets half the burn.
    /// </summary>
    private List<(long Value, byte[] Script)> CommitPayments(ulong target, ulong burn)
    {
        var burnScript = PoxAddress.Legacy(false, _burnchain.IsMainnet, Hash160Bytes.Zero).ToScriptPubKey();
        if (_pox.IsInPreparePhase(target))
        {
            return [(checked((long)burn), burnScript)];
        }

        var half = checked((long)(burn / 2));
        var recipients = _sortitions.GetNextBlockRecipients();
        var scripts = recipients is null ? [] : recipients.Recipients.Select(r => r.Address.ToScriptPubKey()).ToList();
        while (scripts.Count < PoxParameters.OutputsPerCommit)
        {
            scripts.Add(burnScript);
        }

        return [.. scripts.Take(PoxParameters.OutputsPerCommit).Select(s => (half, s))];
    }

    /// <summary>A txid of <paramref name="ongoing"/> that is mined: in the burnchain index above its tip, or with confirmations per bitcoind.</summary>
    private async Task<Txid?> FindConfirmedAsync(OngoingCommit ongoing, CancellationToken ct)
    {
        var txids = ongoing.Txids.Select(Txid.Parse).ToList();
        if (_index.Tip is { } indexTip)
        {
            for (var h = ongoing.TargetBurnHeight; h <= indexTip.Height; h++)
            {
                if (_index.GetBlock(h) is { } block && block.Ops.Select(o => o.Txid).FirstOrDefault(txids.Contains) is { } hit && hit != default)
                {
                    return hit;
                }
            }
        }

        foreach (var txid in txids)
        {
            if (await _rpc.GetWalletTransactionAsync(_options.WalletName, txid, ct).ConfigureAwait(false) is { Confirmations: > 0 })
            {
                return txid;
            }
        }

        return null;
    }

    // ----- won blocks -----

    private async Task HandOverWonBlocksAsync(CancellationToken ct)
    {
        var state = _state!;
        List<AssembledBlockRecord>? updated = null;
        foreach (var record in state.Blocks)
        {
            if (record.Won)
            {
                continue;
            }

            var snapshot = _sortitions.GetSnapshotAtHeight(record.TargetBurnHeight);
            if (snapshot is null || !snapshot.Sortition || snapshot.IsFirst || snapshot.WinningBlockHash.Hash.ToHex() != record.BlockHash)
            {
                continue;
            }

            updated ??= [.. state.Blocks];
            updated[updated.IndexOf(record)] = record with { Won = true };
            Metrics.Won();
            MinerLog.BlockWon(_logger, record.BlockHash, record.TargetBurnHeight);
            var id = StacksBlockId.Of(snapshot.WinningBlockHash, snapshot.ConsensusHash);
            if (_chain.State.GetBlock(id) is null
                && StacksBlock.TryDecode(Convert.FromHexString(record.Block), out var block, out _))
            {
                await _onBlock(block, snapshot.ConsensusHash, ct).ConfigureAwait(false);
            }
        }

        if (updated is not null)
        {
            Save(state with { Blocks = updated });
        }
    }

    private static List<AssembledBlockRecord> Remember(IReadOnlyList<AssembledBlockRecord> blocks, ulong target, StacksBlock block)
    {
        var list = blocks.Where(b => b.TargetBurnHeight + KeptBlocks > target).ToList();
        list.Add(new AssembledBlockRecord(target, block.BlockHash.Hash.ToHex(), Convert.ToHexStringLower(block.Serialize()), false));
        return list;
    }

    // ----- bitcoind and state -----

    private async Task EnsureWalletAsync(CancellationToken ct)
    {
        var name = _options.WalletName;
        var loaded = await _rpc.ListWalletsAsync(ct).ConfigureAwait(false);
        if (loaded.Contains(name, StringComparer.Ordinal))
        {
            return;
        }

        try
        {
            await _rpc.LoadWalletAsync(name, ct).ConfigureAwait(false);
            MinerLog.WalletLoaded(_logger, name);
        }
        catch (BitcoinRpcException e) when (e.Code == -35)
        {
            // Loaded meanwhile.
        }
        catch (BitcoinRpcException e) when (e.Code == -18)
        {
            if (_burnchain.Name != "regtest" || !_options.CreateWalletOnRegtest)
            {
                throw new InvalidOperationException(
                    $"bitcoind has no wallet '{name}'; create it once with `bitcoin-cli createwallet {name} true true` (descriptor wallet, private keys disabled) and set wallet={name} in bitcoin.conf", e);
            }

            await _rpc.CreateWalletAsync(name, disablePrivateKeys: true, blank: true, ct).ConfigureAwait(false);
            MinerLog.WalletCreated(_logger, name);
        }
    }

    private async Task<IReadOnlyList<UnspentOutput>> ListCoinsAsync(CancellationToken ct)
    {
        var coins = await _rpc.ListUnspentAsync(_options.WalletName, 0, [Keys.Address], ct).ConfigureAwait(false);
        return [.. coins.Where(c => c.ScriptPubKey.AsSpan().SequenceEqual(Keys.Script))];
    }

    private void Save(MinerState state)
    {
        _file.Save(state);
        _state = state;
    }

    internal static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
