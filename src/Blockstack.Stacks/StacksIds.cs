using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;

namespace Blockstack.Stacks;

/// <summary>A Stacks transaction id: SHA-512/256 of the serialized transaction. Printed in byte order.</summary>
public readonly record struct StacksTxid(Hash256 Hash)
{
    public static StacksTxid Of(ReadOnlySpan<byte> serializedTransaction)
    {
        Span<byte> h = stackalloc byte[Hash256.Size];
        Hashes.Sha512t256(serializedTransaction, h);
        return new StacksTxid(new Hash256(h));
    }

    public override string ToString() => Hash.ToHex();

    public static StacksTxid Parse(string hex) => new(Hash256.FromHex(hex));
}

/// <summary>A Stacks anchored block hash: SHA-512/256 of the 247-byte header.</summary>
public readonly record struct StacksBlockHash(Hash256 Hash)
{
    public override string ToString() => Hash.ToHex();

    public static StacksBlockHash Parse(string hex) => new(Hash256.FromHex(hex));
}

/// <summary>A burnchain consensus hash: 20 bytes.</summary>
public readonly record struct ConsensusHash(Hash160 Hash)
{
    public override string ToString() => Hash.ToHex();
}

/// <summary>
/// The index block hash (<c>StacksBlockId</c>): SHA-512/256(block hash || consensus hash), which
/// names a block together with the sortition that elected it.
/// </summary>
public readonly record struct StacksBlockId(Hash256 Hash)
{
    public static StacksBlockId Of(StacksBlockHash blockHash, ConsensusHash consensusHash)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size + Hash160.Size];
        blockHash.Hash.WriteTo(buffer);
        consensusHash.Hash.WriteTo(buffer[Hash256.Size..]);
        Span<byte> h = stackalloc byte[Hash256.Size];
        Hashes.Sha512t256(buffer, h);
        return new StacksBlockId(new Hash256(h));
    }

    public override string ToString() => Hash.ToHex();
}

/// <summary>A microblock hash: SHA-512/256 of the full 132-byte microblock header.</summary>
public readonly record struct MicroblockHash(Hash256 Hash)
{
    public override string ToString() => Hash.ToHex();
}
