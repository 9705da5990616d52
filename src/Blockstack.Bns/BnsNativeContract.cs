using Blockstack.Chain;
using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>
/// The <c>bns</c> boot contract as a chain native contract (docs/bns.md): <see cref="BnsContract"/>
/// run over the contract's data space in the state trie (<see cref="BnsDataLayout"/>). Burns debit
/// the sender's unlocked balance and add to the supply's burned total; events are those of the
/// Clarity contract (<c>stx_burn_event</c>, <c>bns::names</c> NFT mint/transfer, <c>print</c>).
/// Register it with <c>NativeContractRegistry.WithPox(parameters, new BnsNativeContract())</c>.
/// </summary>
public sealed class BnsNativeContract : INativeContract
{
    public const string ContractName = "bns";

    public string Name => ContractName;

    public NativeFunctionKind? Describe(string function) =>
        function is not null && BnsAbi.Functions.TryGetValue(function, out var f) ? f.ReadOnly ? NativeFunctionKind.ReadOnly : NativeFunctionKind.Public : null;

    public NativeCallResult Call(NativeCallContext context, string function, IReadOnlyList<ClarityValue> arguments)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(arguments);
        var state = ForContext(context);
        var result = BnsContract.Call(state, context.Sender, context.StacksHeight, function, arguments);
        switch (result.Status)
        {
            case BnsCallStatus.BadArguments:
                return NativeCallResult.Invalid(ChainErrorCodes.TxBadArguments, result.Error ?? function);
            case BnsCallStatus.RuntimeError:
                // No runtime-error status exists in receipts: the transaction is refused (docs/consensus.md).
                return NativeCallResult.Invalid(ChainErrorCodes.TxRuntimeError, $"{function}: Clarity runtime error {result.Error}");
            case BnsCallStatus.Err:
                return NativeCallResult.Of(result.Value!);
            default:
                break;
        }

        var assetId = $"{context.Contract}::names";
        foreach (var e in result.Events)
        {
            context.Emit(e switch
            {
                StxBurnEvent b => ChainEvent.Burn(b.Sender, b.Amount),
                NameMintEvent m => ChainEvent.NftMint(assetId, m.Recipient, BnsClarity.NameKey(m.Name)),
                NameTransferEvent t => ChainEvent.NftTransfer(assetId, t.Sender, t.Recipient, BnsClarity.NameKey(t.Name)),
                PrintEvent p => ChainEvent.Contract(context.Contract, p.Value),
                _ => throw new InvalidOperationException($"unmapped bns event {e}"),
            });
        }

        return NativeCallResult.Of(result.Value!);
    }

    /// <summary>The contract's state for one call: data in the trie, burns against the account and the supply.</summary>
    internal static BnsDataState ForContext(NativeCallContext context) => new(
        key => context.GetData(key),
        (key, value) => context.PutData(key, value),
        key => context.DeleteData(key),
        p => context.GetAccount(p).Unlocked,
        (p, amount) =>
        {
            var account = context.GetAccount(p);
            context.PutAccount(p, account with { Unlocked = account.Unlocked - amount });
            var supply = context.State.GetSupply();
            context.State.PutSupply(supply with { Burned = checked(supply.Burned + amount) });
        });
}
