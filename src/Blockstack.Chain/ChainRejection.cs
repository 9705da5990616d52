namespace Blockstack.Chain;

/// <summary>
/// Why a block or transaction was refused: a stable kebab-case code from <see cref="ChainErrorCodes"/>,
/// a sentence, and the index of the offending transaction when there is one.
/// </summary>
public readonly record struct ChainRejection(string Code, string Message, int? TransactionIndex = null)
{
    public override string ToString() => TransactionIndex is { } i ? $"{Code} (tx {i}): {Message}" : $"{Code}: {Message}";
}

/// <summary>The catalogue of chain rejection codes. Codes are stable; messages are not.</summary>
public static class ChainErrorCodes
{
    // Block: bytes and context-free rules (the Stacks codec's own codes pass through unchanged).
    public const string BlockTooLarge = "block-too-large";
    public const string BlockBadChainId = "block-bad-chain-id";
    public const string BlockConfirmsMicroblocks = "block-confirms-microblocks";

    // Block against its sortition and parent.
    public const string BlockNotCommitted = "block-not-committed";
    public const string BlockUnknownSortition = "block-unknown-sortition";
    public const string BlockBadVrfProof = "block-bad-vrf-proof";
    public const string BlockUnknownParent = "block-unknown-parent";
    public const string BlockBadHeight = "block-bad-height";
    public const string BlockBadTotalBurn = "block-bad-total-burn";
    public const string BlockAlreadyProcessed = "block-already-processed";

    // Block against the state.
    public const string BlockBadStateRoot = "block-bad-state-root";

    // Transactions.
    public const string TxBadChainId = "tx-bad-chain-id";
    public const string TxBadVersion = "tx-bad-version";
    public const string TxBadSignature = "tx-bad-signature";
    public const string TxBadNonce = "tx-bad-nonce";
    public const string TxFeeTooLow = "tx-fee-too-low";
    public const string TxInsufficientFunds = "tx-insufficient-funds";
    public const string TxBadAmount = "tx-bad-amount";
    public const string TxSelfTransfer = "tx-self-transfer";
    public const string TxNoSuchContract = "tx-no-such-contract";
    public const string TxNoSuchFunction = "tx-no-such-function";
    public const string TxBadArguments = "tx-bad-arguments";
    public const string TxRuntimeError = "tx-runtime-error";
    public const string TxContractDeployUnsupported = "contract-deploy-unsupported";
    public const string TxUnsupportedPayload = "tx-unsupported-payload";
    public const string TxCoinbaseNotFirst = "tx-coinbase-outside-block-start";
    public const string TxTooLarge = "tx-too-large";
    public const string TxUndecodable = "tx-undecodable";

    // Mempool.
    public const string MempoolNonceTooFar = "mempool-nonce-too-far";
    public const string MempoolFeeRateTooLow = "mempool-fee-rate-too-low";
    public const string MempoolReplaceFeeTooLow = "mempool-replace-fee-too-low";
    public const string MempoolFull = "mempool-full";
    public const string MempoolDuplicate = "mempool-duplicate";
}
