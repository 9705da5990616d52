using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;

namespace Blockstack.Chain;

/// <summary>The fixed facts a block's transactions run under.</summary>
public sealed record BlockEnvironment(
    ChainParameters Parameters,
    NativeContractRegistry Contracts,
    ulong BurnHeight,
    ulong StacksHeight,
    bool VerifySignatures = true)
{
    /// <summary>The native libsecp256k1 backend when installed (~4.5x faster recovery), else BouncyCastle: both answer identically (NativeSecp256k1Tests).</summary>
    internal StacksSigner Signer { get; } = new(Secp256k1.Default);
}

/// <summary>
/// Applies one transaction to a state view. A transaction that cannot be mined (bad chain id,
/// signature, nonce, unaffordable fee or transfer, unknown contract or function, bad arguments,
/// contract deploy) is a rejection and changes nothing; a contract call that returns
/// <c>(err …)</c> or breaks a post-condition is mined with only its fee and nonce kept.
/// </summary>
public static class TransactionProcessor
{
    /// <summary>Checks that need no state: network, version, signatures, payload kind.</summary>
    public static ChainRejection? CheckStateless(BlockEnvironment env, StacksTransaction tx)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(tx);
        if (tx.ChainId != env.Parameters.ChainId)
        {
            return new(ChainErrorCodes.TxBadChainId, $"chain id {tx.ChainId:x8} is not this network's {env.Parameters.ChainId:x8}");
        }

        if (tx.Version != env.Parameters.TransactionVersion)
        {
            return new(ChainErrorCodes.TxBadVersion, "transaction version is not this network's");
        }

        switch (tx.Payload)
        {
            case SmartContractPayload:
                return new(ChainErrorCodes.TxContractDeployUnsupported, "this node has no Clarity interpreter; contract deploys are refused");
            case PoisonMicroblockPayload:
                return new(ChainErrorCodes.TxUnsupportedPayload, "microblocks are not supported, so neither are poison-microblock reports");
        }

        if (env.VerifySignatures && !env.Signer.Verify(tx, out var error))
        {
            return new(ChainErrorCodes.TxBadSignature, error.ToString());
        }

        return null;
    }

    /// <summary>
    /// Applies <paramref name="tx"/> (already passed <see cref="CheckStateless"/>) at position
    /// <paramref name="index"/>. On rejection the view is unchanged.
    /// </summary>
    public static bool TryApply(StateView state, BlockEnvironment env, StacksTransaction tx, int index, out TransactionReceipt? receipt, out ChainRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(tx);
        receipt = null;
        var txid = tx.Txid;
        var work = state.Checkpoint();

        // Nonces and fee.
        var origin = new StandardPrincipal(tx.OriginAddress);
        var originKey = StateKeys.Account(origin);
        var originAccount = work.GetAccount(originKey).At(env.BurnHeight);
        if (tx.Auth.Origin.Nonce != originAccount.Nonce)
        {
            rejection = new(ChainErrorCodes.TxBadNonce, $"origin nonce {tx.Auth.Origin.Nonce}, account nonce {originAccount.Nonce}", index);
            return false;
        }

        work.PutAccount(originKey, originAccount with { Nonce = checked(originAccount.Nonce + 1) });
        var payerCondition = tx.Auth.Origin;
        var payer = origin;
        if (tx.Auth.Sponsor is { } sponsorCondition)
        {
            var sponsor = new StandardPrincipal(tx.SponsorAddress!.Value);
            var sponsorKey = StateKeys.Account(sponsor);
            var sponsorAccount = work.GetAccount(sponsorKey).At(env.BurnHeight);
            if (sponsorCondition.Nonce != sponsorAccount.Nonce)
            {
                rejection = new(ChainErrorCodes.TxBadNonce, $"sponsor nonce {sponsorCondition.Nonce}, account nonce {sponsorAccount.Nonce}", index);
                return false;
            }

            work.PutAccount(sponsorKey, sponsorAccount with { Nonce = checked(sponsorAccount.Nonce + 1) });
            payerCondition = sponsorCondition;
            payer = sponsor;
        }

        var fee = payerCondition.Fee;
        var payerKey = StateKeys.Account(payer);
        var payerAccount = work.GetAccount(payerKey).At(env.BurnHeight);
        if (payerAccount.Unlocked < fee)
        {
            rejection = new(ChainErrorCodes.TxInsufficientFunds, $"fee {fee} exceeds the payer's unlocked balance {payerAccount.Unlocked}", index);
            return false;
        }

        work.PutAccount(payerKey, payerAccount with { Unlocked = payerAccount.Unlocked - fee });

        ClarityValue result;
        var status = TransactionStatus.Success;
        var events = new List<ChainEvent>();
        switch (tx.Payload)
        {
            case CoinbasePayload:
                result = new ClarityResponse(true, ClarityBool.True);
                break;

            case TokenTransferPayload transfer:
                if (!TryTransfer(work, env, origin, transfer.Recipient, transfer.Amount, transfer.Memo, events, out rejection))
                {
                    rejection = rejection with { TransactionIndex = index };
                    return false;
                }

                result = new ClarityResponse(true, ClarityBool.True);
                break;

            case ContractCallPayload call:
                var contract = env.Contracts.Resolve(call.ContractAddress, call.ContractName);
                if (contract is null)
                {
                    rejection = new(ChainErrorCodes.TxNoSuchContract, $"no contract {call.ContractAddress}.{call.ContractName}", index);
                    return false;
                }

                if (contract.Describe(call.FunctionName) is null)
                {
                    rejection = new(ChainErrorCodes.TxNoSuchFunction, $"{call.ContractName} has no function {call.FunctionName}", index);
                    return false;
                }

                var callState = work.Checkpoint();
                var context = new NativeCallContext(callState, env.Parameters, origin, env.BurnHeight, env.StacksHeight, new ContractPrincipal(env.Contracts.BootAddress, call.ContractName));
                var outcome = contract.Call(context, call.FunctionName, call.Arguments);
                if (outcome.Rejection is { } invalid)
                {
                    rejection = invalid with { TransactionIndex = index };
                    return false;
                }

                result = outcome.Value!;
                if (result is ClarityResponse { IsOk: false })
                {
                    status = TransactionStatus.AbortByResponse;
                }
                else if (!PostConditions.Hold(tx, origin, context.Events))
                {
                    status = TransactionStatus.AbortByPostCondition;
                }
                else
                {
                    callState.Commit();
                    events.AddRange(context.Events);
                }

                break;

            default:
                rejection = new(ChainErrorCodes.TxUnsupportedPayload, $"payload {tx.Payload.Type} is not supported", index);
                return false;
        }

        work.Commit();
        receipt = new TransactionReceipt(txid, index, status, result, events, fee, false);
        rejection = default;
        return true;
    }

    /// <summary>Moves unlocked STX; refuses zero, self-transfers and overdrafts.</summary>
    internal static bool TryTransfer(StateView state, BlockEnvironment env, Principal sender, Principal recipient, UInt128 amount, byte[] memo, List<ChainEvent> events, out ChainRejection rejection)
    {
        if (amount == 0)
        {
            rejection = new(ChainErrorCodes.TxBadAmount, "a transfer moves at least 1 µSTX");
            return false;
        }

        if (sender == recipient)
        {
            rejection = new(ChainErrorCodes.TxSelfTransfer, "sender and recipient are the same");
            return false;
        }

        var senderKey = StateKeys.Account(sender);
        var source = state.GetAccount(senderKey).At(env.BurnHeight);
        if (source.Unlocked < amount)
        {
            rejection = new(ChainErrorCodes.TxInsufficientFunds, $"transfer of {amount} exceeds the unlocked balance {source.Unlocked}");
            return false;
        }

        state.PutAccount(senderKey, source with { Unlocked = source.Unlocked - amount });
        var recipientKey = StateKeys.Account(recipient);
        var target = state.GetAccount(recipientKey).At(env.BurnHeight);
        state.PutAccount(recipientKey, target with { Unlocked = checked(target.Unlocked + amount) });
        events.Add(ChainEvent.Transfer(sender, recipient, amount, memo));
        rejection = default;
        return true;
    }
}

/// <summary>STX post-conditions over a call's events (FT/NFT: no such assets exist without Clarity).</summary>
public static class PostConditions
{
    public static bool Hold(StacksTransaction tx, Principal origin, IReadOnlyList<ChainEvent> events)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(events);
        var sent = new SortedDictionary<string, UInt128>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if ((e.Kind == ChainEventKind.StxTransfer || e.Kind == ChainEventKind.StxBurn) && e.Sender is { } s)
            {
                var k = s.ToString();
                sent[k] = checked((sent.TryGetValue(k, out var v) ? v : 0) + e.Amount);
            }
        }

        var covered = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pc in tx.PostConditions)
        {
            var who = (pc.Principal.Principal ?? origin).ToString();
            switch (pc)
            {
                case StxPostCondition stx:
                    covered.Add(who);
                    var amount = sent.TryGetValue(who, out var a) ? a : 0;
                    if (!Compare(amount, stx.Code, stx.Amount))
                    {
                        return false;
                    }

                    break;
                case FungiblePostCondition ft:
                    if (!Compare(0, ft.Code, ft.Amount))
                    {
                        return false;
                    }

                    break;
                case NonfungiblePostCondition nft:
                    if (nft.Code == NonfungibleConditionCode.Sent)
                    {
                        return false;
                    }

                    break;
            }
        }

        return tx.PostConditionMode != PostConditionMode.Deny || sent.Keys.All(covered.Contains);
    }

    private static bool Compare(UInt128 actual, FungibleConditionCode code, ulong amount) => code switch
    {
        FungibleConditionCode.SentEq => actual == amount,
        FungibleConditionCode.SentGt => actual > amount,
        FungibleConditionCode.SentGe => actual >= amount,
        FungibleConditionCode.SentLt => actual < amount,
        FungibleConditionCode.SentLe => actual <= amount,
        _ => false,
    };
}
