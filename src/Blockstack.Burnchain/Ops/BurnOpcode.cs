namespace Blockstack.Burnchain.Ops;

/// <summary>The opcode byte that follows the 2-byte magic in a burn operation's OP_RETURN push.</summary>
public enum BurnOpcode : byte
{
    TransferStx = (byte)'$',
    DelegateStx = (byte)'#',
    LeaderBlockCommit = (byte)'[',
    LeaderKeyRegister = (byte)'^',
    UserBurnSupport = (byte)'_',
    PreStx = (byte)'p',
    VoteForAggregateKey = (byte)'v',
    StackStx = (byte)'x',
}
