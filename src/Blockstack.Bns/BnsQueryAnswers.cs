namespace Blockstack.Bns;

/// <summary>Query answers both indexes (in-memory and chain-following) give the same way.</summary>
internal static class BnsQueryAnswers
{
    /// <summary>The contract's <c>get-name-price</c> result as a query answer.</summary>
    public static BnsQueryResult<UInt128> NamePrice(BnsCallResult r, NameId id) => r switch
    {
        { Value: Stacks.ClarityResponse { IsOk: true, Inner: Stacks.ClarityUInt price } } => price.Value,
        { Value: Stacks.ClarityResponse { IsOk: false } } => new BnsQueryError(BnsQueryErrors.NamespaceNotFound, $"namespace '{id.Namespace.ToAscii()}' does not exist"),
        _ => new BnsQueryError(BnsQueryErrors.PriceUndefined, $"the namespace's price function fails for '{id.Fqn}' ({r.Error})"),
    };

    public static BnsQueryResult<UInt128> NamespacePrice(Buff ns) =>
        ns.Length == 0
            ? new BnsQueryError(BnsQueryErrors.NamespaceInvalid, "namespace is empty")
            : BnsPricing.NamespacePrice(ns.Length);

    /// <summary>
    /// The contract's <c>can-name-be-registered</c> result as a query answer: null when the name can
    /// be registered, else why not (the namespace, read only then, decides which reason).
    /// </summary>
    public static BnsQueryResult<string?> CanRegister(BnsCallResult r, Func<NamespaceRecord?> namespaceRecord)
    {
        if (r.Value is Stacks.ClarityResponse { IsOk: true, Inner: Stacks.ClarityBool { Value: true } })
        {
            return (string?)null;
        }

        var ns = namespaceRecord();
        return ns is null ? "bns-namespace-not-found" : ns.LaunchedAt is null ? "bns-namespace-not-launched" : "bns-name-unavailable";
    }
}
