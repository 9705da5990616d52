using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Stacks;
using Blockstack.Storage.Trie;

namespace Blockstack.Chain;

/// <summary>A reward-set input as the sortition layer needs it: one registration of a cycle.</summary>
public readonly record struct RewardSetEntry(PoxRewardAddress Address, UInt128 Ustx);

/// <summary>
/// Read-only queries over the chain store, each on its own snapshot: canonical indexes (accounts,
/// receipts by txid, blocks by height), the state of any processed block by its root, proofs, and
/// read-only native contract calls. This is what BNS, the gRPC services and the miner read.
/// </summary>
public sealed class ChainState
{
    private readonly ChainStore _store;
    private readonly ChainParameters _parameters;
    private readonly NativeContractRegistry _contracts;

    internal ChainState(ChainStore store, ChainParameters parameters, NativeContractRegistry contracts)
    {
        _store = store;
        _parameters = parameters;
        _contracts = contracts;
    }

    public BlockRecord Tip
    {
        get
        {
            using var s = _store.Store.CreateSnapshot();
            return ChainStore.GetBlock(s, ChainStore.GetTipId(s)!.Value)!;
        }
    }

    /// <summary>The account at the canonical tip (canonical index), with expired locks released.</summary>
    public Account GetAccount(Principal principal)
    {
        using var s = _store.Store.CreateSnapshot();
        var tip = ChainStore.GetBlock(s, ChainStore.GetTipId(s)!.Value)!;
        var bytes = s.Get(ChainColumn.CanonicalAccounts, StateKeys.Account(principal));
        return (bytes is null ? Account.Empty : Account.Decode(bytes)).At(tip.BurnHeight);
    }

    public Account GetAccount(StacksAddress address) => GetAccount(new StandardPrincipal(address));

    /// <summary>The account in the state after block <paramref name="blockId"/> (any fork), read from the trie.</summary>
    public Account? GetAccountAt(StacksBlockId blockId, Principal principal)
    {
        using var s = _store.Store.CreateSnapshot();
        if (ChainStore.GetBlock(s, blockId) is not { } block)
        {
            return null;
        }

        var bytes = _store.Trie.Get(s, block.StateRoot, StateKeys.Account(principal));
        return (bytes is null ? Account.Empty : Account.Decode(bytes)).At(block.BurnHeight);
    }

    /// <summary>A state value after <paramref name="blockId"/> with its proof of inclusion or absence against the block's root.</summary>
    public (TrieRoot Root, byte[]? Value, TrieProof Proof)? Prove(StacksBlockId blockId, byte[] key)
    {
        using var s = _store.Store.CreateSnapshot();
        if (ChainStore.GetBlock(s, blockId) is not { } block)
        {
            return null;
        }

        return (block.StateRoot, _store.Trie.Get(s, block.StateRoot, key), _store.Trie.Prove(s, block.StateRoot, key));
    }

    public BlockRecord? GetBlock(StacksBlockId id)
    {
        using var s = _store.Store.CreateSnapshot();
        return ChainStore.GetBlock(s, id);
    }

    public StacksBlock? GetBlockBody(StacksBlockId id)
    {
        using var s = _store.Store.CreateSnapshot();
        return ChainStore.GetBlockBody(s, id);
    }

    /// <summary>The canonical block at <paramref name="height"/> (0 = genesis state).</summary>
    public BlockRecord? GetBlockAtHeight(ulong height)
    {
        using var s = _store.Store.CreateSnapshot();
        return s.Get(ChainColumn.CanonicalHeights, ChainStore.HeightKey(height)) is { } id
            ? ChainStore.GetBlock(s, new StacksBlockId(new Hash256(id)))
            : null;
    }

    public IReadOnlyList<TransactionReceipt> GetReceipts(StacksBlockId id)
    {
        using var s = _store.Store.CreateSnapshot();
        return ChainStore.GetReceipts(s, id);
    }

    /// <summary>The receipt of a transaction on the canonical chain, with its block.</summary>
    public (BlockRecord Block, TransactionReceipt Receipt)? GetReceipt(StacksTxid txid)
    {
        using var s = _store.Store.CreateSnapshot();
        if (s.Get(ChainColumn.CanonicalTxs, txid.Hash.ToArray()) is not { } loc)
        {
            return null;
        }

        var id = new StacksBlockId(new Hash256(loc.AsSpan(0, 32)));
        var index = BinaryPrimitives.ReadUInt32BigEndian(loc.AsSpan(32));
        var receipt = ChainStore.GetReceipts(s, id).FirstOrDefault(r => r.Txid == txid && r.Index == index);
        return receipt is null ? null : (ChainStore.GetBlock(s, id)!, receipt);
    }

    /// <summary>Supply totals after <paramref name="blockId"/>.</summary>
    public SupplyRecord? GetSupply(StacksBlockId blockId) => WithState(blockId, v => v.GetSupply());

    /// <summary>Runs <paramref name="read"/> against a view of the state after <paramref name="blockId"/>.</summary>
    public T? WithState<T>(StacksBlockId blockId, Func<StateView, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var s = _store.Store.CreateSnapshot();
        return ChainStore.GetBlock(s, blockId) is { } block ? read(new StateView(_store.Trie, s, block.StateRoot)) : default;
    }

    /// <summary>Calls a read-only native function at the canonical tip (writes are discarded).</summary>
    public NativeCallResult CallReadOnly(string contract, string function, IReadOnlyList<ClarityValue> arguments, Principal sender)
    {
        var c = _contracts.Resolve(_contracts.BootAddress, contract);
        if (c is null || c.Describe(function) != NativeFunctionKind.ReadOnly)
        {
            return NativeCallResult.Invalid(ChainErrorCodes.TxNoSuchFunction, $"{contract} has no read-only function {function}");
        }

        using var s = _store.Store.CreateSnapshot();
        var tip = ChainStore.GetBlock(s, ChainStore.GetTipId(s)!.Value)!;
        var view = new StateView(_store.Trie, s, tip.StateRoot);
        var ctx = new NativeCallContext(view, _parameters, sender, tip.BurnHeight, tip.Height, new ContractPrincipal(_contracts.BootAddress, contract));
        return c.Call(ctx, function, arguments);
    }

    /// <summary>
    /// The reward-set inputs for <paramref name="cycle"/> from the pox state at the anchor block:
    /// registrations (in index order) and the liquid supply; null when the anchor is not processed.
    /// Implements the chain side of the sortition layer's <c>IRewardSetProvider</c>.
    /// </summary>
    public (IReadOnlyList<RewardSetEntry> Entries, UInt128 LiquidUstx)? GetRewardSetInputs(StacksBlockId anchor, ulong cycle) =>
        WithState<(IReadOnlyList<RewardSetEntry>, UInt128)?>(anchor, view =>
            (PoxContract.RewardEntries(view, cycle).Select(e => new RewardSetEntry(e.Address, e.TotalUstx)).ToList(), view.GetSupply().Liquid));
}
