using Blockstack.Chain;
using Blockstack.Stacks;
using Blockstack.Storage;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

/// <summary>
/// The differential test's random sequences (the ones checked against the clarinet simnet) run as
/// signed transactions through the chain adapter and, in step, through <see cref="MemoryBnsState"/>:
/// every result, event kind, final record, balance and the index's view must agree.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BnsChainDifferentialTests
{
    private static readonly Principal[] Everyone = [Alice, Bob, Carol, Dave, BnsDifferentialTests.Poor];

    [Theory]
    [InlineData(1, 120)]
    [InlineData(2, 120)]
    [InlineData(3, 120)]
    public void RandomSequence_ChainAdapterAgreesWithMemoryState(int seed, int macroSteps)
    {
        using var chain = new BnsTestChain([100_000_000_000_000, 100_000_000_000_000, 100_000_000_000_000, 100_000_000_000_000, 1000]);
        using var index = new BnsChainIndex(new MemoryStore<BnsColumn>(), chain.Coordinator);
        var map = new Dictionary<Principal, ChainKey>();
        for (var i = 0; i < Everyone.Length; i++)
        {
            map[Everyone[i]] = chain.Keys[i];
        }

        var memory = new MemoryBnsState();
        foreach (var k in chain.Keys)
        {
            memory.SetBalance(k.Principal, chain.Coordinator.State.GetAccount(k.Address).Unlocked);
        }

        var names = new SortedSet<NameId>();
        var namespaces = new SortedSet<Buff>();
        var ok = 0;
        foreach (var step in BnsDifferentialTests.Generate(new Random(seed), macroSteps))
        {
            if (step.Mine > 0)
            {
                // Long gaps are shortened: both sides see the same heights either way.
                for (var m = 0; m < Math.Min(step.Mine, 3); m++)
                {
                    chain.Mine();
                }

                continue;
            }

            var sender = map[step.Sender];
            var args = step.Args.Select(a => Map(a, map)).ToArray();
            if (step.ReadOnly)
            {
                var expected = BnsContract.Query(memory, sender.Principal, chain.Tip.Height, step.Function, args);
                var actual = chain.Coordinator.State.CallReadOnly("bns", step.Function, args, sender.Principal);
                Assert.Equal(expected.Value?.ToHex(), actual.Value?.ToHex());
                continue;
            }

            var height = chain.Tip.Height + 1;
            var r = BnsContract.Call(memory, sender.Principal, height, step.Function, args);
            var tx = chain.Call(sender, step.Function, args);
            if (r.Status is BnsCallStatus.BadArguments or BnsCallStatus.RuntimeError)
            {
                Assert.Null(chain.TryBuild([tx], null, out var why));
                Assert.Equal(r.Status == BnsCallStatus.BadArguments ? ChainErrorCodes.TxBadArguments : ChainErrorCodes.TxRuntimeError, why.Code);
                continue;
            }

            var receipt = chain.Mine([tx]).Receipts.Single(x => x.Txid == tx.Txid);
            Assert.True(r.Value!.ToHex() == receipt.Result.ToHex(), $"{step}: memory {r}, chain {receipt.Result.ToRepr()}");
            Assert.Equal(r.Status == BnsCallStatus.Ok, receipt.IsSuccess);
            Assert.Equal(r.Events.Select(Kind), receipt.Events.Select(e => e.Kind));
            if (r.Status == BnsCallStatus.Ok)
            {
                ok++;
                foreach (var c in r.Changes)
                {
                    names.Add(c.Name);
                }

                if (step.Function.StartsWith("namespace-", StringComparison.Ordinal))
                {
                    namespaces.Add(new Buff(((ClarityBuffer)args[0]).Data));
                }
            }
        }

        Assert.True(ok >= 20, $"only {ok} successful calls: the sequence explores too little");

        // Final state: trie records = memory records, and the index agrees.
        var tip = chain.Tip.Id;
        var trie = chain.Coordinator.State.WithState(tip, view => new BnsDataState(
            k => view.Get(StateKeys.ContractData("bns", k)), (_, _) => { }, _ => { }, _ => 0, (_, _) => { }))!;
        foreach (var ns in namespaces)
        {
            var expected = memory.GetNamespace(ns);
            Assert.Equal(expected is null ? "" : BnsClarity.Namespace(expected).ToHex(), chain.Coordinator.State.WithState(tip, v => v.Get(StateKeys.ContractData("bns", BnsDataLayout.NamespaceKey(ns))) is { } b ? Convert.ToHexStringLower(b) : "")!);
            Assert.Equal(expected?.LaunchedAt, index.GetNamespace(ns).Value?.Record.LaunchedAt);
        }

        foreach (var (id, owner) in memory.NameOwners)
        {
            var props = memory.GetNameProperties(id)!;
            var rows = chain.Coordinator.State.WithState(tip, v => (
                Owner: v.Get(StateKeys.ContractData("bns", BnsDataLayout.NameOwnerKey(id))),
                Props: v.Get(StateKeys.ContractData("bns", BnsDataLayout.NamePropertiesKey(id)))));
            Assert.Equal(owner, BnsDataLayout.DecodePrincipal(rows.Owner!));
            Assert.Equal(BnsClarity.NameProps(props).ToHex(), Convert.ToHexStringLower(rows.Props!));
            var info = index.GetName(id).Value!;
            Assert.Equal(owner, info.Owner);
            Assert.Equal(props.ZonefileHash, info.ZonefileHash);
        }

        Assert.Equal(memory.NameOwners.Count(), names.Count(n => index.GetName(n).IsOk));
        foreach (var k in chain.Keys)
        {
            Assert.Equal(memory.GetSpendableStx(k.Principal), chain.Coordinator.State.GetAccount(k.Address).Unlocked);
            Assert.Equal(memory.GetOwnerName(k.Principal), trie.GetOwnerName(k.Principal));
        }

        Assert.Equal(memory.GetAttachmentIndex(), trie.GetAttachmentIndex());
    }

    private static ChainEventKind Kind(BnsEvent e) => e switch
    {
        StxBurnEvent => ChainEventKind.StxBurn,
        NameMintEvent => ChainEventKind.NftMint,
        NameTransferEvent => ChainEventKind.NftTransfer,
        _ => ChainEventKind.ContractEvent,
    };

    private static ClarityValue Map(ClarityValue v, Dictionary<Principal, ChainKey> map) => v switch
    {
        ClarityPrincipal p when map.TryGetValue(p.Value, out var k) => new ClarityPrincipal(k.Principal),
        ClarityOptional { Inner: ClarityPrincipal p } when map.TryGetValue(p.Value, out var k) => new ClarityOptional(new ClarityPrincipal(k.Principal)),
        _ => v,
    };
}
