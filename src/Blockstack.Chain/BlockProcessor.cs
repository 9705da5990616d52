using System.Buffers.Binary;
using Blockstack.Bitcoin.Serialization;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;
using Blockstack.Storage;
using Blockstack.Storage.Trie;

namespace Blockstack.Chain;

/// <summary>What applying a block produced: new root, receipts, the account diff, and the miner's reward.</summary>
public sealed record BlockApplication(
    TrieRoot StateRoot,
    IReadOnlyList<TransactionReceipt> Receipts,
    IReadOnlyList<AccountChange> AccountChanges,
    Principal MinerRecipient,
    UInt128 Coinbase,
    UInt128 Fees);

/// <summary>
/// The block step, in phases (DESIGN.md): context-free → against the sortition and parent → apply
/// to the parent's state. Pure apart from the trie nodes it puts into the caller's batch; a
/// rejected block leaves the batch to be discarded, so it leaves no trace.
/// </summary>
public static class BlockProcessor
{
    /// <summary>Phase 1: size, the codec's context-free rules, network.</summary>
    public static ChainRejection? CheckContextFree(ChainParameters parameters, StacksBlock block, int serializedSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(block);
        if (serializedSize > StacksBlock.MaxSize)
        {
            return new(ChainErrorCodes.BlockTooLarge, $"block of {serializedSize} bytes exceeds {StacksBlock.MaxSize}");
        }

        if (!StacksBlockRules.Check(block, out var error))
        {
            return new(error.Code, error.Message);
        }

        if (block.Transactions[0].ChainId != parameters.ChainId || block.Transactions[0].Version != parameters.TransactionVersion)
        {
            return new(ChainErrorCodes.BlockBadChainId, "the block's transactions are for another network");
        }

        if (!block.Header.ParentMicroblock.IsZero || block.Header.ParentMicroblockSequence != 0)
        {
            return new(ChainErrorCodes.BlockConfirmsMicroblocks, "this node has no microblocks; a block may not confirm a stream");
        }

        return null;
    }

    /// <summary>Phase 2: the header against its sortition (commit, VRF) and its parent (height, burn).</summary>
    public static ChainRejection? CheckAgainstSortition(StacksBlock block, SortitionFacts sortition, BlockRecord parent, ulong parentTotalBurn)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(sortition);
        ArgumentNullException.ThrowIfNull(parent);
        var header = block.Header;
        if (header.BlockHash != sortition.WinningBlockHash)
        {
            return new(ChainErrorCodes.BlockNotCommitted, $"block {header.BlockHash} is not the one committed in sortition {sortition.ConsensusHash}");
        }

        if (header.TotalWork != checked(parent.Height + 1))
        {
            return new(ChainErrorCodes.BlockBadHeight, $"header work {header.TotalWork}, parent height {parent.Height}");
        }

        if (header.TotalBurn != parentTotalBurn)
        {
            return new(ChainErrorCodes.BlockBadTotalBurn, $"header burn {header.TotalBurn}, parent sortition burn {parentTotalBurn}");
        }

        if (!EcVrf.Verify(sortition.LeaderKey, header.Proof, sortition.VrfSeed.ToArray()))
        {
            return new(ChainErrorCodes.BlockBadVrfProof, "the VRF proof does not verify against the leader key and seed");
        }

        return null;
    }

    /// <summary>
    /// Phase 3: applies the block to <paramref name="parent"/>'s state. With
    /// <paramref name="checkStateRoot"/> false the root is only computed (block assembly).
    /// </summary>
    public static bool TryApply(
        StateTrie<ChainColumn> trie,
        IStoreReader<ChainColumn> reader,
        IWriteBatch<ChainColumn> batch,
        BlockEnvironment env,
        BlockRecord parent,
        SortitionFacts sortition,
        StacksBlock block,
        IReadOnlyList<BurnStxOperation> burnOperations,
        bool checkStateRoot,
        out BlockApplication? application,
        out ChainRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(trie);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(sortition);
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(burnOperations);
        application = null;
        var state = new StateView(trie, reader, parent.StateRoot);

        // Miner reward of the ancestor at height − maturity becomes spendable.
        if (env.StacksHeight > (ulong)env.Parameters.MinerRewardMaturity)
        {
            var maturingKey = StateKeys.MaturingReward(env.StacksHeight - (ulong)env.Parameters.MinerRewardMaturity);
            if (state.Get(maturingKey) is { } reward)
            {
                var (recipient, amount) = DecodeReward(reward);
                var key = StateKeys.Account(recipient);
                var account = state.GetAccount(key).At(env.BurnHeight);
                state.PutAccount(key, account with { Unlocked = checked(account.Unlocked + amount) });
                state.Delete(maturingKey);
            }
        }

        var receipts = new List<TransactionReceipt>(block.Transactions.Count + burnOperations.Count);
        UInt128 fees = 0;
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var tx = block.Transactions[i];
            if (TransactionProcessor.CheckStateless(env, tx) is { } bad)
            {
                rejection = bad with { TransactionIndex = i };
                return false;
            }

            if (!TransactionProcessor.TryApply(state, env, tx, i, out var receipt, out rejection))
            {
                return false;
            }

            fees = checked(fees + receipt!.Fee);
            receipts.Add(receipt);
        }

        // Coinbase: minted now, spendable after maturity together with the block's fees.
        var coinbaseTx = block.Transactions[0];
        var coinbasePayload = (CoinbasePayload)coinbaseTx.Payload;
        var minerRecipient = coinbasePayload.Recipient ?? new StandardPrincipal(coinbaseTx.OriginAddress);
        var coinbase = CoinbaseSchedule.WithAccumulated(env.Parameters, sortition.BurnHeight, sortition.MissedSortitionsBefore);
        var supply = state.GetSupply();
        state.PutSupply(supply with { Minted = checked(supply.Minted + coinbase) });
        state.Put(StateKeys.MaturingReward(env.StacksHeight), EncodeReward(minerRecipient, checked(coinbase + fees)));
        receipts[0] = receipts[0] with { Events = [ChainEvent.Mint(minerRecipient, coinbase)] };

        // Burnchain STX operations in this block's window, each applied once per fork.
        foreach (var op in burnOperations)
        {
            var marker = StateKeys.AppliedBurnOp(op.BurnTxid);
            if (state.Get(marker) is not null)
            {
                continue;
            }

            state.Put(marker, [1]);
            receipts.Add(BurnOperations.Apply(state, env, op, receipts.Count));
        }

        var root = trie.Apply(reader, parent.StateRoot, state.Writes.ToList(), batch);
        if (checkStateRoot && root.ToArray().AsSpan().SequenceEqual(block.Header.StateIndexRoot.ToArray()) is false)
        {
            rejection = new(ChainErrorCodes.BlockBadStateRoot, $"header state root {block.Header.StateIndexRoot}, computed {root}");
            return false;
        }

        var changes = new List<AccountChange>();
        foreach (var (key, value) in state.Writes)
        {
            if (key[0] == StateKeys.AccountPrefix)
            {
                changes.Add(new AccountChange(key, trie.Get(reader, parent.StateRoot, key), value));
            }
        }

        application = new BlockApplication(root, receipts, changes, minerRecipient, coinbase, fees);
        rejection = default;
        return true;
    }

    internal static byte[] EncodeReward(Principal recipient, UInt128 amount)
    {
        var w = new StacksWriter(64);
        ClarityValue.WritePrincipal(w, recipient);
        Span<byte> a = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(a, amount);
        w.WriteBytes(a);
        return w.ToArray();
    }

    internal static (Principal Recipient, UInt128 Amount) DecodeReward(ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        if (!ClarityValue.TryReadPrincipal(ref r, out var principal, out _) || !r.TryReadBytes(16, out var amount) || !r.IsEnd)
        {
            throw new InvalidDataException("corrupt maturing-reward record");
        }

        return (principal, BinaryPrimitives.ReadUInt128BigEndian(amount));
    }
}

/// <summary>The STX effects of burnchain operations (consensus.md §1.6–1.9).</summary>
public static class BurnOperations
{
    public static TransactionReceipt Apply(StateView state, BlockEnvironment env, BurnStxOperation op, int index)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(op);
        var txid = new StacksTxid(op.BurnTxid);
        var sender = new StandardPrincipal(op.Sender);
        var work = state.Checkpoint();
        var events = new List<ChainEvent>();
        ClarityValue result;
        switch (op)
        {
            case TransferStxOperation transfer:
                if (TransactionProcessor.TryTransfer(work, env, sender, new StandardPrincipal(transfer.Recipient), transfer.Ustx, transfer.Memo, events, out var why))
                {
                    result = new ClarityResponse(true, ClarityBool.True);
                }
                else
                {
                    result = new ClarityResponse(false, new ClarityStringAscii(why.Code));
                }

                break;
            case StackStxOperation stack:
                result = CallPox(work, env, sender, "stack-stx",
                    [new ClarityUInt(stack.Ustx), stack.RewardAddress.ToClarity(), new ClarityUInt(env.BurnHeight), new ClarityUInt(stack.Cycles)], events);
                break;
            case DelegateStxOperation delegate_:
                result = CallPox(work, env, sender, "delegate-stx",
                [
                    new ClarityUInt(delegate_.Ustx),
                    new ClarityPrincipal(new StandardPrincipal(delegate_.DelegateTo)),
                    delegate_.UntilBurnHeight is { } until ? new ClarityOptional(new ClarityUInt(until)) : ClarityOptional.None,
                    delegate_.RewardAddress is { } addr ? new ClarityOptional(addr.ToClarity()) : ClarityOptional.None,
                ], events);
                break;
            default:
                throw new ArgumentException($"unknown burn operation {op.GetType().Name}", nameof(op));
        }

        var ok = result is ClarityResponse { IsOk: true };
        if (ok)
        {
            work.Commit();
        }

        return new TransactionReceipt(txid, index, ok ? TransactionStatus.Success : TransactionStatus.AbortByResponse, result, ok ? events : [], 0, true);
    }

    private static ClarityValue CallPox(StateView work, BlockEnvironment env, Principal sender, string function, IReadOnlyList<ClarityValue> args, List<ChainEvent> events)
    {
        var pox = env.Contracts.Resolve(env.Contracts.BootAddress, PoxContract.ContractName)
            ?? throw new InvalidOperationException("the registry has no pox contract");
        var context = new NativeCallContext(work, env.Parameters, sender, env.BurnHeight, env.StacksHeight, new ContractPrincipal(env.Contracts.BootAddress, PoxContract.ContractName));
        var outcome = pox.Call(context, function, args);
        if (outcome.Rejection is { } bad)
        {
            return new ClarityResponse(false, new ClarityStringAscii(bad.Code));
        }

        events.AddRange(context.Events);
        return outcome.Value!;
    }
}
