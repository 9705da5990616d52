using System.Security.Cryptography;
using System.Text;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Cli;
using Blockstack.Node.Hosting;
using Blockstack.Stacks;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>A signed transaction: its wire bytes and txid (hex).</summary>
internal sealed record SignedTx(byte[] Bytes, string Txid);

/// <summary>
/// Transactions the cluster tests submit, signed with the repository's own Stacks signer: STX
/// transfers and the BNS name preorder and register calls (as <c>blockstack bns register</c>
/// builds them: anchor mode any, post-condition mode deny, the preorder with "sender sends
/// exactly the price").
/// </summary>
internal static class ClusterTransactions
{
    private static readonly StacksSigner Signer = new(BouncySecp256k1.Instance);

    public static StacksPrivateKey Key(RegtestAccount account) =>
        StacksPrivateKey.TryParse(account.PrivateKeyHex, out var key, out var error) ? key : throw new ArgumentException(error.Message);

    /// <summary>A fresh recipient address for a label.</summary>
    public static StacksAddress Recipient(string label)
    {
        var key = new StacksPrivateKey(SHA256.HashData(Encoding.UTF8.GetBytes("blockstack cluster recipient " + label)), compressed: true);
        return Signer.SingleSigCondition(key, 0, 0).Address(TransactionVersion.Testnet);
    }

    public static SignedTx Transfer(RegtestAccount from, StacksAddress to, ulong amount, ulong nonce, ulong fee = 1_000) =>
        Sign(from, new TokenTransferPayload(new StandardPrincipal(to), amount, TokenTransferPayload.MemoFromText("cluster")), nonce, fee, []);

    public static SignedTx NamePreorder(RegtestAccount from, BnsName name, byte[] salt, ulong price, ulong nonce)
    {
        var sender = Signer.SingleSigCondition(Key(from), 0, 0).Address(TransactionVersion.Testnet);
        var payload = BnsCall("name-preorder", new ClarityBuffer(BnsNames.NamePreorderHash(name, salt)), new ClarityUInt(price));
        return Sign(from, payload, nonce, 2_000, [new StxPostCondition(new PostConditionPrincipal(new StandardPrincipal(sender)), FungibleConditionCode.SentEq, price)]);
    }

    public static SignedTx NameRegister(RegtestAccount from, BnsName name, byte[] salt, byte[] zonefileHash, ulong nonce) =>
        Sign(from, BnsCall("name-register", new ClarityBuffer(BnsNames.Ascii(name.Namespace)), new ClarityBuffer(BnsNames.Ascii(name.Name)), new ClarityBuffer(salt), new ClarityBuffer(zonefileHash)), nonce, 2_000, []);

    private static ContractCallPayload BnsCall(string function, params ClarityValue[] args) =>
        new(BnsNames.ContractAddress(mainnet: false), BnsNames.ContractName, function, args);

    private static SignedTx Sign(RegtestAccount from, TransactionPayload payload, ulong nonce, ulong fee, IReadOnlyList<PostCondition> postConditions)
    {
        var key = Key(from);
        var tx = new StacksTransaction(
            TransactionVersion.Testnet,
            StacksTransaction.TestnetChainId,
            new TransactionAuth(Signer.SingleSigCondition(key, nonce, fee), null),
            AnchorMode.Any,
            PostConditionMode.Deny,
            postConditions,
            payload);
        tx = Signer.SignOrigin(tx, key);
        return new SignedTx(tx.Serialize(), tx.Txid.ToString());
    }
}
