namespace Blockstack.Bns;

/// <summary>Constants of the boot <c>bns</c> contract (spec/bns.md §2).</summary>
public static class BnsConstants
{
    public const int NamespacePreorderClaimabilityTtl = 144;
    public const int NamespaceLaunchabilityTtl = 52595;
    public const int NamePreorderClaimabilityTtl = 144;
    public const int NameGracePeriodDuration = 5000;

    public const int MaxNamespaceLength = 20;
    public const int MaxNameLength = 48;
    public const int SaltLength = 20;
    public const int HashLength = 20;

    /// <summary>µSTX by table index <c>min(7, len − 1)</c>; indexes 8..19 of the contract's table are unreachable.</summary>
    public static readonly IReadOnlyList<UInt128> NamespacePriceTable =
    [
        640_000_000_000, 64_000_000_000, 64_000_000_000, 6_400_000_000,
        6_400_000_000, 6_400_000_000, 6_400_000_000, 640_000_000,
    ];
}

/// <summary>The contract's error codes (spec/bns.md §9): Clarity signed ints, <c>(err 2004)</c>.</summary>
public static class BnsErrors
{
    public const int Panic = 0;
    public const int NamespacePreorderNotFound = 1001;
    public const int NamespacePreorderExpired = 1002;
    public const int NamespacePreorderAlreadyExists = 1003;
    public const int NamespaceUnavailable = 1004;
    public const int NamespaceNotFound = 1005;
    public const int NamespaceAlreadyExists = 1006;
    public const int NamespaceNotLaunched = 1007;
    public const int NamespacePriceFunctionInvalid = 1008;
    public const int NamespacePreorderClaimabilityExpired = 1009;
    public const int NamespacePreorderLaunchabilityExpired = 1010;
    public const int NamespaceOperationUnauthorized = 1011;
    public const int NamespaceStxBurntInsufficient = 1012;
    public const int NamespaceBlank = 1013;
    public const int NamespaceAlreadyLaunched = 1014;
    public const int NamespaceHashMalformed = 1015;
    public const int NamespaceCharsetInvalid = 1016;
    public const int NamePreorderNotFound = 2001;
    public const int NamePreorderExpired = 2002;
    public const int NamePreorderFundsInsufficient = 2003;
    public const int NameUnavailable = 2004;
    public const int NameOperationUnauthorized = 2006;
    public const int NameStxBurntInsufficient = 2007;
    public const int NameExpired = 2008;
    public const int NameGracePeriod = 2009;
    public const int NameBlank = 2010;
    public const int NameAlreadyClaimed = 2011;
    public const int NameClaimabilityExpired = 2012;
    public const int NameNotFound = 2013;
    public const int NameRevoked = 2014;
    public const int NameTransferFailed = 2015;
    public const int NamePreorderAlreadyExists = 2016;
    public const int NameHashMalformed = 2017;
    public const int NamePreorderedBeforeNamespaceLaunch = 2018;
    public const int NameNotResolvable = 2019;
    public const int NameCouldNotBeMinted = 2020;
    public const int NameCouldNotBeTransfered = 2021;
    public const int NameCharsetInvalid = 2022;
    public const int PrincipalAlreadyAssociated = 3001;
    public const int InsufficientFunds = 4001;
}
