using Blockstack.Bitcoin;
using Blockstack.Burnchain;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Pox;

/// <summary>Why a Stacks block's VRF proof does not match its sortition.</summary>
public enum VrfCheckCode
{
    Valid,

    /// <summary>The leader key does not parse as a VRF public key.</summary>
    BadPublicKey,

    /// <summary>The proof does not verify against the key and the expected message.</summary>
    ProofInvalid,

    /// <summary>SHA-512/256(proof) is not the commit's new_seed.</summary>
    SeedMismatch,

    /// <summary>The sortition, its winning commit, its key or the previous sortition is unknown.</summary>
    Unknown,
}

public static class VrfCheckCodes
{
    public static string ToCode(this VrfCheckCode code) => code switch
    {
        VrfCheckCode.Valid => "vrf-valid",
        VrfCheckCode.BadPublicKey => "vrf-bad-public-key",
        VrfCheckCode.ProofInvalid => "vrf-proof-invalid",
        VrfCheckCode.SeedMismatch => "vrf-seed-mismatch",
        _ => "vrf-unknown-sortition",
    };
}

/// <summary>
/// The check the chain layer runs when a winner's Stacks block arrives (consensus.md §4): the
/// block header's proof must verify under the commit's leader key over α = the sortition hash of
/// the burn block before the commit's block, and SHA-512/256(proof) must equal the commit's new_seed.
/// </summary>
public static class LeaderVrf
{
    public static VrfCheckCode Check(VrfPublicKeyBytes leaderKey, VrfProof proof, SortitionHash previousSortitionHash, Hash256 commitNewSeed) =>
        Check(leaderKey, proof, previousSortitionHash.Hash.ToArray(), commitNewSeed);

    /// <summary>The same check over an arbitrary message α (vectors use short messages).</summary>
    public static VrfCheckCode Check(VrfPublicKeyBytes leaderKey, VrfProof proof, ReadOnlySpan<byte> alpha, Hash256 commitNewSeed)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (!VrfPublicKey.TryParse(leaderKey.ToArray(), out var key, out _))
        {
            return VrfCheckCode.BadPublicKey;
        }

        if (!EcVrf.Verify(key, proof, alpha))
        {
            return VrfCheckCode.ProofInvalid;
        }

        return proof.Seed == commitNewSeed ? VrfCheckCode.Valid : VrfCheckCode.SeedMismatch;
    }
}
