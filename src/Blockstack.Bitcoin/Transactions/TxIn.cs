namespace Blockstack.Bitcoin.Transactions;

/// <summary>
/// A transaction input: the outpoint it spends, its scriptSig, its sequence number and its witness
/// stack (empty for a legacy input). The byte fields are read-only views; they may share one buffer
/// with the transaction they were parsed from.
/// </summary>
public readonly struct TxIn
{
    public const uint SequenceFinal = uint.MaxValue;

    private readonly ReadOnlyMemory<byte>[]? _witness;

    public TxIn(OutPoint prevOut, ReadOnlyMemory<byte> scriptSig, uint sequence = SequenceFinal, IReadOnlyList<ReadOnlyMemory<byte>>? witness = null)
    {
        PrevOut = prevOut;
        ScriptSig = scriptSig;
        Sequence = sequence;
        _witness = witness is null || witness.Count == 0 ? null : [.. witness];
    }

    private TxIn(ReadOnlyMemory<byte>[]? witness, OutPoint prevOut, ReadOnlyMemory<byte> scriptSig, uint sequence)
    {
        PrevOut = prevOut;
        ScriptSig = scriptSig;
        Sequence = sequence;
        _witness = witness is { Length: 0 } ? null : witness;
    }

    /// <summary>Takes ownership of <paramref name="witness"/> (used by the parser; no copy).</summary>
    internal static TxIn Owning(OutPoint prevOut, ReadOnlyMemory<byte> scriptSig, uint sequence, ReadOnlyMemory<byte>[]? witness) =>
        new(witness, prevOut, scriptSig, sequence);

    public OutPoint PrevOut { get; }

    public ReadOnlyMemory<byte> ScriptSig { get; }

    public uint Sequence { get; }

    /// <summary>The witness stack, bottom first; empty when the input has no witness.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Witness => _witness ?? [];

    public bool HasWitness => _witness is not null;

    internal ReadOnlySpan<ReadOnlyMemory<byte>> WitnessSpan => _witness;
}
