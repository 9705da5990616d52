using System.Runtime.InteropServices;

namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// <see cref="ISecp256k1"/> on the system's libsecp256k1 (Bitcoin Core's library; Debian package
/// <c>libsecp256k1-1</c>, built with the recovery, extrakeys and schnorrsig modules), roughly ten
/// times faster than the BouncyCastle backend. Loaded at run time when present; callers get it
/// through <see cref="Secp256k1.Default"/>, which falls back to <see cref="BouncySecp256k1"/>.
/// Both backends answer identically (the tests cross-check them): RFC 6979 nonces, low-S
/// signing, high-S accepted on verification unless asked otherwise, hybrid keys accepted.
/// </summary>
public sealed unsafe class NativeSecp256k1 : ISecp256k1
{
    private const int ScalarSize = 32;
    private const int PubKeyStructSize = 64;
    private const int SignatureStructSize = 64;
    private const int RecoverableStructSize = 65;
    private const int KeypairStructSize = 96;
    private const uint ContextSignAndVerify = 0x0301;
    private const uint Compressed = 0x0102;
    private const uint Uncompressed = 0x0002;

    private static readonly string[] LibraryNames = ["libsecp256k1.so.1", "libsecp256k1.so.2", "libsecp256k1.so", "libsecp256k1.dylib", "secp256k1"];

    private readonly nint _context;
    private readonly Functions _f;

    private NativeSecp256k1(nint context, Functions functions)
    {
        _context = context;
        _f = functions;
    }

    /// <summary>The backend, or null when no usable libsecp256k1 is installed.</summary>
    public static NativeSecp256k1? Instance { get; } = TryLoad();

    public bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != ScalarSize)
        {
            return false;
        }

        fixed (byte* key = privateKey)
        {
            return _f.SeckeyVerify(_context, key) == 1;
        }
    }

    public byte[] GetPublicKey(ReadOnlySpan<byte> privateKey, bool compressed)
    {
        RequirePrivateKey(privateKey);
        var pubkey = stackalloc byte[PubKeyStructSize];
        fixed (byte* key = privateKey)
        {
            if (_f.PubkeyCreate(_context, pubkey, key) != 1)
            {
                throw new ArgumentException("not a valid secp256k1 private key", nameof(privateKey));
            }
        }

        return Serialize(pubkey, compressed);
    }

    public bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
    {
        var pubkey = stackalloc byte[PubKeyStructSize];
        return Parse(publicKey, pubkey);
    }

    public byte[]? NormalizePublicKey(ReadOnlySpan<byte> publicKey, bool compressed)
    {
        var pubkey = stackalloc byte[PubKeyStructSize];
        return Parse(publicKey, pubkey) ? Serialize(pubkey, compressed) : null;
    }

    public EcdsaSignature SignEcdsa(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> hash32)
    {
        RequirePrivateKey(privateKey);
        RequireLength(hash32, ScalarSize, nameof(hash32));
        var signature = stackalloc byte[RecoverableStructSize];
        Span<byte> compact = stackalloc byte[64];
        int recoveryId;
        fixed (byte* key = privateKey)
        fixed (byte* hash = hash32)
        fixed (byte* output = compact)
        {
            // A null nonce function selects RFC 6979; libsecp256k1 always signs with low S.
            if (_f.SignRecoverable(_context, signature, hash, key, 0, 0) != 1)
            {
                throw new ArgumentException("not a valid secp256k1 private key", nameof(privateKey));
            }

            _f.RecoverableSerializeCompact(_context, output, &recoveryId, signature);
        }

        return new EcdsaSignature(new Hash256(compact[..32]), new Hash256(compact[32..]), recoveryId);
    }

    public bool VerifyEcdsa(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash32, EcdsaSignature signature, bool requireLowS = false)
    {
        if (hash32.Length != ScalarSize)
        {
            return false;
        }

        var pubkey = stackalloc byte[PubKeyStructSize];
        if (!Parse(publicKey, pubkey))
        {
            return false;
        }

        Span<byte> compact = stackalloc byte[64];
        signature.WriteCompact(compact);
        var parsed = stackalloc byte[SignatureStructSize];
        fixed (byte* input = compact)
        fixed (byte* hash = hash32)
        {
            if (_f.SignatureParseCompact(_context, parsed, input) != 1)
            {
                return false;
            }

            // libsecp256k1 verifies only low-S signatures; normalize returns 1 when S was high.
            var wasHigh = _f.SignatureNormalize(_context, parsed, parsed) == 1;
            if (wasHigh && requireLowS)
            {
                return false;
            }

            return _f.Verify(_context, parsed, hash, pubkey) == 1;
        }
    }

    public byte[]? RecoverPublicKey(ReadOnlySpan<byte> hash32, EcdsaSignature signature, int recoveryId, bool compressed)
    {
        if (hash32.Length != ScalarSize || recoveryId is < 0 or > 3)
        {
            return null;
        }

        Span<byte> compact = stackalloc byte[64];
        signature.WriteCompact(compact);
        var parsed = stackalloc byte[RecoverableStructSize];
        var pubkey = stackalloc byte[PubKeyStructSize];
        fixed (byte* input = compact)
        fixed (byte* hash = hash32)
        {
            if (_f.RecoverableParseCompact(_context, parsed, input, recoveryId) != 1
                || _f.Recover(_context, pubkey, parsed, hash) != 1)
            {
                return null;
            }
        }

        return Serialize(pubkey, compressed);
    }

    public byte[] SignSchnorr(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> auxRand32)
    {
        RequirePrivateKey(privateKey);
        RequireLength(auxRand32, ScalarSize, nameof(auxRand32));
        if (message32.Length != ScalarSize)
        {
            // BIP340 allows other lengths; the BouncyCastle backend implements them.
            return BouncySecp256k1.Instance.SignSchnorr(privateKey, message32, auxRand32);
        }

        var keypair = stackalloc byte[KeypairStructSize];
        var signature = new byte[64];
        fixed (byte* key = privateKey)
        fixed (byte* message = message32)
        fixed (byte* aux = auxRand32)
        fixed (byte* output = signature)
        {
            if (_f.KeypairCreate(_context, keypair, key) != 1 || _f.SchnorrSign32(_context, output, message, keypair, aux) != 1)
            {
                throw new ArgumentException("not a valid secp256k1 private key", nameof(privateKey));
            }
        }

        return signature;
    }

    public bool VerifySchnorr(ReadOnlySpan<byte> xOnlyPublicKey, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> signature64)
    {
        if (xOnlyPublicKey.Length != ScalarSize || signature64.Length != 64)
        {
            return false;
        }

        var xonly = stackalloc byte[PubKeyStructSize];
        fixed (byte* input = xOnlyPublicKey)
        fixed (byte* message = message32)
        fixed (byte* signature = signature64)
        {
            return _f.XonlyParse(_context, xonly, input) == 1
                && _f.SchnorrVerify(_context, signature, message, (nuint)message32.Length, xonly) == 1;
        }
    }

    public bool TryTweakXOnlyPublicKey(ReadOnlySpan<byte> xOnlyInternalKey, ReadOnlySpan<byte> tweak32, Span<byte> outputKey32, out bool outputKeyOddY)
    {
        outputKeyOddY = false;
        if (xOnlyInternalKey.Length != ScalarSize || tweak32.Length != ScalarSize || outputKey32.Length < ScalarSize)
        {
            return false;
        }

        var xonly = stackalloc byte[PubKeyStructSize];
        var tweaked = stackalloc byte[PubKeyStructSize];
        var tweakedXonly = stackalloc byte[PubKeyStructSize];
        int parity;
        fixed (byte* input = xOnlyInternalKey)
        fixed (byte* tweak = tweak32)
        fixed (byte* output = outputKey32)
        {
            if (_f.XonlyParse(_context, xonly, input) != 1
                || _f.XonlyTweakAdd(_context, tweaked, xonly, tweak) != 1
                || _f.XonlyFromPubkey(_context, tweakedXonly, &parity, tweaked) != 1)
            {
                return false;
            }

            _f.XonlySerialize(_context, output, tweakedXonly);
        }

        outputKeyOddY = parity == 1;
        return true;
    }

    public bool TryTweakPrivateKey(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> tweak32, Span<byte> tweakedKey32)
    {
        if (privateKey.Length != ScalarSize || tweak32.Length != ScalarSize || tweakedKey32.Length < ScalarSize)
        {
            return false;
        }

        var keypair = stackalloc byte[KeypairStructSize];
        fixed (byte* key = privateKey)
        fixed (byte* tweak = tweak32)
        fixed (byte* output = tweakedKey32)
        {
            return _f.KeypairCreate(_context, keypair, key) == 1
                && _f.KeypairXonlyTweakAdd(_context, keypair, tweak) == 1
                && _f.KeypairSec(_context, output, keypair) == 1;
        }
    }

    private bool Parse(ReadOnlySpan<byte> publicKey, byte* pubkey)
    {
        if (publicKey.Length is not (33 or 65))
        {
            return false;
        }

        fixed (byte* input = publicKey)
        {
            return _f.PubkeyParse(_context, pubkey, input, (nuint)publicKey.Length) == 1;
        }
    }

    private byte[] Serialize(byte* pubkey, bool compressed)
    {
        var output = new byte[compressed ? 33 : 65];
        var length = (nuint)output.Length;
        fixed (byte* o = output)
        {
            _f.PubkeySerialize(_context, o, &length, pubkey, compressed ? Compressed : Uncompressed);
        }

        return output;
    }

    private void RequirePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (!IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException("not a valid secp256k1 private key", nameof(privateKey));
        }
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes", name);
        }
    }

    private static NativeSecp256k1? TryLoad()
    {
        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, typeof(NativeSecp256k1).Assembly, null, out var library))
            {
                continue;
            }

            if (Functions.TryBind(library, out var functions))
            {
                var context = functions.ContextCreate(ContextSignAndVerify);
                if (context != 0)
                {
                    return new NativeSecp256k1(context, functions);
                }
            }

            NativeLibrary.Free(library);
        }

        return null;
    }

    /// <summary>The library's entry points, bound once (a build without a module is not used).</summary>
    private sealed class Functions
    {
        public delegate* unmanaged<uint, nint> ContextCreate;
        public delegate* unmanaged<nint, byte*, int> SeckeyVerify;
        public delegate* unmanaged<nint, byte*, byte*, int> PubkeyCreate;
        public delegate* unmanaged<nint, byte*, byte*, nuint, int> PubkeyParse;
        public delegate* unmanaged<nint, byte*, nuint*, byte*, uint, int> PubkeySerialize;
        public delegate* unmanaged<nint, byte*, byte*, int> SignatureParseCompact;
        public delegate* unmanaged<nint, byte*, byte*, int> SignatureNormalize;
        public delegate* unmanaged<nint, byte*, byte*, byte*, int> Verify;
        public delegate* unmanaged<nint, byte*, byte*, byte*, nint, nint, int> SignRecoverable;
        public delegate* unmanaged<nint, byte*, int*, byte*, int> RecoverableSerializeCompact;
        public delegate* unmanaged<nint, byte*, byte*, int, int> RecoverableParseCompact;
        public delegate* unmanaged<nint, byte*, byte*, byte*, int> Recover;
        public delegate* unmanaged<nint, byte*, byte*, int> KeypairCreate;
        public delegate* unmanaged<nint, byte*, byte*, int> KeypairSec;
        public delegate* unmanaged<nint, byte*, byte*, int> KeypairXonlyTweakAdd;
        public delegate* unmanaged<nint, byte*, byte*, byte*, byte*, int> SchnorrSign32;
        public delegate* unmanaged<nint, byte*, byte*, nuint, byte*, int> SchnorrVerify;
        public delegate* unmanaged<nint, byte*, byte*, int> XonlyParse;
        public delegate* unmanaged<nint, byte*, byte*, int> XonlySerialize;
        public delegate* unmanaged<nint, byte*, byte*, byte*, int> XonlyTweakAdd;
        public delegate* unmanaged<nint, byte*, int*, byte*, int> XonlyFromPubkey;

        public static bool TryBind(nint library, out Functions functions)
        {
            functions = new Functions();
            var ok = true;
            nint Get(string name)
            {
                if (NativeLibrary.TryGetExport(library, name, out var address))
                {
                    return address;
                }

                ok = false;
                return 0;
            }

            functions.ContextCreate = (delegate* unmanaged<uint, nint>)Get("secp256k1_context_create");
            functions.SeckeyVerify = (delegate* unmanaged<nint, byte*, int>)Get("secp256k1_ec_seckey_verify");
            functions.PubkeyCreate = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_ec_pubkey_create");
            functions.PubkeyParse = (delegate* unmanaged<nint, byte*, byte*, nuint, int>)Get("secp256k1_ec_pubkey_parse");
            functions.PubkeySerialize = (delegate* unmanaged<nint, byte*, nuint*, byte*, uint, int>)Get("secp256k1_ec_pubkey_serialize");
            functions.SignatureParseCompact = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_ecdsa_signature_parse_compact");
            functions.SignatureNormalize = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_ecdsa_signature_normalize");
            functions.Verify = (delegate* unmanaged<nint, byte*, byte*, byte*, int>)Get("secp256k1_ecdsa_verify");
            functions.SignRecoverable = (delegate* unmanaged<nint, byte*, byte*, byte*, nint, nint, int>)Get("secp256k1_ecdsa_sign_recoverable");
            functions.RecoverableSerializeCompact = (delegate* unmanaged<nint, byte*, int*, byte*, int>)Get("secp256k1_ecdsa_recoverable_signature_serialize_compact");
            functions.RecoverableParseCompact = (delegate* unmanaged<nint, byte*, byte*, int, int>)Get("secp256k1_ecdsa_recoverable_signature_parse_compact");
            functions.Recover = (delegate* unmanaged<nint, byte*, byte*, byte*, int>)Get("secp256k1_ecdsa_recover");
            functions.KeypairCreate = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_keypair_create");
            functions.KeypairSec = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_keypair_sec");
            functions.KeypairXonlyTweakAdd = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_keypair_xonly_tweak_add");
            functions.SchnorrSign32 = (delegate* unmanaged<nint, byte*, byte*, byte*, byte*, int>)Get("secp256k1_schnorrsig_sign32");
            functions.SchnorrVerify = (delegate* unmanaged<nint, byte*, byte*, nuint, byte*, int>)Get("secp256k1_schnorrsig_verify");
            functions.XonlyParse = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_xonly_pubkey_parse");
            functions.XonlySerialize = (delegate* unmanaged<nint, byte*, byte*, int>)Get("secp256k1_xonly_pubkey_serialize");
            functions.XonlyTweakAdd = (delegate* unmanaged<nint, byte*, byte*, byte*, int>)Get("secp256k1_xonly_pubkey_tweak_add");
            functions.XonlyFromPubkey = (delegate* unmanaged<nint, byte*, int*, byte*, int>)Get("secp256k1_xonly_pubkey_from_pubkey");
            return ok;
        }
    }
}

/// <summary>Chooses the secp256k1 backend.</summary>
public static class Secp256k1
{
    /// <summary>The native libsecp256k1 backend when it is installed, else BouncyCastle.</summary>
    public static ISecp256k1 Default { get; } = (ISecp256k1?)NativeSecp256k1.Instance ?? BouncySecp256k1.Instance;

    /// <summary>Every backend usable on this machine (BouncyCastle first).</summary>
    public static IReadOnlyList<ISecp256k1> Available { get; } =
        NativeSecp256k1.Instance is { } native ? [BouncySecp256k1.Instance, native] : [BouncySecp256k1.Instance];
}
