using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;

namespace Blockstack.Bitcoin.Signing;

/// <summary>Where the signer finds the private key for an input.</summary>
public interface ISigningKeySource
{
    /// <summary>The 32-byte private key for input <paramref name="inputIndex"/>, which spends <paramref name="spentOutput"/>; false if none.</summary>
    bool TryGetPrivateKey(int inputIndex, TxOut spentOutput, out ReadOnlyMemory<byte> privateKey);
}

/// <summary>One private key (or none) per input, by position.</summary>
public sealed class PerInputKeys : ISigningKeySource
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>?> _keys;

    public PerInputKeys(IReadOnlyList<ReadOnlyMemory<byte>?> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
    }

    public bool TryGetPrivateKey(int inputIndex, TxOut spentOutput, out ReadOnlyMemory<byte> privateKey)
    {
        privateKey = default;
        if (inputIndex < 0 || inputIndex >= _keys.Count || _keys[inputIndex] is not { } key)
        {
            return false;
        }

        privateKey = key;
        return true;
    }
}

/// <summary>
/// A set of private keys looked up by the scriptPubKey being spent: each key is indexed under
/// every template's script (P2PK and P2PKH both compressed and uncompressed, P2WPKH,
/// P2SH-P2WPKH, BIP86 P2TR).
/// </summary>
public sealed class KeyRing : ISigningKeySource
{
    private readonly ISecp256k1 _secp;
    private readonly Dictionary<string, byte[]> _byScript = new(StringComparer.Ordinal);

    public KeyRing(ISecp256k1 secp)
    {
        ArgumentNullException.ThrowIfNull(secp);
        _secp = secp;
    }

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> privateKey)
    {
        if (!_secp.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException("not a valid private key", nameof(privateKey));
        }

        var key = privateKey.ToArray();
        var compressed = _secp.GetPublicKey(key, compressed: true);
        var uncompressed = _secp.GetPublicKey(key, compressed: false);
        foreach (var template in Enum.GetValues<SpendTemplate>())
        {
            if (template == SpendTemplate.Unsupported)
            {
                continue;
            }

            _byScript[Convert.ToHexString(SpendScripts.GetScriptPubKey(_secp, template, compressed))] = key;
            if (template is SpendTemplate.PayToPubKey or SpendTemplate.PayToPubKeyHash)
            {
                _byScript[Convert.ToHexString(SpendScripts.GetScriptPubKey(_secp, template, uncompressed))] = key;
            }
        }

        Count++;
    }

    public bool TryGetPrivateKey(int inputIndex, TxOut spentOutput, out ReadOnlyMemory<byte> privateKey)
    {
        privateKey = default;
        if (!_byScript.TryGetValue(Convert.ToHexString(spentOutput.ScriptPubKey.Span), out var key))
        {
            return false;
        }

        privateKey = key;
        return true;
    }
}
