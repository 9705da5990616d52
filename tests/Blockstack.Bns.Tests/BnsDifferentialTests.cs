using System.Text.Json.Nodes;
using Blockstack.Stacks;
using Blockstack.TestKit;
using Xunit.Abstractions;
using static Blockstack.Bns.Tests.BnsHarness;

namespace Blockstack.Bns.Tests;

/// <summary>
/// Random sequences of BNS operations run here and on the real boot contract in the clarinet-sdk
/// simnet (tests/interop/bns-oracle.js): every result, event and burn, and the final state of every
/// namespace, name, preorder and principal must be identical.
/// </summary>
[Trait("Category", "Integration")]
public class BnsDifferentialTests(ITestOutputHelper output)
{
    internal static readonly Principal Poor = P("ST3AM1A56AK2C1XAFJ4115ZSV26EB49BVQ10MGCS0");
    private static readonly Principal[] Wallets = [Alice, Bob, Carol, Dave];
    private static readonly Principal[] Everyone = [Alice, Bob, Carol, Dave, Poor];
    private static readonly string[] NamespacePool = ["id", "a", "btcx", "longname1", "ID", ""];
    private static readonly string[] NamePool = ["alice", "bob", "y", "b2", "al1ce", "x", "Bad", "", "zz_", "aeiou-0"];
    private static readonly Buff[] Salts = [Buff.FromAscii("s1"), Buff.FromAscii("s2")];
    private static readonly string[] ZoneHashes = ["", "00", "0102030405060708090a0b0c0d0e0f1011121314", "ffffffffffffffffffffffffffffffffffffffff"];
    private static readonly PriceFunction[] PriceFunctions =
    [
        Example,
        new([.. Enumerable.Repeat((UInt128)1, 16)], 1000, 200, 1, 1),
        Example with { NonAlphaDiscount = 0, NoVowelDiscount = 0 },
        Example with { NonAlphaDiscount = 2, NoVowelDiscount = 5, Coeff = 1 },
    ];

    private static readonly UInt128[] Lifetimes = [0, 10, 30, 200];
    private static readonly UInt128[] NameBurns = [0, 1, 40_000, 160_000, 640_000, 2_560_000, 40_960_000, 10_000_000_000, 1_000_000_000_000_000];
    private static readonly UInt128[] NamespaceBurns = [0, 1, 639_999_999, 640_000_000, 6_400_000_000, 64_000_000_000, 640_000_000_000];
    private static readonly int[] Mines = [1, 2, 10, 100, 143, 144, 5000];

    [Theory]
    [InlineData(1, 250)]
    [InlineData(2, 250)]
    [InlineData(3, 250)]
    [InlineData(4, 250)]
    public void RandomSequence_SameResultsEventsAndStateAsSimnet(int seed, int macroSteps)
    {
        var steps = Generate(new Random(seed), macroSteps);
        var dump = DumpKeys();
        var input = new JsonObject
        {
            ["accounts"] = new JsonArray([.. Everyone.Select(p => (JsonNode)new JsonObject
            {
                ["address"] = p.ToString(),
                ["ustx"] = p == Poor ? "1000" : "100000000000000",
            })]),
            ["steps"] = new JsonArray([.. steps.Select(s => s.ToJson())]),
            ["dump"] = dump.ToJson(),
        };
        var oracle = JsonNode.Parse(NodeJs.Run("bns-oracle.js", input.ToJsonString()))!;

        // Replay here.
        var state = new MemoryBnsState();
        foreach (var p in Everyone)
        {
            state.SetBalance(p, p == Poor ? 1000UL : 100_000_000_000_000UL);
        }

        ulong height = (ulong)oracle["startHeight"]!;
        var results = oracle["results"]!.AsArray();
        var k = 0;
        var okCount = 0;
        var registered = 0;
        var errCodes = new SortedSet<Int128>();
        foreach (var step in steps)
        {
            if (step.Mine > 0)
            {
                height += (ulong)step.Mine;
                continue;
            }

            var expected = results[k++]!;
            Assert.Equal((ulong)expected["height"]!, height);
            var h = step.ReadOnly ? height : height + 1;
            var r = BnsContract.Call(state, step.Sender, h, step.Function, step.Args);
            var where = $"seed {seed} step {k - 1} {step}";
            if (expected["exception"] is { } exception)
            {
                Assert.True(r.Status == BnsCallStatus.RuntimeError, $"{where}: oracle raised '{exception}', we returned {r}");
            }
            else
            {
                Assert.True(r.Value is not null, $"{where}: we returned {r}, oracle {Repr(expected["result"])}");
                Assert.True((string)expected["result"]! == r.Value.ToHex(), $"{where}: we returned {r}, oracle {Repr(expected["result"])}");
                Assert.Equal(Events(expected["events"]!), [.. r.Events.Select(EventJson)]);
                okCount += r.Status == BnsCallStatus.Ok ? 1 : 0;
                registered += step.Function is "name-register" or "name-import" && r.Status == BnsCallStatus.Ok ? 1 : 0;
                if (r.Value is ClarityResponse { IsOk: false, Inner: ClarityInt code })
                {
                    errCodes.Add(code.Value);
                }
            }

            if (!step.ReadOnly)
            {
                height++;
            }
        }

        output.WriteLine($"seed {seed}: {results.Count} calls, {okCount} ok, {registered} names registered or imported, err codes {string.Join(',', errCodes)}");

        // The generator must reach deep states, not only early rejections.
        Assert.True(okCount > macroSteps / 4 && registered >= 5 && errCodes.Count >= 12, $"ok {okCount}, names {registered}, codes {string.Join(',', errCodes)}: the generator explores too little");
        Assert.Equal(height, (ulong)oracle["state"]!["height"]!);
        CompareState(state, height, dump, oracle["state"]!, seed);
    }

    private static string Repr(JsonNode? hex) =>
        hex is not null && ClarityValue.TryDeserializeHex((string)hex!, out var v, out _) ? v.ToRepr() : "?";

    private static List<string> Events(JsonNode events) => [.. events.AsArray().Select(e => e!.ToJsonString())];

    private static string EventJson(BnsEvent e) => (e switch
    {
        StxBurnEvent b => new JsonObject { ["type"] = "burn", ["sender"] = b.Sender.ToString(), ["amount"] = b.Amount.ToString() },
        NameMintEvent m => new JsonObject { ["type"] = "mint", ["recipient"] = m.Recipient.ToString(), ["value"] = BnsClarity.NameKey(m.Name).ToHex() },
        NameTransferEvent t => new JsonObject { ["type"] = "transfer", ["sender"] = t.Sender.ToString(), ["recipient"] = t.Recipient.ToString(), ["value"] = BnsClarity.NameKey(t.Name).ToHex() },
        PrintEvent p => new JsonObject { ["type"] = "print", ["value"] = p.Value.ToHex() },
        _ => throw new InvalidOperationException(e.ToString()),
    }).ToJsonString();

    private static void CompareState(MemoryBnsState state, ulong height, DumpSpec dump, JsonNode expected, int seed)
    {
        Assert.Equal((string)expected["attachmentIndex"]!, new ClarityUInt(state.GetAttachmentIndex()).ToHex());
        for (var i = 0; i < dump.Namespaces.Count; i++)
        {
            var ns = state.GetNamespace(dump.Namespaces[i]);
            Assert.True(Opt(ns is null ? null : BnsClarity.Namespace(ns)) == (string)expected["namespaces"]![i]!, $"seed {seed}: namespace {dump.Namespaces[i].ToAscii()}");
        }

        for (var i = 0; i < dump.Names.Count; i++)
        {
            var id = dump.Names[i];
            var props = state.GetNameProperties(id);
            Assert.True(Opt(props is null ? null : BnsClarity.NameProps(props)) == (string)expected["nameProperties"]![i]!, $"seed {seed}: name-properties {id}");
            var resolve = BnsContract.Call(state, Alice, height, "name-resolve", [B(id.Namespace), B(id.Name)]);
            Assert.True(resolve.Value!.ToHex() == (string)expected["nameResolve"]![i]!, $"seed {seed}: name-resolve {id}: {resolve} vs {Repr(expected["nameResolve"]![i])}");
        }

        for (var i = 0; i < dump.Principals.Count; i++)
        {
            var p = dump.Principals[i];
            var ownerName = state.GetOwnerName(p);
            Assert.True(Opt(ownerName is { } n ? BnsClarity.NameKey(n) : null) == (string)expected["ownerName"]![i]!, $"seed {seed}: owner-name {p}");
            var rp = BnsContract.Call(state, Alice, height, "resolve-principal", [Pr(p)]);
            Assert.True(rp.Value!.ToHex() == (string)expected["resolvePrincipal"]![i]!, $"seed {seed}: resolve-principal {p}: {rp}");
            Assert.Equal((string)expected["balances"]![i]!, state.GetSpendableStx(p).ToString());
            Assert.Equal((string)expected["nftCounts"]![i]!, state.NameOwners.Count(o => o.Value == p).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < dump.NamespacePreorders.Count; i++)
        {
            var (hash, buyer) = dump.NamespacePreorders[i];
            var pre = state.GetNamespacePreorder(hash, buyer);
            Assert.True(Opt(pre is null ? null : BnsClarity.Preorder(pre)) == (string)expected["namespacePreorders"]![i]!, $"seed {seed}: namespace preorder {hash}");
        }

        for (var i = 0; i < dump.NamePreorders.Count; i++)
        {
            var (hash, buyer) = dump.NamePreorders[i];
            var pre = state.GetNamePreorder(hash, buyer);
            Assert.True(Opt(pre is null ? null : BnsClarity.Preorder(pre)) == (string)expected["namePreorders"]![i]!, $"seed {seed}: name preorder {hash}");
        }
    }

    private static string Opt(ClarityValue? v) => (v is null ? ClarityOptional.None : new ClarityOptional(v)).ToHex();

    // ---- generator -----------------------------------------------------------------------------

    internal sealed record Step(int Mine, Principal Sender, string Function, ClarityValue[] Args, bool ReadOnly)
    {
        public JsonObject ToJson() => Mine > 0
            ? new JsonObject { ["mine"] = Mine }
            : new JsonObject
            {
                ["fn"] = Function,
                ["sender"] = Sender.ToString(),
                ["readOnly"] = ReadOnly,
                ["args"] = new JsonArray([.. Args.Select(a => (JsonNode)a.ToHex())]),
            };

        public override string ToString() => Mine > 0 ? $"mine {Mine}" : $"{Sender} {Function} {string.Join(' ', Args.Select(a => a.ToRepr()))}";
    }

    private sealed record DumpSpec(List<Buff> Namespaces, List<NameId> Names, List<Principal> Principals, List<(Buff, Principal)> NamespacePreorders, List<(Buff, Principal)> NamePreorders)
    {
        public JsonObject ToJson() => new JsonObject
        {
            ["namespaces"] = new JsonArray([.. Namespaces.Select(n => (JsonNode)n.ToHex())]),
            ["names"] = new JsonArray([.. Names.Select(n => (JsonNode)new JsonObject { ["namespace"] = n.Namespace.ToHex(), ["name"] = n.Name.ToHex() })]),
            ["principals"] = new JsonArray([.. Principals.Select(p => (JsonNode)p.ToString())]),
            ["namespacePreorders"] = new JsonArray([.. NamespacePreorders.Select(k => (JsonNode)new JsonObject { ["hash"] = k.Item1.ToHex(), ["buyer"] = k.Item2.ToString() })]),
            ["namePreorders"] = new JsonArray([.. NamePreorders.Select(k => (JsonNode)new JsonObject { ["hash"] = k.Item1.ToHex(), ["buyer"] = k.Item2.ToString() })]),
        };
    }

    private static DumpSpec DumpKeys()
    {
        var namespaces = NamespacePool.Where(n => n.Length > 0).Select(Buff.FromAscii).ToList();
        var names = (from ns in namespaces from n in NamePool where n.Length > 0 select new NameId(ns, Buff.FromAscii(n))).ToList();
        var nsPre = (from ns in NamespacePool from s in Salts from p in Everyone select (NamespaceHashOf(ns, s), p)).ToList();
        var namePre = (from ns in NamespacePool where ns.Length > 0 from n in NamePool from s in Salts from p in Wallets select (NameHash(n, ns, s), p)).ToList();
        return new DumpSpec(namespaces, names, [.. Everyone], nsPre, namePre);
    }

    private static Buff NamespaceHashOf(string ns, Buff salt) => NamespaceHash(ns, salt);

    internal static List<Step> Generate(Random rng, int macroSteps)
    {
        T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];
        Principal Wallet() => rng.Next(20) == 0 ? Poor : Pick(Wallets);
        string Ns() => rng.Next(10) < 9 ? Pick(NamespacePool[..3]) : Pick(NamespacePool);
        string Name() => rng.Next(10) < 8 ? Pick(NamePool[..6]) : Pick(NamePool);
        ClarityValue Zone() => new ClarityBuffer(Convert.FromHexString(Pick(ZoneHashes)));
        Step Call(Principal s, string f, params ClarityValue[] a) => new(0, s, f, a, BnsContract.Functions[f].ReadOnly);
        var steps = new List<Step>();
        var importers = new Dictionary<string, Principal>();
        var attempted = new List<(string Ns, string Name, Principal Owner)>();
        (string Ns, string Name, Principal Owner) Target() =>
            attempted.Count > 0 && rng.Next(10) < 7 ? Pick(attempted) : (Ns(), Name(), Wallet());
        Principal Sender((string Ns, string Name, Principal Owner) t) => rng.Next(10) < 7 ? t.Owner : Wallet();
        for (var i = 0; i < macroSteps; i++)
        {
            var roll = rng.Next(100);
            if (roll < 12)
            {
                var s = Wallet();
                var ns = Ns();
                var salt = Pick(Salts);
                var price = ns.Length == 0 ? 1 : BnsPricing.NamespacePrice(ns.Length);
                steps.Add(Call(s, "namespace-preorder", B(NamespaceHash(ns, salt)), U(rng.Next(4) == 0 ? Pick(NamespaceBurns) : price)));
                if (rng.Next(5) == 0)
                {
                    steps.Add(new Step(Pick(Mines), s, "", [], false));
                }

                var import = rng.Next(5) == 0 ? Pick(Wallets) : s;
                importers[ns] = import;
                steps.Add(Call(s, "namespace-reveal", RevealArgs(ns, rng.Next(8) == 0 ? Pick(Salts) : salt, Pick(PriceFunctions), Pick(Lifetimes), import)));
                if (rng.Next(3) > 0)
                {
                    steps.Add(Call(rng.Next(6) == 0 ? Wallet() : import, "namespace-ready", B(ns)));
                }
            }
            else if (roll < 20)
            {
                var ns = Ns();
                var s = importers.TryGetValue(ns, out var imp) && rng.Next(4) > 0 ? imp : Wallet();
                var name = Name();
                var beneficiary = Wallet();
                attempted.Add((ns, name, beneficiary));
                steps.Add(Call(s, "name-import", B(ns), B(name), Pr(beneficiary), Zone()));
            }
            else if (roll < 45)
            {
                var s = Wallet();
                var ns = Ns();
                var name = Name();
                attempted.Add((ns, name, s));
                var salt = Pick(Salts);
                var burn = rng.Next(3) == 0 ? Pick(NameBurns) : 10_000_000_000;
                steps.Add(Call(s, "name-preorder", B(NameHash(name, ns, salt)), U(burn)));
                if (rng.Next(4) == 0)
                {
                    steps.Add(new Step(Pick(Mines), s, "", [], false));
                }

                steps.Add(Call(s, "name-register", B(ns), B(name), B(rng.Next(10) == 0 ? Pick(Salts) : salt), Zone()));
            }
            else if (roll < 52)
            {
                var t = Target();
                steps.Add(Call(Sender(t), "name-update", B(t.Ns), B(t.Name), Zone()));
            }
            else if (roll < 58)
            {
                ClarityValue zone = rng.Next(2) == 0 ? ClarityOptional.None : new ClarityOptional(Zone());
                var t = Target();
                var to = Pick(Everyone);
                attempted.Add((t.Ns, t.Name, to));
                steps.Add(Call(Sender(t), "name-transfer", B(t.Ns), B(t.Name), Pr(to), zone));
            }
            else if (roll < 62)
            {
                var t = Target();
                steps.Add(Call(Sender(t), "name-revoke", B(t.Ns), B(t.Name)));
            }
            else if (roll < 68)
            {
                ClarityValue owner = rng.Next(3) == 0 ? new ClarityOptional(Pr(Pick(Everyone))) : ClarityOptional.None;
                ClarityValue zone = rng.Next(2) == 0 ? ClarityOptional.None : new ClarityOptional(Zone());
                var t = Target();
                steps.Add(Call(Sender(t), "name-renewal", B(t.Ns), B(t.Name), U(rng.Next(3) == 0 ? Pick(NameBurns) : 10_000_000_000), owner, zone));
            }
            else if (roll < 71)
            {
                var ns = Ns();
                var s = importers.TryGetValue(ns, out var imp) && rng.Next(3) > 0 ? imp : Wallet();
                var f = Pick(PriceFunctions);
                steps.Add(rng.Next(3) == 0
                    ? Call(s, "namespace-revoke-function-price-edition", B(ns))
                    : Call(s, "namespace-update-function-price", [B(ns), U(f.Base), U(f.Coeff), .. f.Buckets.Select(b => (ClarityValue)U(b)), U(f.NonAlphaDiscount), U(f.NoVowelDiscount)]));
            }
            else if (roll < 88)
            {
                var ro = Pick(BnsContract.Functions.Values.Where(f => f.ReadOnly).ToList());
                ClarityValue[] args = ro.Arguments.Count switch
                {
                    1 when ro.Arguments[0] == BnsArgType.Principal => [Pr(Pick(Everyone))],
                    1 => [B(Ns())],
                    _ => [B(Target().Ns), B(Target().Name)],
                };
                steps.Add(Call(rng.Next(2) == 0 && attempted.Count > 0 ? Pick(attempted).Owner : Wallet(), ro.Name, args));
            }
            else
            {
                steps.Add(new Step(Pick(Mines), Alice, "", [], false));
            }
        }

        return steps;
    }
}
