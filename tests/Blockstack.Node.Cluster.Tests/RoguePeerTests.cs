using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Node.Hosting;
using Blockstack.Stacks;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>The rogue peer's invalid block: decodable, context-free valid, a new hash, and a coinbase whose signature fails.</summary>
[Trait("Category", "Unit")]
public sealed class RoguePeerTests
{
    private static readonly StacksSigner Signer = new(BouncySecp256k1.Instance);

    [Fact]
    public void WithFlippedSignatureByte_RealBlock_OnlyTheCoinbaseSignatureIsWrong()
    {
        var key = ClusterTransactions.Key(RegtestProfile.Account(0));
        var coinbase = Signer.SignOrigin(
            new StacksTransaction(
                TransactionVersion.Testnet,
                StacksTransaction.TestnetChainId,
                new TransactionAuth(Signer.SingleSigCondition(key, 0, 0), null),
                AnchorMode.OnChainOnly,
                PostConditionMode.Deny,
                [],
                new CoinbasePayload(Hash256.Zero, null)),
            key);
        var transfer = ClusterTransactions.Transfer(RegtestProfile.Account(0), ClusterTransactions.Recipient("unit"), 5, 1);
        Assert.True(StacksTransaction.TryDecode(transfer.Bytes, out var transferTx, out _));
        var proof = Blockstack.Stacks.Vrf.EcVrf.Prove(new Blockstack.Stacks.Vrf.VrfPrivateKey(new byte[32]), [1]);
        var header = new StacksBlockHeader(0, 100, 2, proof, new StacksBlockHash(Hash256.Zero), Hash256.Zero, 0, MerkleTree.TransactionRoot([coinbase.Txid, transferTx.Txid]), Hash256.Zero, Hash160.Zero);
        var block = new StacksBlock(header, [coinbase, transferTx]);
        Assert.True(Signer.Verify(coinbase));

        var bad = RoguePeer.WithFlippedSignatureByte(block.Serialize());

        Assert.True(StacksBlock.TryDecode(bad, out var decoded, out var error), error.Message);
        Assert.True(StacksBlockRules.Check(decoded, out error), error.Message);
        Assert.NotEqual(block.BlockHash, decoded.BlockHash);
        Assert.Equal(transferTx.Txid, decoded.Transactions[1].Txid);
        var before = coinbase.Serialize();
        var after = decoded.Transactions[0].Serialize();
        Assert.Equal(before.Length, after.Length);
        Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != after[i]);
        Assert.False(Signer.Verify(decoded.Transactions[0]));
    }

    [Fact]
    public void WithFlippedSignatureByte_NotABlock_Throws() =>
        Assert.Throws<ArgumentException>(() => RoguePeer.WithFlippedSignatureByte([1, 2, 3]));
}
