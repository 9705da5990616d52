using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Sighash;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;

namespace Blockstack.Bitcoin.Tests;

[Trait("Category", "Unit")]
public class SpendRoundTripTests
{
    private static readonly BouncySecp256k1 Secp = BouncySecp256k1.Instance;
    private static readonly SpendVerifier Verifier = new(Secp, SpendVerifierOptions.Standard);
    private static readonly TransactionSigner Signer = new(Secp);

    public static TheoryData<SpendTemplate, bool> Templates => new()
    {
        { SpendTemplate.PayToPubKey, true },
        { SpendTemplate.PayToPubKey, false },
        { SpendTemplate.PayToPubKeyHash, true },
        { SpendTemplate.PayToPubKeyHash, false },
        { SpendTemplate.PayToWitnessPubKeyHash, true },
        { SpendTemplate.PayToScriptHashWitnessPubKeyHash, true },
        { SpendTemplate.PayToTaprootKeyPath, true },
    };

    internal sealed record Scenario(Transaction Unsigned, TxOut[] Spent, byte[][] Keys);

    private static byte[] RandomKey(Random random)
    {
        var key = new byte[32];
        do
        {
            random.NextBytes(key);
        }
        while (!Secp.IsValidPrivateKey(key));
        return key;
    }

    /// <summary>A transaction spending one output per template (in order), each to its own random key.</summary>
    internal static Scenario Build(Random random, IReadOnlyList<(SpendTemplate Template, bool Compressed)> inputs, int outputCount = 2)
    {
        var builder = new TransactionBuilder { Version = 1 + random.Next(2), LockTime = (uint)random.Next() };
        var keys = new byte[inputs.Count][];
        for (var i = 0; i < inputs.Count; i++)
        {
            keys[i] = RandomKey(random);
            var script = SpendScripts.GetScriptPubKeyForPrivateKey(Secp, inputs[i].Template, keys[i], inputs[i].Compressed);
            var txid = new byte[32];
            random.NextBytes(txid);
            builder.AddInput(new OutPoint(new Txid(new Hash256(txid)), (uint)random.Next(4)), new TxOut(random.NextInt64(1, 2_100_000_000_000), script), (uint)random.Next());
        }

        for (var i = 0; i < outputCount; i++)
        {
            builder.AddOutput(random.NextInt64(0, 1_000_000_000), SpendScripts.GetScriptPubKeyForPrivateKey(Secp, SpendTemplate.PayToWitnessPubKeyHash, RandomKey(random)));
        }

        return new Scenario(builder.BuildUnsigned(), [.. builder.SpentOutputs], keys);
    }

    private static Transaction SignAll(Scenario s, SigningOptions? options = null)
    {
        var result = Signer.Sign(s.Unsigned, s.Spent, new PerInputKeys([.. s.Keys.Select(k => (ReadOnlyMemory<byte>?)k)]), options);
        Assert.True(result.IsComplete, string.Join(",", result.InputErrors));
        return result.Transaction;
    }

    private static Transaction Reparse(Transaction tx)
    {
        Assert.True(Transaction.TryParse(tx.ToBytes(), out var parsed, out var error), error);
        return parsed;
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Sign_RandomKeys_EveryInputVerifies(SpendTemplate template, bool compressed)
    {
        var random = new Random(1000 + (int)template);
        for (var round = 0; round < 3; round++)
        {
            var s = Build(random, [(template, compressed), (template, compressed)]);

            var signed = Reparse(SignAll(s));
            var result = Verifier.VerifyTransaction(signed, s.Spent);

            Assert.True(result.IsValid, $"input {result.FirstInvalidInput}: {result.Error}");
            Assert.All(result.Inputs, r => Assert.Equal(template, r.Template));
        }
    }

    [Fact]
    public void Sign_MixedTemplatesEveryHashType_EveryInputVerifies()
    {
        var random = new Random(7);
        byte[] hashTypes = [0x01, 0x02, 0x03, 0x81, 0x82, 0x83];
        var all = Templates.Select(t => ((SpendTemplate)t[0], (bool)t[1])).ToList();
        foreach (var hashType in hashTypes)
        {
            var s = Build(random, all, outputCount: all.Count);

            var signed = Reparse(SignAll(s, new SigningOptions { HashType = hashType }));
            var result = Verifier.VerifyTransaction(signed, s.Spent);

            Assert.True(result.IsValid, $"hash type {hashType:x2}, input {result.FirstInvalidInput}: {result.Error}");
            Assert.Equal(65, signed.Inputs[^1].Witness[0].Length);
            Assert.Equal(hashType, signed.Inputs[^1].Witness[0].Span[64]);
        }
    }

    [Fact]
    public void Sign_TaprootDefaultHashType_Writes64ByteSignature()
    {
        var s = Build(new Random(3), [(SpendTemplate.PayToTaprootKeyPath, true)]);

        var signed = SignAll(s, new SigningOptions { AuxRandom = aux => aux.Clear() });

        Assert.Equal(64, Assert.Single(signed.Inputs[0].Witness).Length);
        Assert.True(Verifier.VerifyTransaction(signed, s.Spent).IsValid);
        Assert.Equal(signed.ToBytes(), SignAll(s, new SigningOptions { AuxRandom = aux => aux.Clear() }).ToBytes());
    }

    public enum Tamper
    {
        OutputValue,
        OutputScript,
        ExtraOutput,
        PrevOutIndex,
        OtherInputSequence,
        LockTime,
        Version,
        SignatureByte,
    }

    public static TheoryData<SpendTemplate, Tamper> TamperCases()
    {
        var data = new TheoryData<SpendTemplate, Tamper>();
        foreach (var template in Enum.GetValues<SpendTemplate>().Where(t => t != SpendTemplate.Unsupported))
        {
            foreach (var tamper in Enum.GetValues<Tamper>())
            {
                data.Add(template, tamper);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TamperCases))]
    public void Verify_TamperedAfterSigning_Fails(SpendTemplate template, Tamper tamper)
    {
        var s = Build(new Random(50 + (int)tamper), [(template, true), (template, true)]);
        var signed = SignAll(s);
        Assert.True(Verifier.VerifyTransaction(signed, s.Spent).IsValid);
        var inputs = signed.Inputs.ToArray();
        var outputs = signed.Outputs.ToArray();
        var version = signed.Version;
        var lockTime = signed.LockTime;
        switch (tamper)
        {
            case Tamper.OutputValue:
                outputs[1] = new TxOut(outputs[1].Value + 1, outputs[1].ScriptPubKey);
                break;
            case Tamper.OutputScript:
                var script = outputs[0].ScriptPubKey.ToArray();
                script[^1] ^= 1;
                outputs[0] = new TxOut(outputs[0].Value, script);
                break;
            case Tamper.ExtraOutput:
                outputs = [.. outputs, new TxOut(0, StandardScripts.NullData([1, 2, 3]))];
                break;
            case Tamper.PrevOutIndex:
                inputs[0] = new TxIn(inputs[0].PrevOut with { Index = inputs[0].PrevOut.Index + 1 }, inputs[0].ScriptSig, inputs[0].Sequence, inputs[0].Witness);
                break;
            case Tamper.OtherInputSequence:
                inputs[1] = new TxIn(inputs[1].PrevOut, inputs[1].ScriptSig, inputs[1].Sequence ^ 1, inputs[1].Witness);
                break;
            case Tamper.LockTime:
                lockTime ^= 1;
                break;
            case Tamper.Version:
                version++;
                break;
            case Tamper.SignatureByte:
                inputs[0] = FlipSignatureByte(inputs[0]);
                break;
        }

        var tampered = new Transaction(version, inputs, outputs, lockTime);

        var result = Verifier.VerifyTransaction(tampered, s.Spent);

        Assert.False(result.Inputs[0].IsValid);
        Assert.Equal(0, result.FirstInvalidInput);
    }

    private static TxIn FlipSignatureByte(TxIn input)
    {
        if (input.Witness.Count > 0)
        {
            var witness = input.Witness.Select(w => w.ToArray()).ToArray();
            witness[0][10] ^= 0x01;
            return new TxIn(input.PrevOut, input.ScriptSig, input.Sequence, [.. witness.Select(w => (ReadOnlyMemory<byte>)w)]);
        }

        var scriptSig = input.ScriptSig.ToArray();
        scriptSig[10] ^= 0x01;
        return new TxIn(input.PrevOut, scriptSig, input.Sequence);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Verify_SpentAmountChanged_FailsExactlyForWitnessTemplates(SpendTemplate template, bool compressed)
    {
        var s = Build(new Random(9), [(template, compressed)]);
        var signed = SignAll(s);
        TxOut[] changed = [new TxOut(s.Spent[0].Value - 1, s.Spent[0].ScriptPubKey)];

        var result = Verifier.VerifyInput(signed, 0, changed);

        // Legacy signatures do not commit to the amount (the reason BIP143 exists).
        Assert.Equal(!SpendTemplates.IsWitness(template), result.IsValid);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Verify_SignatureMovedToAnotherInput_Fails(SpendTemplate template, bool compressed)
    {
        var random = new Random(11);
        var s = Build(random, [(template, compressed), (template, compressed)]);
        // Both inputs spend the same output script, so only the input index tells them apart.
        s = s with { Keys = [s.Keys[0], s.Keys[0]], Spent = [s.Spent[0], new TxOut(s.Spent[0].Value, s.Spent[0].ScriptPubKey)] };
        var signed = SignAll(s);
        var inputs = signed.Inputs.ToArray();
        inputs[1] = new TxIn(inputs[1].PrevOut, inputs[0].ScriptSig, inputs[1].Sequence, inputs[0].Witness);
        var swapped = new Transaction(signed.Version, inputs, signed.Outputs, signed.LockTime);

        var result = Verifier.VerifyTransaction(swapped, s.Spent);

        Assert.True(result.Inputs[0].IsValid);
        Assert.Equal(SpendErrors.SigInvalid, result.Inputs[1].Error);
    }

    [Fact]
    public void Verify_HighS_ValidInConsensusRejectedByLowSOption()
    {
        var s = Build(new Random(12), [(SpendTemplate.PayToWitnessPubKeyHash, true)]);
        var signed = SignAll(s);
        var witness = signed.Inputs[0].Witness;
        var sig = witness[0].Span;
        Assert.True(EcdsaSignature.TryParseDer(sig[..^1], out var low));
        Span<byte> s32 = stackalloc byte[32];
        low.S.WriteTo(s32);
        var highS = Negate(s32);
        var high = new EcdsaSignature(low.R, new Hash256(highS));
        byte[] highSig = [.. high.ToDer(), sig[^1]];
        var tx = WithInput(signed, 0, new TxIn(signed.Inputs[0].PrevOut, ReadOnlyMemory<byte>.Empty, signed.Inputs[0].Sequence, [highSig, witness[1]]));

        Assert.True(new SpendVerifier(Secp, SpendVerifierOptions.Consensus).VerifyTransaction(tx, s.Spent).IsValid);
        Assert.Equal(SpendErrors.SigHighS, Verifier.VerifyTransaction(tx, s.Spent).Error);
    }

    private static byte[] Negate(ReadOnlySpan<byte> scalar)
    {
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var value = new System.Numerics.BigInteger(scalar, isUnsigned: true, isBigEndian: true);
        var negated = (n - value).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[32 - negated.Length], .. negated];
    }

    private static Transaction WithInput(Transaction tx, int index, TxIn input)
    {
        var inputs = tx.Inputs.ToArray();
        inputs[index] = input;
        return new Transaction(tx.Version, inputs, tx.Outputs, tx.LockTime);
    }

    [Fact]
    public void Verify_UncompressedKeyInP2wpkh_ValidInConsensusRejectedByCompressedKeyOption()
    {
        var random = new Random(13);
        var key = RandomKey(random);
        var pub = Secp.GetPublicKey(key, compressed: false);
        var hash = Hashes.Hash160(pub);
        TxOut[] spent = [new TxOut(50_000, StandardScripts.PayToWitnessPubKeyHash(hash))];
        var unsigned = new Transaction(2, [new TxIn(new OutPoint(new Txid(Hash256.Zero), 0), ReadOnlyMemory<byte>.Empty)], [new TxOut(40_000, spent[0].ScriptPubKey)], 0);
        var sighash = SegwitV0Sighash.Compute(unsigned, 0, StandardScripts.PayToPubKeyHash(hash), 50_000, SighashType.All).ToArray();
        byte[] sig = [.. Secp.SignEcdsa(key, sighash).ToDer(), SighashType.All];
        var tx = WithInput(unsigned, 0, new TxIn(unsigned.Inputs[0].PrevOut, ReadOnlyMemory<byte>.Empty, TxIn.SequenceFinal, [sig, pub]));

        Assert.True(new SpendVerifier(Secp).VerifyTransaction(tx, spent).IsValid);
        Assert.Equal(SpendErrors.PubKeyType, Verifier.VerifyTransaction(tx, spent).Error);
    }

    [Fact]
    public void Verify_TaprootWithAnnex_SignedOverAnnexValidOtherwiseInvalid()
    {
        var s = Build(new Random(14), [(SpendTemplate.PayToTaprootKeyPath, true)]);
        byte[] annex = [0x50, 1, 2, 3];
        var data = new PrecomputedTransactionData(s.Unsigned, s.Spent);
        Assert.True(TaprootSighash.TryCompute(data, 0, SighashType.Default, out var sighash, annex));
        var internalKey = Secp.GetPublicKey(s.Keys[0], true).AsSpan(1);
        var tweaked = new byte[32];
        Assert.True(Secp.TryTweakPrivateKey(s.Keys[0], SpendScripts.GetTaprootTweak(internalKey), tweaked));
        var sig = Secp.SignSchnorr(tweaked, sighash.ToArray(), new byte[32]);
        var input = s.Unsigned.Inputs[0];

        var withAnnex = WithInput(s.Unsigned, 0, new TxIn(input.PrevOut, ReadOnlyMemory<byte>.Empty, input.Sequence, [sig, annex]));
        var annexDropped = WithInput(s.Unsigned, 0, new TxIn(input.PrevOut, ReadOnlyMemory<byte>.Empty, input.Sequence, [sig]));

        Assert.True(Verifier.VerifyTransaction(withAnnex, s.Spent).IsValid);
        Assert.Equal(SpendErrors.SigInvalid, Verifier.VerifyTransaction(annexDropped, s.Spent).Error);
    }

    public static TheoryData<string, SpendTemplate, string> Malformed => new()
    {
        { "p2pkh three pushes", SpendTemplate.PayToPubKeyHash, SpendErrors.ScriptSigMismatch },
        { "p2pkh non-push op", SpendTemplate.PayToPubKeyHash, SpendErrors.ScriptSigMismatch },
        { "p2pkh other key", SpendTemplate.PayToPubKeyHash, SpendErrors.PubKeyHashMismatch },
        { "p2pkh with witness", SpendTemplate.PayToPubKeyHash, SpendErrors.WitnessUnexpected },
        { "p2pkh bad der", SpendTemplate.PayToPubKeyHash, SpendErrors.SigDer },
        { "p2pkh hashtype 0x05", SpendTemplate.PayToPubKeyHash, SpendErrors.SigHashType },
        { "p2pkh empty sig", SpendTemplate.PayToPubKeyHash, SpendErrors.SigInvalid },
        { "p2wpkh scriptSig", SpendTemplate.PayToWitnessPubKeyHash, SpendErrors.ScriptSigMismatch },
        { "p2wpkh three items", SpendTemplate.PayToWitnessPubKeyHash, SpendErrors.WitnessMismatch },
        { "p2wpkh other key", SpendTemplate.PayToWitnessPubKeyHash, SpendErrors.WitnessProgramMismatch },
        { "p2sh wrong redeem", SpendTemplate.PayToScriptHashWitnessPubKeyHash, SpendErrors.ScriptHashMismatch },
        { "p2sh noncanonical push", SpendTemplate.PayToScriptHashWitnessPubKeyHash, SpendErrors.ScriptSigMismatch },
        { "p2tr scriptSig", SpendTemplate.PayToTaprootKeyPath, SpendErrors.ScriptSigMismatch },
        { "p2tr empty witness", SpendTemplate.PayToTaprootKeyPath, SpendErrors.WitnessMismatch },
        { "p2tr 63-byte sig", SpendTemplate.PayToTaprootKeyPath, SpendErrors.SigSize },
        { "p2tr explicit 0x00 hashtype", SpendTemplate.PayToTaprootKeyPath, SpendErrors.SigHashType },
        { "p2tr hashtype 0x04", SpendTemplate.PayToTaprootKeyPath, SpendErrors.SigHashType },
        { "p2tr script path", SpendTemplate.PayToTaprootKeyPath, SpendErrors.UnsupportedSpend },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Verify_MalformedSpend_ReturnsReason(string mutation, SpendTemplate template, string expected)
    {
        var s = Build(new Random(15), [(template, true)]);
        var input = SignAll(s).Inputs[0];
        var sigWitness = input.Witness.Count > 0 ? input.Witness[0].ToArray() : [];
        var otherKey = Secp.GetPublicKey(RandomKey(new Random(16)), true);
        var scriptSig = input.ScriptSig.ToArray();
        IReadOnlyList<ReadOnlyMemory<byte>>? witness = input.Witness;
        switch (mutation)
        {
            case "p2pkh three pushes": scriptSig = [0x00, .. scriptSig]; break;
            case "p2pkh non-push op": scriptSig = [.. scriptSig, (byte)Opcode.OP_NOP]; break;
            case "p2pkh other key": scriptSig = [.. scriptSig[..(scriptSig[0] + 1)], .. StandardScripts.Push(otherKey)]; break;
            case "p2pkh with witness": witness = [new byte[] { 1 }]; break;
            case "p2pkh bad der": scriptSig = ReplaceFirstPush(scriptSig, [.. scriptSig.AsSpan(1, scriptSig[0] - 1), 0x00, 0x01]); break;
            case "p2pkh hashtype 0x05": scriptSig = ReplaceFirstPush(scriptSig, [.. scriptSig.AsSpan(1, scriptSig[0] - 1), 0x05]); break;
            case "p2pkh empty sig": scriptSig = ReplaceFirstPush(scriptSig, []); break;
            case "p2wpkh scriptSig": scriptSig = [0x51]; break;
            case "p2wpkh three items": witness = [.. witness, new byte[] { 1 }]; break;
            case "p2wpkh other key": witness = [witness[0], otherKey]; break;
            case "p2sh wrong redeem": scriptSig = StandardScripts.Push(StandardScripts.PayToWitnessPubKeyHash(Hashes.Hash160(otherKey))); break;
            case "p2sh noncanonical push": scriptSig = [(byte)Opcode.OP_PUSHDATA1, .. scriptSig]; break;
            case "p2tr scriptSig": scriptSig = [0x00]; break;
            case "p2tr empty witness": witness = null; break;
            case "p2tr 63-byte sig": witness = [sigWitness.AsMemory(0, 63)]; break;
            case "p2tr explicit 0x00 hashtype": witness = [(byte[])[.. sigWitness, 0x00]]; break;
            case "p2tr hashtype 0x04": witness = [(byte[])[.. sigWitness, 0x04]]; break;
            case "p2tr script path": witness = [sigWitness, new byte[] { 0x51 }, new byte[33]]; break;
            default: throw new ArgumentException(mutation);
        }

        var tx = WithInput(s.Unsigned, 0, new TxIn(input.PrevOut, scriptSig, input.Sequence, witness));

        var result = Verifier.VerifyInput(tx, 0, s.Spent);

        Assert.Equal(expected, result.Error);
        Assert.Equal(template, result.Template);
    }

    private static byte[] ReplaceFirstPush(byte[] scriptSig, byte[] data) =>
        [.. (data.Length == 0 ? [0x00] : StandardScripts.Push(data)), .. scriptSig.AsSpan(scriptSig[0] + 1)];

    [Fact]
    public void Verify_UnsupportedOutputs_ReturnUnsupportedSpend()
    {
        var s = Build(new Random(17), [(SpendTemplate.PayToWitnessPubKeyHash, true)]);
        var signed = SignAll(s);
        byte[][] scripts =
        [
            StandardScripts.PayToWitnessScriptHash(new byte[32]),
            [0x51],
            [0x52, 0x21, .. Secp.GetPublicKey(s.Keys[0], true), 0x51, 0xae],
            StandardScripts.WitnessProgram(2, new byte[32]),
            [],
        ];
        foreach (var script in scripts)
        {
            var result = Verifier.VerifyInput(signed, 0, [new TxOut(1, script)]);

            Assert.Equal(SpendErrors.UnsupportedSpend, result.Error);
        }
    }

    [Fact]
    public void Verify_P2shRedeemScriptNotP2wpkh_ReturnsUnsupportedSpend()
    {
        byte[] redeem = [0x51];
        var tx = new Transaction(1, [new TxIn(new OutPoint(new Txid(Hash256.Zero), 0), StandardScripts.Push(redeem))], [new TxOut(0, Array.Empty<byte>())], 0);

        var result = Verifier.VerifyInput(tx, 0, [new TxOut(1, StandardScripts.PayToScriptHash(Hashes.Hash160(redeem)))]);

        Assert.Equal(SpendErrors.UnsupportedSpend, result.Error);
    }

    [Fact]
    public void Verify_BadArguments_ReturnReasonsNotExceptions()
    {
        var s = Build(new Random(18), [(SpendTemplate.PayToPubKeyHash, true), (SpendTemplate.PayToTaprootKeyPath, true)]);
        var signed = SignAll(s);

        Assert.Equal(SpendErrors.SpentOutputsMismatch, Verifier.VerifyTransaction(signed, [s.Spent[0]]).Error);
        Assert.Equal(SpendErrors.SpentOutputsMismatch, Verifier.VerifyInput(signed, 0, []).Error);
        Assert.Equal(SpendErrors.InputIndexOutOfRange, Verifier.VerifyInput(signed, 2, s.Spent).Error);
        Assert.Equal(SpendErrors.InputIndexOutOfRange, Verifier.VerifyInput(signed, -1, s.Spent).Error);
        Assert.Equal(SpendErrors.SpentOutputsMismatch, Verifier.VerifyInput(new PrecomputedTransactionData(signed), 0).Error);
    }

    [Fact]
    public void Verify_RandomScriptSigsAndWitnesses_NeverThrowNeverValid()
    {
        var random = new Random(19);
        var templates = Templates.Select(t => ((SpendTemplate)t[0], (bool)t[1])).ToList();
        var s = Build(random, templates);
        var signed = SignAll(s);
        for (var round = 0; round < 300; round++)
        {
            var index = random.Next(templates.Count);
            var original = signed.Inputs[index];
            var scriptSig = original.ScriptSig.ToArray();
            var witness = original.Witness.Select(w => w.ToArray()).ToList();
            switch (random.Next(4))
            {
                case 0:
                    scriptSig = RandomBytes(random, random.Next(0, 120));
                    break;
                case 1:
                    witness = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomBytes(random, random.Next(0, 80)))];
                    break;
                case 2 when scriptSig.Length > 0:
                    scriptSig[random.Next(scriptSig.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                default:
                    if (witness.Count > 0)
                    {
                        var item = witness[random.Next(witness.Count)];
                        if (item.Length > 0)
                        {
                            item[random.Next(item.Length)] ^= (byte)(1 << random.Next(8));
                            break;
                        }
                    }

                    scriptSig = [.. scriptSig, 0x00];
                    break;
            }

            var tx = WithInput(signed, index, new TxIn(original.PrevOut, scriptSig, original.Sequence, [.. witness.Select(w => (ReadOnlyMemory<byte>)w)]));

            var result = Verifier.VerifyInput(tx, index, s.Spent);

            Assert.False(result.IsValid, $"round {round}, input {index}");
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Sign_KeyRingLookup_SignsKnownAndReportsUnknown()
    {
        var random = new Random(20);
        var templates = Templates.Select(t => ((SpendTemplate)t[0], (bool)t[1])).ToList();
        var s = Build(random, templates);
        var ring = new KeyRing(Secp);
        foreach (var key in s.Keys.Skip(1))
        {
            ring.Add(key);
        }

        var result = Signer.Sign(s.Unsigned, s.Spent, ring);

        Assert.Equal(SpendErrors.NoKey, result.InputErrors[0]);
        Assert.All(result.InputErrors.Skip(1), e => Assert.Null(e));
        Assert.True(result.Transaction.Inputs[0].ScriptSig.IsEmpty);
        var verified = Verifier.VerifyTransaction(result.Transaction, s.Spent);
        Assert.Equal(0, verified.FirstInvalidInput);
        Assert.All(verified.Inputs.Skip(1), r => Assert.True(r.IsValid));
    }

    [Fact]
    public void Sign_WrongKeyOrBadHashType_ReportsReason()
    {
        var random = new Random(21);
        var s = Build(random, [(SpendTemplate.PayToPubKeyHash, true), (SpendTemplate.PayToScriptHashWitnessPubKeyHash, true), (SpendTemplate.PayToTaprootKeyPath, true)]);
        var wrong = RandomKey(random);

        var wrongKeys = Signer.Sign(s.Unsigned, s.Spent, new PerInputKeys([wrong, wrong, wrong]));
        var badHashType = Signer.Sign(s.Unsigned, s.Spent, new PerInputKeys([.. s.Keys.Select(k => (ReadOnlyMemory<byte>?)k)]), new SigningOptions { HashType = 0x04 });
        var unsupported = Signer.Sign(s.Unsigned, [new TxOut(1, new byte[] { 0x51 }), s.Spent[1], s.Spent[2]], new PerInputKeys([.. s.Keys.Select(k => (ReadOnlyMemory<byte>?)k)]));

        Assert.All(wrongKeys.InputErrors, e => Assert.Equal(SpendErrors.KeyMismatch, e));
        Assert.All(badHashType.InputErrors, e => Assert.Equal(SpendErrors.SigHashType, e));
        Assert.Equal(SpendErrors.UnsupportedSpend, unsupported.InputErrors[0]);
    }

    [Fact]
    public void Sign_LegacySighashSingleWithoutOutput_Refuses()
    {
        var s = Build(new Random(22), [(SpendTemplate.PayToPubKeyHash, true), (SpendTemplate.PayToPubKeyHash, true)], outputCount: 1);

        var result = Signer.Sign(s.Unsigned, s.Spent, new PerInputKeys([.. s.Keys.Select(k => (ReadOnlyMemory<byte>?)k)]), new SigningOptions { HashType = SighashType.Single });

        Assert.Null(result.InputErrors[0]);
        Assert.Equal(SpendErrors.SighashSingleWithoutOutput, result.InputErrors[1]);
    }

    [Fact]
    public void EstimateVirtualSize_RandomMixes_UpperBoundWithinSignatureSlack()
    {
        var random = new Random(23);
        var all = Templates.Select(t => ((SpendTemplate)t[0], (bool)t[1])).Where(t => t.Item2).ToList();
        for (var round = 0; round < 20; round++)
        {
            var inputs = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => all[random.Next(all.Count)]).ToList();
            var s = Build(random, inputs, outputCount: 1 + random.Next(3));
            var signed = SignAll(s);

            var estimate = SizeEstimator.EstimateVirtualSize([.. inputs.Select(i => i.Item1)], s.Unsigned.Outputs);

            // Each ECDSA signature may be one byte shorter than the bound (r without its sign byte).
            var ecdsa = inputs.Count(i => i.Item1 != SpendTemplate.PayToTaprootKeyPath);
            Assert.InRange(signed.VirtualSize, estimate - ecdsa - 1, estimate);
        }
    }

    [Fact]
    public void SpendScripts_PrivateKeyOne_MatchesWellKnownAddresses()
    {
        var key = new byte[32];
        key[31] = 1;
        var compressed = Secp.GetPublicKey(key, true);
        var uncompressed = Secp.GetPublicKey(key, false);
        var main = BitcoinNetwork.Mainnet;

        Assert.Equal("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", SpendScripts.GetAddress(Secp, SpendTemplate.PayToPubKeyHash, compressed, main));
        Assert.Equal("1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm", SpendScripts.GetAddress(Secp, SpendTemplate.PayToPubKeyHash, uncompressed, main));
        Assert.Equal("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", SpendScripts.GetAddress(Secp, SpendTemplate.PayToWitnessPubKeyHash, compressed, main));
        Assert.Equal("3JvL6Ymt8MVWiCNHC7oWU6nLeHNJKLZGLN", SpendScripts.GetAddress(Secp, SpendTemplate.PayToScriptHashWitnessPubKeyHash, compressed, main));
        Assert.Throws<ArgumentException>(() => SpendScripts.GetAddress(Secp, SpendTemplate.PayToPubKey, compressed, main));
        Assert.Throws<ArgumentException>(() => SpendScripts.GetScriptPubKey(Secp, SpendTemplate.PayToWitnessPubKeyHash, uncompressed));
    }
}
