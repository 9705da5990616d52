using Blockstack.Stacks;
using static Blockstack.Bns.BnsErrors;

namespace Blockstack.Bns;

/// <summary>
/// The boot <c>bns</c> contract in C# (spec/bns.md §7–§8): every public and read-only function,
/// with the contract's check order, error codes, burns, events and height rules. A call runs over a
/// write set and commits to the state only when it returns <c>(ok …)</c>.
/// </summary>
public sealed class BnsContract
{
    /// <summary>The contract's functions: name → (read-only?, argument types).</summary>
    public static IReadOnlyDictionary<string, BnsFunction> Functions => BnsAbi.Functions;

    /// <summary>Calls <paramref name="function"/> with Clarity arguments, as a contract-call transaction or a read-only query.</summary>
    public static BnsCallResult Call(IBnsState state, Principal txSender, ulong blockHeight, string function, IReadOnlyList<ClarityValue> arguments)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(txSender);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(arguments);
        if (!BnsAbi.Functions.TryGetValue(function, out var spec))
        {
            return BnsCallResult.BadArguments($"bns has no function '{function}'");
        }

        if (!BnsAbi.TryCheck(spec, arguments, out var message))
        {
            return BnsCallResult.BadArguments($"{function}: {message}");
        }

        var writes = new BnsWriteSet(state);
        var exec = new Execution(writes, txSender, blockHeight);
        ClarityValue value;
        try
        {
            value = exec.Dispatch(function, new BnsArgs(arguments));
        }
        catch (ClarityRuntimeException e)
        {
            return new BnsCallResult(BnsCallStatus.RuntimeError, null, e.Kind, [], []);
        }

        if (value is ClarityResponse { IsOk: false })
        {
            return new BnsCallResult(BnsCallStatus.Err, value, null, [], []);
        }

        if (!spec.ReadOnly)
        {
            writes.CommitTo(state);
        }

        return new BnsCallResult(BnsCallStatus.Ok, value, null, exec.Events, exec.Changes);
    }

    /// <summary>
    /// A read-only function over a state reader (the query side): nothing is ever written.
    /// </summary>
    public static BnsCallResult Query(IBnsStateReader state, Principal txSender, ulong blockHeight, string function, IReadOnlyList<ClarityValue> arguments)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!BnsAbi.Functions.TryGetValue(function, out var spec) || !spec.ReadOnly)
        {
            return BnsCallResult.BadArguments($"'{function}' is not a read-only function of bns");
        }

        return Call(new BnsWriteSet(state), txSender, blockHeight, function, arguments);
    }

    /// <summary>The name's lease start and end (end null when the namespace has no expiry), or null when it has none.</summary>
    public static (UInt128 Start, UInt128? End)? Lease(IBnsStateReader state, NameId id, ulong blockHeight)
    {
        ArgumentNullException.ThrowIfNull(state);
        var ns = state.GetNamespace(id.Namespace);
        var props = state.GetNameProperties(id);
        if (ns is null || props is null)
        {
            return null;
        }

        try
        {
            var start = new Execution(new BnsWriteSet(state), ns.ImportPrincipal, blockHeight).LeaseStart(ns, props);
            return start.IsErr ? null : (start.Value, ns.Lifetime == 0 ? null : ClarityMath.Add(start.Value, ns.Lifetime));
        }
        catch (ClarityRuntimeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The query side's view of a name: the error code <c>name-resolve</c> would return (null when it
    /// returns ok) and the lease, from one evaluation of the contract's own code, without building
    /// Clarity values. Null when the name does not exist.
    /// </summary>
    public static (int? ResolveError, (UInt128 Start, UInt128? End)? Lease)? Resolve(IBnsStateReader state, NameId id, ulong blockHeight, Principal querySender)
    {
        ArgumentNullException.ThrowIfNull(state);
        var ns = state.GetNamespace(id.Namespace);
        var props = state.GetNameProperties(id);
        if (props is null || state.GetNameOwner(id) is null)
        {
            return null;
        }

        try
        {
            var exec = new Execution(new BnsWriteSet(state), querySender, blockHeight);
            var resolve = exec.ResolveCheck(id.Namespace, id.Name);
            (UInt128, UInt128?)? lease = null;
            if (ns is not null && exec.LeaseStart(ns, props) is { IsErr: false } start)
            {
                lease = (start.Value, ns.Lifetime == 0 ? null : ClarityMath.Add(start.Value, ns.Lifetime));
            }

            return (resolve, lease);
        }
        catch (ClarityRuntimeException)
        {
            return (BnsErrors.Panic, null);
        }
    }

    /// <summary>The work of one call: tx-sender, block-height, the write set and the events so far.</summary>
    private sealed class Execution(BnsWriteSet state, Principal sender, ulong height)
    {
        private readonly UInt128 _h = height;

        public List<BnsEvent> Events { get; } = [];

        public List<NameChange> Changes { get; } = [];

        public ClarityResponse Dispatch(string function, BnsArgs a) => function switch
        {
            "namespace-preorder" => Resp(NamespacePreorder(a.Buff(0), a.UInt(1)), Uint),
            "namespace-reveal" => Resp(NamespaceReveal(a.Buff(0), a.Buff(1), a.PriceFunction(2), a.UInt(22), a.Principal(23)), Bool),
            "name-import" => Resp(NameImport(a.Buff(0), a.Buff(1), a.Principal(2), a.Buff(3)), Bool),
            "namespace-ready" => Resp(NamespaceReady(a.Buff(0)), Bool),
            "namespace-update-function-price" => Resp(UpdatePriceFunction(a.Buff(0), a.PriceFunction(1)), Bool),
            "namespace-revoke-function-price-edition" => Resp(RevokePriceEdition(a.Buff(0)), Bool),
            "name-preorder" => Resp(NamePreorder(a.Buff(0), a.UInt(1)), Uint),
            "name-register" => Resp(NameRegister(a.Buff(0), a.Buff(1), a.Buff(2), a.Buff(3)), Bool),
            "name-update" => Resp(NameUpdate(a.Buff(0), a.Buff(1), a.Buff(2)), Bool),
            "name-transfer" => Resp(NameTransfer(a.Buff(0), a.Buff(1), a.Principal(2), a.OptionalBuff(3)), Bool),
            "name-revoke" => Resp(NameRevoke(a.Buff(0), a.Buff(1)), Bool),
            "name-renewal" => Resp(NameRenewal(a.Buff(0), a.Buff(1), a.UInt(2), a.OptionalPrincipal(3), a.OptionalBuff(4)), Bool),
            "get-namespace-price" => Resp(GetNamespacePrice(a.Buff(0)), Uint),
            "get-name-price" => Resp(GetNamePrice(a.Buff(0), a.Buff(1)), Uint),
            "can-namespace-be-registered" => Ok(Bool(IsNamespaceAvailable(a.Buff(0)))),
            "can-name-be-registered" => Resp(CanNameBeRegistered(a.Buff(0), a.Buff(1)), Bool),
            "is-name-lease-expired" => Resp(IsNameLeaseExpired(a.Buff(0), a.Buff(1)), Bool),
            "is-name-in-grace-period" => Resp(IsNameInGracePeriod(a.Buff(0), a.Buff(1)), Bool),
            "name-resolve" => Resp(NameResolve(a.Buff(0), a.Buff(1)), v => v),
            "resolve-principal" => ResolvePrincipal(a.Principal(0)),
            "can-receive-name" => Resp(CanReceiveName(a.Principal(0)), Bool),
            "check-name-ops-preconditions" => Resp(CheckNameOpsPreconditions(a.Buff(0), a.Buff(1)), p => p.ToClarity()),
            "get-namespace-properties" => Resp(GetNamespaceProperties(a.Buff(0)), v => v),
            _ => throw new InvalidOperationException($"no dispatch for {function}"),
        };

        public R<UInt128> LeaseStart(NamespaceRecord ns, NameProperties name) => LeaseStartedAt(ns, name);

        // ---- public functions -------------------------------------------------------------------

        private R<UInt128> NamespacePreorder(Buff hashed, UInt128 stxToBurn)
        {
            var former = state.GetNamespacePreorder(hashed, sender);
            if (former is not null && _h < ClarityMath.Add(BnsConstants.NamespacePreorderClaimabilityTtl, former.CreatedAt))
            {
                return new BnsError(NamespacePreorderAlreadyExists);
            }

            if (hashed.Length != BnsConstants.HashLength)
            {
                return new BnsError(NamespaceHashMalformed);
            }

            if (stxToBurn == 0)
            {
                return new BnsError(NamespaceStxBurntInsufficient);
            }

            if (!TryBurn(stxToBurn))
            {
                return new BnsError(InsufficientFunds);
            }

            state.SetNamespacePreorder(hashed, sender, new PreorderRecord(_h, false, stxToBurn));
            return ClarityMath.Add(_h, BnsConstants.NamespacePreorderClaimabilityTtl);
        }

        private R<bool> NamespaceReveal(Buff ns, Buff salt, PriceFunction priceFunction, UInt128 lifetime, Principal import)
        {
            var hashed = Hash(Buff.Concat(ns, salt));
            var preorder = state.GetNamespacePreorder(hashed, sender);
            if (preorder is null)
            {
                return new BnsError(NamespacePreorderNotFound);
            }

            var price = GetNamespacePrice(ns);
            if (price.IsErr)
            {
                return new BnsError(price.Error!.Value);
            }

            if (BnsPricing.HasInvalidChars(ns.Span))
            {
                return new BnsError(NamespaceCharsetInvalid);
            }

            if (!IsNamespaceAvailable(ns))
            {
                return new BnsError(NamespaceAlreadyExists);
            }

            if (preorder.StxBurned < price.Value)
            {
                return new BnsError(NamespaceStxBurntInsufficient);
            }

            if (_h >= ClarityMath.Add(preorder.CreatedAt, BnsConstants.NamespacePreorderClaimabilityTtl))
            {
                return new BnsError(NamespacePreorderClaimabilityExpired);
            }

            state.SetNamespacePreorder(hashed, sender, preorder with { Claimed = true });
            state.SetNamespace(ns, new NamespaceRecord(import, _h, null, lifetime, true, priceFunction));
            return true;
        }

        private R<bool> NameImport(Buff ns, Buff name, Principal beneficiary, Buff zonefileHash)
        {
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            if (BnsPricing.HasInvalidChars(name.Span))
            {
                return new BnsError(NameCharsetInvalid);
            }

            if (props.ImportPrincipal != sender)
            {
                return new BnsError(NamespaceOperationUnauthorized);
            }

            if (props.LaunchedAt is not null)
            {
                return new BnsError(NamespaceAlreadyLaunched);
            }

            if (_h >= ClarityMath.Add(props.RevealedAt, BnsConstants.NamespaceLaunchabilityTtl))
            {
                return new BnsError(NamespacePreorderLaunchabilityExpired);
            }

            var id = new NameId(ns, name);
            var moved = MintOrTransfer(id, beneficiary);
            if (moved.IsErr)
            {
                return moved;
            }

            UpdateZonefileAndProps(id, null, _h, null, zonefileHash, "name-import", NameOperation.Import, beneficiary);
            return true;
        }

        private R<bool> NamespaceReady(Buff ns)
        {
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            if (props.ImportPrincipal != sender)
            {
                return new BnsError(NamespaceOperationUnauthorized);
            }

            if (props.LaunchedAt is not null)
            {
                return new BnsError(NamespaceAlreadyLaunched);
            }

            if (_h >= ClarityMath.Add(props.RevealedAt, BnsConstants.NamespaceLaunchabilityTtl))
            {
                return new BnsError(NamespacePreorderLaunchabilityExpired);
            }

            var launched = props with { LaunchedAt = _h };
            state.SetNamespace(ns, launched);
            Events.Add(new PrintEvent(Tuple(
                ("namespace", new ClarityBuffer(ns.ToArray())),
                ("status", new ClarityStringAscii("ready")),
                ("properties", BnsClarity.Namespace(launched)))));
            return true;
        }

        private R<bool> UpdatePriceFunction(Buff ns, PriceFunction priceFunction)
        {
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            if (props.ImportPrincipal != sender || !props.CanUpdatePriceFunction)
            {
                return new BnsError(NamespaceOperationUnauthorized);
            }

            state.SetNamespace(ns, props with { PriceFunction = priceFunction });
            return true;
        }

        private R<bool> RevokePriceEdition(Buff ns)
        {
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            if (props.ImportPrincipal != sender)
            {
                return new BnsError(NamespaceOperationUnauthorized);
            }

            state.SetNamespace(ns, props with { CanUpdatePriceFunction = false });
            return true;
        }

        private R<UInt128> NamePreorder(Buff hashed, UInt128 stxToBurn)
        {
            var former = state.GetNamePreorder(hashed, sender);
            if (former is not null && _h < ClarityMath.Add(BnsConstants.NamePreorderClaimabilityTtl, former.CreatedAt))
            {
                return new BnsError(NamePreorderAlreadyExists);
            }

            if (stxToBurn == 0)
            {
                return new BnsError(NamespaceStxBurntInsufficient);
            }

            if (hashed.Length != BnsConstants.HashLength)
            {
                return new BnsError(NameHashMalformed);
            }

            if (!TryBurn(stxToBurn))
            {
                return new BnsError(InsufficientFunds);
            }

            state.SetNamePreorder(hashed, sender, new PreorderRecord(_h, false, stxToBurn));
            return ClarityMath.Add(_h, BnsConstants.NamePreorderClaimabilityTtl);
        }

        private R<bool> NameRegister(Buff ns, Buff name, Buff salt, Buff zonefileHash)
        {
            var hashed = Hash(Buff.Concat(name, Buff.FromAscii("."), ns, salt));
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            var preorder = state.GetNamePreorder(hashed, sender);
            if (preorder is null)
            {
                return new BnsError(NamePreorderNotFound);
            }

            var registrable = CanNameBeRegistered(ns, name);
            if (registrable.IsErr)
            {
                return registrable;
            }

            if (!registrable.Value)
            {
                return new BnsError(NameUnavailable);
            }

            // can-name-be-registered returned true, so the namespace is launched.
            if (preorder.CreatedAt <= props.LaunchedAt!.Value)
            {
                return new BnsError(NamePreorderedBeforeNamespaceLaunch);
            }

            if (preorder.Claimed)
            {
                return new BnsError(NameAlreadyClaimed);
            }

            if (_h >= ClarityMath.Add(preorder.CreatedAt, BnsConstants.NamePreorderClaimabilityTtl))
            {
                return new BnsError(NameClaimabilityExpired);
            }

            if (preorder.StxBurned < BnsPricing.NamePrice(name.Span, props.PriceFunction))
            {
                return new BnsError(NameStxBurntInsufficient);
            }

            var id = new NameId(ns, name);
            var moved = MintOrTransfer(id, sender);
            if (moved.IsErr)
            {
                return moved;
            }

            UpdateZonefileAndProps(id, _h, null, null, zonefileHash, "name-register", NameOperation.Register, sender);
            return true;
        }

        private R<bool> NameUpdate(Buff ns, Buff name, Buff zonefileHash)
        {
            var data = CheckNameOpsPreconditions(ns, name);
            if (data.IsErr)
            {
                return new BnsError(data.Error!.Value);
            }

            var p = data.Value.NameProps;
            UpdateZonefileAndProps(new NameId(ns, name), p.RegisteredAt, p.ImportedAt, null, zonefileHash, "name-update", NameOperation.Update, data.Value.Owner);
            return true;
        }

        private R<bool> NameTransfer(Buff ns, Buff name, Principal newOwner, Buff? zonefileHash)
        {
            var data = CheckNameOpsPreconditions(ns, name);
            if (data.IsErr)
            {
                return new BnsError(data.Error!.Value);
            }

            var canReceive = CanReceiveName(newOwner);
            if (canReceive.IsErr)
            {
                return canReceive;
            }

            if (!canReceive.Value)
            {
                return new BnsError(PrincipalAlreadyAssociated);
            }

            var id = new NameId(ns, name);
            UpdateOwnership(id, data.Value.Owner, newOwner);
            var p = data.Value.NameProps;
            UpdateZonefileAndProps(id, p.RegisteredAt, p.ImportedAt, null, zonefileHash ?? Buff.Empty, "name-transfer", NameOperation.Transfer, newOwner);
            return true;
        }

        private R<bool> NameRevoke(Buff ns, Buff name)
        {
            var data = CheckNameOpsPreconditions(ns, name);
            if (data.IsErr)
            {
                return new BnsError(data.Error!.Value);
            }

            var p = data.Value.NameProps;
            UpdateZonefileAndProps(new NameId(ns, name), p.RegisteredAt, p.ImportedAt, _h, Buff.Empty, "name-revoke", NameOperation.Revoke, data.Value.Owner);
            return true;
        }

        private R<bool> NameRenewal(Buff ns, Buff name, UInt128 stxToBurn, Principal? newOwner, Buff? zonefileHash)
        {
            var id = new NameId(ns, name);
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            var owner = state.GetNameOwner(id);
            if (owner is null)
            {
                return new BnsError(NameNotFound);
            }

            var nameProps = state.GetNameProperties(id);
            if (nameProps is null)
            {
                return new BnsError(NameNotFound);
            }

            if (props.LaunchedAt is null)
            {
                return new BnsError(NamespaceNotLaunched);
            }

            if (props.Lifetime == 0 || owner != sender)
            {
                return new BnsError(NameOperationUnauthorized);
            }

            var expired = IsNameLeaseExpired(ns, name);
            if (expired.IsErr)
            {
                return expired;
            }

            if (expired.Value)
            {
                var grace = IsNameInGracePeriod(ns, name);
                if (grace.IsErr)
                {
                    return grace;
                }

                if (!grace.Value)
                {
                    return new BnsError(NameExpired);
                }
            }

            if (stxToBurn < BnsPricing.NamePrice(name.Span, props.PriceFunction))
            {
                return new BnsError(NameStxBurntInsufficient);
            }

            if (nameProps.RevokedAt is not null)
            {
                return new BnsError(NameRevoked);
            }

            if (newOwner is not null)
            {
                // Evaluated for its errors only; the bool is ignored and nothing moves (stacks-core #2680).
                var canReceive = CanReceiveName(newOwner);
                if (canReceive.IsErr)
                {
                    return canReceive;
                }
            }

            if (zonefileHash is { } hash)
            {
                UpdateZonefileAndProps(id, _h, null, null, hash, "name-renewal", NameOperation.Renew, owner);
            }
            else
            {
                state.SetNameProperties(id, new NameProperties(_h, null, null, nameProps.ZonefileHash));
                Changes.Add(new NameChange(id, NameOperation.Renew, owner, nameProps.ZonefileHash));
            }

            return true;
        }

        // ---- read-only functions ----------------------------------------------------------------

        private static R<UInt128> GetNamespacePrice(Buff ns) =>
            ns.Length == 0 ? new BnsError(NamespaceBlank) : BnsPricing.NamespacePrice(ns.Length);

        private R<UInt128> GetNamePrice(Buff ns, Buff name)
        {
            var props = state.GetNamespace(ns);
            return props is null ? new BnsError(NamespaceNotFound) : BnsPricing.NamePrice(name.Span, props.PriceFunction);
        }

        private bool IsNamespaceAvailable(Buff ns)
        {
            var props = state.GetNamespace(ns);
            return props is null || (props.LaunchedAt is null && _h > ClarityMath.Add(props.RevealedAt, BnsConstants.NamespaceLaunchabilityTtl));
        }

        private R<bool> CanNameBeRegistered(Buff ns, Buff name)
        {
            var id = new NameId(ns, name);
            var nameProps = state.GetNameProperties(id);
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return false;
            }

            if (BnsPricing.HasInvalidChars(name.Span))
            {
                return new BnsError(NameCharsetInvalid);
            }

            if (props.LaunchedAt is null)
            {
                return false;
            }

            if (state.GetNameOwner(id) is null)
            {
                return true;
            }

            if (nameProps is null || (nameProps.RegisteredAt is null) == (nameProps.ImportedAt is null))
            {
                return new BnsError(Panic);
            }

            return IsNameLeaseExpired(ns, name);
        }

        private R<UInt128> LeaseStartedAt(NamespaceRecord ns, NameProperties name)
        {
            if (ns.LaunchedAt is not { } launchedAt)
            {
                if (_h >= ClarityMath.Add(ns.RevealedAt, BnsConstants.NamespaceLaunchabilityTtl))
                {
                    return new BnsError(NamespacePreorderLaunchabilityExpired);
                }

                return name.ImportedAt ?? throw new ClarityRuntimeException("Panic");
            }

            if ((name.RegisteredAt is null) == (name.ImportedAt is null))
            {
                return new BnsError(Panic);
            }

            if (name.RegisteredAt is { } registeredAt)
            {
                return registeredAt;
            }

            var importedAt = name.ImportedAt!.Value;
            return ns.RevealedAt <= importedAt && importedAt <= launchedAt ? launchedAt : UInt128.Zero;
        }

        private R<bool> IsNameLeaseExpired(Buff ns, Buff name)
        {
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            var nameProps = state.GetNameProperties(new NameId(ns, name));
            if (nameProps is null)
            {
                return new BnsError(NameNotFound);
            }

            var start = LeaseStartedAt(props, nameProps);
            if (start.IsErr)
            {
                return new BnsError(start.Error!.Value);
            }

            return props.Lifetime != 0 && _h > ClarityMath.Add(props.Lifetime, start.Value);
        }

        private R<bool> IsNameInGracePeriod(Buff ns, Buff name)
        {
            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            var nameProps = state.GetNameProperties(new NameId(ns, name));
            if (nameProps is null)
            {
                return new BnsError(NameNotFound);
            }

            var start = LeaseStartedAt(props, nameProps);
            if (start.IsErr)
            {
                return new BnsError(start.Error!.Value);
            }

            if (props.Lifetime == 0)
            {
                return false;
            }

            var end = ClarityMath.Add(props.Lifetime, start.Value);
            return _h > end && _h <= ClarityMath.Add(end, BnsConstants.NameGracePeriodDuration);
        }

        /// <summary>name-resolve's error code, or null when it would return ok.</summary>
        public int? ResolveCheck(Buff ns, Buff name)
        {
            var r = NameResolveChecks(ns, name, out _, out _, out _, out _);
            return r;
        }

        private R<ClarityValue> NameResolve(Buff ns, Buff name)
        {
            if (NameResolveChecks(ns, name, out var owner, out var nameProps, out var props, out var start) is { } error)
            {
                return new BnsError(error);
            }

            return Tuple(
                ("zonefile-hash", new ClarityBuffer(nameProps!.ZonefileHash.ToArray())),
                ("owner", new ClarityPrincipal(owner!)),
                ("lease-started-at", Uint(start)),
                ("lease-ending-at", props!.Lifetime == 0 ? ClarityOptional.None : new ClarityOptional(Uint(ClarityMath.Add(start, props.Lifetime)))));
        }

        private int? NameResolveChecks(Buff ns, Buff name, out Principal? owner, out NameProperties? nameProps, out NamespaceRecord? props, out UInt128 startAt)
        {
            startAt = 0;
            props = null;
            nameProps = null;
            var id = new NameId(ns, name);
            owner = state.GetNameOwner(id);
            if (owner is null)
            {
                return NameNotFound;
            }

            nameProps = state.GetNameProperties(id);
            if (nameProps is null)
            {
                return NameNotFound;
            }

            props = state.GetNamespace(ns);
            if (props is null)
            {
                return NamespaceNotFound;
            }

            var start = LeaseStartedAt(props, nameProps);
            if (start.IsErr)
            {
                return start.Error!.Value;
            }

            startAt = start.Value;
            var grace = IsNameInGracePeriod(ns, name);
            if (grace.IsErr || grace.Value)
            {
                return grace.Error ?? NameGracePeriod;
            }

            var expired = IsNameLeaseExpired(ns, name);
            if (expired.IsErr || expired.Value)
            {
                return expired.Error ?? NameExpired;
            }

            if (nameProps.RevokedAt is not null)
            {
                return NameRevoked;
            }

            return null;
        }


        private ClarityResponse ResolvePrincipal(Principal owner)
        {
            if (state.GetOwnerName(owner) is not { } id)
            {
                return new ClarityResponse(false, Tuple(("code", new ClarityInt(NameNotFound)), ("name", ClarityOptional.None)));
            }

            var resolved = NameResolve(id.Namespace, id.Name);
            if (resolved.IsErr)
            {
                return new ClarityResponse(false, Tuple(("code", new ClarityInt(resolved.Error!.Value)), ("name", new ClarityOptional(BnsClarity.NameKey(id)))));
            }

            return new ClarityResponse(true, BnsClarity.NameKey(id));
        }

        private R<bool> CanReceiveName(Principal owner)
        {
            if (state.GetOwnerName(owner) is not { } current)
            {
                return true;
            }

            if (IsNamespaceAvailable(current.Namespace))
            {
                return true;
            }

            var expired = IsNameLeaseExpired(current.Namespace, current.Name);
            if (expired.IsErr || expired.Value)
            {
                return expired;
            }

            var nameProps = state.GetNameProperties(current) ?? throw new ClarityRuntimeException("Panic");
            return nameProps.RevokedAt is not null;
        }

        private R<Preconditions> CheckNameOpsPreconditions(Buff ns, Buff name)
        {
            var id = new NameId(ns, name);
            var owner = state.GetNameOwner(id);
            if (owner is null)
            {
                return new BnsError(NameNotFound);
            }

            var props = state.GetNamespace(ns);
            if (props is null)
            {
                return new BnsError(NamespaceNotFound);
            }

            var nameProps = state.GetNameProperties(id);
            if (nameProps is null)
            {
                return new BnsError(NameNotFound);
            }

            if (props.LaunchedAt is null)
            {
                return new BnsError(NamespaceNotLaunched);
            }

            if (owner != sender)
            {
                return new BnsError(NameOperationUnauthorized);
            }

            var grace = IsNameInGracePeriod(ns, name);
            if (grace.IsErr || grace.Value)
            {
                return new BnsError(grace.Error ?? NameGracePeriod);
            }

            var expired = IsNameLeaseExpired(ns, name);
            if (expired.IsErr || expired.Value)
            {
                return new BnsError(expired.Error ?? NameExpired);
            }

            if (nameProps.RevokedAt is not null)
            {
                return new BnsError(NameRevoked);
            }

            return new Preconditions(props, nameProps, owner);
        }

        private R<ClarityValue> GetNamespaceProperties(Buff ns)
        {
            var props = state.GetNamespace(ns);
            return props is null
                ? new BnsError(NamespaceNotFound)
                : Tuple(("namespace", new ClarityBuffer(ns.ToArray())), ("properties", BnsClarity.Namespace(props)));
        }

        // ---- private helpers --------------------------------------------------------------------

        private bool TryBurn(UInt128 amount)
        {
            if (state.GetSpendableStx(sender) < amount)
            {
                return false;
            }

            state.BurnStx(sender, amount);
            Events.Add(new StxBurnEvent(sender, amount));
            return true;
        }

        private R<bool> MintOrTransfer(NameId id, Principal beneficiary)
        {
            var current = state.GetNameOwner(id);
            var canReceive = CanReceiveName(beneficiary);
            if (canReceive.IsErr)
            {
                return canReceive;
            }

            if (!canReceive.Value)
            {
                return new BnsError(PrincipalAlreadyAssociated);
            }

            if (current is null)
            {
                state.SetNameOwner(id, beneficiary);
                Events.Add(new NameMintEvent(id, beneficiary));
                state.SetOwnerName(beneficiary, id);
                return true;
            }

            UpdateOwnership(id, current, beneficiary);
            return true;
        }

        private void UpdateOwnership(NameId id, Principal from, Principal to)
        {
            if (from == to)
            {
                return;
            }

            state.SetNameOwner(id, to);
            Events.Add(new NameTransferEvent(id, from, to));
            state.DeleteOwnerName(from);
            state.SetOwnerName(to, id);
        }

        private void UpdateZonefileAndProps(NameId id, UInt128? registeredAt, UInt128? importedAt, UInt128? revokedAt, Buff zonefileHash, string op, NameOperation operation, Principal owner)
        {
            var index = state.GetAttachmentIndex();
            Events.Add(new PrintEvent(Tuple(("attachment", Tuple(
                ("hash", new ClarityBuffer(zonefileHash.ToArray())),
                ("attachment-index", Uint(index)),
                ("metadata", Tuple(
                    ("name", new ClarityBuffer(id.Name.ToArray())),
                    ("namespace", new ClarityBuffer(id.Namespace.ToArray())),
                    ("tx-sender", new ClarityPrincipal(sender)),
                    ("op", new ClarityStringAscii(op)))))))));
            state.SetAttachmentIndex(ClarityMath.Add(UInt128.One, index));
            state.SetNameProperties(id, new NameProperties(registeredAt, importedAt, revokedAt, zonefileHash));
            Changes.Add(new NameChange(id, operation, owner, zonefileHash));
        }

        private static Buff Hash(Buff data) => new(Hash160.Of(data.Span).ToArray());

        private static ClarityResponse Ok(ClarityValue v) => new ClarityResponse(true, v);

        private static ClarityResponse Resp<T>(R<T> r, Func<T, ClarityValue> ok) =>
            r.IsErr ? new ClarityResponse(false, new ClarityInt(r.Error!.Value)) : new ClarityResponse(true, ok(r.Value));

        private static ClarityValue Uint(UInt128 v) => new ClarityUInt(v);

        private static ClarityValue Bool(bool v) => v ? ClarityBool.True : ClarityBool.False;

        private static ClarityTuple Tuple(params (string Key, ClarityValue Value)[] fields) =>
            new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
    }

    private sealed record Preconditions(NamespaceRecord NamespaceProps, NameProperties NameProps, Principal Owner)
    {
        public ClarityTuple ToClarity() => new ClarityTuple(
        [
            KeyValuePair.Create("namespace-props", BnsClarity.Namespace(NamespaceProps)),
            KeyValuePair.Create("name-props", BnsClarity.NameProps(NameProps)),
            KeyValuePair.Create("owner", (ClarityValue)new ClarityPrincipal(Owner)),
        ]);
    }
}
