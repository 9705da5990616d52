using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Signing;

/// <summary>
/// Collects inputs (with the outputs they spend) and outputs, then builds the unsigned
/// transaction or signs it. Not thread-safe; one builder per transaction.
/// </summary>
public sealed class TransactionBuilder
{
    /// <summary>BIP125-signalling sequence, the wallet default.</summary>
    public const uint DefaultSequence = 0xfffffffd;

    private readonly List<TxIn> _inputs = [];
    private readonly List<TxOut> _spent = [];
    private readonly List<TxOut> _outputs = [];

    public int Version { get; set; } = 2;

    public uint LockTime { get; set; }

    public IReadOnlyList<TxOut> SpentOutputs => _spent;

    public IReadOnlyList<TxOut> Outputs => _outputs;

    public TransactionBuilder AddInput(OutPoint prevOut, TxOut spentOutput, uint sequence = DefaultSequence)
    {
        _inputs.Add(new TxIn(prevOut, ReadOnlyMemory<byte>.Empty, sequence));
        _spent.Add(spentOutput);
        return this;
    }

    public TransactionBuilder AddOutput(long value, ReadOnlyMemory<byte> scriptPubKey)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        _outputs.Add(new TxOut(value, scriptPubKey));
        return this;
    }

    public TransactionBuilder AddOutput(long value, string address, BitcoinNetwork network)
    {
        if (!BitcoinAddress.TryDecode(address, network, out var script, out var error))
        {
            throw new ArgumentException($"bad address: {error}", nameof(address));
        }

        return AddOutput(value, script);
    }

    public Transaction BuildUnsigned() => new(Version, _inputs, _outputs, LockTime);

    public SigningResult Sign(TransactionSigner signer, ISigningKeySource keys, SigningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return signer.Sign(BuildUnsigned(), _spent, keys, options);
    }

    /// <summary>Upper bound of the signed virtual size, from the spent outputs' templates.</summary>
    public int EstimateVirtualSize() =>
        SizeEstimator.EstimateVirtualSize(_spent.Select(o => Verification.SpendTemplates.FromScriptPubKey(o.ScriptPubKey.Span)).ToList(), _outputs);
}
