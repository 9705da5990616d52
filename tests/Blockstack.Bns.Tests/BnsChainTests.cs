using Blockstack.Chain;
using Blockstack.Stacks;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

/// <summary>The native bns contract through the chain: signed contract-call transactions in blocks.</summary>
[Trait("Category", "Unit")]
public sealed class BnsChainTests : IDisposable
{
    private const string ZoneA = "0102030405060708090a0b0c0d0e0f1011121314";
    private const string ZoneB = "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4";
    private readonly BnsTestChain _chain = new();

    public void Dispose() => _chain.Dispose();

    private StandardPrincipal K(int i) => _chain.Keys[i].Principal;

    private static Buff Nh(string name, string ns) => NameHash(name, ns, Salt);

    private TransactionReceipt Tx(int key, string function, params ClarityValue[] args) => _chain.Tx(_chain.Keys[key], function, args);

    private void CreateNamespace(string ns, int key, UInt128 lifetime)
    {
        Assert.True(Tx(key, "namespace-preorder", B(NamespaceHash(ns, Salt)), U(BnsPricing.NamespacePrice(ns.Length))).IsSuccess);
        Assert.True(Tx(key, "namespace-reveal", RevealArgs(ns, Salt, Example, lifetime, K(key))).IsSuccess);
        Assert.True(Tx(key, "namespace-ready", B(ns)).IsSuccess);
    }

    private ClarityValue ReadOnly(string function, params ClarityValue[] args)
    {
        var r = _chain.Coordinator.State.CallReadOnly(BnsNativeContract.ContractName, function, args, K(0));
        Assert.Null(r.Rejection);
        return r.Value!;
    }

    [Fact]
    public void Lifecycle_SignedTransactions_ResultsBurnsEventsAndState()
    {
        var state = _chain.Coordinator.State;
        var alice = _chain.Keys[0];
        var supply0 = state.GetSupply(_chain.Tip.Id)!.Value;
        var price = BnsPricing.NamespacePrice(2);

        // Namespace preorder: burns the price from the sender and from the supply, with a stx_burn_event.
        var preorder = Tx(0, "namespace-preorder", B(NamespaceHash("id", Salt)), U(price));
        Assert.True(preorder.IsSuccess);
        Assert.Equal($"(ok u{_chain.Tip.Height + 144})", preorder.Result.ToRepr());
        var burn = Assert.Single(preorder.Events);
        Assert.Equal(ChainEventKind.StxBurn, burn.Kind);
        Assert.Equal(alice.Principal, burn.Sender);
        Assert.Equal(price, burn.Amount);
        Assert.Equal(100_000_000_000_000 - price, state.GetAccount(alice.Address).Unlocked);
        var supply1 = state.GetSupply(_chain.Tip.Id)!.Value;
        Assert.Equal(supply0.Burned + price, supply1.Burned);

        // Reveal and ready: ready prints the namespace.
        Assert.Equal("(ok true)", Tx(0, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, K(0))).Result.ToRepr());
        var ready = Tx(0, "namespace-ready", B("id"));
        Assert.Equal("(ok true)", ready.Result.ToRepr());
        var print = Assert.Single(ready.Events);
        Assert.Equal(ChainEventKind.ContractEvent, print.Kind);
        Assert.Equal($"{_chain.Parameters.BootAddress}.bns", print.Sender!.ToString());
        Assert.Contains("\"ready\"", print.Value!.ToRepr(), StringComparison.Ordinal);

        // Name preorder + register by Bob (key 1): burn, then NFT mint and attachment print.
        var bobBefore = state.GetAccount(_chain.Keys[1].Address).Unlocked;
        Assert.True(Tx(1, "name-preorder", B(Nh("bob", "id")), U(10_000_000_000)).IsSuccess);
        Assert.Equal(bobBefore - 10_000_000_000, state.GetAccount(_chain.Keys[1].Address).Unlocked);
        var register = Tx(1, "name-register", B("id"), B("bob"), B(Salt), Hx(ZoneA));
        Assert.Equal("(ok true)", register.Result.ToRepr());
        Assert.Equal([ChainEventKind.NftMint, ChainEventKind.ContractEvent], register.Events.Select(e => e.Kind));
        Assert.Equal(K(1), register.Events[0].Recipient);
        Assert.Equal(BnsClarity.NameKey(new NameId(Buff.FromAscii("id"), Buff.FromAscii("bob"))).ToHex(), register.Events[0].Value!.ToHex());
        Assert.Contains("name-register", register.Events[1].Value!.ToRepr(), StringComparison.Ordinal);
        var registeredAt = _chain.Tip.Height;

        // Update, transfer (NFT transfer event), renew by the new owner, revoke.
        Assert.Equal("(ok true)", Tx(1, "name-update", B("id"), B("bob"), Hx(ZoneB)).Result.ToRepr());
        var transfer = Tx(1, "name-transfer", B("id"), B("bob"), Pr(K(2)), Some(Hx(ZoneA)));
        Assert.Equal("(ok true)", transfer.Result.ToRepr());
        Assert.Equal(ChainEventKind.NftTransfer, transfer.Events[0].Kind);
        Assert.Equal((K(1), K(2)), (transfer.Events[0].Sender, transfer.Events[0].Recipient));
        var resolved = ReadOnly("name-resolve", B("id"), B("bob"));
        Assert.True(resolved is ClarityResponse { IsOk: true, Inner: ClarityTuple t } && t.Fields["owner"] == new ClarityPrincipal(K(2)) && t.Fields["zonefile-hash"].ToHex() == Hx(ZoneA).ToHex(), resolved.ToRepr());
        var renew = Tx(2, "name-renewal", B("id"), B("bob"), U(10_000_000_000), ClarityOptional.None, ClarityOptional.None);
        Assert.Equal("(ok true)", renew.Result.ToRepr());
        Assert.Empty(renew.Events); // renewal burns nothing and prints nothing without a zonefile
        var renewedAt = _chain.Tip.Height;
        Assert.True(renewedAt > registeredAt);
        Assert.Equal("(ok true)", Tx(2, "name-revoke", B("id"), B("bob")).Result.ToRepr());
        Assert.Equal($"(err {BnsErrors.NameRevoked})", ReadOnly("name-resolve", B("id"), B("bob")).ToRepr());

        // The state in the trie decodes to the records the contract wrote.
        var props = state.WithState(_chain.Tip.Id, v => v.Get(StateKeys.ContractData("bns", BnsDataLayout.NamePropertiesKey(new NameId(Buff.FromAscii("id"), Buff.FromAscii("bob"))))));
        var decoded = BnsDataLayout.DecodeNameProperties(props!);
        Assert.Equal((UInt128)renewedAt, decoded.RegisteredAt); // renewal restarts the lease
        Assert.NotNull(decoded.RevokedAt);
        Assert.Equal(0, decoded.ZonefileHash.Length);
    }

    [Fact]
    public void ErrResponse_MinedWithoutEffects_NoBurn()
    {
        CreateNamespace("id", 0, 1000);
        var before = _chain.Coordinator.State.GetAccount(_chain.Keys[1].Address);
        var supply = _chain.Coordinator.State.GetSupply(_chain.Tip.Id)!.Value;

        // Burning more than the balance: (err 1) ... and a register without preorder: (err 2001); both roll back.
        var tooMuch = Tx(1, "name-preorder", B(Nh("bob", "id")), U(before.Unlocked + 1));
        Assert.Equal(TransactionStatus.AbortByResponse, tooMuch.Status);
        Assert.Empty(tooMuch.Events);
        var noPreorder = Tx(1, "name-register", B("id"), B("bob"), B(Salt), Hx(ZoneA));
        Assert.Equal(TransactionStatus.AbortByResponse, noPreorder.Status);
        Assert.Equal($"(err {BnsErrors.NamePreorderNotFound})", noPreorder.Result.ToRepr());

        var after = _chain.Coordinator.State.GetAccount(_chain.Keys[1].Address);
        Assert.Equal(before.Unlocked, after.Unlocked);
        Assert.Equal(before.Nonce + 2, after.Nonce);
        Assert.Equal(supply.Burned, _chain.Coordinator.State.GetSupply(_chain.Tip.Id)!.Value.Burned);
    }

    [Theory]
    [InlineData("name-preorder", "uint-for-buffer")]
    [InlineData("name-preorder", "too-few")]
    [InlineData("namespace-ready", "long-buffer")]
    [InlineData("no-such-function", "")]
    public void BadArguments_TransactionRefused(string function, string variant)
    {
        ClarityValue[] args = variant switch
        {
            "uint-for-buffer" => [U(1), U(1)],
            "too-few" => [B(Nh("bob", "id"))],
            "long-buffer" => [new ClarityBuffer(new byte[21])],
            _ => [],
        };
        var tx = _chain.Call(_chain.Keys[0], function, args);
        Assert.Null(_chain.TryBuild([tx], null, out var why));
        Assert.Equal(function == "no-such-function" ? ChainErrorCodes.TxNoSuchFunction : ChainErrorCodes.TxBadArguments, why.Code);
    }

    [Fact]
    public void ReadOnly_ThroughChainState_SeesTipState()
    {
        CreateNamespace("id", 0, 1000);
        Assert.Equal("(ok true)", ReadOnly("can-name-be-registered", B("id"), B("bob")).ToRepr());
        Assert.True(Tx(1, "name-preorder", B(Nh("bob", "id")), U(10_000_000_000)).IsSuccess);
        Assert.True(Tx(1, "name-register", B("id"), B("bob"), B(Salt), Hx(ZoneA)).IsSuccess);
        Assert.Equal("(ok false)", ReadOnly("can-name-be-registered", B("id"), B("bob")).ToRepr());
        var publicCall = _chain.Coordinator.State.CallReadOnly("bns", "name-update", [B("id"), B("bob"), Hx(ZoneB)], K(1));
        Assert.Equal(ChainErrorCodes.TxNoSuchFunction, publicCall.Rejection!.Value.Code);
    }
}
