using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;

namespace Blockstack.Bitcoin.Blocks;

/// <summary>Block-level rules: merkle root, BIP141 witness commitment, BIP34 height. Reject codes are Core's.</summary>
public static class BlockChecks
{
    public const string BadMerkleRoot = "bad-txnmrklroot";
    public const string DuplicateTransactions = "bad-txns-duplicate";
    public const string BadWitnessNonceSize = "bad-witness-nonce-size";
    public const string BadWitnessMerkleMatch = "bad-witness-merkle-match";
    public const string UnexpectedWitness = "unexpected-witness";
    public const string BadCoinbaseHeight = "bad-cb-height";

    /// <summary>An OP_RETURN script is a witness commitment if it is at least this long.</summary>
    public const int MinimumWitnessCommitmentSize = 38;

    /// <summary>The merkle root in the header matches the txids and the tree is not mutated.</summary>
    public static CheckResult CheckMerkleRoot(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var root = MerkleTree.BlockMerkleRoot(block, out var mutated);
        if (root != block.Header.MerkleRoot)
        {
            return CheckResult.Reject(BadMerkleRoot);
        }

        return mutated ? CheckResult.Reject(DuplicateTransactions) : CheckResult.Valid;
    }

    /// <summary>
    /// Core's GetWitnessCommitmentIndex: the last coinbase output whose script starts
    /// <c>6a24aa21a9ed</c> and is at least 38 bytes long; -1 when there is none.
    /// </summary>
    public static int FindWitnessCommitmentIndex(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var index = -1;
        if (block.TransactionSpan.IsEmpty)
        {
            return index;
        }

        var outputs = block.TransactionSpan[0].OutputSpan;
        for (var i = 0; i < outputs.Length; i++)
        {
            var script = outputs[i].ScriptPubKey.Span;
            if (script.Length >= MinimumWitnessCommitmentSize && script[0] == (byte)Opcode.OP_RETURN && script[1] == 0x24
                && script[2] == 0xaa && script[3] == 0x21 && script[4] == 0xa9 && script[5] == 0xed)
            {
                index = i;
            }
        }

        return index;
    }

    /// <summary>BIP141 commitment: SHA-256d(witness merkle root || witness reserved value).</summary>
    public static Hash256 ComputeWitnessCommitment(Hash256 witnessRoot, ReadOnlySpan<byte> reservedValue)
    {
        Span<byte> data = stackalloc byte[Hash256.Size + reservedValue.Length];
        witnessRoot.WriteTo(data);
        reservedValue.CopyTo(data[Hash256.Size..]);
        Span<byte> hash = stackalloc byte[Hash256.Size];
        Hashes.Sha256d(data, hash);
        return new Hash256(hash);
    }

    /// <summary>
    /// The witness rules of Core's ContextualCheckBlock with segwit active: a commitment, if
    /// present, must match the witness merkle root and the coinbase's single 32-byte reserved
    /// value; without one, no transaction may carry a witness.
    /// </summary>
    public static CheckResult CheckWitnessCommitment(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var index = FindWitnessCommitmentIndex(block);
        if (index >= 0)
        {
            var coinbase = block.TransactionSpan[0];
            var witness = coinbase.InputSpan.IsEmpty ? [] : coinbase.InputSpan[0].Witness;
            if (witness.Count != 1 || witness[0].Length != 32)
            {
                return CheckResult.Reject(BadWitnessNonceSize);
            }

            var root = MerkleTree.BlockWitnessMerkleRoot(block, out _);
            var commitment = ComputeWitnessCommitment(root, witness[0].Span);
            var expected = new Hash256(coinbase.OutputSpan[index].ScriptPubKey.Span.Slice(6, 32));
            return commitment == expected ? CheckResult.Valid : CheckResult.Reject(BadWitnessMerkleMatch);
        }

        foreach (var tx in block.TransactionSpan)
        {
            if (tx.HasWitness)
            {
                return CheckResult.Reject(UnexpectedWitness);
            }
        }

        return CheckResult.Valid;
    }

    /// <summary>
    /// The height a coinbase scriptSig starts with under BIP34: OP_0, OP_1..OP_16, or a minimal
    /// push of a minimally encoded non-negative number of up to 5 bytes.
    /// </summary>
    public static bool TryGetBip34Height(ReadOnlySpan<byte> coinbaseScriptSig, out long height)
    {
        height = -1;
        var reader = new ScriptReader(coinbaseScriptSig);
        if (!reader.TryReadOp(out var opcode, out var data))
        {
            return false;
        }

        if (opcode == Opcode.OP_0 || Script.IsSmallInteger(opcode))
        {
            height = Script.DecodeSmallInteger(opcode);
            return true;
        }

        if (opcode > Opcode.OP_PUSHDATA4 || !StandardScripts.IsMinimalPush(data, opcode)
            || !ScriptNum.TryDecodeMinimal(data, out var value, maxSize: 5) || value < 0)
        {
            return false;
        }

        height = value;
        return true;
    }

    /// <summary>Core's BIP34 check: the coinbase scriptSig begins with the script <c>CScript() &lt;&lt; height</c>.</summary>
    public static CheckResult CheckBip34Height(Block block, long height)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (block.TransactionSpan.IsEmpty || block.TransactionSpan[0].InputSpan.IsEmpty)
        {
            return CheckResult.Reject(BadCoinbaseHeight);
        }

        byte[] expected = height is >= 1 and <= 16
            ? [(byte)Script.EncodeSmallInteger((int)height)]
            : height == 0 ? [(byte)Opcode.OP_0] : StandardScripts.Push(ScriptNum.Encode(height));
        var scriptSig = block.TransactionSpan[0].InputSpan[0].ScriptSig.Span;
        return scriptSig.StartsWith(expected) ? CheckResult.Valid : CheckResult.Reject(BadCoinbaseHeight);
    }
}
