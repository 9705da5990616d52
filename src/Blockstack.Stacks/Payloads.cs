using System.Diagnostics.CodeAnalysis;
using System.Text;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Serialization;

namespace Blockstack.Stacks;

public enum PayloadType : byte
{
    TokenTransfer = 0x00,
    SmartContract = 0x01,
    ContractCall = 0x02,
    PoisonMicroblock = 0x03,
    Coinbase = 0x04,
    CoinbaseToAltRecipient = 0x05,
    VersionedSmartContract = 0x06,
    TenureChange = 0x07,
    NakamotoCoinbase = 0x08,
}

public abstract record TransactionPayload
{
    public abstract PayloadType Type { get; }

    public abstract void WriteTo(StacksWriter writer);

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out TransactionPayload? payload, out StacksError error)
    {
        payload = null;
        if (!reader.TryReadByte(out var type))
        {
            error = StacksRead.Truncated("the payload type");
            return false;
        }

        switch ((PayloadType)type)
        {
            case PayloadType.TokenTransfer:
                {
                    if (!ClarityValue.TryReadPrincipal(ref reader, out var recipient, out error))
                    {
                        return false;
                    }

                    if (!reader.TryReadUInt64BigEndian(out var amount) || !reader.TryReadBytes(TokenTransferPayload.MemoSize, out var memo))
                    {
                        error = StacksRead.Truncated("a token transfer");
                        return false;
                    }

                    payload = new TokenTransferPayload(recipient, amount, memo.ToArray());
                    return true;
                }

            case PayloadType.SmartContract:
            case PayloadType.VersionedSmartContract:
                {
                    byte? version = null;
                    if (type == (byte)PayloadType.VersionedSmartContract)
                    {
                        if (!reader.TryReadByte(out var v))
                        {
                            error = StacksRead.Truncated("a Clarity version");
                            return false;
                        }

                        if (v is < 1 or > 4)
                        {
                            error = new StacksError(StacksErrorCodes.TxBadClarityVersion, $"{v} is not a Clarity version");
                            return false;
                        }

                        version = v;
                    }

                    if (!StacksRead.TryContractName(ref reader, out var name, out error))
                    {
                        return false;
                    }

                    if (!reader.TryReadUInt32BigEndian(out var length) || length > (uint)reader.Remaining || !reader.TryReadBytes((int)length, out var code))
                    {
                        error = StacksRead.Truncated("contract code");
                        return false;
                    }

                    foreach (var b in code)
                    {
                        if (!ClarityValue.IsClarityAscii(b))
                        {
                            error = new StacksError(StacksErrorCodes.TxBadCodeBody, $"contract code holds byte 0x{b:x2}");
                            return false;
                        }
                    }

                    payload = new SmartContractPayload(name, Encoding.ASCII.GetString(code), version);
                    error = default;
                    return true;
                }

            case PayloadType.ContractCall:
                {
                    if (!StacksRead.TryAddress(ref reader, out var address, out error)
                        || !StacksRead.TryContractName(ref reader, out var contract, out error)
                        || !StacksRead.TryClarityName(ref reader, out var function, out error))
                    {
                        return false;
                    }

                    if (!reader.TryReadUInt32BigEndian(out var count))
                    {
                        error = StacksRead.Truncated("function arguments");
                        return false;
                    }

                    if (count > (uint)reader.Remaining)
                    {
                        error = new StacksError(StacksErrorCodes.TxTooManyItems, $"{count} arguments cannot fit in the input");
                        return false;
                    }

                    var args = new List<ClarityValue>((int)count);
                    for (var i = 0; i < count; i++)
                    {
                        if (!ClarityValue.TryRead(ref reader, out var arg, out error, ClarityLimits.TransactionArgumentMaxDepth))
                        {
                            return false;
                        }

                        args.Add(arg);
                    }

                    payload = new ContractCallPayload(address, contract, function, args);
                    return true;
                }

            case PayloadType.PoisonMicroblock:
                {
                    if (!MicroblockHeader.TryRead(ref reader, out var h1, out error) || !MicroblockHeader.TryRead(ref reader, out var h2, out error))
                    {
                        return false;
                    }

                    payload = new PoisonMicroblockPayload(h1, h2);
                    return true;
                }

            case PayloadType.Coinbase:
            case PayloadType.CoinbaseToAltRecipient:
                {
                    if (!reader.TryReadHash256(out var buffer))
                    {
                        error = StacksRead.Truncated("a coinbase buffer");
                        return false;
                    }

                    Principal? recipient = null;
                    if (type == (byte)PayloadType.CoinbaseToAltRecipient && !ClarityValue.TryReadPrincipal(ref reader, out recipient, out error))
                    {
                        return false;
                    }

                    payload = new CoinbasePayload(buffer, recipient);
                    error = default;
                    return true;
                }

            case PayloadType.TenureChange:
                error = new StacksError(StacksErrorCodes.TxUnsupportedPayload, "payload 0x07 is a tenure change (epoch 3.0+), not accepted by epoch 2.1 rules");
                return false;
            case PayloadType.NakamotoCoinbase:
                error = new StacksError(StacksErrorCodes.TxUnsupportedPayload, "payload 0x08 is a Nakamoto coinbase (epoch 3.0+), not accepted by epoch 2.1 rules");
                return false;
            default:
                error = new StacksError(StacksErrorCodes.TxBadPayloadType, $"0x{type:x2} is not a payload type");
                return false;
        }
    }
}

public sealed record TokenTransferPayload(Principal Recipient, ulong Amount, byte[] Memo) : TransactionPayload
{
    public const int MemoSize = 34;

    public override PayloadType Type => PayloadType.TokenTransfer;

    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Memo.Length != MemoSize)
        {
            throw new InvalidOperationException("a token-transfer memo is 34 bytes");
        }

        writer.WriteByte((byte)Type);
        ClarityValue.WritePrincipal(writer, Recipient);
        writer.WriteUInt64(Amount);
        writer.WriteBytes(Memo);
    }

    /// <summary>Pads (or refuses) a memo text to the 34-byte field, as wallets do: UTF-8, zero-filled.</summary>
    public static byte[] MemoFromText(string? text)
    {
        var memo = new byte[MemoSize];
        if (!string.IsNullOrEmpty(text))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > MemoSize)
            {
                throw new ArgumentException("a memo is at most 34 bytes", nameof(text));
            }

            bytes.CopyTo(memo, 0);
        }

        return memo;
    }
}

/// <summary>A contract deployment; <see cref="ClarityVersion"/> is set for the versioned form (0x06).</summary>
public sealed record SmartContractPayload(string Name, string Code, byte? ClarityVersion) : TransactionPayload
{
    public override PayloadType Type => ClarityVersion is null ? PayloadType.SmartContract : PayloadType.VersionedSmartContract;

    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)Type);
        if (ClarityVersion is { } v)
        {
            writer.WriteByte(v);
        }

        writer.WriteName(Name);
        var code = Encoding.ASCII.GetBytes(Code);
        writer.WriteUInt32(checked((uint)code.Length));
        writer.WriteBytes(code);
    }
}

public sealed record ContractCallPayload(StacksAddress ContractAddress, string ContractName, string FunctionName, IReadOnlyList<ClarityValue> Arguments) : TransactionPayload
{
    public override PayloadType Type => PayloadType.ContractCall;

    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)Type);
        writer.WriteAddress(ContractAddress);
        writer.WriteName(ContractName);
        writer.WriteName(FunctionName);
        writer.WriteUInt32(checked((uint)Arguments.Count));
        foreach (var a in Arguments)
        {
            a.WriteTo(writer);
        }
    }
}

public sealed record PoisonMicroblockPayload(MicroblockHeader First, MicroblockHeader Second) : TransactionPayload
{
    public override PayloadType Type => PayloadType.PoisonMicroblock;

    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)Type);
        First.WriteTo(writer);
        Second.WriteTo(writer);
    }
}

/// <summary>Coinbase (0x04), or coinbase paying an alternative recipient (0x05) when <see cref="Recipient"/> is set.</summary>
public sealed record CoinbasePayload(Hash256 Buffer, Principal? Recipient) : TransactionPayload
{
    public override PayloadType Type => Recipient is null ? PayloadType.Coinbase : PayloadType.CoinbaseToAltRecipient;

    public override void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte((byte)Type);
        writer.WriteHash256(Buffer);
        if (Recipient is not null)
        {
            ClarityValue.WritePrincipal(writer, Recipient);
        }
    }
}
