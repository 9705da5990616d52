using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;
using Blockstack.Regtest.Mempool;
using Blockstack.Regtest.Rpc;

namespace Blockstack.Regtest.Wallet;

/// <summary>
/// Builds and signs sendtoaddress transactions from the server's own keys: largest coins first
/// until amount plus fee is covered, change to a fresh internal address unless it would be dust,
/// SIGHASH_ALL signatures by the shared TransactionSigner.
/// </summary>
public static class WalletSigner
{
    public static (Transaction? Transaction, RpcError? Error) Build(
        IReadOnlyList<(OutPoint OutPoint, Coin Coin, WalletAddress Owner)> coins,
        byte[] destination,
        long amount,
        bool subtractFee,
        bool replaceable,
        long feeRatePerKvB,
        Func<byte[]> newChangeScript)
    {
        ArgumentNullException.ThrowIfNull(coins);
        ArgumentNullException.ThrowIfNull(newChangeScript);
        var sequence = replaceable ? 0xffff_fffdu : 0xffff_fffeu;
        var selected = new List<(OutPoint OutPoint, Coin Coin, WalletAddress Owner)>();
        long selectedValue = 0;
        byte[]? changeScript = null;
        foreach (var coin in coins)
        {
            selected.Add(coin);
            selectedValue += coin.Coin.Value;

            // First pass: size with a change output, to know the fee.
            changeScript ??= newChangeScript();
            var trial = Sign(Assemble(selected, destination, amount, changeScript, 0, sequence));
            var fee = feeRatePerKvB * trial.VirtualSize / 1000;
            var send = subtractFee ? amount - fee : amount;
            var change = selectedValue - send - fee;
            if (send <= 0)
            {
                return (null, new RpcError(RpcErrorCode.WalletError, "The transaction amount is too small to pay the fee"));
            }

            if (change < 0)
            {
                continue;
            }

            var tx = Sign(Assemble(selected, destination, send, changeScript, change, sequence));
            if (change < MempoolAcceptance.DustThreshold(new TxOut(change, changeScript), 3000))
            {
                // Change too small to keep: it goes to the fee.
                tx = Sign(Assemble(selected, destination, send, null, 0, sequence));
            }

            return (tx, null);
        }

        return (null, new RpcError(RpcErrorCode.WalletInsufficientFunds, "Insufficient funds"));
    }

    private static (Transaction Tx, List<(OutPoint OutPoint, Coin Coin, WalletAddress Owner)> Inputs) Assemble(
        List<(OutPoint OutPoint, Coin Coin, WalletAddress Owner)> selected, byte[] destination, long send, byte[]? changeScript, long change, uint sequence)
    {
        var inputs = selected.Select(c => new TxIn(c.OutPoint, ReadOnlyMemory<byte>.Empty, sequence)).ToList();
        var outputs = new List<TxOut> { new(send, destination) };
        if (changeScript is not null)
        {
            outputs.Add(new TxOut(change, changeScript));
        }

        return (new Transaction(2, inputs, outputs, 0), selected);
    }

    private static Transaction Sign((Transaction Tx, List<(OutPoint OutPoint, Coin Coin, WalletAddress Owner)> Inputs) unsigned)
    {
        var (tx, selected) = unsigned;
        var spent = selected.Select(s => s.Coin.ToTxOut()).ToList();
        var keys = new PerInputKeys(selected.Select(s => (ReadOnlyMemory<byte>?)s.Owner.PrivateKey!).ToList());
        var result = new TransactionSigner(Secp256k1.Default).Sign(tx, spent, keys);
        return result.IsComplete
            ? result.Transaction
            : throw new InvalidOperationException("the wallet could not sign its own coin: " + result.InputErrors.First(e => e is not null));
    }
}
