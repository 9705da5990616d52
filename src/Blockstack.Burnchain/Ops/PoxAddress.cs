using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Scripts;

namespace Blockstack.Burnchain.Ops;

/// <summary>The Bitcoin output templates a burn operation may pay to.</summary>
public enum PoxAddressKind : byte
{
    P2pkh,
    P2sh,
    P2wpkh,
    P2wsh,
    P2tr,
}

/// <summary>
/// A Bitcoin output address as Stacks sees it (stacks-core's <c>PoxAddress</c>): legacy outputs
/// carry a Stacks version (22/20 mainnet, 26/21 testnet) and a hash160; segwit outputs carry their
/// witness program. Which network an output belongs to comes from the node's configuration,
/// because a scriptPubKey does not say.
/// </summary>
public readonly record struct PoxAddress(PoxAddressKind Kind, bool Mainnet, ByteString Hash)
{
    /// <summary>
    /// Legacy: the Stacks address version. Segwit: stacks-core's PoX address type byte
    /// (0x04 p2wpkh, 0x05 p2wsh, 0x06 p2tr).
    /// </summary>
    public byte Version => Kind switch
    {
        PoxAddressKind.P2pkh => StacksAddressValue.VersionFor(false, Mainnet),
        PoxAddressKind.P2sh => StacksAddressValue.VersionFor(true, Mainnet),
        PoxAddressKind.P2wpkh => 0x04,
        PoxAddressKind.P2wsh => 0x05,
        _ => 0x06,
    };

    public bool IsLegacy => Kind is PoxAddressKind.P2pkh or PoxAddressKind.P2sh;

    /// <summary>A burn address: any legacy output whose hash160 is 20 zero bytes, on any network.</summary>
    public bool IsBurn
    {
        get
        {
            if (!IsLegacy)
            {
                return false;
            }

            foreach (var b in Hash.Span)
            {
                if (b != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>"P2PKH" or "P2SH" for legacy outputs (the Stacks hash mode), null otherwise.</summary>
    public string? HashMode => Kind switch
    {
        PoxAddressKind.P2pkh => "P2PKH",
        PoxAddressKind.P2sh => "P2SH",
        _ => null,
    };

    /// <summary>The Stacks address of a legacy output; false for segwit outputs.</summary>
    public bool TryGetStacksAddress(out StacksAddressValue address)
    {
        address = default;
        if (!IsLegacy)
        {
            return false;
        }

        address = new StacksAddressValue(Version, new Hash160Bytes(Hash.Span));
        return true;
    }

    /// <summary>The "burnchain repr" stacks-core compares commit outputs by: <c>{version:02x}-{hash hex}</c>.</summary>
    public string ToBurnchainRepr() => $"{Version:x2}-{Hash.ToHex()}";

    /// <summary>The scriptPubKey this address pays to.</summary>
    public byte[] ToScriptPubKey() => Kind switch
    {
        PoxAddressKind.P2pkh => StandardScripts.PayToPubKeyHash(Hash.Span),
        PoxAddressKind.P2sh => StandardScripts.PayToScriptHash(Hash.Span),
        PoxAddressKind.P2wpkh => StandardScripts.PayToWitnessPubKeyHash(Hash.Span),
        PoxAddressKind.P2wsh => StandardScripts.PayToWitnessScriptHash(Hash.Span),
        _ => StandardScripts.PayToTaproot(Hash.Span),
    };

    /// <summary>The address of a legacy Stacks address's hash with the given kind.</summary>
    public static PoxAddress Legacy(bool scriptHash, bool mainnet, Hash160Bytes hash) =>
        new(scriptHash ? PoxAddressKind.P2sh : PoxAddressKind.P2pkh, mainnet, new ByteString(hash.ToArray()));

    /// <summary>
    /// Decodes an output script into an address; false for anything else (bare multisig, OP_RETURN,
    /// non-standard). <paramref name="legacyOnly"/> applies the pre-2.1 rule.
    /// </summary>
    public static bool TryFromScript(ReadOnlySpan<byte> script, bool mainnet, bool legacyOnly, out PoxAddress address)
    {
        address = default;
        if (!StandardScripts.TryGetDestinationHash(script, out var type, out var hash))
        {
            return false;
        }

        PoxAddressKind? kind = type switch
        {
            ScriptType.PubKeyHash => PoxAddressKind.P2pkh,
            ScriptType.ScriptHash => PoxAddressKind.P2sh,
            ScriptType.WitnessV0KeyHash when !legacyOnly => PoxAddressKind.P2wpkh,
            ScriptType.WitnessV0ScriptHash when !legacyOnly => PoxAddressKind.P2wsh,
            ScriptType.WitnessV1Taproot when !legacyOnly => PoxAddressKind.P2tr,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        address = new PoxAddress(kind.Value, mainnet, new ByteString(hash));
        return true;
    }

    /// <summary>The Bitcoin address text of this output on <paramref name="network"/>.</summary>
    public string ToBitcoinAddress(BitcoinNetwork network) =>
        BitcoinAddress.TryEncode(ToScriptPubKey(), network, out var text) ? text : ToBurnchainRepr();

    public override string ToString() => ToBurnchainRepr();
}
