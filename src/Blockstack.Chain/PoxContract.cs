using System.Buffers.Binary;
using Blockstack.Stacks;

namespace Blockstack.Chain;

/// <summary>One entry of <c>reward-cycle-pox-address-list</c>.</summary>
public sealed record PoxRewardEntry(PoxRewardAddress Address, UInt128 TotalUstx, Principal? Stacker);

/// <summary>
/// The native <c>pox</c> contract: the pox-2 public functions <c>stack-stx</c>, <c>delegate-stx</c>,
/// <c>delegate-stack-stx</c>, <c>stack-aggregation-commit</c>(<c>-indexed</c>),
/// <c>revoke-delegate-stx</c> and the read-only getters, with pox-2's argument types, error codes
/// and results (docs/chain.md). Its maps live in the state trie under the contract's data prefix,
/// keyed and valued by Clarity serialisations, so they are authenticated like everything else.
/// </summary>
public sealed class PoxContract : INativeContract
{
    public const string ContractName = "pox";

    // pox-2 error codes.
    public const int ErrInsufficientFunds = 1;
    public const int ErrInvalidLockPeriod = 2;
    public const int ErrAlreadyStacked = 3;
    public const int ErrNoSuchPrincipal = 4;
    public const int ErrPermissionDenied = 9;
    public const int ErrThresholdNotMet = 11;
    public const int ErrInvalidPoxAddress = 13;
    public const int ErrInvalidAmount = 18;
    public const int ErrAlreadyDelegated = 20;
    public const int ErrDelegationExpiresDuringLock = 21;
    public const int ErrDelegationTooMuchLocked = 22;
    public const int ErrDelegationPoxAddrRequired = 23;
    public const int ErrInvalidStartBurnHeight = 24;

    public const int MinLockPeriod = 1;
    public const int MaxLockPeriod = 12;

    private const byte StackingStateKey = 0x01;
    private const byte DelegationStateKey = 0x02;
    private const byte TotalStackedKey = 0x03;
    private const byte AddressListKey = 0x04;
    private const byte AddressListLengthKey = 0x05;
    private const byte PartialStackedKey = 0x06;

    private static readonly SortedDictionary<string, NativeFunctionKind> Functions = new(StringComparer.Ordinal)
    {
        ["stack-stx"] = NativeFunctionKind.Public,
        ["delegate-stx"] = NativeFunctionKind.Public,
        ["revoke-delegate-stx"] = NativeFunctionKind.Public,
        ["delegate-stack-stx"] = NativeFunctionKind.Public,
        ["stack-aggregation-commit"] = NativeFunctionKind.Public,
        ["stack-aggregation-commit-indexed"] = NativeFunctionKind.Public,
        ["get-stacker-info"] = NativeFunctionKind.ReadOnly,
        ["get-check-delegation"] = NativeFunctionKind.ReadOnly,
        ["get-pox-info"] = NativeFunctionKind.ReadOnly,
        ["get-total-ustx-stacked"] = NativeFunctionKind.ReadOnly,
        ["get-reward-set-size"] = NativeFunctionKind.ReadOnly,
        ["get-reward-set-pox-address"] = NativeFunctionKind.ReadOnly,
        ["current-pox-reward-cycle"] = NativeFunctionKind.ReadOnly,
        ["burn-height-to-reward-cycle"] = NativeFunctionKind.ReadOnly,
        ["reward-cycle-to-burn-height"] = NativeFunctionKind.ReadOnly,
        ["get-stacking-minimum"] = NativeFunctionKind.ReadOnly,
        ["can-stack-stx"] = NativeFunctionKind.ReadOnly,
        ["minimal-can-stack-stx"] = NativeFunctionKind.ReadOnly,
        ["check-pox-addr-version"] = NativeFunctionKind.ReadOnly,
        ["check-pox-lock-period"] = NativeFunctionKind.ReadOnly,
        ["is-pox-active"] = NativeFunctionKind.ReadOnly,
    };

    public string Name => ContractName;

    public NativeFunctionKind? Describe(string function) => Functions.TryGetValue(function, out var kind) ? kind : null;

    public NativeCallResult Call(NativeCallContext context, string function, IReadOnlyList<ClarityValue> arguments)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(arguments);
        var a = new Args(function, arguments);
        var result = function switch
        {
            "stack-stx" => a.Count(4) ?? StackStx(context, a.UInt(0), a.PoxAddr(1), a.UInt(2), a.UInt(3)),
            "delegate-stx" => a.Count(4) ?? DelegateStx(context, a.UInt(0), a.Principal(1), a.OptionalUInt(2), a.OptionalPoxAddr(3)),
            "revoke-delegate-stx" => a.Count(0) ?? RevokeDelegateStx(context),
            "delegate-stack-stx" => a.Count(5) ?? DelegateStackStx(context, a.Principal(0), a.UInt(1), a.PoxAddr(2), a.UInt(3), a.UInt(4)),
            "stack-aggregation-commit" => a.Count(2) ?? AggregationCommit(context, a.PoxAddr(0), a.UInt(1), indexed: false),
            "stack-aggregation-commit-indexed" => a.Count(2) ?? AggregationCommit(context, a.PoxAddr(0), a.UInt(1), indexed: true),
            "get-stacker-info" => a.Count(1) ?? NativeCallResult.Of(a.Principal(0) is { } p0 && StackerInfo(context, p0) is { } s ? new ClarityOptional(s) : ClarityOptional.None),
            "get-check-delegation" => a.Count(1) ?? NativeCallResult.Of(a.Principal(0) is { } p1 && CheckDelegation(context, p1) is { } d ? new ClarityOptional(d) : ClarityOptional.None),
            "get-pox-info" => a.Count(0) ?? NativeCallResult.Ok(PoxInfo(context)),
            "get-total-ustx-stacked" => a.Count(1) ?? NativeCallResult.Of(new ClarityUInt(TotalStacked(context.State, a.UInt(0)))),
            "get-reward-set-size" => a.Count(1) ?? NativeCallResult.Of(new ClarityUInt(ListLength(context.State, a.UInt(0)))),
            "get-reward-set-pox-address" => a.Count(2) ?? NativeCallResult.Of(GetEntryValue(context.State, a.UInt(0), a.UInt(1)) is { } e ? new ClarityOptional(e) : ClarityOptional.None),
            "current-pox-reward-cycle" => a.Count(0) ?? NativeCallResult.Of(new ClarityUInt(CurrentCycle(context))),
            "burn-height-to-reward-cycle" => a.Count(1) ?? BurnHeightToCycle(context, a.UInt(0)),
            "reward-cycle-to-burn-height" => a.Count(1) ?? NativeCallResult.Of(new ClarityUInt(checked(context.Parameters.FirstBurnHeight + (a.UInt(0) * context.Parameters.RewardCycleLength)))),
            "get-stacking-minimum" => a.Count(0) ?? NativeCallResult.Of(new ClarityUInt(StackingMinimum(context))),
            "can-stack-stx" => a.Count(4) ?? ToResponse(CanStackStx(context, a.PoxAddr(0), a.UInt(1), a.UInt(3))),
            "minimal-can-stack-stx" => a.Count(4) ?? ToResponse(MinimalCanStackStx(a.PoxAddr(0), a.UInt(1), a.UInt(3))),
            "check-pox-addr-version" => a.Count(1) ?? NativeCallResult.Of(a.Buffer(0, 1) is { } v ? (v[0] <= 6 ? ClarityBool.True : ClarityBool.False) : ClarityBool.False),
            "check-pox-lock-period" => a.Count(1) ?? NativeCallResult.Of(a.UInt(0) >= MinLockPeriod && a.UInt(0) <= MaxLockPeriod ? ClarityBool.True : ClarityBool.False),
            "is-pox-active" => a.Count(1) ?? NativeCallResult.Of(ClarityBool.True),
            _ => NativeCallResult.Invalid(ChainErrorCodes.TxNoSuchFunction, $"pox has no function {function}"),
        };
        return a.Error ?? result;
    }

    // ---- public functions ----

    private static NativeCallResult StackStx(NativeCallContext ctx, UInt128 amount, PoxRewardAddress? poxAddr, UInt128 startBurnHeight, UInt128 lockPeriod)
    {
        if (poxAddr is null)
        {
            return default;
        }

        var current = CurrentCycle(ctx);
        var firstCycle = checked(current + 1);
        if (startBurnHeight < ctx.Parameters.FirstBurnHeight || checked(((startBurnHeight - ctx.Parameters.FirstBurnHeight) / ctx.Parameters.RewardCycleLength) + 1) != firstCycle)
        {
            return Err(ErrInvalidStartBurnHeight);
        }

        var sender = ctx.Sender;
        if (StackerInfo(ctx, sender) is not null || ctx.GetAccount(sender).Locked > 0)
        {
            return Err(ErrAlreadyStacked);
        }

        if (CheckDelegation(ctx, sender) is not null)
        {
            return Err(ErrAlreadyDelegated);
        }

        if (ctx.GetAccount(sender).Unlocked < amount)
        {
            return Err(ErrInsufficientFunds);
        }

        if (CanStackStx(ctx, poxAddr, amount, lockPeriod) is { } err)
        {
            return Err(err);
        }

        var period = (ulong)lockPeriod;
        var indexes = new List<ClarityValue>();
        for (ulong i = 0; i < period; i++)
        {
            indexes.Add(new ClarityUInt(AppendEntry(ctx.State, (ulong)firstCycle + i, new PoxRewardEntry(poxAddr, amount, sender))));
        }

        PutStackingState(ctx, sender, poxAddr, period, (ulong)firstCycle, indexes);
        var unlockHeight = ctx.Parameters.RewardCycleStart(checked((ulong)firstCycle + period));
        ctx.Lock(sender, amount, unlockHeight);
        return NativeCallResult.Ok(Tuple(
            ("stacker", new ClarityPrincipal(sender)),
            ("lock-amount", new ClarityUInt(amount)),
            ("unlock-burn-height", new ClarityUInt(unlockHeight))));
    }

    private static NativeCallResult DelegateStx(NativeCallContext ctx, UInt128 amount, Principal? delegateTo, UInt128? untilBurnHeight, PoxRewardAddress? poxAddr)
    {
        if (delegateTo is null)
        {
            return default;
        }

        if (poxAddr is not null && poxAddr.Version > 6)
        {
            return Err(ErrInvalidPoxAddress);
        }

        if (CheckDelegation(ctx, ctx.Sender) is not null)
        {
            return Err(ErrAlreadyDelegated);
        }

        var value = Tuple(
            ("amount-ustx", new ClarityUInt(amount)),
            ("delegated-to", new ClarityPrincipal(delegateTo)),
            ("until-burn-ht", untilBurnHeight is { } u ? new ClarityOptional(new ClarityUInt(u)) : ClarityOptional.None),
            ("pox-addr", poxAddr is null ? ClarityOptional.None : new ClarityOptional(poxAddr.ToClarity())));
        ctx.PutData(PrincipalKey(DelegationStateKey, ctx.Sender), value.Serialize());
        return NativeCallResult.Ok(ClarityBool.True);
    }

    private static NativeCallResult RevokeDelegateStx(NativeCallContext ctx)
    {
        var key = PrincipalKey(DelegationStateKey, ctx.Sender);
        var existed = ctx.GetData(key) is not null;
        if (existed)
        {
            ctx.DeleteData(key);
        }

        return NativeCallResult.Ok(existed ? ClarityBool.True : ClarityBool.False);
    }

    private static NativeCallResult DelegateStackStx(NativeCallContext ctx, Principal? stacker, UInt128 amount, PoxRewardAddress? poxAddr, UInt128 startBurnHeight, UInt128 lockPeriod)
    {
        if (stacker is null || poxAddr is null)
        {
            return default;
        }

        var current = CurrentCycle(ctx);
        var firstCycle = checked(current + 1);
        if (startBurnHeight < ctx.Parameters.FirstBurnHeight || checked(((startBurnHeight - ctx.Parameters.FirstBurnHeight) / ctx.Parameters.RewardCycleLength) + 1) != firstCycle)
        {
            return Err(ErrInvalidStartBurnHeight);
        }

        if (lockPeriod > MaxLockPeriod)
        {
            return Err(ErrInvalidLockPeriod);
        }

        var unlockHeight = ctx.Parameters.RewardCycleStart(checked((ulong)firstCycle + (ulong)lockPeriod));
        if (CheckDelegation(ctx, stacker) is not ClarityTuple delegation
            || ((ClarityPrincipal)delegation.Fields["delegated-to"]).Value != ctx.Sender)
        {
            return Err(ErrPermissionDenied);
        }

        if (((ClarityUInt)delegation.Fields["amount-ustx"]).Value < amount)
        {
            return Err(ErrDelegationTooMuchLocked);
        }

        if (delegation.Fields["pox-addr"] is ClarityOptional { Inner: { } required } && !poxAddr.ToClarity().Equals(required)
            && !(PoxRewardAddress.TryFromClarity(required, out var r) && r!.Equals(poxAddr)))
        {
            return Err(ErrDelegationPoxAddrRequired);
        }

        if (delegation.Fields["until-burn-ht"] is ClarityOptional { Inner: ClarityUInt until } && until.Value < unlockHeight)
        {
            return Err(ErrDelegationExpiresDuringLock);
        }

        if (StackerInfo(ctx, stacker) is not null || ctx.GetAccount(stacker).Locked > 0)
        {
            return Err(ErrAlreadyStacked);
        }

        if (ctx.GetAccount(stacker).Unlocked < amount)
        {
            return Err(ErrInsufficientFunds);
        }

        if (MinimalCanStackStx(poxAddr, amount, lockPeriod) is { } err)
        {
            return Err(err);
        }

        for (ulong i = 0; i < (ulong)lockPeriod; i++)
        {
            var key = PartialKey(poxAddr, (ulong)firstCycle + i, ctx.Sender);
            var existing = ctx.GetData(key) is { } b ? ReadU128(b) : 0;
            ctx.PutData(key, U128(checked(existing + amount)));
        }

        PutStackingState(ctx, stacker, poxAddr, (ulong)lockPeriod, (ulong)firstCycle, []);
        ctx.Lock(stacker, amount, unlockHeight);
        return NativeCallResult.Ok(Tuple(
            ("stacker", new ClarityPrincipal(stacker)),
            ("lock-amount", new ClarityUInt(amount)),
            ("unlock-burn-height", new ClarityUInt(unlockHeight))));
    }

    private static NativeCallResult AggregationCommit(NativeCallContext ctx, PoxRewardAddress? poxAddr, UInt128 rewardCycle, bool indexed)
    {
        if (poxAddr is null)
        {
            return default;
        }

        if (rewardCycle > ulong.MaxValue)
        {
            return Err(ErrNoSuchPrincipal);
        }

        var key = PartialKey(poxAddr, (ulong)rewardCycle, ctx.Sender);
        if (ctx.GetData(key) is not { } partial)
        {
            return Err(ErrNoSuchPrincipal);
        }

        var amount = ReadU128(partial);
        if (CanStackStx(ctx, poxAddr, amount, 1) is { } err)
        {
            return Err(err);
        }

        var index = AppendEntry(ctx.State, (ulong)rewardCycle, new PoxRewardEntry(poxAddr, amount, null));
        ctx.DeleteData(key);
        return NativeCallResult.Ok(indexed ? new ClarityUInt(index) : ClarityBool.True);
    }

    // ---- read-only helpers ----

    private static UInt128 CurrentCycle(NativeCallContext ctx) => ctx.Parameters.RewardCycleOf(ctx.BurnHeight);

    private static NativeCallResult BurnHeightToCycle(NativeCallContext ctx, UInt128 height) =>
        height < ctx.Parameters.FirstBurnHeight
            ? NativeCallResult.Invalid(ChainErrorCodes.TxBadArguments, "burn-height-to-reward-cycle: height below the first burn block (a Clarity runtime error)")
            : NativeCallResult.Of(new ClarityUInt((height - ctx.Parameters.FirstBurnHeight) / ctx.Parameters.RewardCycleLength));

    private static UInt128 StackingMinimum(NativeCallContext ctx) => ctx.LiquidSupply / ctx.Parameters.StackingThresholdDivisor;

    private static int? CanStackStx(NativeCallContext ctx, PoxRewardAddress? poxAddr, UInt128 amount, UInt128 numCycles) =>
        StackingMinimum(ctx) > amount ? ErrThresholdNotMet : MinimalCanStackStx(poxAddr, amount, numCycles);

    private static int? MinimalCanStackStx(PoxRewardAddress? poxAddr, UInt128 amount, UInt128 numCycles)
    {
        if (amount == 0)
        {
            return ErrInvalidAmount;
        }

        if (numCycles < MinLockPeriod || numCycles > MaxLockPeriod)
        {
            return ErrInvalidLockPeriod;
        }

        if (poxAddr is null || poxAddr.Version > 6)
        {
            return ErrInvalidPoxAddress;
        }

        var expected = poxAddr.Version <= 4 ? 20 : 32;
        return poxAddr.HashBytes.Length == expected ? null : ErrInvalidPoxAddress;
    }

    private static ClarityTuple? StackerInfo(NativeCallContext ctx, Principal stacker)
    {
        if (ctx.GetData(PrincipalKey(StackingStateKey, stacker)) is not { } bytes
            || !ClarityValue.TryDeserialize(bytes, out var value, out _) || value is not ClarityTuple info)
        {
            return null;
        }

        var first = ((ClarityUInt)info.Fields["first-reward-cycle"]).Value;
        var period = ((ClarityUInt)info.Fields["lock-period"]).Value;
        return checked(first + period) <= CurrentCycle(ctx) ? null : info;
    }

    private static ClarityTuple? CheckDelegation(NativeCallContext ctx, Principal stacker)
    {
        if (ctx.GetData(PrincipalKey(DelegationStateKey, stacker)) is not { } bytes
            || !ClarityValue.TryDeserialize(bytes, out var value, out _) || value is not ClarityTuple info)
        {
            return null;
        }

        return info.Fields["until-burn-ht"] is ClarityOptional { Inner: ClarityUInt until } && ctx.BurnHeight > until.Value ? null : info;
    }

    private static ClarityTuple PoxInfo(NativeCallContext ctx) => Tuple(
        ("min-amount-ustx", new ClarityUInt(StackingMinimum(ctx))),
        ("reward-cycle-id", new ClarityUInt(CurrentCycle(ctx))),
        ("prepare-cycle-length", new ClarityUInt(ctx.Parameters.PrepareLength)),
        ("first-burnchain-block-height", new ClarityUInt(ctx.Parameters.FirstBurnHeight)),
        ("reward-cycle-length", new ClarityUInt(ctx.Parameters.RewardCycleLength)),
        ("rejection-fraction", new ClarityUInt(25)),
        ("current-rejection-votes", new ClarityUInt(0)),
        ("total-liquid-supply-ustx", new ClarityUInt(ctx.LiquidSupply)));

    private static void PutStackingState(NativeCallContext ctx, Principal stacker, PoxRewardAddress poxAddr, ulong period, ulong firstCycle, IReadOnlyList<ClarityValue> indexes)
    {
        var value = Tuple(
            ("pox-addr", poxAddr.ToClarity()),
            ("lock-period", new ClarityUInt(period)),
            ("first-reward-cycle", new ClarityUInt(firstCycle)),
            ("reward-set-indexes", new ClarityList(indexes)));
        ctx.PutData(PrincipalKey(StackingStateKey, stacker), value.Serialize());
    }

    // ---- reward-cycle maps (also read by the reward-set provider) ----

    /// <summary>Entries of <c>reward-cycle-pox-address-list</c> for a cycle, in index order.</summary>
    public static IReadOnlyList<PoxRewardEntry> RewardEntries(StateView state, ulong cycle)
    {
        ArgumentNullException.ThrowIfNull(state);
        var length = ListLength(state, cycle);
        var entries = new List<PoxRewardEntry>();
        for (UInt128 i = 0; i < length; i++)
        {
            if (GetEntryValue(state, cycle, i) is ClarityTuple t
                && PoxRewardAddress.TryFromClarity(t.Fields["pox-addr"], out var addr))
            {
                var stacker = t.Fields["stacker"] is ClarityOptional { Inner: ClarityPrincipal p } ? p.Value : null;
                entries.Add(new PoxRewardEntry(addr!, ((ClarityUInt)t.Fields["total-ustx"]).Value, stacker));
            }
        }

        return entries;
    }

    public static UInt128 TotalStacked(StateView state, UInt128 cycle)
    {
        ArgumentNullException.ThrowIfNull(state);
        return cycle > ulong.MaxValue ? 0 : state.Get(StateKeys.ContractData(ContractName, CycleKey(TotalStackedKey, (ulong)cycle))) is { } b ? ReadU128(b) : 0;
    }

    private static UInt128 ListLength(StateView state, UInt128 cycle) =>
        cycle > ulong.MaxValue ? 0 : state.Get(StateKeys.ContractData(ContractName, CycleKey(AddressListLengthKey, (ulong)cycle))) is { } b ? ReadU128(b) : 0;

    private static ClarityValue? GetEntryValue(StateView state, UInt128 cycle, UInt128 index)
    {
        if (cycle > ulong.MaxValue || index > ulong.MaxValue)
        {
            return null;
        }

        var bytes = state.Get(StateKeys.ContractData(ContractName, EntryKey((ulong)cycle, (ulong)index)));
        return bytes is not null && ClarityValue.TryDeserialize(bytes, out var v, out _) ? v : null;
    }

    private static UInt128 AppendEntry(StateView state, ulong cycle, PoxRewardEntry entry)
    {
        var index = ListLength(state, cycle);
        var value = Tuple(
            ("pox-addr", entry.Address.ToClarity()),
            ("total-ustx", new ClarityUInt(entry.TotalUstx)),
            ("stacker", entry.Stacker is null ? ClarityOptional.None : new ClarityOptional(new ClarityPrincipal(entry.Stacker))));
        state.Put(StateKeys.ContractData(ContractName, EntryKey(cycle, (ulong)index)), value.Serialize());
        state.Put(StateKeys.ContractData(ContractName, CycleKey(AddressListLengthKey, cycle)), U128(checked(index + 1)));
        var total = TotalStacked(state, cycle);
        state.Put(StateKeys.ContractData(ContractName, CycleKey(TotalStackedKey, cycle)), U128(checked(total + entry.TotalUstx)));
        return index;
    }

    // ---- keys and values ----

    private static byte[] PrincipalKey(byte tag, Principal principal) => [tag, .. StateKeys.PrincipalBytes(principal)];

    private static byte[] CycleKey(byte tag, ulong cycle)
    {
        var key = new byte[9];
        key[0] = tag;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), cycle);
        return key;
    }

    private static byte[] EntryKey(ulong cycle, ulong index)
    {
        var key = new byte[17];
        key[0] = AddressListKey;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), cycle);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(9), index);
        return key;
    }

    private static byte[] PartialKey(PoxRewardAddress poxAddr, ulong cycle, Principal sender)
    {
        var c = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(c, cycle);
        return [PartialStackedKey, .. poxAddr.Encode(), .. c, .. StateKeys.PrincipalBytes(sender)];
    }

    private static byte[] U128(UInt128 value)
    {
        var b = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, value);
        return b;
    }

    private static UInt128 ReadU128(byte[] bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);

    private static ClarityTuple Tuple(params (string Name, ClarityValue Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, ClarityValue>(f.Name, f.Value)));

    private static NativeCallResult Err(int code) => NativeCallResult.Err(new ClarityInt(code));

    private static NativeCallResult ToResponse(int? error) => error is { } e ? Err(e) : NativeCallResult.Ok(ClarityBool.True);

    /// <summary>Typed argument access; the first mismatch is kept as a <c>tx-bad-arguments</c> rejection.</summary>
    private sealed class Args(string function, IReadOnlyList<ClarityValue> values)
    {
        public NativeCallResult? Error { get; private set; }

        public NativeCallResult? Count(int expected) =>
            values.Count == expected ? null : Fail($"expects {expected} arguments, got {values.Count}");

        public UInt128 UInt(int i)
        {
            if (i < values.Count && values[i] is ClarityUInt u)
            {
                return u.Value;
            }

            Fail($"argument {i} must be a uint");
            return 0;
        }

        public UInt128? OptionalUInt(int i)
        {
            switch (i < values.Count ? values[i] : null)
            {
                case ClarityOptional { Inner: null }:
                    return null;
                case ClarityOptional { Inner: ClarityUInt u }:
                    return u.Value;
                default:
                    Fail($"argument {i} must be an (optional uint)");
                    return null;
            }
        }

        public Principal? Principal(int i)
        {
            if (i < values.Count && values[i] is ClarityPrincipal p)
            {
                return p.Value;
            }

            Fail($"argument {i} must be a principal");
            return null;
        }

        public byte[]? Buffer(int i, int maxLength)
        {
            if (i < values.Count && values[i] is ClarityBuffer b && b.Data.Length <= maxLength && b.Data.Length > 0)
            {
                return b.Data;
            }

            Fail($"argument {i} must be a (buff {maxLength})");
            return null;
        }

        public PoxRewardAddress? PoxAddr(int i)
        {
            if (i < values.Count && PoxRewardAddress.TryFromClarity(values[i], out var addr))
            {
                return addr;
            }

            Fail($"argument {i} must be a pox address tuple {{version: (buff 1), hashbytes: (buff 32)}}");
            return null;
        }

        public PoxRewardAddress? OptionalPoxAddr(int i)
        {
            switch (i < values.Count ? values[i] : null)
            {
                case ClarityOptional { Inner: null }:
                    return null;
                case ClarityOptional { Inner: { } inner } when PoxRewardAddress.TryFromClarity(inner, out var addr):
                    return addr;
                default:
                    Fail($"argument {i} must be an optional pox address tuple");
                    return null;
            }
        }

        private NativeCallResult? Fail(string message)
        {
            Error ??= NativeCallResult.BadArguments(function, message);
            return Error;
        }
    }
}
