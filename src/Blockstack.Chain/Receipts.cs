using Blockstack.Bitcoin.Serialization;
using Blockstack.Stacks;

namespace Blockstack.Chain;

/// <summary>How a transaction ended. Every status but <see cref="Success"/> keeps only the fee and nonce.</summary>
public enum TransactionStatus : byte
{
    Success = 0,

    /// <summary>The contract returned <c>(err …)</c>: effects rolled back.</summary>
    AbortByResponse = 1,

    /// <summary>A post-condition failed: effects rolled back.</summary>
    AbortByPostCondition = 2,
}

public enum ChainEventKind : byte
{
    StxTransfer = 0,
    StxMint = 1,
    StxBurn = 2,
    StxLock = 3,
    ContractEvent = 4,

    /// <summary>A native contract minted an NFT: recipient, asset identifier (memo, ASCII) and the asset's value.</summary>
    NftMint = 5,

    /// <summary>A native contract moved an NFT: sender, recipient, asset identifier (memo, ASCII) and the asset's value.</summary>
    NftTransfer = 6,
}

/// <summary>
/// An event a transaction emitted: STX transfer (sender, recipient, amount, memo), mint (recipient,
/// amount), burn (sender, amount), lock (sender, amount, unlock height), a contract event (a
/// Clarity value printed by a native contract, sender = the contract) or an NFT mint/transfer.
/// </summary>
public sealed record ChainEvent(ChainEventKind Kind, Principal? Sender, Principal? Recipient, UInt128 Amount, ulong UnlockHeight, byte[] Memo, ClarityValue? Value)
{
    public static ChainEvent Transfer(Principal sender, Principal recipient, UInt128 amount, byte[] memo) => new(ChainEventKind.StxTransfer, sender, recipient, amount, 0, memo, null);

    public static ChainEvent Mint(Principal recipient, UInt128 amount) => new(ChainEventKind.StxMint, null, recipient, amount, 0, [], null);

    public static ChainEvent Burn(Principal sender, UInt128 amount) => new(ChainEventKind.StxBurn, sender, null, amount, 0, [], null);

    public static ChainEvent Lock(Principal sender, UInt128 amount, ulong unlockHeight) => new(ChainEventKind.StxLock, sender, null, amount, unlockHeight, [], null);

    public static ChainEvent Contract(Principal contract, ClarityValue value) => new(ChainEventKind.ContractEvent, contract, null, 0, 0, [], value);

    /// <summary><c>nft_mint_event</c>: <paramref name="assetId"/> is e.g. <c>ST000000000000000000002AMW42H.bns::names</c>.</summary>
    public static ChainEvent NftMint(string assetId, Principal recipient, ClarityValue value) =>
        new(ChainEventKind.NftMint, null, recipient, 0, 0, System.Text.Encoding.ASCII.GetBytes(assetId), value);

    /// <summary><c>nft_transfer_event</c>.</summary>
    public static ChainEvent NftTransfer(string assetId, Principal sender, Principal recipient, ClarityValue value) =>
        new(ChainEventKind.NftTransfer, sender, recipient, 0, 0, System.Text.Encoding.ASCII.GetBytes(assetId), value);
}

/// <summary>
/// The outcome of one transaction (or burnchain STX operation) in a block: its Clarity result,
/// events, fee and status. Burn operations use the burnchain txid (display order) as their id.
/// </summary>
public sealed record TransactionReceipt(StacksTxid Txid, int Index, TransactionStatus Status, ClarityValue Result, IReadOnlyList<ChainEvent> Events, ulong Fee, bool IsBurnOperation)
{
    public bool IsSuccess => Status == TransactionStatus.Success;
}

/// <summary>Binary codec for receipts (docs/storage-layout.md).</summary>
public static class ReceiptCodec
{
    public static byte[] Encode(IReadOnlyList<TransactionReceipt> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var w = new StacksWriter(128 * (receipts.Count + 1));
        w.WriteUInt32(checked((uint)receipts.Count));
        foreach (var r in receipts)
        {
            w.WriteHash256(r.Txid.Hash);
            w.WriteUInt32(checked((uint)r.Index));
            w.WriteByte((byte)r.Status);
            w.WriteByte(r.IsBurnOperation ? (byte)1 : (byte)0);
            w.WriteUInt64(r.Fee);
            r.Result.WriteTo(w);
            w.WriteUInt32(checked((uint)r.Events.Count));
            foreach (var e in r.Events)
            {
                w.WriteByte((byte)e.Kind);
                WriteOptionalPrincipal(w, e.Sender);
                WriteOptionalPrincipal(w, e.Recipient);
                w.WriteUInt64((ulong)(e.Amount >> 64));
                w.WriteUInt64((ulong)e.Amount);
                w.WriteUInt64(e.UnlockHeight);
                w.WriteUInt32(checked((uint)e.Memo.Length));
                w.WriteBytes(e.Memo);
                if (e.Value is null)
                {
                    w.WriteByte(0);
                }
                else
                {
                    w.WriteByte(1);
                    e.Value.WriteTo(w);
                }
            }
        }

        return w.ToArray();
    }

    public static IReadOnlyList<TransactionReceipt> Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        var count = ReadU32(ref r);
        var list = new List<TransactionReceipt>((int)Math.Min(count, 100_000u));
        for (var i = 0; i < count; i++)
        {
            var txid = new StacksTxid(Read(ref r, 32, static s => new Blockstack.Bitcoin.Hash256(s)));
            var index = (int)ReadU32(ref r);
            var status = (TransactionStatus)ReadByte(ref r);
            var isBurn = ReadByte(ref r) == 1;
            var fee = ReadU64(ref r);
            var result = ReadValue(ref r);
            var eventCount = ReadU32(ref r);
            var events = new List<ChainEvent>((int)Math.Min(eventCount, 10_000u));
            for (var j = 0; j < eventCount; j++)
            {
                var kind = (ChainEventKind)ReadByte(ref r);
                var sender = ReadOptionalPrincipal(ref r);
                var recipient = ReadOptionalPrincipal(ref r);
                var hi = ReadU64(ref r);
                var lo = ReadU64(ref r);
                var unlock = ReadU64(ref r);
                var memoLength = (int)ReadU32(ref r);
                var memo = Read(ref r, memoLength, static s => s.ToArray());
                var value = ReadByte(ref r) == 1 ? ReadValue(ref r) : null;
                events.Add(new ChainEvent(kind, sender, recipient, new UInt128(hi, lo), unlock, memo, value));
            }

            list.Add(new TransactionReceipt(txid, index, status, result, events, fee, isBurn));
        }

        return list;
    }

    private static void WriteOptionalPrincipal(StacksWriter w, Principal? principal)
    {
        if (principal is null)
        {
            w.WriteByte(0);
            return;
        }

        w.WriteByte(1);
        ClarityValue.WritePrincipal(w, principal);
    }

    private static Principal? ReadOptionalPrincipal(ref SpanReader r)
    {
        if (ReadByte(ref r) == 0)
        {
            return null;
        }

        return ClarityValue.TryReadPrincipal(ref r, out var p, out var error) ? p : throw Corrupt(error.ToString());
    }

    private static ClarityValue ReadValue(ref SpanReader r) =>
        ClarityValue.TryRead(ref r, out var value, out var error) ? value : throw Corrupt(error.ToString());

    private delegate T SpanFunc<out T>(ReadOnlySpan<byte> span);

    private static T Read<T>(ref SpanReader r, int count, SpanFunc<T> f) =>
        r.TryReadBytes(count, out var span) ? f(span) : throw Corrupt("truncated");

    private static byte ReadByte(ref SpanReader r) => r.TryReadByte(out var b) ? b : throw Corrupt("truncated");

    private static uint ReadU32(ref SpanReader r) => r.TryReadUInt32BigEndian(out var v) ? v : throw Corrupt("truncated");

    private static ulong ReadU64(ref SpanReader r) => r.TryReadUInt64BigEndian(out var v) ? v : throw Corrupt("truncated");

    private static InvalidDataException Corrupt(string why) => new($"corrupt receipt record: {why}");
}
