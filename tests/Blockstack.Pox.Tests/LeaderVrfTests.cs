using System.Text.Json;
using Blockstack.Bitcoin;
using Blockstack.Burnchain;
using Blockstack.Stacks.Vrf;
using Blockstack.TestKit;

namespace Blockstack.Pox.Tests;

[Trait("Category", "Vector")]
public class LeaderVrfTests
{
    private static IEnumerable<JsonElement> Cases() =>
        JsonDocument.Parse(Vectors.ReadText("stacks", "vrf.json")).RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("kind").GetString() == "prove_and_verify");

    [VectorFact]
    public void Check_VrfJsonProofs_ValidThenSeedMismatchThenProofInvalid()
    {
        var count = 0;
        foreach (var c in Cases())
        {
            var key = new VrfPrivateKey(Convert.FromHexString(c.GetProperty("privkey_hex").GetString()!));
            var publicKey = VrfPublicKeyBytes.FromHex(key.PublicKey.ToHex());
            var alpha = Convert.FromHexString(c.GetProperty("alpha_hex").GetString()!);
            Assert.True(VrfProof.TryDecode(Convert.FromHexString(c.GetProperty("proof_hex").GetString()!), out var proof, out _));
            var seed = new Hash256(Bitcoin.Crypto.Hashes.Sha512t256(proof!.Bytes));
            Assert.Equal(VrfCheckCode.Valid, LeaderVrf.Check(publicKey, proof, alpha, seed));
            Assert.Equal(VrfCheckCode.SeedMismatch, LeaderVrf.Check(publicKey, proof, alpha, Hash256.Zero));
            Assert.Equal(VrfCheckCode.ProofInvalid, LeaderVrf.Check(publicKey, proof, [.. alpha, 0x00], seed));
            count++;
        }

        Assert.Equal(3, count);
    }
}
