using System.Globalization;

namespace Blockstack.Burnchain.Ops;

/// <summary>
/// One-line renderings of operations for logs and tools: Stacks addresses as c32check
/// (<see cref="StacksAddressValue.ToC32"/>), PoX addresses as Bitcoin addresses of the network.
/// </summary>
public static class BurnOpText
{
    public static string Describe(BurnOperation op, BurnchainParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(parameters);
        var inv = CultureInfo.InvariantCulture;
        return op switch
        {
            LeaderKeyRegisterOp k => string.Create(inv, $"key-register consensus-hash {k.ConsensusHash} vrf-key {k.PublicKey}"),
            LeaderBlockCommitOp c => string.Create(inv, $"block-commit burn {c.BurnFee} key {c.KeyBlockPtr}/{c.KeyVtxindex} parent {c.ParentBlockPtr}/{c.ParentVtxindex} to {string.Join(',', c.CommitOutputs.Select(a => a.ToBitcoinAddress(parameters.Bitcoin)))}"),
            PreStxOp p => $"pre-stx {p.Output.ToC32()}",
            StackStxOp s => string.Create(inv, $"stack-stx {s.Sender.ToC32()} {s.StackedUstx} uSTX for {s.NumCycles} cycles to {s.RewardAddress.ToBitcoinAddress(parameters.Bitcoin)}"),
            TransferStxOp t => string.Create(inv, $"transfer-stx {t.Sender.ToC32()} -> {t.Recipient.ToC32()} {t.TransferedUstx} uSTX"),
            DelegateStxOp d => string.Create(inv, $"delegate-stx {d.Sender.ToC32()} -> {d.DelegateTo.ToC32()} {d.DelegatedUstx} uSTX"),
            _ => op.Opcode.ToString(),
        };
    }
}
