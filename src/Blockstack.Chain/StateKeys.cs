using System.Buffers.Binary;
using System.Text;
using Blockstack.Stacks;

namespace Blockstack.Chain;

/// <summary>
/// Keys of the chain state trie (docs/storage-layout.md, "Chain state"): a prefix byte, then
/// big-endian integers and encoded principals. Written by hand, never by reflection.
/// </summary>
public static class StateKeys
{
    public const byte AccountPrefix = 0x01;
    public const byte MaturingRewardPrefix = 0x02;
    public const byte SupplyPrefix = 0x03;
    public const byte AppliedBurnOpPrefix = 0x04;
    public const byte ContractDataPrefix = 0x80;

    /// <summary>The Clarity serialisation of a principal: 0x05 ‖ version ‖ hash160, or 0x06 ‖ version ‖ hash160 ‖ u8 len ‖ name.</summary>
    public static byte[] PrincipalBytes(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var w = new StacksWriter(64);
        ClarityValue.WritePrincipal(w, principal);
        return w.ToArray();
    }

    public static byte[] Account(Principal principal) => [AccountPrefix, .. PrincipalBytes(principal)];

    public static byte[] Account(StacksAddress address) => Account(new StandardPrincipal(address));

    public static byte[] MaturingReward(ulong stacksHeight)
    {
        var key = new byte[9];
        key[0] = MaturingRewardPrefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), stacksHeight);
        return key;
    }

    public static byte[] Supply { get; } = [SupplyPrefix];

    public static byte[] AppliedBurnOp(Blockstack.Bitcoin.Hash256 burnTxid) => [AppliedBurnOpPrefix, .. burnTxid.ToArray()];

    /// <summary>A key in a native contract's own data space: 0x80 ‖ u8 name length ‖ name ‖ key.</summary>
    public static byte[] ContractData(string contractName, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(contractName);
        var name = Encoding.ASCII.GetBytes(contractName);
        var result = new byte[2 + name.Length + key.Length];
        result[0] = ContractDataPrefix;
        result[1] = checked((byte)name.Length);
        name.CopyTo(result, 2);
        key.CopyTo(result.AsSpan(2 + name.Length));
        return result;
    }
}
