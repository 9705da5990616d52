using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks.Vrf;
using Blockstack.TestKit;
using static Blockstack.Stacks.Tests.VectorData;

namespace Blockstack.Stacks.Tests;

[Trait("Category", "Vector")]
public class MerkleVectorTests
{
    [VectorFact]
    public void Build_Vectors_EveryRowMatches()
    {
        var cases = Cases("merkle.json").ToList();
        Assert.Equal(5, cases.Count);
        foreach (var c in cases)
        {
            var leaves = c.GetProperty("leaves_hex").EnumerateArray().Select(l => Convert.FromHexString(l.GetString()!)).ToList();
            var tree = MerkleTree.Build(leaves, static d => Hashes.Sha256d(d));
            var rows = c.GetProperty("rows_hex").EnumerateArray().Select(r => r.EnumerateArray().Select(h => h.GetString()!).ToList()).ToList();
            Assert.Equal(rows, tree.Rows.Select(r => r.Select(h => h.ToHex()).ToList()).ToList());
            Assert.Equal(Str(c, "root_hex"), tree.Root.ToHex());
        }
    }
}

[Trait("Category", "Vector")]
public class VrfVectorTests
{
    [VectorFact]
    public void Prove_Vectors_ExactProofAndVerifies()
    {
        var cases = Cases("vrf.json", "prove_and_verify").ToList();
        Assert.Equal(3, cases.Count);
        foreach (var c in cases)
        {
            var key = new VrfPrivateKey(Hex(c, "privkey_hex"));
            var alpha = Hex(c, "alpha_hex");
            var proof = EcVrf.Prove(key, alpha);
            Assert.Equal(Str(c, "proof_hex"), proof.ToHex());
            Assert.True(VrfProof.TryDecode(proof.Bytes, out var decoded, out _));
            Assert.True(EcVrf.Verify(key.PublicKey, decoded, alpha));
            Assert.False(EcVrf.Verify(key.PublicKey, decoded, [.. alpha, 0x00]));
        }
    }

    [VectorFact]
    public void TryDecode_ProofVectors_AcceptOrReject()
    {
        var cases = Cases("vrf.json", "proof_decode").ToList();
        Assert.Equal(7, cases.Count);
        foreach (var c in cases)
        {
            var bytes = Hex(c, "proof_hex");
            var ok = VrfProof.TryDecode(bytes, out var proof, out _);
            Assert.Equal(c.GetProperty("decodes").GetBoolean(), ok);
            if (ok)
            {
                Assert.Equal(bytes, proof!.ToArray());
            }
        }
    }

    [VectorFact]
    public void PublicKey_Vectors_Validity()
    {
        foreach (var c in Cases("vrf.json", "public_key_valid"))
        {
            Assert.Equal(c.GetProperty("valid").GetBoolean(), VrfPublicKey.TryParse(Hex(c, "pubkey_hex"), out _, out _));
        }
    }
}

[Trait("Category", "Unit")]
public class VrfTests
{
    [Fact]
    public void Prove_RandomKeys_VerifyAndRejectTampering()
    {
        var rng = new Random(5);
        for (var i = 0; i < 4; i++)
        {
            var seed = new byte[32];
            rng.NextBytes(seed);
            var key = new VrfPrivateKey(seed);
            var alpha = new byte[rng.Next(0, 64)];
            rng.NextBytes(alpha);
            var proof = EcVrf.Prove(key, alpha);
            Assert.True(EcVrf.Verify(key.PublicKey, proof, alpha));
            var bytes = proof.ToArray();
            bytes[40] ^= 0x01;
            if (VrfProof.TryDecode(bytes, out var tampered, out _))
            {
                Assert.False(EcVrf.Verify(key.PublicKey, tampered, alpha));
            }

            var other = new VrfPrivateKey(Hashes.Sha256(seed));
            Assert.False(EcVrf.Verify(other.PublicKey, proof, alpha));
        }
    }

    [Fact]
    public void TryDecode_NonCanonicalInputs_GiveCodes()
    {
        var proof = EcVrf.Prove(new VrfPrivateKey(new byte[32]), [1, 2, 3]).ToArray();

        var highS = (byte[])proof.Clone();
        highS[79] = 0xff;
        Assert.False(VrfProof.TryDecode(highS, out _, out var e));
        Assert.Equal(StacksErrorCodes.VrfNonCanonicalScalar, e.Code);

        // y = p + 1 (non-canonical encoding of y = 1, the identity's neighbour): the point x = 0, y = 1.
        var nonCanonical = (byte[])proof.Clone();
        var pPlus1 = Ed25519Point.P + 1;
        Ed25519Point.ToLittleEndian(pPlus1, nonCanonical);
        Assert.False(VrfProof.TryDecode(nonCanonical, out _, out e));
        Assert.Equal(StacksErrorCodes.VrfNonCanonicalPoint, e.Code);

        // x = 0 with the sign bit set.
        var negZero = (byte[])proof.Clone();
        Ed25519Point.ToLittleEndian(1, negZero);
        negZero[31] |= 0x80;
        Assert.False(VrfProof.TryDecode(negZero, out _, out e));
        Assert.Equal(StacksErrorCodes.VrfNonCanonicalPoint, e.Code);

        // The identity itself: canonical but small order.
        var identity = (byte[])proof.Clone();
        Ed25519Point.ToLittleEndian(1, identity);
        Assert.False(VrfProof.TryDecode(identity, out _, out e));
        Assert.Equal(StacksErrorCodes.VrfSmallOrderPoint, e.Code);

        Assert.False(VrfProof.TryDecode(proof.AsSpan(1), out _, out e));
        Assert.Equal(StacksErrorCodes.VrfBadLength, e.Code);
    }

    [Fact]
    public void HashToCurve_AnyAlpha_PointOfPrimeOrder()
    {
        // Whatever counter succeeds, the cofactor-cleared result lies in the prime-order subgroup.
        var key = new VrfPrivateKey(new byte[32]);
        for (var i = 0; i < 8; i++)
        {
            var h = EcVrf.HashToCurve(key.PublicKey.Bytes, [(byte)i]);
            Assert.False(h.IsSmallOrder);
            Assert.True(h.Multiply(Ed25519Point.L).IsIdentity);
        }
    }
}
