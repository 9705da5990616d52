using Blockstack.Stacks;

namespace Blockstack.Chain;

public enum NativeFunctionKind
{
    Public,
    ReadOnly,
}

/// <summary>
/// What a native contract function sees: the state (a checkpoint that is dropped when the call
/// returns <c>(err …)</c>), tx-sender, contract-caller, heights, and an event list.
/// </summary>
public sealed class NativeCallContext
{
    private readonly List<ChainEvent> _events = [];

    internal NativeCallContext(StateView state, ChainParameters parameters, Principal sender, ulong burnHeight, ulong stacksHeight, ContractPrincipal contract)
    {
        State = state;
        Parameters = parameters;
        Sender = sender;
        ContractCaller = sender;
        BurnHeight = burnHeight;
        StacksHeight = stacksHeight;
        Contract = contract;
    }

    public StateView State { get; }

    public ChainParameters Parameters { get; }

    /// <summary>tx-sender.</summary>
    public Principal Sender { get; }

    /// <summary>contract-caller: always tx-sender, since only transactions call native contracts.</summary>
    public Principal ContractCaller { get; }

    /// <summary>burn-block-height: the burn height of the sortition of the block being applied.</summary>
    public ulong BurnHeight { get; }

    /// <summary>block-height: the height of the block being applied.</summary>
    public ulong StacksHeight { get; }

    /// <summary>The contract being called.</summary>
    public ContractPrincipal Contract { get; }

    public IReadOnlyList<ChainEvent> Events => _events;

    /// <summary>stx-liquid-supply.</summary>
    public UInt128 LiquidSupply => State.GetSupply().Liquid;

    public void Emit(ChainEvent chainEvent) => _events.Add(chainEvent);

    /// <summary>The account as of <see cref="BurnHeight"/> (an expired lock counts as unlocked).</summary>
    public Account GetAccount(Principal principal) => State.GetAccount(StateKeys.Account(principal)).At(BurnHeight);

    public void PutAccount(Principal principal, Account account) => State.PutAccount(StateKeys.Account(principal), account);

    /// <summary>Locks <paramref name="amount"/> of the principal's unlocked STX until <paramref name="unlockHeight"/>.</summary>
    public void Lock(Principal principal, UInt128 amount, ulong unlockHeight)
    {
        var account = GetAccount(principal);
        if (account.Unlocked < amount || account.Locked > 0)
        {
            throw new InvalidOperationException("lock of unavailable funds; callers check first");
        }

        PutAccount(principal, account with { Unlocked = account.Unlocked - amount, Locked = amount, UnlockHeight = unlockHeight });
        Emit(ChainEvent.Lock(principal, amount, unlockHeight));
    }

    /// <summary>Reads from the contract's own data space.</summary>
    public byte[]? GetData(ReadOnlySpan<byte> key) => State.Get(StateKeys.ContractData(Contract.Name, key));

    public void PutData(ReadOnlySpan<byte> key, byte[] value) => State.Put(StateKeys.ContractData(Contract.Name, key), value);

    public void DeleteData(ReadOnlySpan<byte> key) => State.Delete(StateKeys.ContractData(Contract.Name, key));
}

/// <summary>The outcome of a native call: a Clarity value, or a rejection that makes the transaction invalid.</summary>
public readonly record struct NativeCallResult(ClarityValue? Value, ChainRejection? Rejection)
{
    public static NativeCallResult Ok(ClarityValue inner) => new(new ClarityResponse(true, inner), null);

    public static NativeCallResult Err(ClarityValue inner) => new(new ClarityResponse(false, inner), null);

    public static NativeCallResult Of(ClarityValue value) => new(value, null);

    public static NativeCallResult Invalid(string code, string message) => new(null, new ChainRejection(code, message));

    public static NativeCallResult BadArguments(string function, string message) =>
        Invalid(ChainErrorCodes.TxBadArguments, $"{function}: {message}");
}

/// <summary>
/// A contract implemented in C# at the boot address (DESIGN.md: no Clarity interpreter). Public
/// functions return <c>(ok …)</c> or <c>(err …)</c>; an <c>(err …)</c> rolls back the call's writes.
/// Argument count or type mismatches make the transaction invalid (<c>tx-bad-arguments</c>), as
/// Clarity's type checker would.
/// </summary>
public interface INativeContract
{
    /// <summary>Contract name, e.g. <c>pox</c> or <c>bns</c>.</summary>
    string Name { get; }

    /// <summary>The kind of <paramref name="function"/>, or null when the contract has no such function.</summary>
    NativeFunctionKind? Describe(string function);

    NativeCallResult Call(NativeCallContext context, string function, IReadOnlyList<ClarityValue> arguments);
}

/// <summary>The native contracts of a chain, by name, all at the network's boot address.</summary>
public sealed class NativeContractRegistry
{
    private readonly SortedDictionary<string, INativeContract> _contracts = new(StringComparer.Ordinal);

    public NativeContractRegistry(ChainParameters parameters, IEnumerable<INativeContract> contracts)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(contracts);
        BootAddress = parameters.BootAddress;
        foreach (var c in contracts)
        {
            if (!_contracts.TryAdd(c.Name, c))
            {
                throw new ArgumentException($"native contract '{c.Name}' registered twice", nameof(contracts));
            }
        }
    }

    public StacksAddress BootAddress { get; }

    public IEnumerable<string> Names => _contracts.Keys;

    /// <summary>The registry with only the native <c>pox</c> contract (BNS adds <c>bns</c>).</summary>
    public static NativeContractRegistry WithPox(ChainParameters parameters, params INativeContract[] others) =>
        new(parameters, [new PoxContract(), .. others]);

    public INativeContract? Resolve(StacksAddress address, string name) =>
        address == BootAddress && _contracts.TryGetValue(name, out var c) ? c : null;
}
