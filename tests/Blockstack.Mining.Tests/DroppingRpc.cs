using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Rpc;

namespace Blockstack.Mining.Tests;

/// <summary>
/// bitcoind as seen through a lossy link: every call goes to <paramref name="inner"/>, except that
/// while <see cref="DropSends"/> is set a sendrawtransaction answers the txid but never arrives.
/// </summary>
internal sealed class DroppingRpc(IBitcoinRpc inner) : IBitcoinRpc
{
    public bool DropSends { get; set; }

    public int Dropped { get; private set; }

    public Task<BlockchainInfo> GetBlockchainInfoAsync(CancellationToken cancellationToken) => inner.GetBlockchainInfoAsync(cancellationToken);

    public Task<BlockHash?> GetBlockHashAsync(ulong height, CancellationToken cancellationToken) => inner.GetBlockHashAsync(height, cancellationToken);

    public Task<byte[]?> GetRawBlockAsync(BlockHash hash, CancellationToken cancellationToken) => inner.GetRawBlockAsync(hash, cancellationToken);

    public Task<IReadOnlyList<string>> ListWalletsAsync(CancellationToken cancellationToken) => inner.ListWalletsAsync(cancellationToken);

    public Task LoadWalletAsync(string name, CancellationToken cancellationToken) => inner.LoadWalletAsync(name, cancellationToken);

    public Task CreateWalletAsync(string name, bool disablePrivateKeys, bool blank, CancellationToken cancellationToken) =>
        inner.CreateWalletAsync(name, disablePrivateKeys, blank, cancellationToken);

    public Task<IReadOnlyList<DescriptorImportResult>> ImportDescriptorsAsync(string wallet, IReadOnlyList<DescriptorImport> requests, CancellationToken cancellationToken) =>
        inner.ImportDescriptorsAsync(wallet, requests, cancellationToken);

    public Task<IReadOnlyList<UnspentOutput>> ListUnspentAsync(string wallet, int minConfirmations, IReadOnlyList<string> addresses, CancellationToken cancellationToken) =>
        inner.ListUnspentAsync(wallet, minConfirmations, addresses, cancellationToken);

    public Task<WalletTransaction?> GetWalletTransactionAsync(string wallet, Txid txid, CancellationToken cancellationToken) =>
        inner.GetWalletTransactionAsync(wallet, txid, cancellationToken);

    public Task<Txid> SendRawTransactionAsync(ReadOnlyMemory<byte> transaction, CancellationToken cancellationToken)
    {
        if (!DropSends)
        {
            return inner.SendRawTransactionAsync(transaction, cancellationToken);
        }

        Dropped++;
        Assert.True(Transaction.TryParse(transaction.Span, out var tx, out var error), error);
        return Task.FromResult(tx.Txid);
    }
}
