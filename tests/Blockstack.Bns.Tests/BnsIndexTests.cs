using Blockstack.Stacks;
using Blockstack.Storage;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

[Trait("Category", "Unit")]
public sealed class BnsIndexTests : IDisposable
{
    private readonly BnsHarness _bns = new();
    private readonly BnsIndex _index;
    private int _tx;

    public BnsIndexTests()
    {
        _index = new BnsIndex(_bns.State, new MemoryStore<BnsColumn>());
    }

    private BnsCallResult Tx(Principal sender, string function, params ClarityValue[] args)
    {
        var h = _bns.Height;
        var r = _bns.Tx(sender, function, args);
        _index.ApplyBlock(h, [new BnsCallRecord($"{++_tx:x64}", function, args, r)]);
        return r;
    }

    private void Register(Principal who, string name, string ns, string zone = "")
    {
        Tx(who, "name-preorder", B(NameHash(name, ns, Salt)), U(10_000_000_000));
        Expect("(ok true)", Tx(who, "name-register", B(ns), B(name), B(Salt), Hx(zone)));
    }

    private void Namespace(string ns)
    {
        Tx(Alice, "namespace-preorder", B(NamespaceHash(ns, Salt)), U(BnsPricing.NamespacePrice(ns.Length)));
        Tx(Alice, "namespace-reveal", RevealArgs(ns, Salt, Example, 1000, Alice));
        Tx(Alice, "namespace-ready", B(ns));
    }

    public void Dispose() => _index.Dispose();

    private static NameId N(string fqn) => BnsNames.ParseFqn(fqn).Value;

    [Fact]
    public void ListNames_PagesInByteOrder_EndsWithNullCursor()
    {
        Namespace("id");
        Namespace("zz");
        Register(Bob, "bob", "id");
        Register(Carol, "al", "id");
        Register(Dave, "c", "id");
        Register(Alice, "a", "zz");
        var first = _index.ListNames(Buff.FromAscii("id"), null, 2).Value!;
        Assert.Equal(["al.id", "bob.id"], first.Items.Select(i => i.Id.Fqn));
        var second = _index.ListNames(Buff.FromAscii("id"), first.NextCursor, 2).Value!;
        Assert.Equal(["c.id"], second.Items.Select(i => i.Id.Fqn));
        Assert.Null(second.NextCursor);
        Assert.Equal(BnsQueryErrors.NamespaceNotFound, _index.ListNames(Buff.FromAscii("nope"), null, 2).Error!.Code);
        Assert.Equal(["id", "zz"], _index.ListNamespaces(null, 10).Items.Select(n => n.Namespace.ToAscii()));
    }

    [Fact]
    public void ListNamesByOwner_FollowsTransfers_HistoryRecordsEveryOperation()
    {
        Namespace("id");
        Register(Bob, "bob", "id");
        Tx(Bob, "name-update", B("id"), B("bob"), Hx("0102030405060708090a0b0c0d0e0f1011121314"));
        Tx(Bob, "name-transfer", B("id"), B("bob"), Pr(Carol), ClarityOptional.None);
        Assert.Empty(_index.ListNamesByOwner(Bob, null, 10).Items);
        var carol = Assert.Single(_index.ListNamesByOwner(Carol, null, 10).Items);
        Assert.Equal(Carol, carol.Owner);
        Assert.Equal(NameStatus.Active, carol.Status);
        var history = _index.GetNameHistory(N("bob.id"), null, 10).Value!;
        Assert.Equal([NameOperation.Register, NameOperation.Update, NameOperation.Transfer], history.Items.Select(e => e.Operation));
        Assert.Equal(carol.LastTxid, history.Items[^1].Txid);
        Assert.Equal(BnsQueryErrors.NameNotFound, _index.GetNameHistory(N("x.id"), null, 10).Error!.Code);
    }

    [Fact]
    public void GetName_StatusFollowsLease_GraceExpiredRevoked()
    {
        Namespace("id");
        Register(Bob, "bob", "id"); // registered at 14 → ends 1014
        Register(Carol, "carol", "id");
        Tx(Carol, "name-revoke", B("id"), B("carol"));
        var bob = _index.GetName(N("bob.id")).Value!;
        Assert.Equal((UInt128)14, bob.LeaseStartedAt);
        Assert.Equal((UInt128)1014, bob.LeaseEndsAt);
        Assert.Equal(NameStatus.Revoked, _index.GetName(N("carol.id")).Value!.Status);
        _index.ApplyBlock(1015, []);
        Assert.Equal(NameStatus.Grace, _index.GetName(N("bob.id")).Value!.Status);
        _index.ApplyBlock(6015, []);
        Assert.Equal(NameStatus.Expired, _index.GetName(N("bob.id")).Value!.Status);
        Assert.Equal(BnsQueryErrors.NameNotFound, _index.GetName(N("nobody.id")).Error!.Code);
    }

    [Fact]
    public void PutZonefile_OnlyWhenHashOnChain_ServedByNameAndHash()
    {
        Namespace("id");
        var zonefile = "$ORIGIN bob.id\n$TTL 3600\n_http._tcp URI 10 1 \"https://bob.example\"\n"u8.ToArray();
        var hash = Hash160.Of(zonefile).ToHex();
        Assert.Equal(BnsQueryErrors.ZonefileHashUnknown, _index.PutZonefile(zonefile).Error!.Code);
        Register(Bob, "bob", "id", hash);
        var put = _index.PutZonefile(zonefile).Value;
        Assert.Equal(hash, put.Hash.ToHex());
        Assert.Equal([N("bob.id")], put.Names);
        Assert.Equal(zonefile, _index.GetZonefile(N("bob.id")).Value.Content);
        Assert.Equal(zonefile, _index.GetZonefile(Buff.FromHex(hash)).Value);
        Assert.Equal(BnsQueryErrors.ZonefileTooLarge, _index.PutZonefile(new byte[BnsIndex.MaxZonefileSize + 1]).Error!.Code);
        Assert.Equal(BnsQueryErrors.ZonefileEmpty, _index.PutZonefile([]).Error!.Code);
        Assert.Equal(BnsQueryErrors.ZonefileHashInvalid, _index.GetZonefile(Buff.FromHex("00")).Error!.Code);
    }

    [Theory]
    [InlineData("", BnsQueryErrors.NameInvalid)]
    [InlineData("alice", BnsQueryErrors.NameInvalid)]
    [InlineData("alice.", BnsQueryErrors.NameInvalid)]
    [InlineData(".id", BnsQueryErrors.NameInvalid)]
    [InlineData("Alice.id", BnsQueryErrors.NameInvalid)]
    [InlineData("al ice.id", BnsQueryErrors.NameInvalid)]
    [InlineData("alice.ID", BnsQueryErrors.NameInvalid)]
    [InlineData("alice.abcdefghijklmnopqrstu", BnsQueryErrors.NameInvalid)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.id", BnsQueryErrors.NameInvalid)]
    [InlineData("alice.id", null)]
    [InlineData("a-b_9.x", null)]
    public void ParseFqn_BadInput_PreciseError(string text, string? code)
    {
        Assert.Equal(code, BnsNames.ParseFqn(text).Error?.Code);
    }

    [Fact]
    public async Task WatchNames_ReceivesEventsOfItsNamespace()
    {
        Namespace("id");
        Namespace("zz");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var e = _index.WatchNames(Buff.FromAscii("id"), cts.Token).GetAsyncEnumerator(cts.Token);
        var next = e.MoveNextAsync();
        await Task.Delay(50, cts.Token);
        Register(Alice, "a", "zz");
        Register(Bob, "bob", "id");
        Assert.True(await next);
        Assert.Equal("bob.id", e.Current.Name.Fqn);
        Assert.Equal(NameOperation.Register, e.Current.Operation);
    }
}
