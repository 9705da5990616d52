using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Burnchain;
using Blockstack.Stacks;

namespace Blockstack.Mining;

/// <summary>The miner's BTC key with its address and script, and its Stacks block-signing key.</summary>
public sealed class MinerKeys
{
    private readonly byte[] _secret;

    internal MinerKeys(byte[] secret, bool compressed, bool segwit, BurnchainParameters network, StacksPrivateKey stacksKey)
    {
        _secret = secret;
        Compressed = compressed;
        Segwit = segwit;
        StacksKey = stacksKey;
        var secp = Secp256k1.Default;
        PublicKey = secp.GetPublicKey(secret, compressed);
        var hash = Hashes.Hash160(PublicKey);
        Script = segwit ? BitcoinAddress.WitnessProgram(0, hash) : StandardScripts.PayToPubKeyHash(hash);
        Address = BitcoinAddress.TryEncode(Script, network.Bitcoin, out var address)
            ? address
            : throw new InvalidOperationException("cannot encode the miner's address");
    }

    public ReadOnlySpan<byte> PrivateKey => _secret;

    public bool Compressed { get; }

    public bool Segwit { get; }

    public byte[] PublicKey { get; }

    /// <summary>The scriptPubKey the miner's coins and change use.</summary>
    public byte[] Script { get; }

    /// <summary>The miner's BTC address (base58 P2PKH or bech32 P2WPKH).</summary>
    public string Address { get; }

    /// <summary>The descriptor bitcoind watches, with its BIP 380 checksum: <c>addr(ADDRESS)#xxxxxxxx</c>.</summary>
    public string Descriptor => DescriptorChecksum.Append($"addr({Address})");

    public StacksPrivateKey StacksKey { get; }

    public override string ToString() => $"MinerKeys({Address})";
}
