using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Crypto;
using Blockstack.TestKit;
using static Blockstack.Stacks.Tests.VectorData;

namespace Blockstack.Stacks.Tests;

internal static class TxFixtures
{
    public static readonly ISecp256k1 Curve = BouncySecp256k1.Instance;
    public static readonly StacksSigner Signer = new(Curve);

    public static StacksPrivateKey Key(int i, bool compressed = true)
    {
        var k = Hashes.Sha256([(byte)i, 0x42]);
        return new StacksPrivateKey(k, compressed);
    }

    public static StacksTransaction Transfer(SpendingCondition origin, SpendingCondition? sponsor = null, TransactionVersion version = TransactionVersion.Testnet) =>
        new(
            version,
            version == TransactionVersion.Mainnet ? StacksTransaction.MainnetChainId : StacksTransaction.TestnetChainId,
            new TransactionAuth(origin, sponsor),
            AnchorMode.Any,
            PostConditionMode.Deny,
            [new StxPostCondition(PostConditionPrincipal.Origin, FungibleConditionCode.SentLe, 1000)],
            new TokenTransferPayload(new StandardPrincipal(new StacksAddress(StacksAddressVersion.TestnetSingleSig, Hash160.FromHex("a46ff88886c2ef9762d970b4d2c63678835bd39d"))), 1000, TokenTransferPayload.MemoFromText("hi")));
}

[Trait("Category", "Vector")]
public class TransactionVectorTests
{
    [VectorFact]
    public void BuildAndSign_Vector_ExactHex()
    {
        var c = Cases("transactions.json", "build_and_sign").Single();
        var inputs = c.GetProperty("inputs");
        Assert.True(StacksPrivateKey.TryParse(Str(inputs, "origin_privkey_hex"), out var key, out _));
        var origin = TxFixtures.Signer.SingleSigCondition(key, (ulong)inputs.GetProperty("nonce").GetInt64(), (ulong)inputs.GetProperty("fee").GetInt64());
        var args = inputs.GetProperty("function_args_hex").EnumerateArray()
            .Select(a => ClarityValue.TryDeserializeHex(a.GetString()!, out var v, out _) ? v : throw new InvalidOperationException()).ToList();
        var tx = new StacksTransaction(
            TransactionVersion.Mainnet,
            StacksTransaction.MainnetChainId,
            new TransactionAuth(origin, null),
            AnchorMode.Any,
            PostConditionMode.Deny,
            [],
            new ContractCallPayload(StacksAddress.Parse(Str(inputs, "contract_address")), Str(inputs, "contract_name"), Str(inputs, "function_name"), args));
        var signed = TxFixtures.Signer.SignOrigin(tx, key);
        Assert.Equal(Str(c, "expected_tx_hex"), signed.ToHex());
        Assert.True(TxFixtures.Signer.Verify(signed, out var e), e.ToString());
    }

    [VectorFact]
    public void Decode_NodeExample_FieldsAndTxid()
    {
        var c = Cases("transactions.json", "decode_and_txid").Single();
        Assert.True(StacksTransaction.TryDecodeHex(Str(c, "tx_hex"), out var tx, out var e), e.ToString());
        Assert.Equal(Str(c, "txid_hex"), tx.Txid.ToString());
        Assert.Equal(Str(c, "tx_hex"), tx.ToHex());
        Assert.Equal(TransactionVersion.Testnet, tx.Version);
        Assert.Equal(2147483648u, tx.ChainId);
        Assert.Equal(AnchorMode.OnChainOnly, tx.AnchorMode);
        Assert.Equal(PostConditionMode.Deny, tx.PostConditionMode);
        var origin = Assert.IsType<SingleSigSpendingCondition>(tx.Auth.Origin);
        Assert.Equal(99ul, origin.Nonce);
        Assert.Equal(1ul, origin.Fee);
        Assert.Equal("2965a4e6e4226868fa3ae88b2b9bb9e937d77fba", origin.Signer.ToHex());
        Assert.Equal(KeyEncoding.Compressed, origin.KeyEncoding);
        var payload = Assert.IsType<TokenTransferPayload>(tx.Payload);
        var recipient = Assert.IsType<StandardPrincipal>(payload.Recipient);
        Assert.Equal(26, recipient.Value.Version);
        Assert.Equal(1ul, payload.Amount);
        Assert.True(TxFixtures.Signer.Verify(tx, out e), e.ToString());
    }

    [VectorFact]
    public void Decode_CliExample_Succeeds()
    {
        var c = Cases("transactions.json", "decode_ok").Single();
        Assert.True(StacksTransaction.TryDecodeHex(Str(c, "tx_hex"), out var tx, out var e), e.ToString());
        Assert.Equal(Str(c, "tx_hex"), tx.ToHex());
        var call = Assert.IsType<ContractCallPayload>(tx.Payload);
        Assert.Equal("get-value", call.FunctionName);
        Assert.Equal("\"foo\"", call.Arguments[0].ToRepr());
    }

    [VectorFact]
    public void PrivateKey_Vector_Addresses()
    {
        var c = Cases("c32check.json", "privkey_to_addresses").Single();
        Assert.True(StacksPrivateKey.TryParse(Str(c, "privkey_hex"), out var key, out _));
        var hash = Hash160.Of(key.PublicKey(TxFixtures.Curve));
        var main = new StacksAddress(StacksAddressVersion.MainnetSingleSig, hash);
        var test = new StacksAddress(StacksAddressVersion.TestnetSingleSig, hash);
        Assert.Equal(Str(c, "mainnet_stacks"), main.ToString());
        Assert.Equal(Str(c, "testnet_stacks"), test.ToString());
        Assert.True(StacksBitcoinAddress.TryToBitcoin(main, out var btc, out _));
        Assert.Equal(Str(c, "mainnet_btc"), btc);
        Assert.True(StacksBitcoinAddress.TryToBitcoin(test, out btc, out _));
        Assert.Equal(Str(c, "testnet_btc"), btc);
        Assert.True(StacksBitcoinAddress.TryFromBitcoin(Str(c, "testnet_btc"), out var back, out _));
        Assert.Equal(test, back);
    }
}

[Trait("Category", "Unit")]
public class TransactionSigningTests
{
    [Theory]
    [InlineData(HashMode.P2pkh, true)]
    [InlineData(HashMode.P2pkh, false)]
    [InlineData(HashMode.P2wpkh, true)]
    public void SignOrigin_SingleSig_VerifiesAndRoundTrips(HashMode mode, bool compressed)
    {
        var key = TxFixtures.Key(1, compressed);
        var tx = TxFixtures.Transfer(TxFixtures.Signer.SingleSigCondition(key, 5, 180, mode));
        var signed = TxFixtures.Signer.SignOrigin(tx, key);
        Assert.True(TxFixtures.Signer.Verify(signed, out var e), e.ToString());
        Assert.True(StacksTransaction.TryDecode(signed.Serialize(), out var decoded, out e), e.ToString());
        Assert.Equal(signed.ToHex(), decoded.ToHex());
        Assert.Equal(signed.Txid, decoded.Txid);
        Assert.True(TxFixtures.Signer.Verify(decoded));
    }

    [Fact]
    public void SignSponsor_AfterOrigin_BothVerify()
    {
        var originKey = TxFixtures.Key(1);
        var sponsorKey = TxFixtures.Key(2, compressed: false);
        var tx = TxFixtures.Transfer(TxFixtures.Signer.SingleSigCondition(originKey, 1, 0), TxFixtures.Signer.SingleSigCondition(sponsorKey, 9, 300));
        var signed = TxFixtures.Signer.SignSponsor(TxFixtures.Signer.SignOrigin(tx, originKey), sponsorKey);
        Assert.Equal(AuthType.Sponsored, signed.Auth.Type);
        Assert.True(TxFixtures.Signer.Verify(signed, out var e), e.ToString());

        // The origin's signature does not depend on the sponsor's fields.
        var otherSponsor = signed with { Auth = signed.Auth with { Sponsor = TxFixtures.Signer.SingleSigCondition(TxFixtures.Key(3), 1, 1) } };
        var resigned = TxFixtures.Signer.SignSponsor(otherSponsor, TxFixtures.Key(3));
        Assert.True(TxFixtures.Signer.Verify(resigned));
    }

    [Theory]
    [InlineData(HashMode.P2sh, false)]
    [InlineData(HashMode.P2sh, true)]
    [InlineData(HashMode.P2wsh, true)]
    public void SignOriginMultiSig_TwoOfThree_Verifies(HashMode mode, bool allCompressed)
    {
        var keys = new[] { TxFixtures.Key(1), TxFixtures.Key(2, allCompressed), TxFixtures.Key(3) };
        var pubs = keys.Select(k => k.PublicKey(TxFixtures.Curve)).ToList();
        var tx = TxFixtures.Transfer(StacksSigner.MultiSigCondition(pubs, 2, 3, 500, mode));
        var signed = TxFixtures.Signer.SignOriginMultiSig(tx, pubs, [keys[0], null, keys[2]]);
        Assert.True(TxFixtures.Signer.Verify(signed, out var e), e.ToString());
        Assert.True(StacksTransaction.TryDecode(signed.Serialize(), out var decoded, out e), e.ToString());
        Assert.True(TxFixtures.Signer.Verify(decoded));
        Assert.StartsWith("SN", signed.OriginAddress.ToString(), StringComparison.Ordinal);

        var tooFew = TxFixtures.Signer.SignOriginMultiSig(tx, pubs, [keys[0], null, null]);
        Assert.False(TxFixtures.Signer.Verify(tooFew, out e));
        Assert.Equal(StacksErrorCodes.TxBadSignatureCount, e.Code);
    }

    [Fact]
    public void Verify_HighS_Accepted()
    {
        var key = TxFixtures.Key(4);
        var signed = TxFixtures.Signer.SignOrigin(TxFixtures.Transfer(TxFixtures.Signer.SingleSigCondition(key, 0, 1)), key);
        var origin = (SingleSigSpendingCondition)signed.Auth.Origin;
        var sig = new EcdsaSignature(origin.Signature.R, origin.Signature.S, origin.Signature.RecoveryId);
        Assert.True(sig.IsLowS);
        var high = NegateS(sig);
        var highTx = signed with { Auth = signed.Auth with { Origin = origin with { Signature = new MessageSignature((byte)(origin.Signature.RecoveryId ^ 1), high.R, high.S) } } };
        Assert.True(TxFixtures.Signer.Verify(highTx, out var e), e.ToString());
    }

    [Fact]
    public void Verify_EveryByteTampered_InvalidOrUndecodable()
    {
        var key = TxFixtures.Key(6);
        var signed = TxFixtures.Signer.SignOrigin(TxFixtures.Transfer(TxFixtures.Signer.SingleSigCondition(key, 2, 200)), key).Serialize();
        for (var i = 0; i < signed.Length; i++)
        {
            var copy = (byte[])signed.Clone();
            copy[i] ^= 0x01;
            if (StacksTransaction.TryDecode(copy, out var tx, out _))
            {
                Assert.False(TxFixtures.Signer.Verify(tx), $"byte {i} tampered still verifies");
            }
        }
    }

    [Fact]
    public void TryDecode_RandomMutations_NeverThrow()
    {
        var key = TxFixtures.Key(7);
        var signed = TxFixtures.Signer.SignOrigin(TxFixtures.Transfer(TxFixtures.Signer.SingleSigCondition(key, 2, 200)), key).Serialize();
        var rng = new Random(3);
        for (var i = 0; i < 5000; i++)
        {
            var copy = signed.AsSpan(0, rng.Next(0, signed.Length + 1)).ToArray();
            if (copy.Length > 0)
            {
                copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            }

            _ = StacksTransaction.TryDecode(copy, out _, out _);
        }
    }

    [Theory]
    [InlineData(0, 0x01, StacksErrorCodes.TxBadVersion)]
    [InlineData(5, 0x06, StacksErrorCodes.TxBadAuthType)]
    [InlineData(6, 0x04, StacksErrorCodes.TxBadHashMode)]
    [InlineData(6, 0x05, StacksErrorCodes.TxBadHashMode)]
    [InlineData(43, 0x02, StacksErrorCodes.TxBadKeyEncoding)]
    [InlineData(109, 0x00, StacksErrorCodes.TxBadAnchorMode)]
    [InlineData(110, 0x03, StacksErrorCodes.TxBadPostConditionMode)]
    [InlineData(115, 0x03, StacksErrorCodes.TxBadPostConditionType)]
    [InlineData(116, 0x04, StacksErrorCodes.TxBadPostConditionPrincipal)]
    [InlineData(117, 0x06, StacksErrorCodes.TxBadConditionCode)]
    [InlineData(126, 0x09, StacksErrorCodes.TxBadPayloadType)]
    [InlineData(126, 0x07, StacksErrorCodes.TxUnsupportedPayload)]
    [InlineData(127, 0x07, StacksErrorCodes.ClarityBadPrincipal)]
    public void TryDecode_BadField_GivesCode(int offset, byte value, string code)
    {
        var key = TxFixtures.Key(8);
        var bytes = TxFixtures.Signer.SignOrigin(TxFixtures.Transfer(TxFixtures.Signer.SingleSigCondition(key, 2, 200)), key).Serialize();
        bytes[offset] = value;
        Assert.False(StacksTransaction.TryDecode(bytes, out _, out var e));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void TryDecode_TrailingOrMissingByte_GivesCode()
    {
        var key = TxFixtures.Key(8);
        var bytes = TxFixtures.Signer.SignOrigin(TxFixtures.Transfer(TxFixtures.Signer.SingleSigCondition(key, 2, 200)), key).Serialize();
        Assert.False(StacksTransaction.TryDecode([.. bytes, 0], out _, out var e));
        Assert.Equal(StacksErrorCodes.TrailingBytes, e.Code);
        Assert.False(StacksTransaction.TryDecode(bytes.AsSpan(0, bytes.Length - 1), out _, out e));
        Assert.Equal(StacksErrorCodes.Truncated, e.Code);
    }

    [Fact]
    public void Payloads_AllKinds_RoundTrip()
    {
        var key = TxFixtures.Key(9);
        var origin = TxFixtures.Signer.SingleSigCondition(key, 0, 0);
        var addr = StacksAddress.Parse("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7");
        var mb = new MicroblockHeader(0, 1, Hash256.Zero, new Hash256(Hashes.Sha256([1])), MessageSignature.Empty);
        var asset = new AssetInfo(addr, "token", "coin");
        TransactionPayload[] payloads =
        [
            new SmartContractPayload("hello", "(define-public (f) (ok u1))\n", null),
            new SmartContractPayload("hello", "(ok 1)", 2),
            new CoinbasePayload(new Hash256(Hashes.Sha256([2])), null),
            new CoinbasePayload(Hash256.Zero, new ContractPrincipal(addr, "pool")),
            new PoisonMicroblockPayload(mb, mb with { Sequence = 1, PrevBlock = new Hash256(Hashes.Sha256([3])) }),
        ];
        foreach (var payload in payloads)
        {
            var tx = TxFixtures.Transfer(origin) with
            {
                Payload = payload,
                AnchorMode = AnchorMode.OnChainOnly,
                PostConditions =
                [
                    new FungiblePostCondition(new PostConditionPrincipal(new ContractPrincipal(addr, "c")), asset, FungibleConditionCode.SentGt, 5),
                    new NonfungiblePostCondition(new PostConditionPrincipal(new StandardPrincipal(addr)), asset, new ClarityUInt(7), NonfungibleConditionCode.NotSent),
                ],
            };
            var signed = TxFixtures.Signer.SignOrigin(tx, key);
            Assert.True(StacksTransaction.TryDecode(signed.Serialize(), out var decoded, out var e), e.ToString());
            Assert.Equal(signed.ToHex(), decoded.ToHex());
            Assert.True(TxFixtures.Signer.Verify(decoded));
        }

        var coinbaseAny = TxFixtures.Transfer(origin) with { Payload = payloads[2], AnchorMode = AnchorMode.Any };
        Assert.False(StacksTransaction.TryDecode(coinbaseAny.Serialize(), out _, out var err));
        Assert.Equal(StacksErrorCodes.TxBadAnchorForPayload, err.Code);
    }

    private static EcdsaSignature NegateS(EcdsaSignature sig)
    {
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var s = new System.Numerics.BigInteger(sig.S.ToArray(), isUnsigned: true, isBigEndian: true);
        var high = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[32];
        high.CopyTo(padded, 32 - high.Length);
        return sig with { S = new Hash256(padded) };
    }
}

[Trait("Category", "Unit")]
public class BlockTests
{
    [Fact]
    public void Block_Serialize_RoundTripsAndPassesRules()
    {
        var key = TxFixtures.Key(10);
        var origin = TxFixtures.Signer.SingleSigCondition(key, 0, 0);
        var coinbase = TxFixtures.Signer.SignOrigin(TxFixtures.Transfer(origin) with { Payload = new CoinbasePayload(Hash256.Zero, null), AnchorMode = AnchorMode.OnChainOnly }, key);
        var transfer = TxFixtures.Signer.SignOrigin(TxFixtures.Transfer(origin with { Nonce = 1 }), key);
        var proof = Vrf.EcVrf.Prove(new Vrf.VrfPrivateKey(new byte[32]), [1]);
        var header = new StacksBlockHeader(0, 100, 2, proof, new StacksBlockHash(Hash256.Zero), Hash256.Zero, 0, MerkleTree.TransactionRoot([coinbase.Txid, transfer.Txid]), Hash256.Zero, Hash160.Zero);
        Assert.Equal(StacksBlockHeader.Size, header.Serialize().Length);
        Assert.Equal(247, StacksBlockHeader.Size);
        var block = new StacksBlock(header, [coinbase, transfer]);
        Assert.True(StacksBlock.TryDecode(block.Serialize(), out var decoded, out var e), e.ToString());
        Assert.Equal(block.BlockHash, decoded.BlockHash);
        Assert.Equal(new StacksBlockHash(new Hash256(Hashes.Sha512t256(header.Serialize()))), decoded.BlockHash);
        Assert.True(StacksBlockRules.Check(decoded, out e), e.ToString());

        var swapped = block with { Transactions = [transfer, coinbase] };
        Assert.False(StacksBlockRules.Check(swapped, out e));
        Assert.Equal(StacksBlockRules.BadCoinbase, e.Code);
        var badRoot = block with { Header = header with { TxMerkleRoot = Hash256.Zero } };
        Assert.False(StacksBlockRules.Check(badRoot, out e));
        Assert.Equal(StacksBlockRules.BadMerkleRoot, e.Code);
        var id = header.IndexBlockHash(new ConsensusHash(Hash160.Zero));
        Assert.NotEqual(block.BlockHash.Hash, id.Hash);
    }

    [Fact]
    public void MicroblockHeader_Decode_RoundTrips()
    {
        var h = new MicroblockHeader(0, 3, new Hash256(Hashes.Sha256([1])), new Hash256(Hashes.Sha256([2])), MessageSignature.FromBytes(Enumerable.Range(0, 65).Select(i => (byte)i).ToArray()));
        var bytes = h.Serialize();
        Assert.Equal(MicroblockHeader.Size, bytes.Length);
        Assert.True(MicroblockHeader.TryDecode(bytes, out var d, out _));
        Assert.Equal(h, d);
        Assert.False(MicroblockHeader.TryDecode(bytes.AsSpan(1), out _, out var e));
        Assert.Equal(StacksErrorCodes.Truncated, e.Code);
    }
}
