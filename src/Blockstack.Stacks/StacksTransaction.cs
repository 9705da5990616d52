using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Stacks;

/// <summary>
/// A Stacks transaction (SIP-005 wire format): version, chain id, auth, anchor mode, post-condition
/// mode, post-conditions, payload. Immutable; signing produces a new value.
/// </summary>
public sealed record StacksTransaction(
    TransactionVersion Version,
    uint ChainId,
    TransactionAuth Auth,
    AnchorMode AnchorMode,
    PostConditionMode PostConditionMode,
    IReadOnlyList<PostCondition> PostConditions,
    TransactionPayload Payload)
{
    public const uint MainnetChainId = 0x00000001;
    public const uint TestnetChainId = 0x80000000;

    /// <summary>The longest transaction accepted (2 MiB).</summary>
    public const int MaxSize = 2 * 1024 * 1024;

    public bool IsMainnet => Version == TransactionVersion.Mainnet;

    /// <summary>SHA-512/256 of the serialized transaction.</summary>
    public StacksTxid Txid => StacksTxid.Of(Serialize());

    public StacksAddress OriginAddress => Auth.Origin.Address(Version);

    public StacksAddress? SponsorAddress => Auth.Sponsor?.Address(Version);

    public byte[] Serialize()
    {
        var w = new StacksWriter(256);
        WriteTo(w);
        return w.ToArray();
    }

    public string ToHex() => Convert.ToHexStringLower(Serialize());

    public void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)Version);
        writer.WriteUInt32(ChainId);
        Auth.WriteTo(writer);
        writer.WriteByte((byte)AnchorMode);
        writer.WriteByte((byte)PostConditionMode);
        writer.WriteUInt32(checked((uint)PostConditions.Count));
        foreach (var pc in PostConditions)
        {
            pc.WriteTo(writer);
        }

        Payload.WriteTo(writer);
    }

    /// <summary>Decodes exactly one transaction filling <paramref name="bytes"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out StacksTransaction? transaction, out StacksError error)
    {
        transaction = null;
        if (bytes.Length > MaxSize)
        {
            error = new StacksError(StacksErrorCodes.TxTooLarge, $"transaction of {bytes.Length} bytes exceeds {MaxSize}");
            return false;
        }

        var reader = new SpanReader(bytes);
        if (!TryRead(ref reader, out transaction, out error))
        {
            return false;
        }

        if (!reader.IsEnd)
        {
            transaction = null;
            error = new StacksError(StacksErrorCodes.TrailingBytes, $"{reader.Remaining} bytes after the transaction");
            return false;
        }

        return true;
    }

    public static bool TryDecodeHex(string hex, [NotNullWhen(true)] out StacksTransaction? transaction, out StacksError error)
    {
        transaction = null;
        if (!HexUtil.TryParse(hex, out var bytes))
        {
            error = new StacksError(StacksErrorCodes.BadHex, "transaction is not hex");
            return false;
        }

        return TryDecode(bytes, out transaction, out error);
    }

    /// <summary>Reads one transaction from the reader's position (as a block's transaction list does).</summary>
    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out StacksTransaction? transaction, out StacksError error)
    {
        transaction = null;
        if (!reader.TryReadByte(out var version) || !reader.TryReadUInt32BigEndian(out var chainId))
        {
            error = StacksRead.Truncated("the transaction header");
            return false;
        }

        if (version is not ((byte)TransactionVersion.Mainnet or (byte)TransactionVersion.Testnet))
        {
            error = new StacksError(StacksErrorCodes.TxBadVersion, $"0x{version:x2} is not a transaction version");
            return false;
        }

        if (!TransactionAuth.TryRead(ref reader, out var auth, out error))
        {
            return false;
        }

        if (!reader.TryReadByte(out var anchor) || !reader.TryReadByte(out var pcMode))
        {
            error = StacksRead.Truncated("the anchor and post-condition modes");
            return false;
        }

        if (anchor is < 1 or > 3)
        {
            error = new StacksError(StacksErrorCodes.TxBadAnchorMode, $"0x{anchor:x2} is not an anchor mode");
            return false;
        }

        if (pcMode is not (1 or 2))
        {
            error = new StacksError(
                StacksErrorCodes.TxBadPostConditionMode,
                pcMode == 3 ? "post-condition mode 3 (originator) belongs to epoch 4.0+" : $"0x{pcMode:x2} is not a post-condition mode");
            return false;
        }

        if (!reader.TryReadUInt32BigEndian(out var pcCount))
        {
            error = StacksRead.Truncated("the post-condition count");
            return false;
        }

        if (pcCount > (uint)reader.Remaining)
        {
            error = new StacksError(StacksErrorCodes.TxTooManyItems, $"{pcCount} post-conditions cannot fit in the input");
            return false;
        }

        var conditions = new List<PostCondition>((int)pcCount);
        for (var i = 0; i < pcCount; i++)
        {
            if (!PostCondition.TryRead(ref reader, out var pc, out error))
            {
                return false;
            }

            conditions.Add(pc);
        }

        if (!TransactionPayload.TryRead(ref reader, out var payload, out error))
        {
            return false;
        }

        if (payload is CoinbasePayload or PoisonMicroblockPayload && anchor != (byte)AnchorMode.OnChainOnly)
        {
            error = new StacksError(StacksErrorCodes.TxBadAnchorForPayload, "coinbase and poison-microblock transactions must be on-chain only");
            return false;
        }

        transaction = new StacksTransaction((TransactionVersion)version, chainId, auth, (AnchorMode)anchor, (PostConditionMode)pcMode, conditions, payload);
        error = default;
        return true;
    }
}
