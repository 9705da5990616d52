using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Stacks;

namespace Blockstack.Chain.Tests;

/// <summary>
/// Stacking through the whole stack: a signed <c>stack-stx</c> call in a Stacks block, the reward
/// set the sortition layer computes at the next anchor from the chain's state, the recipients the
/// sortition layer then expects commits to pay, and the unlock. Synthetic burn blocks (regtest PoX:
/// L = 5, P = 3, first height 0; reward phase = positions 1–2 of a cycle, 4 slots).
/// </summary>
[Trait("Category", "Integration")]
public class StackingEndToEndTests
{
    private const ulong Stx = 1_000_000;
    private static readonly PoxRewardAddress RewardAddress = new(0x00, Enumerable.Repeat((byte)0x42, 20).ToArray());
    private static readonly PoxAddress BitcoinAddress = PoxAddress.Legacy(false, false, new Hash160Bytes(RewardAddress.HashBytes));

    [Fact]
    public void StackStx_ThroughSortitionLayer_PaysStackerInNextCycle_ThenUnlocks()
    {
        var stacker = TestKey.FromSeed(0);
        var other = TestKey.FromSeed(1);
        using var h = new PoxHarness([new GenesisBalance(stacker.Address, 1_000_000 * Stx), new GenesisBalance(other.Address, 1_000_000 * Stx)]);
        h.Start();

        // Burn height 2 (cycle 0, reward phase): stack 400,000 STX for one cycle (cycle 1, burn 5–9).
        var stackTx = Call(h, stacker, "stack-stx", [new ClarityUInt(400_000 * Stx), RewardAddress.ToClarity(), new ClarityUInt(2), new ClarityUInt(1)], 0);
        var stacked = h.Mine([stackTx]);
        Assert.Equal(2UL, stacked.Block!.BurnHeight);
        Assert.Equal(TransactionStatus.Success, stacked.Receipts[1].Status);
        Assert.Contains("(unlock-burn-height u10)", stacked.Receipts[1].Result.ToRepr(), StringComparison.Ordinal);

        // Prepare phase of cycle 1: burn heights 3, 4, 5 elect the anchor.
        h.Mine();
        h.Mine();
        h.Mine();
        Assert.Equal(5UL, h.Sortitions.Tip!.BurnHeight);

        // The sortition layer expects the first reward-phase block of cycle 1 to pay the stacker.
        var recipients = h.Sortitions.GetNextBlockRecipients();
        Assert.NotNull(recipients);
        Assert.Equal([BitcoinAddress, BitcoinAddress], recipients.Recipients.Select(r => r.Address));
        var anchorBlock = h.Coordinator.State.GetBlock(recipients.Anchor.BlockId);
        Assert.NotNull(anchorBlock);
        Assert.InRange(anchorBlock.BurnHeight, 2UL, 5UL); // confirmed by the prepare-phase commits, holds the stack-stx

        h.Mine(); // burn 6: pays the two chosen slots
        var cycle = h.Sortitions.GetRewardCycle(1);
        Assert.NotNull(cycle);
        Assert.True(cycle.AnchorKnown);
        Assert.Equal(recipients.Anchor, cycle.Anchor);
        var set = cycle.RewardSet!;

        // Liquid: 2,000,000 STX of genesis plus the coinbases minted up to the anchor (< 10 × 1,000).
        Assert.InRange(set.LiquidUstx, 2_000_000 * Stx, 2_010_000 * Stx);
        Assert.Equal(400_000 * Stx, set.Participation);
        Assert.Equal(130_000 * Stx, set.Threshold); // ceil_to(max(400k, liquid/4 ≈ 500k) / 4 slots, 10k)
        Assert.Equal([BitcoinAddress, BitcoinAddress, BitcoinAddress], set.Slots);

        h.Mine(); // burn 7: the last reward-phase block pays the third slot and burns the fourth
        var paid = h.CommitOutputs[6].Concat(h.CommitOutputs[7]).ToList();
        Assert.Equal(3, paid.Count(a => a == BitcoinAddress));
        Assert.Equal(1, paid.Count(a => a.IsBurn));

        // Still locked through burn height 9: spending more than the unlocked 600,000 STX fails.
        h.Mine(); // burn 8
        var spend = Call(h, stacker, null, [], 1, transferTo: other.Address, amount: 700_000 * Stx);
        Assert.Throws<InvalidOperationException>(() => h.Build([spend]));
        var atNine = h.Mine(); // burn 9
        var locked = h.Coordinator.State.GetAccountAt(atNine.Block!.Id, stacker.Principal)!.Value.At(9);
        Assert.Equal(400_000 * Stx, locked.Locked);
        Assert.Equal(10UL, locked.UnlockHeight);

        // Burn height 10 = unlock height: the same spend goes through.
        var unlocked = h.Mine([spend]);
        Assert.Equal(10UL, unlocked.Block!.BurnHeight);
        var account = h.Coordinator.State.GetAccount(stacker.Address);
        Assert.Equal(UInt128.Zero, account.Locked);
        Assert.Equal((1_000_000 - 700_000) * Stx - 2000, account.Unlocked);

        // Cycle 2 has no registrations: its commits burn.
        Assert.Null(h.Sortitions.GetNextBlockRecipients());
        h.Mine(); // burn 11
        Assert.Empty(h.Sortitions.GetRewardCycle(2)!.RewardSet!.Slots);
    }

    private static StacksTransaction Call(PoxHarness h, TestKey from, string? function, IReadOnlyList<ClarityValue> args, ulong nonce, StacksAddress? transferTo = null, ulong amount = 0)
    {
        TransactionPayload payload = function is null
            ? new TokenTransferPayload(new StandardPrincipal(transferTo!.Value), amount, new byte[34])
            : new ContractCallPayload(h.Parameters.BootAddress, "pox", function, args);
        var tx = new StacksTransaction(
            h.Parameters.TransactionVersion, h.Parameters.ChainId,
            new TransactionAuth(TestChain.Signer.SingleSigCondition(from.Key, nonce, 1000), null),
            AnchorMode.Any, PostConditionMode.Allow, [], payload);
        return TestChain.Signer.SignOrigin(tx, from.Key);
    }
}
