using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Stacks;

public enum AnchorMode : byte
{
    OnChainOnly = 0x01,
    OffChainOnly = 0x02,
    Any = 0x03,
}

public enum PostConditionMode : byte
{
    Allow = 0x01,
    Deny = 0x02,
}

public enum FungibleConditionCode : byte
{
    SentEq = 0x01,
    SentGt = 0x02,
    SentGe = 0x03,
    SentLt = 0x04,
    SentLe = 0x05,
}

public enum NonfungibleConditionCode : byte
{
    Sent = 0x10,
    NotSent = 0x11,
}

/// <summary>Whose assets a post-condition is about: the origin (0x01), a standard (0x02) or a contract (0x03) principal.</summary>
public sealed record PostConditionPrincipal(Principal? Principal)
{
    public static PostConditionPrincipal Origin { get; } = new((Principal?)null);

    public bool IsOrigin => Principal is null;

    public override string ToString() => Principal?.ToString() ?? "origin";

    public void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Principal)
        {
            case null:
                writer.WriteByte(0x01);
                break;
            case StandardPrincipal s:
                writer.WriteByte(0x02);
                writer.WriteAddress(s.Value);
                break;
            case ContractPrincipal c:
                writer.WriteByte(0x03);
                writer.WriteAddress(c.Issuer);
                writer.WriteName(c.Name);
                break;
        }
    }

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out PostConditionPrincipal? principal, out StacksError error)
    {
        principal = null;
        if (!reader.TryReadByte(out var type))
        {
            error = StacksRead.Truncated("a post-condition principal");
            return false;
        }

        switch (type)
        {
            case 0x01:
                principal = Origin;
                error = default;
                return true;
            case 0x02:
                if (!StacksRead.TryAddress(ref reader, out var a, out error))
                {
                    return false;
                }

                principal = new PostConditionPrincipal(new StandardPrincipal(a));
                return true;
            case 0x03:
                if (!StacksRead.TryAddress(ref reader, out var issuer, out error) || !StacksRead.TryContractName(ref reader, out var name, out error))
                {
                    return false;
                }

                principal = new PostConditionPrincipal(new ContractPrincipal(issuer, name));
                return true;
            default:
                error = new StacksError(StacksErrorCodes.TxBadPostConditionPrincipal, $"0x{type:x2} is not a post-condition principal type");
                return false;
        }
    }
}

/// <summary>An asset class: the contract that defines it and the asset's name.</summary>
public sealed record AssetInfo(StacksAddress ContractAddress, string ContractName, string AssetName)
{
    public override string ToString() => $"{ContractAddress}.{ContractName}::{AssetName}";

    public void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteAddress(ContractAddress);
        writer.WriteName(ContractName);
        writer.WriteName(AssetName);
    }

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out AssetInfo? asset, out StacksError error)
    {
        asset = null;
        if (!StacksRead.TryAddress(ref reader, out var address, out error)
            || !StacksRead.TryContractName(ref reader, out var contract, out error)
            || !StacksRead.TryClarityName(ref reader, out var name, out error))
        {
            return false;
        }

        asset = new AssetInfo(address, contract, name);
        return true;
    }
}

public abstract record PostCondition(PostConditionPrincipal Principal)
{
    public abstract void WriteTo(StacksWriter writer);

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out PostCondition? condition, out StacksError error)
    {
        condition = null;
        if (!reader.TryReadByte(out var type))
        {
            error = StacksRead.Truncated("a post-condition");
            return false;
        }

        if (type > 0x02)
        {
            error = new StacksError(StacksErrorCodes.TxBadPostConditionType, $"0x{type:x2} is not a post-condition asset type");
            return false;
        }

        if (!PostConditionPrincipal.TryRead(ref reader, out var principal, out error))
        {
            return false;
        }

        AssetInfo? asset = null;
        if (type != 0x00 && !AssetInfo.TryRead(ref reader, out asset, out error))
        {
            return false;
        }

        if (type == 0x02)
        {
            if (!ClarityValue.TryRead(ref reader, out var assetValue, out error, ClarityLimits.TransactionArgumentMaxDepth))
            {
                return false;
            }

            if (!reader.TryReadByte(out var nftCode))
            {
                error = StacksRead.Truncated("a condition code");
                return false;
            }

            if (nftCode is not ((byte)NonfungibleConditionCode.Sent or (byte)NonfungibleConditionCode.NotSent))
            {
                error = new StacksError(StacksErrorCodes.TxBadConditionCode, $"0x{nftCode:x2} is not a non-fungible condition code");
                return false;
            }

            condition = new NonfungiblePostCondition(principal, asset!, assetValue, (NonfungibleConditionCode)nftCode);
            return true;
        }

        if (!reader.TryReadByte(out var code) || !reader.TryReadUInt64BigEndian(out var amount))
        {
            error = StacksRead.Truncated("a fungible post-condition");
            return false;
        }

        if (code is < (byte)FungibleConditionCode.SentEq or > (byte)FungibleConditionCode.SentLe)
        {
            error = new StacksError(StacksErrorCodes.TxBadConditionCode, $"0x{code:x2} is not a fungible condition code");
            return false;
        }

        condition = type == 0x00
            ? new StxPostCondition(principal, (FungibleConditionCode)code, amount)
            : new FungiblePostCondition(principal, asset!, (FungibleConditionCode)code, amount);
        return true;
    }
}

public sealed record StxPostCondition(PostConditionPrincipal Principal, FungibleConditionCode Code, ulong Amount) : PostCondition(Principal)
{
    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte(0x00);
        Principal.WriteTo(writer);
        writer.WriteByte((byte)Code);
        writer.WriteUInt64(Amount);
    }
}

public sealed record FungiblePostCondition(PostConditionPrincipal Principal, AssetInfo Asset, FungibleConditionCode Code, ulong Amount) : PostCondition(Principal)
{
    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte(0x01);
        Principal.WriteTo(writer);
        Asset.WriteTo(writer);
        writer.WriteByte((byte)Code);
        writer.WriteUInt64(Amount);
    }
}

public sealed record NonfungiblePostCondition(PostConditionPrincipal Principal, AssetInfo Asset, ClarityValue AssetValue, NonfungibleConditionCode Code) : PostCondition(Principal)
{
    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte(0x02);
        Principal.WriteTo(writer);
        Asset.WriteTo(writer);
        AssetValue.WriteTo(writer);
        writer.WriteByte((byte)Code);
    }
}
