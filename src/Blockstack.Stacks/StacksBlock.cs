using System.Diagnostics.CodeAnalysis;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Serialization;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Stacks;

/// <summary>The anchored block header: 247 bytes, hashed with SHA-512/256 to the block hash.</summary>
public sealed record StacksBlockHeader(
    byte Version,
    ulong TotalBurn,
    ulong TotalWork,
    VrfProof Proof,
    StacksBlockHash ParentBlock,
    Hash256 ParentMicroblock,
    ushort ParentMicroblockSequence,
    Hash256 TxMerkleRoot,
    Hash256 StateIndexRoot,
    Hash160 MicroblockPubkeyHash)
{
    public const int Size = 1 + 8 + 8 + VrfProof.Size + 32 + 32 + 2 + 32 + 32 + 20;

    public StacksBlockHash BlockHash => new(new Hash256(Hashes.Sha512t256(Serialize())));

    /// <summary>The index block hash of this block under the consensus hash of its sortition.</summary>
    public StacksBlockId IndexBlockHash(ConsensusHash consensusHash) => StacksBlockId.Of(BlockHash, consensusHash);

    public byte[] Serialize()
    {
        var w = new StacksWriter(Size);
        WriteTo(w);
        return w.ToArray();
    }

    public void WriteTo(StacksWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte(Version);
        writer.WriteUInt64(TotalBurn);
        writer.WriteUInt64(TotalWork);
        writer.WriteBytes(Proof.Bytes);
        writer.WriteHash256(ParentBlock.Hash);
        writer.WriteHash256(ParentMicroblock);
        writer.WriteUInt16(ParentMicroblockSequence);
        writer.WriteHash256(TxMerkleRoot);
        writer.WriteHash256(StateIndexRoot);
        writer.WriteHash160(MicroblockPubkeyHash);
    }

    public static bool TryRead(ref SpanReader reader, [NotNullWhen(true)] out StacksBlockHeader? header, out StacksError error)
    {
        header = null;
        if (!reader.TryReadByte(out var version)
            || !reader.TryReadUInt64BigEndian(out var burn)
            || !reader.TryReadUInt64BigEndian(out var work)
            || !reader.TryReadBytes(VrfProof.Size, out var proofBytes))
        {
            error = StacksRead.Truncated("a block header");
            return false;
        }

        if (!VrfProof.TryDecode(proofBytes, out var proof, out error))
        {
            return false;
        }

        if (!reader.TryReadHash256(out var parent)
            || !reader.TryReadHash256(out var parentMicroblock)
            || !reader.TryReadUInt16BigEndian(out var sequence)
            || !reader.TryReadHash256(out var merkle)
            || !reader.TryReadHash256(out var state)
            || !StacksRead.TryHash160(ref reader, out var pubkeyHash, out _))
        {
            error = StacksRead.Truncated("a block header");
            return false;
        }

        header = new StacksBlockHeader(version, burn, work, proof, new StacksBlockHash(parent), parentMicroblock, sequence, merkle, state, pubkeyHash);
        return true;
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out StacksBlockHeader? header, out StacksError error)
    {
        var reader = new SpanReader(bytes);
        if (!TryRead(ref reader, out header, out error))
        {
            return false;
        }

        if (!reader.IsEnd)
        {
            header = null;
            error = new StacksError(StacksErrorCodes.TrailingBytes, $"{reader.Remaining} bytes after the block header");
            return false;
        }

        return true;
    }
}

/// <summary>An anchored block: header and a u32-counted transaction list.</summary>
public sealed record StacksBlock(StacksBlockHeader Header, IReadOnlyList<StacksTransaction> Transactions)
{
    /// <summary>The longest block accepted (2 MiB).</summary>
    public const int MaxSize = 2 * 1024 * 1024;

    public StacksBlockHash BlockHash => Header.BlockHash;

    public byte[] Serialize()
    {
        var w = new StacksWriter(StacksBlockHeader.Size + 256 * Transactions.Count);
        Header.WriteTo(w);
        w.WriteUInt32(checked((uint)Transactions.Count));
        foreach (var tx in Transactions)
        {
            tx.WriteTo(w);
        }

        return w.ToArray();
    }

    /// <summary>
    /// Decodes a block. This is the byte layer only; the context-free rules (one leading coinbase,
    /// Merkle root, unique txids, one network) are <see cref="StacksBlockRules"/>.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out StacksBlock? block, out StacksError error)
    {
        block = null;
        if (bytes.Length > MaxSize)
        {
            error = new StacksError(StacksErrorCodes.BlockTooLarge, $"block of {bytes.Length} bytes exceeds {MaxSize}");
            return false;
        }

        var reader = new SpanReader(bytes);
        if (!StacksBlockHeader.TryRead(ref reader, out var header, out error))
        {
            return false;
        }

        if (!reader.TryReadUInt32BigEndian(out var count))
        {
            error = StacksRead.Truncated("the transaction count");
            return false;
        }

        if (count > (uint)reader.Remaining)
        {
            error = new StacksError(StacksErrorCodes.BlockTooManyTransactions, $"{count} transactions cannot fit in the input");
            return false;
        }

        var txs = new List<StacksTransaction>((int)count);
        for (var i = 0; i < count; i++)
        {
            if (!StacksTransaction.TryRead(ref reader, out var tx, out error))
            {
                return false;
            }

            txs.Add(tx);
        }

        if (!reader.IsEnd)
        {
            error = new StacksError(StacksErrorCodes.TrailingBytes, $"{reader.Remaining} bytes after the block");
            return false;
        }

        block = new StacksBlock(header, txs);
        return true;
    }
}

/// <summary>Context-free block rules, checked after decoding.</summary>
public static class StacksBlockRules
{
    public const string BadMerkleRoot = "block-bad-merkle-root";
    public const string DuplicateTxid = "block-duplicate-txid";
    public const string BadCoinbase = "block-bad-coinbase";
    public const string BadAnchorMode = "block-bad-anchor-mode";
    public const string MixedNetwork = "block-mixed-network";

    public static bool Check(StacksBlock block, out StacksError error)
    {
        ArgumentNullException.ThrowIfNull(block);
        var txs = block.Transactions;
        if (txs.Count == 0)
        {
            error = new StacksError(StacksErrorCodes.BlockNoTransactions, "a block holds at least one transaction");
            return false;
        }

        if (txs[0].Payload is not CoinbasePayload || txs.Skip(1).Any(t => t.Payload is CoinbasePayload))
        {
            error = new StacksError(BadCoinbase, "the first transaction, and only it, is a coinbase");
            return false;
        }

        if (txs.Any(t => t.AnchorMode == AnchorMode.OffChainOnly))
        {
            error = new StacksError(BadAnchorMode, "an anchored block holds no off-chain-only transaction");
            return false;
        }

        if (txs.Any(t => t.Version != txs[0].Version || t.ChainId != txs[0].ChainId))
        {
            error = new StacksError(MixedNetwork, "all transactions share one version and chain id");
            return false;
        }

        var txids = txs.Select(t => t.Txid).ToList();
        if (txids.Distinct().Count() != txids.Count)
        {
            error = new StacksError(DuplicateTxid, "a transaction appears twice");
            return false;
        }

        if (MerkleTree.TransactionRoot(txids) != block.Header.TxMerkleRoot)
        {
            error = new StacksError(BadMerkleRoot, "the header's Merkle root does not match the transactions");
            return false;
        }

        error = default;
        return true;
    }
}
