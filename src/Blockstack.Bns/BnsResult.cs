using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>How a call ended.</summary>
public enum BnsCallStatus
{
    /// <summary><c>(ok …)</c>, or a read-only value: writes, burns and events are committed.</summary>
    Ok,

    /// <summary><c>(err …)</c>: all writes rolled back; the transaction is still mined and pays its fee.</summary>
    Err,

    /// <summary>A Clarity runtime error (overflow, underflow, division by zero): like Err but with no value.</summary>
    RuntimeError,

    /// <summary>Unknown function or arguments that do not type-check: the transaction is invalid.</summary>
    BadArguments,
}

/// <summary>The outcome of one contract call.</summary>
public sealed record BnsCallResult(
    BnsCallStatus Status,
    ClarityValue? Value,
    string? Error,
    IReadOnlyList<BnsEvent> Events,
    IReadOnlyList<NameChange> Changes)
{
    public static BnsCallResult BadArguments(string message) => new(BnsCallStatus.BadArguments, null, message, [], []);

    /// <summary>The Clarity representation, e.g. <c>(err 2004)</c>, or a runtime error's kind.</summary>
    public override string ToString() => Value?.ToRepr() ?? $"{Status}: {Error}";
}

/// <summary>An <c>err</c> code on its way out of a helper.</summary>
internal readonly record struct BnsError(int Code);

/// <summary>A helper's value or the <c>err</c> it returned (Clarity's <c>try!</c>).</summary>
internal readonly struct R<T>
{
    private R(T value, int? error)
    {
        Value = value;
        Error = error;
    }

    public T Value { get; }

    public int? Error { get; }

    public bool IsErr => Error is not null;

    public static implicit operator R<T>(T value) => new(value, null);

    public static implicit operator R<T>(BnsError error) => new(default!, error.Code);
}
