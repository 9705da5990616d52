using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Stacks;

public enum TransactionVersion : byte
{
    Mainnet = 0x00,
    Testnet = 0x80,
}

public enum AuthType : byte
{
    Standard = 0x04,
    Sponsored = 0x05,
}

public enum HashMode : byte
{
    P2pkh = 0x00,
    P2sh = 0x01,
    P2wpkh = 0x02,
    P2wsh = 0x03,
}

public enum KeyEncoding : byte
{
    Compressed = 0x00,
    Uncompressed = 0x01,
}

public enum AuthFieldType : byte
{
    PublicKeyCompressed = 0x00,
    PublicKeyUncompressed = 0x01,
    SignatureCompressed = 0x02,
    SignatureUncompressed = 0x03,
}

/// <summary>A recoverable secp256k1 signature as Stacks writes it: recovery id, r, s (65 bytes).</summary>
public readonly record struct MessageSignature(byte RecoveryId, Hash256 R, Hash256 S)
{
    public const int Size = 65;

    public static MessageSignature Empty => default;

    public bool IsEmpty => RecoveryId == 0 && R.IsZero && S.IsZero;

    public static MessageSignature FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException("a message signature is 65 bytes", nameof(bytes));
        }

        return new MessageSignature(bytes[0], new Hash256(bytes[1..33]), new Hash256(bytes[33..]));
    }

    public void WriteTo(Span<byte> destination)
    {
        destination[0] = RecoveryId;
        R.WriteTo(destination[1..]);
        S.WriteTo(destination[33..]);
    }

    public byte[] ToArray()
    {
        var b = new byte[Size];
        WriteTo(b);
        return b;
    }

    public string ToHex() => Convert.ToHexStringLower(ToArray());
}

/// <summary>One entry of a multi-sig condition: a public key (33 bytes on the wire) or a signature.</summary>
public sealed record TransactionAuthField(AuthFieldType Type, byte[]? PublicKey, MessageSignature Signature)
{
    public bool IsSignature => Type is AuthFieldType.SignatureCompressed or AuthFieldType.SignatureUncompressed;

    public KeyEncoding KeyEncoding => Type is AuthFieldType.PublicKeyCompressed or AuthFieldType.SignatureCompressed
        ? KeyEncoding.Compressed
        : KeyEncoding.Uncompressed;

    public static TransactionAuthField ForPublicKey(byte[] compressedKey33, KeyEncoding encoding) =>
        new(encoding == KeyEncoding.Compressed ? AuthFieldType.PublicKeyCompressed : AuthFieldType.PublicKeyUncompressed, compressedKey33, default);

    public static TransactionAuthField ForSignature(MessageSignature signature, KeyEncoding encoding) =>
        new(encoding == KeyEncoding.Compressed ? AuthFieldType.SignatureCompressed : AuthFieldType.SignatureUncompressed, null, signature);
}

/// <summary>Who pays and signs: hash mode, signer hash, nonce, fee and the signature material.</summary>
public abstract record SpendingCondition(HashMode HashMode, Hash160 Signer, ulong Nonce, ulong Fee)
{
    public bool IsMultiSig => HashMode is HashMode.P2sh or HashMode.P2wsh;

    /// <summary>The signer's address for a network: P2PKH gives the single-sig version, other modes the multi-sig one.</summary>
    public StacksAddress Address(TransactionVersion version) => new(
        HashMode == HashMode.P2pkh
            ? (version == TransactionVersion.Mainnet ? StacksAddressVersion.MainnetSingleSig : StacksAddressVersion.TestnetSingleSig)
            : (version == TransactionVersion.Mainnet ? StacksAddressVersion.MainnetMultiSig : StacksAddressVersion.TestnetMultiSig),
        Signer);

    /// <summary>The condition with nonce, fee and signatures cleared, as the initial sighash needs it.</summary>
    public abstract SpendingCondition Cleared();

    public abstract void WriteTo(StacksWriter writer);

    /// <summary>The sponsor placeholder of the initial sighash: P2PKH, zero signer, zero nonce and fee.</summary>
    public static SingleSigSpendingCondition InitialSighashSentinel { get; } =
        new(HashMode.P2pkh, Hash160.Zero, 0, 0, KeyEncoding.Compressed, MessageSignature.Empty);

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out SpendingCondition? condition, out StacksError error)
    {
        condition = null;
        if (!reader.TryReadByte(out var mode))
        {
            error = StacksRead.Truncated("a spending condition");
            return false;
        }

        if (mode is 0x05 or 0x07)
        {
            error = new StacksError(StacksErrorCodes.TxBadHashMode, $"hash mode 0x{mode:x2} is order-independent multi-sig (epoch 3.x), not accepted here");
            return false;
        }

        if (mode > 0x03)
        {
            error = new StacksError(StacksErrorCodes.TxBadHashMode, $"0x{mode:x2} is not a hash mode");
            return false;
        }

        var hashMode = (HashMode)mode;
        if (!StacksRead.TryHash160(ref reader, out var signer, out error))
        {
            return false;
        }

        if (!reader.TryReadUInt64BigEndian(out var nonce) || !reader.TryReadUInt64BigEndian(out var fee))
        {
            error = StacksRead.Truncated("a spending condition");
            return false;
        }

        if (hashMode is HashMode.P2pkh or HashMode.P2wpkh)
        {
            if (!reader.TryReadByte(out var enc) || !reader.TryReadBytes(MessageSignature.Size, out var sig))
            {
                error = StacksRead.Truncated("a single-sig spending condition");
                return false;
            }

            if (enc > 1)
            {
                error = new StacksError(StacksErrorCodes.TxBadKeyEncoding, $"0x{enc:x2} is not a key encoding");
                return false;
            }

            if (hashMode == HashMode.P2wpkh && enc != (byte)KeyEncoding.Compressed)
            {
                error = new StacksError(StacksErrorCodes.TxBadKeyEncoding, "P2WPKH requires a compressed key");
                return false;
            }

            condition = new SingleSigSpendingCondition(hashMode, signer, nonce, fee, (KeyEncoding)enc, MessageSignature.FromBytes(sig));
            return true;
        }

        if (!reader.TryReadUInt32BigEndian(out var count))
        {
            error = StacksRead.Truncated("multi-sig fields");
            return false;
        }

        if (count > (uint)reader.Remaining / 34)
        {
            error = new StacksError(StacksErrorCodes.TxTooManyItems, $"{count} auth fields cannot fit in the input");
            return false;
        }

        var fields = new List<TransactionAuthField>((int)count);
        var signatures = 0;
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadByte(out var fieldType))
            {
                error = StacksRead.Truncated("an auth field");
                return false;
            }

            switch (fieldType)
            {
                case (byte)AuthFieldType.PublicKeyCompressed:
                case (byte)AuthFieldType.PublicKeyUncompressed:
                    if (!reader.TryReadBytes(33, out var key))
                    {
                        error = StacksRead.Truncated("a public key");
                        return false;
                    }

                    if (key[0] is not (0x02 or 0x03))
                    {
                        error = new StacksError(StacksErrorCodes.TxBadAuthField, "an auth-field public key is a 33-byte compressed key");
                        return false;
                    }

                    fields.Add(new TransactionAuthField((AuthFieldType)fieldType, key.ToArray(), default));
                    break;
                case (byte)AuthFieldType.SignatureCompressed:
                case (byte)AuthFieldType.SignatureUncompressed:
                    if (!reader.TryReadBytes(MessageSignature.Size, out var s))
                    {
                        error = StacksRead.Truncated("a signature");
                        return false;
                    }

                    fields.Add(new TransactionAuthField((AuthFieldType)fieldType, null, MessageSignature.FromBytes(s)));
                    signatures++;
                    break;
                default:
                    error = new StacksError(StacksErrorCodes.TxBadAuthField, $"0x{fieldType:x2} is not an auth field type");
                    return false;
            }

            if (hashMode == HashMode.P2wsh && fields[^1].IsSignature && fields[^1].KeyEncoding == KeyEncoding.Uncompressed)
            {
                error = new StacksError(StacksErrorCodes.TxBadKeyEncoding, "P2WSH forbids signatures over uncompressed keys");
                return false;
            }
        }

        if (!reader.TryReadUInt16BigEndian(out var required))
        {
            error = StacksRead.Truncated("signatures required");
            return false;
        }

        if (signatures != required)
        {
            error = new StacksError(StacksErrorCodes.TxBadSignatureCount, $"{signatures} signatures given, {required} required");
            return false;
        }

        condition = new MultiSigSpendingCondition(hashMode, signer, nonce, fee, fields, required);
        error = default;
        return true;
    }
}

public sealed record SingleSigSpendingCondition(HashMode HashMode, Hash160 Signer, ulong Nonce, ulong Fee, KeyEncoding KeyEncoding, MessageSignature Signature)
    : SpendingCondition(HashMode, Signer, Nonce, Fee)
{
    public override SpendingCondition Cleared() => this with { Nonce = 0, Fee = 0, Signature = MessageSignature.Empty };

    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)HashMode);
        writer.WriteHash160(Signer);
        writer.WriteUInt64(Nonce);
        writer.WriteUInt64(Fee);
        writer.WriteByte((byte)KeyEncoding);
        Span<byte> sig = stackalloc byte[MessageSignature.Size];
        Signature.WriteTo(sig);
        writer.WriteBytes(sig);
    }
}

public sealed record MultiSigSpendingCondition(HashMode HashMode, Hash160 Signer, ulong Nonce, ulong Fee, IReadOnlyList<TransactionAuthField> Fields, ushort SignaturesRequired)
    : SpendingCondition(HashMode, Signer, Nonce, Fee)
{
    public override SpendingCondition Cleared() => this with { Nonce = 0, Fee = 0, Fields = [] };

    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)HashMode);
        writer.WriteHash160(Signer);
        writer.WriteUInt64(Nonce);
        writer.WriteUInt64(Fee);
        writer.WriteUInt32(checked((uint)Fields.Count));
        Span<byte> sig = stackalloc byte[MessageSignature.Size];
        foreach (var f in Fields)
        {
            writer.WriteByte((byte)f.Type);
            if (f.IsSignature)
            {
                f.Signature.WriteTo(sig);
                writer.WriteBytes(sig);
            }
            else
            {
                writer.WriteBytes(f.PublicKey);
            }
        }

        writer.WriteUInt16(SignaturesRequired);
    }
}

/// <summary>Standard (origin pays) or sponsored (a sponsor pays the fee and signs after the origin).</summary>
public sealed record TransactionAuth(SpendingCondition Origin, SpendingCondition? Sponsor)
{
    public AuthType Type => Sponsor is null ? AuthType.Standard : AuthType.Sponsored;

    /// <summary>The auth of the initial sighash: origin cleared; a sponsor replaced by the sentinel.</summary>
    public TransactionAuth ForInitialSighash() =>
        new(Origin.Cleared(), Sponsor is null ? null : SpendingCondition.InitialSighashSentinel);

    public void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)Type);
        Origin.WriteTo(writer);
        Sponsor?.WriteTo(writer);
    }

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out TransactionAuth? auth, out StacksError error)
    {
        auth = null;
        if (!reader.TryReadByte(out var type))
        {
            error = StacksRead.Truncated("the auth type");
            return false;
        }

        if (type is not ((byte)AuthType.Standard or (byte)AuthType.Sponsored))
        {
            error = new StacksError(StacksErrorCodes.TxBadAuthType, $"0x{type:x2} is not an auth type");
            return false;
        }

        if (!SpendingCondition.TryRead(ref reader, out var origin, out error))
        {
            return false;
        }

        SpendingCondition? sponsor = null;
        if (type == (byte)AuthType.Sponsored && !SpendingCondition.TryRead(ref reader, out sponsor, out error))
        {
            return false;
        }

        auth = new TransactionAuth(origin, sponsor);
        return true;
    }
}
