using Blockstack.Stacks;

namespace Blockstack.Bns.Tests;

/// <summary>The contract over an in-memory state, with a block height and the usual set-up steps.</summary>
internal sealed class BnsHarness
{
    public static readonly Principal Alice = P("ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5");
    public static readonly Principal Bob = P("ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG");
    public static readonly Principal Carol = P("ST2JHG361ZXG51QTKY2NQCVBPPRRE2KZB1HR05NNC");
    public static readonly Principal Dave = P("ST2NEB84ASENDXKYGJPQW86YXQCEFEX2ZQPG87ND");

    /// <summary>The spec's worked-example price function: base 4, coeff 250, buckets 7,6,5,4,3,2,1,1…, discounts 4/4.</summary>
    public static readonly PriceFunction Example = new([7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 4, 250, 4, 4);

    public static readonly Buff Salt = Buff.FromAscii("salt");

    public MemoryBnsState State { get; } = new();

    /// <summary>block-height of the next call.</summary>
    public ulong Height { get; set; } = 10;

    public BnsHarness()
    {
        foreach (var p in new[] { Alice, Bob, Carol, Dave })
        {
            State.SetBalance(p, 10_000_000_000_000);
        }
    }

    public static Principal P(string text)
    {
        Assert.True(Principal.TryParse(text, out var p, out _));
        return p!;
    }

    public static ClarityBuffer B(string ascii) => new(Buff.FromAscii(ascii).ToArray());

    public static ClarityBuffer B(Buff b) => new(b.ToArray());

    public static ClarityBuffer Hx(string hex) => new(Convert.FromHexString(hex));

    public static ClarityUInt U(UInt128 v) => new(v);

    public static ClarityPrincipal Pr(Principal p) => new(p);

    public static ClarityOptional Some(ClarityValue v) => new(v);

    public static Buff NamespaceHash(string ns, Buff salt) => new(Hash160.Of(Buff.Concat(Buff.FromAscii(ns), salt).Span).ToArray());

    public static Buff NameHash(string name, string ns, Buff salt) =>
        new(Hash160.Of(Buff.Concat(Buff.FromAscii(name + "." + ns), salt).Span).ToArray());

    public BnsCallResult Call(Principal sender, string function, params ClarityValue[] args) =>
        BnsContract.Call(State, sender, Height, function, args);

    /// <summary>Calls at the current height, then moves to the next block.</summary>
    public BnsCallResult Tx(Principal sender, string function, params ClarityValue[] args)
    {
        var r = Call(sender, function, args);
        Height++;
        return r;
    }

    public static ClarityValue[] RevealArgs(string ns, Buff salt, PriceFunction f, UInt128 lifetime, Principal import) =>
    [
        B(ns), B(salt), U(f.Base), U(f.Coeff), .. f.Buckets.Select(b => (ClarityValue)U(b)),
        U(f.NonAlphaDiscount), U(f.NoVowelDiscount), U(lifetime), Pr(import),
    ];

    /// <summary>Preorder, reveal and (unless <paramref name="launch"/> is false) ready, one block each. Returns the reveal height.</summary>
    public ulong CreateNamespace(string ns, Principal owner, UInt128 lifetime, PriceFunction? f = null, bool launch = true)
    {
        Expect("(ok u" + (Height + 144) + ")", Tx(owner, "namespace-preorder", B(NamespaceHash(ns, Salt)), U(BnsPricing.NamespacePrice(ns.Length))));
        var revealedAt = Height;
        Expect("(ok true)", Tx(owner, "namespace-reveal", RevealArgs(ns, Salt, f ?? Example, lifetime, owner)));
        if (launch)
        {
            Expect("(ok true)", Tx(owner, "namespace-ready", B(ns)));
        }

        return revealedAt;
    }

    /// <summary>Preorder (paying <paramref name="burn"/> or the price) then register one block later. Returns the register result.</summary>
    public BnsCallResult Register(Principal who, string name, string ns, string zonefileHashHex = "", UInt128? burn = null)
    {
        var preorder = Tx(who, "name-preorder", B(NameHash(name, ns, Salt)), U(burn ?? 10_000_000_000));
        Assert.Equal(BnsCallStatus.Ok, preorder.Status);
        return Tx(who, "name-register", B(ns), B(name), B(Salt), B(Buff.FromHex(zonefileHashHex)));
    }

    public static void Expect(string repr, BnsCallResult result) => Assert.Equal(repr, result.ToString());
}
