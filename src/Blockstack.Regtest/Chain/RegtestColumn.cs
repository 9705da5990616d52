using System.Buffers.Binary;
using System.Security.Cryptography;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Regtest.Chain;

/// <summary>Column families of the regtest store (layout in docs/regtest.md).</summary>
public enum RegtestColumn
{
    /// <summary>block hash → raw block (with witness).</summary>
    Blocks,

    /// <summary>block hash → <see cref="BlockIndexEntry"/> record (header, height, status, sizes).</summary>
    BlockIndex,

    /// <summary>block hash → undo data: the coins the block spent, in input order.</summary>
    Undo,

    /// <summary>outpoint (txid 32, index 4 BE) → <see cref="Coin"/>.</summary>
    Coins,

    /// <summary>SHA-256(scriptPubKey) 32 | outpoint 36 → empty: the unspent outputs of one script.</summary>
    ScriptCoins,

    /// <summary>height (4 BE) → block hash of the active chain.</summary>
    ActiveChain,

    /// <summary>txid → block hash (32) | position (4 BE), for active-chain transactions.</summary>
    TxIndex,

    /// <summary>"tip" → block hash of the active tip.</summary>
    Meta,

    /// <summary>wallet name (UTF-8) → wallet document (JSON).</summary>
    Wallets,
}

/// <summary>Key codecs: big-endian integers so byte order is numeric order.</summary>
public static class RegtestKeys
{
    public static readonly byte[] Tip = "tip"u8.ToArray();

    public static byte[] Hash(Hash256 hash) => hash.ToArray();

    public static byte[] OutPoint(OutPoint outPoint)
    {
        var key = new byte[36];
        outPoint.Txid.Hash.WriteTo(key);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(32), outPoint.Index);
        return key;
    }

    public static OutPoint ReadOutPoint(ReadOnlySpan<byte> key) =>
        new(new Txid(new Hash256(key[..32])), BinaryPrimitives.ReadUInt32BigEndian(key[32..36]));

    public static byte[] ScriptPrefix(ReadOnlySpan<byte> script) => SHA256.HashData(script);

    public static byte[] ScriptCoin(ReadOnlySpan<byte> script, OutPoint outPoint)
    {
        var key = new byte[68];
        SHA256.HashData(script, key);
        outPoint.Txid.Hash.WriteTo(key.AsSpan(32));
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(64), outPoint.Index);
        return key;
    }

    public static byte[] Height(int height)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(key, height);
        return key;
    }
}
