using Blockstack.Stacks;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

[Trait("Category", "Unit")]
public class BnsContractTests
{
    private readonly BnsHarness _bns = new();

    private const string ZoneHash = "0102030405060708090a0b0c0d0e0f1011121314";

    // ---- namespace-preorder --------------------------------------------------------------------

    [Fact]
    public void NamespacePreorder_Valid_BurnsAndReturnsHeightPlus144()
    {
        var before = _bns.State.GetSpendableStx(Alice);
        var r = _bns.Call(Alice, "namespace-preorder", B(NamespaceHash("id", Salt)), U(500));
        Expect("(ok u154)", r);
        Assert.Equal(before - 500, _bns.State.GetSpendableStx(Alice));
        Assert.Equal(new StxBurnEvent(Alice, 500), Assert.Single(r.Events));
    }

    [Fact]
    public void NamespacePreorder_RepeatedInsideWindow_Err1003_AllowedAt144()
    {
        var hash = B(NamespaceHash("id", Salt));
        _bns.Tx(Alice, "namespace-preorder", hash, U(1));
        _bns.Height = 10 + 143;
        Expect("(err 1003)", _bns.Call(Alice, "namespace-preorder", hash, U(1)));
        _bns.Height = 10 + 144;
        Expect("(ok u298)", _bns.Call(Alice, "namespace-preorder", hash, U(1)));
    }

    [Fact]
    public void NamespacePreorder_CheckOrder_ExistingBeforeHashBeforeZeroBeforeFunds()
    {
        Expect("(err 1015)", _bns.Call(Alice, "namespace-preorder", B("short"), U(0)));
        Expect("(err 1012)", _bns.Call(Alice, "namespace-preorder", B(NamespaceHash("id", Salt)), U(0)));
        var poor = P("ST3AM1A56AK2C1XAFJ4115ZSV26EB49BVQ10MGCS0");
        var r = _bns.Call(poor, "namespace-preorder", B(NamespaceHash("id", Salt)), U(1));
        Expect("(err 4001)", r);
        Assert.Empty(r.Events);
    }

    // ---- namespace-reveal ----------------------------------------------------------------------

    [Fact]
    public void NamespaceReveal_ErrorsInCheckOrder()
    {
        Expect("(err 1001)", _bns.Call(Alice, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Alice)));

        _bns.Tx(Alice, "namespace-preorder", B(NamespaceHash("", Salt)), U(1));
        Expect("(err 1013)", _bns.Call(Alice, "namespace-reveal", RevealArgs("", Salt, Example, 1000, Alice)));

        _bns.Tx(Alice, "namespace-preorder", B(NamespaceHash("ID", Salt)), U(1));
        Expect("(err 1016)", _bns.Call(Alice, "namespace-reveal", RevealArgs("ID", Salt, Example, 1000, Alice)));

        _bns.Tx(Alice, "namespace-preorder", B(NamespaceHash("id", Salt)), U(63_999_999_999));
        Expect("(err 1012)", _bns.Call(Alice, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Alice)));
    }

    [Fact]
    public void NamespaceReveal_ClaimabilityWindow_OkAt143_Err1009At144()
    {
        var created = _bns.Height;
        _bns.Tx(Alice, "namespace-preorder", B(NamespaceHash("id", Salt)), U(64_000_000_000));
        _bns.Height = created + 144;
        Expect("(err 1009)", _bns.Call(Alice, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Alice)));
        _bns.Height = created + 143;
        Expect("(ok true)", _bns.Call(Alice, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Alice)));
    }

    [Fact]
    public void NamespaceReveal_ExistingNamespace_Err1006()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Tx(Bob, "namespace-preorder", B(NamespaceHash("id", Salt)), U(64_000_000_000));
        Expect("(err 1006)", _bns.Call(Bob, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Bob)));
    }

    [Fact]
    public void UnlaunchedNamespace_AtRevealedPlus52595_NeitherLaunchableNorRevealable()
    {
        var revealed = _bns.CreateNamespace("id", Alice, 1000, launch: false);
        _bns.Height = revealed + 52594 - 150;
        _bns.Tx(Bob, "namespace-preorder", B(NamespaceHash("id", Salt)), U(64_000_000_000));
        _bns.Height = revealed + 52595;
        Expect("(err 1010)", _bns.Call(Alice, "namespace-ready", B("id")));
        Expect("(err 1010)", _bns.Call(Alice, "name-import", B("id"), B("x"), Pr(Bob), B("")));
        Expect("(ok false)", _bns.Call(Bob, "can-namespace-be-registered", B("id")));
        Expect("(err 1006)", _bns.Call(Bob, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Bob)));
        _bns.Height = revealed + 52596;
        _bns.Tx(Bob, "namespace-preorder", B(NamespaceHash("id", Salt)), U(64_000_000_000));
        Expect("(ok true)", _bns.Call(Bob, "namespace-reveal", RevealArgs("id", Salt, Example, 1000, Bob)));
    }

    // ---- name-import, namespace-ready, price edits ---------------------------------------------

    [Fact]
    public void NameImport_ErrorsInCheckOrder()
    {
        Expect("(err 1005)", _bns.Call(Alice, "name-import", B("id"), B("Bad"), Pr(Bob), B("")));
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        Expect("(err 2022)", _bns.Call(Bob, "name-import", B("id"), B("Bad"), Pr(Bob), B("")));
        Expect("(err 1011)", _bns.Call(Bob, "name-import", B("id"), B("bob"), Pr(Bob), B("")));
        Expect("(ok true)", _bns.Tx(Alice, "name-import", B("id"), B("bob"), Pr(Bob), Hx(ZoneHash)));
        Expect("(err 3001)", _bns.Call(Alice, "name-import", B("id"), B("bob2"), Pr(Bob), B("")));
        Expect("(ok true)", _bns.Tx(Alice, "namespace-ready", B("id")));
        Expect("(err 1014)", _bns.Call(Alice, "name-import", B("id"), B("carol"), Pr(Carol), B("")));
        Expect("(err 1014)", _bns.Call(Alice, "namespace-ready", B("id")));
    }

    [Fact]
    public void NameImport_UnlaunchedNamespace_ResolvesAndLeaseStartsAtLaunch()
    {
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        var r = _bns.Tx(Alice, "name-import", B("id"), B("bob"), Pr(Bob), Hx(ZoneHash));
        Assert.Contains(r.Events, e => e is NameMintEvent m && m.Recipient == Bob);
        Expect($"(ok (tuple (lease-ending-at (some u1012)) (lease-started-at u12) (owner '{Bob}) (zonefile-hash 0x{ZoneHash})))", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
        _bns.Height = 20;
        _bns.Tx(Alice, "namespace-ready", B("id"));
        Expect($"(ok (tuple (lease-ending-at (some u1020)) (lease-started-at u20) (owner '{Bob}) (zonefile-hash 0x{ZoneHash})))", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
    }

    [Fact]
    public void NamespaceReady_PrintsReadyWithFullRecord()
    {
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        var r = _bns.Tx(Alice, "namespace-ready", B("id"));
        var print = Assert.IsType<PrintEvent>(Assert.Single(r.Events));
        Assert.Contains("(status \"ready\")", print.Value.ToRepr(), StringComparison.Ordinal);
        Assert.Contains("(launched-at (some u12))", print.Value.ToRepr(), StringComparison.Ordinal);
    }

    [Fact]
    public void NamespaceUpdateFunctionPrice_AfterRevokeEdition_Err1011()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        ClarityValue[] args = [B("id"), U(1), U(1), .. Enumerable.Repeat<ClarityValue>(U(1), 16), U(1), U(1)];
        Expect("(err 1011)", _bns.Call(Bob, "namespace-update-function-price", args));
        Expect("(ok true)", _bns.Tx(Alice, "namespace-update-function-price", args));
        Expect("(ok u10)", _bns.Call(Alice, "get-name-price", B("id"), B("alice")));
        Expect("(err 1011)", _bns.Call(Bob, "namespace-revoke-function-price-edition", B("id")));
        Expect("(ok true)", _bns.Tx(Alice, "namespace-revoke-function-price-edition", B("id")));
        Expect("(ok true)", _bns.Tx(Alice, "namespace-revoke-function-price-edition", B("id")));
        Expect("(err 1011)", _bns.Call(Alice, "namespace-update-function-price", args));
        Expect("(err 1005)", _bns.Call(Alice, "namespace-revoke-function-price-edition", B("xx")));
    }

    // ---- name-preorder / name-register ---------------------------------------------------------

    [Fact]
    public void NamePreorder_ErrorsInCheckOrder()
    {
        var hash = B(NameHash("alice", "id", Salt));
        Expect("(err 1012)", _bns.Call(Alice, "name-preorder", B("short"), U(0)));
        Expect("(err 2017)", _bns.Call(Alice, "name-preorder", B("short"), U(1)));
        Expect("(err 4001)", _bns.Call(Alice, "name-preorder", hash, U(10_000_000_000_001)));
        Expect("(ok u154)", _bns.Tx(Alice, "name-preorder", hash, U(1)));
        _bns.Height = 153;
        Expect("(err 2016)", _bns.Call(Alice, "name-preorder", hash, U(1)));
        _bns.Height = 154;
        Expect("(ok u298)", _bns.Call(Alice, "name-preorder", hash, U(1)));
    }

    [Fact]
    public void NameRegister_WorkedExample_RegistersAndResolves()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        var r = _bns.Register(Bob, "alice", "id", ZoneHash, burn: 160_000);
        Expect("(ok true)", r);
        Assert.Equal(2, r.Events.Count);
        Assert.Equal($"(tuple (attachment (tuple (attachment-index u0) (hash 0x{ZoneHash}) (metadata (tuple (name 0x616c696365) (namespace 0x6964) (op \"name-register\") (tx-sender '{Bob}))))))", ((PrintEvent)r.Events[1]).Value.ToRepr());
        Expect($"(ok (tuple (lease-ending-at (some u1014)) (lease-started-at u14) (owner '{Bob}) (zonefile-hash 0x{ZoneHash})))", _bns.Call(Bob, "name-resolve", B("id"), B("alice")));
        Expect("(ok (tuple (name 0x616c696365) (namespace 0x6964)))", _bns.Call(Bob, "resolve-principal", Pr(Bob)));
        Assert.Equal(UInt128.One, _bns.State.GetAttachmentIndex());
    }

    [Fact]
    public void NameRegister_ErrorsInCheckOrder()
    {
        Expect("(err 1005)", _bns.Call(Bob, "name-register", B("id"), B("alice"), B(Salt), B("")));
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        Expect("(err 2001)", _bns.Call(Bob, "name-register", B("id"), B("alice"), B(Salt), B("")));
        Expect("(err 2004)", _bns.Register(Bob, "alice", "id"));
        _bns.Tx(Alice, "namespace-ready", B("id"));
        Expect("(err 2022)", _bns.Register(Bob, "Alice", "id"));
        Expect("(err 2007)", _bns.Register(Dave, "alice", "id", burn: 159_999));
        Expect("(ok true)", _bns.Register(Carol, "carol", "id"));
        Expect("(err 2004)", _bns.Register(Bob, "carol", "id"));
        Expect("(err 3001)", _bns.Register(Carol, "carol2", "id"));
    }

    [Fact]
    public void NameRegister_PreorderInLaunchBlock_Err2018()
    {
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        _bns.Call(Bob, "name-preorder", B(NameHash("bob", "id", Salt)), U(1_000_000));
        _bns.Tx(Alice, "namespace-ready", B("id"));
        Expect("(err 2018)", _bns.Tx(Bob, "name-register", B("id"), B("bob"), B(Salt), B("")));
    }

    [Fact]
    public void NameRegister_ClaimabilityWindow_OkAt143_Err2012At144()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        var created = _bns.Height;
        _bns.Tx(Bob, "name-preorder", B(NameHash("bob", "id", Salt)), U(10_000_000));
        _bns.Height = created + 144;
        Expect("(err 2012)", _bns.Call(Bob, "name-register", B("id"), B("bob"), B(Salt), B("")));
        _bns.Height = created + 143;
        Expect("(ok true)", _bns.Call(Bob, "name-register", B("id"), B("bob"), B(Salt), B("")));
    }

    [Fact]
    public void NameRegister_EmptyName_RuntimeErrorAndNothingWritten()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Tx(Bob, "name-preorder", B(NameHash("", "id", Salt)), U(1_000_000));
        var index = _bns.State.GetAttachmentIndex();
        var r = _bns.Tx(Bob, "name-register", B("id"), B(""), B(Salt), B(""));
        Assert.Equal(BnsCallStatus.RuntimeError, r.Status);
        Assert.Equal("ArithmeticUnderflow", r.Error);
        Assert.Null(_bns.State.GetNameOwner(new NameId(Buff.FromAscii("id"), Buff.Empty)));
        Assert.Equal(index, _bns.State.GetAttachmentIndex());
    }

    // ---- lease, grace, expiry ------------------------------------------------------------------

    [Fact]
    public void NameResolve_LeaseBoundaries_ActiveGraceExpired()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Register(Bob, "bob", "id"); // registered at 14: lease ends 1014, grace ends 6014
        _bns.Height = 1014;
        Assert.Equal(BnsCallStatus.Ok, _bns.Call(Bob, "name-resolve", B("id"), B("bob")).Status);
        Expect("(ok false)", _bns.Call(Bob, "is-name-lease-expired", B("id"), B("bob")));
        _bns.Height = 1015;
        Expect("(err 2009)", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
        Expect("(ok true)", _bns.Call(Bob, "is-name-lease-expired", B("id"), B("bob")));
        Expect("(ok true)", _bns.Call(Bob, "is-name-in-grace-period", B("id"), B("bob")));
        Expect("(err 2009)", _bns.Call(Bob, "name-update", B("id"), B("bob"), B("")));
        _bns.Height = 6014;
        Expect("(err 2009)", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
        _bns.Height = 6015;
        Expect("(err 2008)", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
        Expect("(ok false)", _bns.Call(Bob, "is-name-in-grace-period", B("id"), B("bob")));
        Expect("(err 2008)", _bns.Call(Bob, "name-update", B("id"), B("bob"), B("")));
        Expect("(err 2008)", _bns.Call(Bob, "name-renewal", B("id"), B("bob"), U(10_000_000), ClarityOptional.None, ClarityOptional.None));
    }

    [Fact]
    public void NameRegister_NameInOwnersGracePeriod_TakenByOther()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Register(Bob, "bob", "id");
        _bns.Height = 1015;
        Expect("(ok true)", _bns.Call(Carol, "can-name-be-registered", B("id"), B("bob")));
        var r = _bns.Register(Carol, "bob", "id");
        Expect("(ok true)", r);
        Assert.Contains(r.Events, e => e is NameTransferEvent t && t.Sender == Bob && t.Recipient == Carol);
        Assert.Equal(Carol, _bns.State.GetNameOwner(new NameId(Buff.FromAscii("id"), Buff.FromAscii("bob"))));
    }

    [Fact]
    public void NameRegister_ReregisteredOldName_DeletesOldOwnersNewerPointer()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Register(Bob, "old", "id");
        _bns.Height = 1015 + 5000; // old expired (past grace); Bob may get another name
        Expect("(ok true)", _bns.Register(Bob, "new", "id"));
        Expect("(ok true)", _bns.Register(Carol, "old", "id"));
        Expect("(err (tuple (code 2013) (name none)))", _bns.Call(Bob, "resolve-principal", Pr(Bob)));
        Expect("(ok true)", _bns.Call(Bob, "can-receive-name", Pr(Bob)));
        Assert.Equal(BnsCallStatus.Ok, _bns.Call(Bob, "name-resolve", B("id"), B("new")).Status);
    }

    [Fact]
    public void ResolvePrincipal_NameInGrace_ErrTupleWithName()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Register(Bob, "bob", "id");
        _bns.Height = 2000;
        Expect("(err (tuple (code 2009) (name (some (tuple (name 0x626f62) (namespace 0x6964))))))", _bns.Call(Bob, "resolve-principal", Pr(Bob)));
        Expect("(err (tuple (code 2013) (name none)))", _bns.Call(Bob, "resolve-principal", Pr(Carol)));
    }

    // ---- update, transfer, revoke, renewal -----------------------------------------------------

    [Fact]
    public void CheckNameOpsPreconditions_ErrorsInCheckOrder()
    {
        Expect("(err 2013)", _bns.Call(Bob, "name-update", B("id"), B("bob"), B("")));
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        _bns.Tx(Alice, "name-import", B("id"), B("bob"), Pr(Bob), B(""));
        Expect("(err 1007)", _bns.Call(Bob, "name-update", B("id"), B("bob"), B("")));
        _bns.Tx(Alice, "namespace-ready", B("id"));
        Expect("(err 2006)", _bns.Call(Carol, "name-update", B("id"), B("bob"), B("")));
        var r = _bns.Tx(Bob, "name-update", B("id"), B("bob"), Hx(ZoneHash));
        Expect("(ok true)", r);
        Assert.Equal(new NameChange(new NameId(Buff.FromAscii("id"), Buff.FromAscii("bob")), NameOperation.Update, Bob, Buff.FromHex(ZoneHash)), Assert.Single(r.Changes));
        Expect("(ok true)", _bns.Tx(Bob, "name-revoke", B("id"), B("bob")));
        Expect("(err 2014)", _bns.Call(Bob, "name-update", B("id"), B("bob"), B("")));
        Expect("(err 2014)", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
        Expect("(err 2014)", _bns.Call(Bob, "check-name-ops-preconditions", B("id"), B("bob")));
        Expect("(ok true)", _bns.Call(Bob, "can-receive-name", Pr(Bob)));
    }

    [Fact]
    public void NameTransfer_ToSelf_Err3001_ToOther_ClearsZonefile()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Register(Bob, "bob", "id", ZoneHash);
        Expect("(err 3001)", _bns.Call(Bob, "name-transfer", B("id"), B("bob"), Pr(Bob), ClarityOptional.None));
        var r = _bns.Tx(Bob, "name-transfer", B("id"), B("bob"), Pr(Carol), ClarityOptional.None);
        Expect("(ok true)", r);
        Expect($"(ok (tuple (lease-ending-at (some u1014)) (lease-started-at u14) (owner '{Carol}) (zonefile-hash 0x)))", _bns.Call(Carol, "name-resolve", B("id"), B("bob")));
        Expect("(err (tuple (code 2013) (name none)))", _bns.Call(Bob, "resolve-principal", Pr(Bob)));
        Expect("(err 3001)", _bns.Call(Carol, "name-transfer", B("id"), B("bob"), Pr(Carol), Some(Hx(ZoneHash))));
    }

    [Fact]
    public void NameRenewal_BurnsNothing_RestartsLeaseAtHeight_IgnoresNewOwner()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Register(Bob, "bob", "id", ZoneHash);
        var balance = _bns.State.GetSpendableStx(Bob);
        _bns.Height = 1500; // in grace
        var r = _bns.Tx(Bob, "name-renewal", B("id"), B("bob"), U(2_560_000), Some(Pr(Carol)), ClarityOptional.None);
        Expect("(ok true)", r);
        Assert.Empty(r.Events);
        Assert.Equal(balance, _bns.State.GetSpendableStx(Bob));
        Expect($"(ok (tuple (lease-ending-at (some u2500)) (lease-started-at u1500) (owner '{Bob}) (zonefile-hash 0x{ZoneHash})))", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
        var withZone = _bns.Tx(Bob, "name-renewal", B("id"), B("bob"), U(2_560_000), ClarityOptional.None, Some(B("")));
        Assert.IsType<PrintEvent>(Assert.Single(withZone.Events));
    }

    [Fact]
    public void NameRenewal_ErrorsInCheckOrder()
    {
        var none = ClarityOptional.None;
        Expect("(err 1005)", _bns.Call(Bob, "name-renewal", B("id"), B("bob"), U(0), none, none));
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        Expect("(err 2013)", _bns.Call(Bob, "name-renewal", B("id"), B("bob"), U(0), none, none));
        _bns.Tx(Alice, "name-import", B("id"), B("bob"), Pr(Bob), B(""));
        Expect("(err 1007)", _bns.Call(Bob, "name-renewal", B("id"), B("bob"), U(0), none, none));
        _bns.Tx(Alice, "namespace-ready", B("id"));
        Expect("(err 2006)", _bns.Call(Carol, "name-renewal", B("id"), B("bob"), U(0), none, none));
        Expect("(err 2007)", _bns.Call(Bob, "name-renewal", B("id"), B("bob"), U(2_559_999), none, none));
        _bns.Tx(Bob, "name-revoke", B("id"), B("bob"));
        Expect("(err 2014)", _bns.Call(Bob, "name-renewal", B("id"), B("bob"), U(2_560_000), none, none));
    }

    [Fact]
    public void NameRenewal_LifetimeZero_Err2006AndNeverExpires()
    {
        _bns.CreateNamespace("id", Alice, 0);
        _bns.Register(Bob, "bob", "id");
        _bns.Height = 1_000_000;
        Expect("(err 2006)", _bns.Call(Bob, "name-renewal", B("id"), B("bob"), U(10_000_000), ClarityOptional.None, ClarityOptional.None));
        Expect($"(ok (tuple (lease-ending-at none) (lease-started-at u14) (owner '{Bob}) (zonefile-hash 0x)))", _bns.Call(Bob, "name-resolve", B("id"), B("bob")));
    }

    // ---- read-only functions and argument checks -----------------------------------------------

    [Fact]
    public void ReadOnly_PricesAndRegistrability()
    {
        Expect("(err 1013)", _bns.Call(Bob, "get-namespace-price", B("")));
        Expect("(ok u640000000)", _bns.Call(Bob, "get-namespace-price", B("abcdefgh")));
        Expect("(err 1005)", _bns.Call(Bob, "get-name-price", B("id"), B("alice")));
        Expect("(ok false)", _bns.Call(Bob, "can-name-be-registered", B("id"), B("Alice")));
        _bns.CreateNamespace("id", Alice, 1000, launch: false);
        Expect("(ok u160000)", _bns.Call(Bob, "get-name-price", B("id"), B("alice")));
        Expect("(err 2022)", _bns.Call(Bob, "can-name-be-registered", B("id"), B("Alice")));
        Expect("(ok false)", _bns.Call(Bob, "can-name-be-registered", B("id"), B("alice")));
        Assert.Equal(BnsCallStatus.Ok, _bns.Call(Bob, "get-namespace-properties", B("id")).Status);
        Expect("(err 1005)", _bns.Call(Bob, "get-namespace-properties", B("zz")));
        Expect("(err 1005)", _bns.Call(Bob, "is-name-lease-expired", B("zz"), B("a")));
        Expect("(err 2013)", _bns.Call(Bob, "is-name-lease-expired", B("id"), B("a")));
    }

    [Fact]
    public void Call_BadArguments_RejectedWithoutTouchingState()
    {
        Assert.Equal(BnsCallStatus.BadArguments, _bns.Call(Bob, "no-such-function").Status);
        Assert.Equal(BnsCallStatus.BadArguments, _bns.Call(Bob, "namespace-preorder", B(new string('a', 21)), U(1)).Status);
        Assert.Equal(BnsCallStatus.BadArguments, _bns.Call(Bob, "namespace-preorder", B("a"), new ClarityInt(1)).Status);
        Assert.Equal(BnsCallStatus.BadArguments, _bns.Call(Bob, "name-resolve", B("id")).Status);
        Assert.Equal(BnsCallStatus.BadArguments, _bns.Call(Bob, "name-resolve", B("id"), B(new string('a', 49))).Status);
        Assert.Equal(10_000_000_000_000UL, (ulong)_bns.State.GetSpendableStx(Bob));
    }

    [Fact]
    public void FailedCall_RollsBackEarlierWritesOfTheSameCall()
    {
        _bns.CreateNamespace("id", Alice, 1000);
        _bns.Register(Bob, "bob", "id");
        // Carol's register writes nothing it can keep: 3001 is raised only after can-receive-name in mint.
        _bns.Register(Carol, "carol", "id");
        var index = _bns.State.GetAttachmentIndex();
        Expect("(err 3001)", _bns.Register(Carol, "carol2", "id"));
        Assert.Equal(index, _bns.State.GetAttachmentIndex());
        Assert.Null(_bns.State.GetNameOwner(new NameId(Buff.FromAscii("id"), Buff.FromAscii("carol2"))));
    }
}
