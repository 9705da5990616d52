namespace Blockstack.Stacks;

/// <summary>
/// Why Stacks bytes or text were refused: a stable kebab-case code from <see cref="StacksErrorCodes"/>
/// and a human sentence. Parsers return it as a value; they never throw on untrusted input.
/// </summary>
public readonly record struct StacksError(string Code, string Message)
{
    public bool IsNone => Code is null;

    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>The catalogue of codes for Stacks primitives. Codes are stable; messages are not.</summary>
public static class StacksErrorCodes
{
    // Generic byte-level failures.
    public const string Truncated = "stacks-truncated";
    public const string TrailingBytes = "stacks-trailing-bytes";
    public const string BadHex = "stacks-bad-hex";

    // c32 / addresses.
    public const string C32BadCharacter = "c32-bad-character";
    public const string C32BadChecksum = "c32-bad-checksum";
    public const string C32BadVersion = "c32-bad-version";
    public const string C32BadLength = "c32-bad-length";
    public const string AddressBadPrefix = "address-bad-prefix";
    public const string AddressNoVersionMapping = "address-no-version-mapping";

    // Names.
    public const string BadContractName = "name-bad-contract-name";
    public const string BadClarityName = "name-bad-clarity-name";

    // Clarity values.
    public const string ClarityBadTypePrefix = "clarity-bad-type-prefix";
    public const string ClarityBadPrincipal = "clarity-bad-principal";
    public const string ClarityTooDeep = "clarity-too-deep";
    public const string ClarityTooLarge = "clarity-too-large";
    public const string ClarityBadAscii = "clarity-bad-ascii";
    public const string ClarityBadUtf8 = "clarity-bad-utf8";
    public const string ClarityDuplicateTupleKey = "clarity-duplicate-tuple-key";
    public const string ClarityUnsortedTuple = "clarity-unsorted-tuple";

    // Transactions.
    public const string TxBadVersion = "tx-bad-version";
    public const string TxBadAuthType = "tx-bad-auth-type";
    public const string TxBadHashMode = "tx-bad-hash-mode";
    public const string TxBadKeyEncoding = "tx-bad-key-encoding";
    public const string TxBadAuthField = "tx-bad-auth-field";
    public const string TxBadSignatureCount = "tx-bad-signature-count";
    public const string TxBadRecoveryId = "tx-bad-recovery-id";
    public const string TxBadAnchorMode = "tx-bad-anchor-mode";
    public const string TxBadPostConditionMode = "tx-bad-post-condition-mode";
    public const string TxBadPostConditionType = "tx-bad-post-condition-type";
    public const string TxBadPostConditionPrincipal = "tx-bad-post-condition-principal";
    public const string TxBadConditionCode = "tx-bad-condition-code";
    public const string TxBadPayloadType = "tx-bad-payload-type";
    public const string TxUnsupportedPayload = "tx-unsupported-payload";
    public const string TxBadAnchorForPayload = "tx-bad-anchor-for-payload";
    public const string TxBadClarityVersion = "tx-bad-clarity-version";
    public const string TxBadPoison = "tx-bad-poison-microblock";
    public const string TxTooLarge = "tx-too-large";
    public const string TxTooManyItems = "tx-too-many-items";
    public const string TxBadCodeBody = "tx-bad-code-body";

    // Signatures.
    public const string SigBadPublicKey = "sig-bad-public-key";
    public const string SigUnrecoverable = "sig-unrecoverable";
    public const string SigSignerMismatch = "sig-signer-mismatch";
    public const string SigNotSigned = "sig-not-signed";
    public const string SigBadPrivateKey = "sig-bad-private-key";

    // Blocks.
    public const string BlockTooLarge = "block-too-large";
    public const string BlockNoTransactions = "block-no-transactions";
    public const string BlockTooManyTransactions = "block-too-many-transactions";

    // VRF.
    public const string VrfBadLength = "vrf-bad-length";
    public const string VrfBadPoint = "vrf-bad-point";
    public const string VrfNonCanonicalPoint = "vrf-non-canonical-point";
    public const string VrfSmallOrderPoint = "vrf-small-order-point";
    public const string VrfNonCanonicalScalar = "vrf-non-canonical-scalar";
    public const string VrfBadPublicKey = "vrf-bad-public-key";
}
