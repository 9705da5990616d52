using Blockstack.Stacks;

namespace Blockstack.Bns;

/// <summary>An event a successful call emits, as the Clarity VM would (spec/bns.md §10).</summary>
public abstract record BnsEvent;

/// <summary><c>stx_burn_event</c> from <c>stx-burn?</c> in the two preorder calls.</summary>
public sealed record StxBurnEvent(Principal Sender, UInt128 Amount) : BnsEvent;

/// <summary><c>nft_mint_event</c> of asset <c>bns::names</c>, value <c>{name, namespace}</c>.</summary>
public sealed record NameMintEvent(NameId Name, Principal Recipient) : BnsEvent;

/// <summary><c>nft_transfer_event</c> of asset <c>bns::names</c>.</summary>
public sealed record NameTransferEvent(NameId Name, Principal Sender, Principal Recipient) : BnsEvent;

/// <summary>A <c>print</c> event; its value is what indexers read.</summary>
public sealed record PrintEvent(ClarityValue Value) : BnsEvent;

/// <summary>Name operations, for the query indexes and the zonefile store.</summary>
public enum NameOperation
{
    Import,
    Register,
    Update,
    Transfer,
    Renew,
    Revoke,
}

/// <summary>
/// What a successful name call did to one name, in node terms (not a Clarity event): the indexes
/// need it because a renewal without a zonefile emits nothing on chain (stacks-core #3273).
/// </summary>
public sealed record NameChange(NameId Name, NameOperation Operation, Principal Owner, Buff ZonefileHash);
