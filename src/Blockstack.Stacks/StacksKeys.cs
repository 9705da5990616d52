using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Stacks;

/// <summary>
/// A secp256k1 private key as Stacks tools write it: 32 bytes hex means the public key is used
/// uncompressed; 33 bytes ending in <c>01</c> means compressed.
/// </summary>
public sealed record StacksPrivateKey
{
    private readonly byte[] _key;

    public StacksPrivateKey(ReadOnlySpan<byte> key32, bool compressed)
    {
        if (key32.Length != 32)
        {
            throw new ArgumentException("a private key is 32 bytes", nameof(key32));
        }

        _key = key32.ToArray();
        Compressed = compressed;
    }

    public bool Compressed { get; }

    public ReadOnlySpan<byte> Key => _key;

    public KeyEncoding KeyEncoding => Compressed ? KeyEncoding.Compressed : KeyEncoding.Uncompressed;

    public string ToHex() => Convert.ToHexStringLower(_key) + (Compressed ? "01" : string.Empty);

    public override string ToString() => "StacksPrivateKey(****)";

    public bool Equals(StacksPrivateKey? other) => other is not null && other.Compressed == Compressed && other._key.AsSpan().SequenceEqual(_key);

    public override int GetHashCode() => HashCode.Combine(Compressed, _key.Length);

    public static bool TryParse(string? hex, [NotNullWhen(true)] out StacksPrivateKey? key, out StacksError error)
    {
        key = null;
        if (!HexUtil.TryParse(hex, out var bytes))
        {
            error = new StacksError(StacksErrorCodes.SigBadPrivateKey, "private key is not hex");
            return false;
        }

        if (bytes.Length == 33 && bytes[32] == 0x01)
        {
            key = new StacksPrivateKey(bytes.AsSpan(0, 32), compressed: true);
        }
        else if (bytes.Length == 32)
        {
            key = new StacksPrivateKey(bytes, compressed: false);
        }
        else
        {
            error = new StacksError(StacksErrorCodes.SigBadPrivateKey, "a private key is 32 bytes, or 33 ending in 01 for a compressed public key");
            return false;
        }

        error = default;
        return true;
    }

    public byte[] PublicKey(ISecp256k1 curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return curve.GetPublicKey(_key, Compressed);
    }
}

/// <summary>Signer hashes (the Hash160 in an address) from public keys, per hash mode.</summary>
public static class StacksAddressHash
{
    /// <summary>
    /// P2PKH: Hash160(key). P2WPKH: Hash160(00 14 Hash160(key)). P2SH: Hash160(m-of-n CHECKMULTISIG
    /// script). P2WSH: Hash160(00 20 SHA256(script)). Keys are SEC1 bytes as they are to be hashed.
    /// </summary>
    public static Hash160 FromPublicKeys(HashMode mode, int signaturesRequired, IReadOnlyList<byte[]> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        switch (mode)
        {
            case HashMode.P2pkh:
                return Hash160.Of(publicKeys[0]);
            case HashMode.P2wpkh:
                {
                    Span<byte> program = stackalloc byte[22];
                    program[0] = 0x00;
                    program[1] = 0x14;
                    Hashes.Hash160(publicKeys[0], program[2..]);
                    return Hash160.Of(program);
                }

            case HashMode.P2sh:
                return Hash160.Of(MultisigScript(signaturesRequired, publicKeys));
            case HashMode.P2wsh:
                {
                    Span<byte> program = stackalloc byte[34];
                    program[0] = 0x00;
                    program[1] = 0x20;
                    Hashes.Sha256(MultisigScript(signaturesRequired, publicKeys), program[2..]);
                    return Hash160.Of(program);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }

    /// <summary><c>OP_m &lt;key&gt;... OP_n OP_CHECKMULTISIG</c>.</summary>
    public static byte[] MultisigScript(int required, IReadOnlyList<byte[]> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        var script = new List<byte>();
        PushInt(script, required);
        foreach (var key in publicKeys)
        {
            script.Add(checked((byte)key.Length));
            script.AddRange(key);
        }

        PushInt(script, publicKeys.Count);
        script.Add(0xae);
        return [.. script];
    }

    private static void PushInt(List<byte> script, int n)
    {
        if (n == 0)
        {
            script.Add(0x00);
        }
        else if (n is >= 1 and <= 16)
        {
            script.Add((byte)(0x50 + n));
        }
        else
        {
            // Minimal script-number push (little-endian, sign bit clear for positive values).
            var bytes = new List<byte>();
            var v = n;
            while (v > 0)
            {
                bytes.Add((byte)(v & 0xff));
                v >>= 8;
            }

            if ((bytes[^1] & 0x80) != 0)
            {
                bytes.Add(0);
            }

            script.Add((byte)bytes.Count);
            script.AddRange(bytes);
        }
    }
}
