using System.Text;
using Blockstack.Chain;
using Blockstack.Stacks;
using Blockstack.Storage;
using Blockstack.Storage.Trie;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

/// <summary>The persisted index following a chain: forks, restarts, queries at the tip, proofs.</summary>
[Trait("Category", "Unit")]
public sealed class BnsChainIndexTests : IDisposable
{
    private const string ZoneA = "0102030405060708090a0b0c0d0e0f1011121314";
    private readonly BnsTestChain _chain = new();

    public void Dispose() => _chain.Dispose();

    private static NameId N(string fqn) => BnsNames.ParseFqn(fqn).Value;

    private BlockRecord Mine(BlockRecord? parent, int key, string function, params ClarityValue[] args) =>
        _chain.Mine([_chain.Call(_chain.Keys[key], function, args, parent: parent)], parent).Block!;

    private BlockRecord Namespace(string ns, BlockRecord? parent = null)
    {
        parent = Mine(parent, 0, "namespace-preorder", B(NamespaceHash(ns, Salt)), U(BnsPricing.NamespacePrice(ns.Length)));
        parent = Mine(parent, 0, "namespace-reveal", RevealArgs(ns, Salt, Example, 1000, _chain.Keys[0].Principal));
        return Mine(parent, 0, "namespace-ready", B(ns));
    }

    private BlockRecord Register(BlockRecord? parent, int key, string name, string ns, string zone = ZoneA)
    {
        parent = Mine(parent, key, "name-preorder", B(NameHash(name, ns, Salt)), U(10_000_000_000));
        return Mine(parent, key, "name-register", B(ns), B(name), B(Salt), Hx(zone));
    }

    /// <summary>Every entry of every column but the zonefiles, as text.</summary>
    private static string Dump(MemoryStore<BnsColumn> store)
    {
        var sb = new StringBuilder();
        foreach (var column in Enum.GetValues<BnsColumn>().Where(c => c != BnsColumn.Zonefiles))
        {
            foreach (var (k, v) in store.Prefix(column, []))
            {
                sb.Append(column).Append(' ').Append(Convert.ToHexString(k)).Append(" = ").AppendLine(Convert.ToHexString(v));
            }
        }

        return sb.ToString();
    }

    private string FreshDump()
    {
        var store = new MemoryStore<BnsColumn>();
        using var fresh = new BnsChainIndex(store, _chain.Coordinator);
        return Dump(store);
    }

    [Fact]
    public void ForkAndBack_IndexEqualsFreshIndex_QueriesFollowCanonicalTip()
    {
        var store = new MemoryStore<BnsColumn>();
        using var index = new BnsChainIndex(store, _chain.Coordinator);
        var baseBlock = Namespace("id");

        var a = Register(baseBlock, 1, "bob", "id");
        a = Mine(a, 1, "name-update", B("id"), B("bob"), Hx("00000000000000000000000000000000000000ff"));
        Assert.Equal(a.Id, index.TipId);
        Assert.True(index.GetName(N("bob.id")).IsOk);

        var b = Register(baseBlock, 2, "carol", "id");
        b = Mine(b, 2, "name-transfer", B("id"), B("carol"), Pr(_chain.Keys[3].Principal), ClarityOptional.None);
        b = _chain.Mine(parent: b).Block!;
        Assert.Equal(b.Id, _chain.Tip.Id);
        Assert.Equal(b.Id, index.TipId);
        Assert.Equal(BnsQueryErrors.NameNotFound, index.GetName(N("bob.id")).Error!.Code);
        Assert.Equal(_chain.Keys[3].Principal, index.GetName(N("carol.id")).Value!.Owner);
        Assert.Equal(["carol.id"], index.ListNames(Buff.FromAscii("id"), null, 10).Value!.Items.Select(n => n.Id.Fqn));
        Assert.Empty(index.ListNamesByOwner(_chain.Keys[2].Principal, null, 10).Items);
        Assert.Single(index.ListNamesByOwner(_chain.Keys[3].Principal, null, 10).Items);
        Assert.Equal(FreshDump(), Dump(store));

        a = _chain.Mine(parent: a).Block!;
        a = _chain.Mine(parent: a).Block!;
        Assert.Equal(a.Id, index.TipId);
        Assert.True(index.GetName(N("bob.id")).IsOk);
        Assert.Equal(BnsQueryErrors.NameNotFound, index.GetName(N("carol.id")).Error!.Code);
        Assert.Empty(index.ListNamesByOwner(_chain.Keys[3].Principal, null, 10).Items);
        Assert.Equal(
            [NameOperation.Register, NameOperation.Update],
            index.GetNameHistory(N("bob.id"), null, 10).Value!.Items.Select(e => e.Operation));
        Assert.Equal(FreshDump(), Dump(store));
        Assert.Null(index.LastSyncError);
    }

    [Fact]
    public void Restart_IndexBehindOrOnDeadFork_CaughtUpAtOpen()
    {
        var store = new MemoryStore<BnsColumn>();
        var baseBlock = Namespace("id");
        BlockRecord deadTip;
        using (var index = new BnsChainIndex(store, _chain.Coordinator))
        {
            deadTip = Register(baseBlock, 1, "bob", "id");
            Assert.Equal(deadTip.Id, index.TipId);
        }

        // While the index is closed the chain reorganises away from its tip and grows.
        var b = Register(baseBlock, 2, "carol", "id");
        b = Register(b, 3, "dave", "id");
        Assert.Equal(b.Id, _chain.Tip.Id);
        using var index2 = new BnsChainIndex(store, _chain.Coordinator);
        Assert.Equal(b.Id, index2.TipId);
        Assert.Equal(b.Height, index2.TipHeight);
        Assert.Equal(BnsQueryErrors.NameNotFound, index2.GetName(N("bob.id")).Error!.Code);
        Assert.True(index2.GetName(N("dave.id")).IsOk);
        Assert.Equal(FreshDump(), Dump(store));
    }

    [Fact]
    public void Open_RocksDb_PersistsAndCatchesUp()
    {
        var path = Path.Combine(Path.GetTempPath(), "bns-index-" + Guid.NewGuid().ToString("N"));
        try
        {
            Namespace("id");
            using (var index = BnsChainIndex.Open(path, _chain.Coordinator))
            {
                Register(null, 1, "bob", "id");
                Assert.True(index.GetName(N("bob.id")).IsOk);
            }

            Register(null, 2, "carol", "id");
            using (var index = BnsChainIndex.Open(path, _chain.Coordinator))
            {
                Assert.Equal(_chain.Tip.Id, index.TipId);
                Assert.Equal(["bob.id", "carol.id"], index.ListNames(Buff.FromAscii("id"), null, 10).Value!.Items.Select(n => n.Id.Fqn));
            }
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    [Fact]
    public void Queries_PagingHistoryZonefilesAndLastTxid()
    {
        using var index = new BnsChainIndex(new MemoryStore<BnsColumn>(), _chain.Coordinator);
        Namespace("id");
        Register(null, 1, "bob", "id");
        Register(null, 2, "ann", "id");
        Register(null, 3, "cat", "id", "ffffffffffffffffffffffffffffffffffffffff");
        var transfer = _chain.Call(_chain.Keys[1], "name-transfer", [B("id"), B("bob"), Pr(_chain.Keys[0].Principal), Some(Hx(ZoneA))]);
        _chain.Mine([transfer]);

        var first = index.ListNames(Buff.FromAscii("id"), null, 2).Value!;
        Assert.Equal(["ann.id", "bob.id"], first.Items.Select(n => n.Id.Fqn));
        var second = index.ListNames(Buff.FromAscii("id"), first.NextCursor, 2).Value!;
        Assert.Equal(["cat.id"], second.Items.Select(n => n.Id.Fqn));
        Assert.Null(second.NextCursor);
        Assert.Equal(BnsQueryErrors.NamespaceNotFound, index.ListNames(Buff.FromAscii("zz"), null, 2).Error!.Code);

        var bob = index.GetName(N("bob.id")).Value!;
        Assert.Equal(_chain.Keys[0].Principal, bob.Owner);
        Assert.Equal(transfer.Txid.ToString(), bob.LastTxid);
        Assert.Equal(NameStatus.Active, bob.Status);
        var history = index.GetNameHistory(N("bob.id"), null, 1).Value!;
        Assert.Equal(NameOperation.Register, Assert.Single(history.Items).Operation);
        var rest = index.GetNameHistory(N("bob.id"), history.NextCursor, 10).Value!;
        Assert.Equal(NameOperation.Transfer, Assert.Single(rest.Items).Operation);
        Assert.Equal(transfer.Txid.ToString(), rest.Items[0].Txid);

        var zonefile = "$ORIGIN bob.id\n"u8.ToArray();
        Assert.Equal(BnsQueryErrors.ZonefileHashUnknown, index.PutZonefile(zonefile).Error!.Code);
        var ns = Assert.Single(index.ListNamespaces(null, 10).Items);
        Assert.NotNull(ns.Record.LaunchedAt);
        var price = _chain.Coordinator.State.CallReadOnly("bns", "get-name-price", [B("id"), B("x")], _chain.Keys[0].Principal).Value;
        Assert.Equal(price!.ToRepr(), $"(ok u{index.GetNamePrice(N("x.id")).Value})");
        Assert.Null(index.CanRegisterName(N("new.id")).Value);
        Assert.Equal("bns-name-unavailable", index.CanRegisterName(N("cat.id")).Value);
    }

    [Fact]
    public void Zonefiles_MissingHashesAndStoredEvent_FollowTheChainAndFireOncePerNewContent()
    {
        using var index = new BnsChainIndex(new MemoryStore<BnsColumn>(), _chain.Coordinator);
        var stored = new List<(Buff Hash, byte[] Content)>();
        index.ZonefileStored += (hash, content) => stored.Add((hash, content));
        var bobZone = "$ORIGIN bob.id\n"u8.ToArray();
        var annZone = "$ORIGIN ann.id\n"u8.ToArray();
        var bobHash = Hash160.Of(bobZone).ToArray();
        var annHash = Hash160.Of(annZone).ToArray();
        Namespace("id");
        Assert.Empty(index.GetMissingZonefileHashes(10));
        Register(null, 1, "bob", "id", Convert.ToHexStringLower(bobHash));
        Register(null, 2, "ann", "id", Convert.ToHexStringLower(annHash));

        var missing = index.GetMissingZonefileHashes(10);
        Assert.Equal(new[] { annHash, bobHash }.OrderBy(h => Convert.ToHexString(h), StringComparer.Ordinal), missing);
        Assert.Single(index.GetMissingZonefileHashes(1));
        Assert.True(index.IsZonefileHashOnChain(bobHash));
        Assert.False(index.IsZonefileHashOnChain(Hash160.Of("other"u8).ToArray()));
        Assert.False(index.HasZonefile(bobHash));

        Assert.True(index.PutZonefile(bobZone).IsOk);
        Assert.True(index.PutZonefile(bobZone).IsOk);

        var (hash, content) = Assert.Single(stored);
        Assert.Equal(bobHash, hash.ToArray());
        Assert.Equal(bobZone, content);
        Assert.True(index.HasZonefile(bobHash));
        Assert.Equal(annHash, Assert.Single(index.GetMissingZonefileHashes(10)));
    }

    [Fact]
    public void ProveName_VerifiesAgainstTipStateRoot_TamperedProofFails()
    {
        using var index = new BnsChainIndex(new MemoryStore<BnsColumn>(), _chain.Coordinator);
        Namespace("id");
        Register(null, 1, "bob", "id");
        var proof = index.ProveName(N("bob.id")).Value!;
        Assert.Equal(_chain.Tip.Id, proof.BlockId);
        Assert.Equal(_chain.Tip.StateRoot, proof.StateRoot);
        foreach (var entry in new[] { proof.Owner, proof.Properties })
        {
            Assert.True(TrieProof.TryParse(entry.Proof, out var parsed));
            Assert.True(TrieProof.Verify(proof.StateRoot, entry.Key, entry.Value, present: true, parsed!));
            var tampered = (byte[])entry.Value!.Clone();
            tampered[^1] ^= 1;
            Assert.False(TrieProof.Verify(proof.StateRoot, entry.Key, tampered, present: true, parsed!));
            var badBytes = (byte[])entry.Proof.Clone();
            badBytes[badBytes.Length / 2] ^= 0x40;
            Assert.False(TrieProof.TryParse(badBytes, out var badProof) && TrieProof.Verify(proof.StateRoot, entry.Key, entry.Value, present: true, badProof!));
        }

        Assert.Equal(_chain.Keys[1].Principal, BnsDataLayout.DecodePrincipal(proof.Owner.Value));
        Assert.Equal(ZoneA, BnsDataLayout.DecodeNameProperties(proof.Properties.Value).ZonefileHash.ToHex());
        Assert.Equal(BnsQueryErrors.NameNotFound, index.ProveName(N("nobody.id")).Error!.Code);
    }

    [Fact]
    public async Task WatchNames_EmitsAsBlocksConnect()
    {
        using var index = new BnsChainIndex(new MemoryStore<BnsColumn>(), _chain.Coordinator);
        Namespace("id");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var e = index.WatchNames(Buff.FromAscii("id"), cts.Token).GetAsyncEnumerator(cts.Token);
        var next = e.MoveNextAsync();
        var register = Register(null, 1, "bob", "id");
        Assert.True(await next);
        Assert.Equal("bob.id", e.Current.Name.Fqn);
        Assert.Equal(NameOperation.Register, e.Current.Operation);
        Assert.Equal(register.Height, e.Current.BlockHeight);
    }
}
