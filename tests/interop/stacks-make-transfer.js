// Builds and signs one STX transfer with @stacks/transactions and prints its hex and txid as JSON.
// Usage: node stacks-make-transfer.js SENDER_KEY RECIPIENT AMOUNT NONCE FEE [testnet|mainnet]
'use strict';
const tx = require('@stacks/transactions');

async function main() {
  const [senderKey, recipient, amount, nonce, fee, network = 'testnet'] = process.argv.slice(2);
  if (!fee) {
    throw new Error('usage: stacks-make-transfer.js SENDER_KEY RECIPIENT AMOUNT NONCE FEE [NETWORK]');
  }
  const t = await tx.makeSTXTokenTransfer({
    recipient, amount: BigInt(amount), senderKey, network, nonce: BigInt(nonce), fee: BigInt(fee), memo: 'e2e',
  });
  console.log(JSON.stringify({ hex: t.serialize(), txid: t.txid(), sender: tx.getAddressFromPrivateKey(senderKey, network) }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
