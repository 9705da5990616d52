namespace Blockstack.Bitcoin.Verification;

/// <summary>The outcome of verifying one input: valid, or a stable reason from <see cref="SpendErrors"/>.</summary>
public readonly record struct SpendResult(SpendTemplate Template, string? Error)
{
    public bool IsValid => Error is null;

    public static SpendResult Ok(SpendTemplate template) => new(template, null);

    public static SpendResult Fail(SpendTemplate template, string error) => new(template, error);

    public override string ToString() => IsValid ? $"ok ({Template})" : $"{Error} ({Template})";
}

/// <summary>The outcome of verifying every input of a transaction.</summary>
public sealed class TransactionSpendResult
{
    public TransactionSpendResult(IReadOnlyList<SpendResult> inputs, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Inputs = inputs;
        var first = -1;
        for (var i = 0; i < inputs.Count && error is null; i++)
        {
            if (!inputs[i].IsValid)
            {
                first = i;
                error = inputs[i].Error;
            }
        }

        FirstInvalidInput = first;
        Error = error;
    }

    /// <summary>One result per input (empty when the transaction-level check failed).</summary>
    public IReadOnlyList<SpendResult> Inputs { get; }

    /// <summary>Null when every input is valid; otherwise the first reason.</summary>
    public string? Error { get; }

    /// <summary>Index of the first invalid input, or -1 (also -1 for a transaction-level error).</summary>
    public int FirstInvalidInput { get; }

    public bool IsValid => Error is null;
}

/// <summary>Policy checks on top of consensus. Both default to off (consensus).</summary>
public sealed record SpendVerifierOptions(bool RequireLowS = false, bool RequireCompressedSegwitKeys = false)
{
    /// <summary>Consensus rules only (for the four templates).</summary>
    public static SpendVerifierOptions Consensus { get; } = new();

    /// <summary>Bitcoin Core's relay policy: LOW_S and WITNESS_PUBKEYTYPE.</summary>
    public static SpendVerifierOptions Standard { get; } = new(RequireLowS: true, RequireCompressedSegwitKeys: true);
}
