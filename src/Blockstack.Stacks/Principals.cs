namespace Blockstack.Stacks;

/// <summary>A Clarity principal: a standard address or a contract (<c>ADDR.name</c>).</summary>
public abstract record Principal
{
    public abstract StacksAddress Address { get; }

    /// <summary>Parses <c>SP...</c> or <c>SP....contract-name</c>.</summary>
    public static bool TryParse(string? text, out Principal? principal, out StacksError error)
    {
        principal = null;
        if (text is null)
        {
            error = new StacksError(StacksErrorCodes.ClarityBadPrincipal, "no principal given");
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var addressText = dot < 0 ? text : text[..dot];
        if (!StacksAddress.TryParse(addressText, out var address, out error))
        {
            return false;
        }

        if (dot < 0)
        {
            principal = new StandardPrincipal(address);
            return true;
        }

        var name = text[(dot + 1)..];
        if (!StacksNames.IsValidContractName(name))
        {
            error = new StacksError(StacksErrorCodes.BadContractName, $"'{name}' is not a contract name");
            return false;
        }

        principal = new ContractPrincipal(address, name);
        return true;
    }
}

public sealed record StandardPrincipal(StacksAddress Value) : Principal
{
    public override StacksAddress Address => Value;

    public override string ToString() => Value.ToString();
}

public sealed record ContractPrincipal(StacksAddress Issuer, string Name) : Principal
{
    public override StacksAddress Address => Issuer;

    public override string ToString() => $"{Issuer}.{Name}";
}
