using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Sighash;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Regtest.Chain;
using Blockstack.Regtest.Mempool;
using Blockstack.Regtest.Rpc;

namespace Blockstack.Regtest.Wallet;

/// <summary>
/// Builds and signs sendtoaddress transactions from the server's own keys: largest coins first
/// until amount plus fee is covered, change to a fresh internal address unless it would be dust,
/// SIGHASH_ALL signatures for P2WPKH, P2SH-P2WPKH and P2PKH inputs.
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
        var secp = BouncySecp256k1.Instance;
        var spent = selected.Select(s => s.Coin.ToTxOut()).ToList();
        var data = new PrecomputedTransactionData(tx, spent);
        var signedInputs = new List<TxIn>();
        for (var i = 0; i < tx.Inputs.Count; i++)
        {
            var (_, coin, owner) = selected[i];
            var key = owner.PrivateKey!;
            var pub = secp.GetPublicKey(key, compressed: true);
            var keyHash = Hashes.Hash160(pub);
            var scriptCode = BitcoinAddress.P2pkh(keyHash);
            var input = tx.Inputs[i];
            if (coin.Script.Length == 25)
            {
                var hash = LegacySighash.Compute(tx, i, scriptCode, SighashType.All);
                var sig = SignatureBytes(secp, key, hash);
                byte[] scriptSig = [(byte)sig.Length, .. sig, (byte)pub.Length, .. pub];
                signedInputs.Add(new TxIn(input.PrevOut, scriptSig, input.Sequence));
            }
            else
            {
                var hash = SegwitV0Sighash.Compute(data, i, scriptCode, coin.Value, SighashType.All);
                var sig = SignatureBytes(secp, key, hash);
                var scriptSig = ReadOnlyMemory<byte>.Empty;
                if (coin.Script.Length == 23)
                {
                    var redeem = BitcoinAddress.WitnessProgram(0, keyHash);
                    scriptSig = new byte[] { (byte)redeem.Length }.Concat(redeem).ToArray();
                }

                signedInputs.Add(new TxIn(input.PrevOut, scriptSig, input.Sequence, [sig, pub]));
            }
        }

        return new Transaction(tx.Version, signedInputs, tx.Outputs, tx.LockTime);
    }

    private static byte[] SignatureBytes(BouncySecp256k1 secp, byte[] key, Bitcoin.Hash256 hash) =>
        [.. secp.SignEcdsa(key, hash.ToArray()).ToDer(), SighashType.All];
}
