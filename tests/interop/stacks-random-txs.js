// Generates random Stacks transactions with @stacks/transactions and prints one JSON object per
// line: the serialized hex, the library's txid, and the fields the C# decoder must reproduce.
// Usage: node stacks-random-txs.js COUNT SEED
'use strict';
const tx = require('@stacks/transactions');

const count = parseInt(process.argv[2] || '20', 10);
let seed = parseInt(process.argv[3] || '1', 10) >>> 0;
function rnd() { // xorshift32: reproducible without extra packages
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const hex = (n) => Array.from({ length: n }, () => int(256).toString(16).padStart(2, '0')).join('');
function key(compressed) {
  let k;
  do { k = hex(32); } while (/^0+$/.test(k) || k >= 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
  return compressed ? k + '01' : k;
}

async function main() {
  for (let i = 0; i < count; i++) {
    const network = rnd() < 0.5 ? 'mainnet' : 'testnet';
    const recipientKey = key(true);
    const recipient = tx.getAddressFromPrivateKey(recipientKey, network);
    const nonce = BigInt(int(1000));
    const fee = BigInt(int(100000));
    const amount = BigInt(1 + int(1e9));
    const kindRoll = int(4);
    const senderKey = key(rnd() < 0.7);
    let t;
    let kind;
    const postConditions = rnd() < 0.5 ? [{ type: 'stx-postcondition', address: tx.getAddressFromPrivateKey(senderKey, network), condition: 'lte', amount: amount.toString() }] : [];
    if (kindRoll === 0) {
      kind = 'transfer';
      t = await tx.makeSTXTokenTransfer({ recipient, amount, senderKey, network, nonce, fee, memo: rnd() < 0.5 ? 'memo ' + int(1000) : undefined });
    } else if (kindRoll === 1) {
      kind = 'contract_call';
      const args = [tx.uintCV(int(1e6)), tx.intCV(-int(1e6)), tx.bufferCV(Buffer.from(hex(int(20)), 'hex')), tx.principalCV(recipient),
        tx.stringAsciiCV('abc ' + int(100)), tx.stringUtf8CV('h\u00e9llo'), tx.someCV(tx.trueCV()), tx.noneCV(),
        tx.tupleCV({ b: tx.uintCV(1), a: tx.listCV([tx.intCV(1), tx.intCV(2)]) }), tx.responseErrorCV(tx.uintCV(3))];
      t = await tx.makeContractCall({
        contractAddress: tx.getAddressFromPrivateKey(key(true), network), contractName: 'contract-' + int(100), functionName: 'do-it',
        functionArgs: args.slice(0, 1 + int(args.length)), senderKey, network, nonce, fee,
        postConditionMode: rnd() < 0.5 ? 'allow' : 'deny', postConditions,
      });
    } else if (kindRoll === 2) {
      kind = 'sponsored';
      const unsigned = await tx.makeSTXTokenTransfer({ recipient, amount, senderKey, network, nonce, fee: 0n, sponsored: true });
      t = await tx.sponsorTransaction({ transaction: unsigned, sponsorPrivateKey: key(rnd() < 0.5), fee, sponsorNonce: BigInt(int(50)), network });
    } else {
      kind = 'multisig';
      const keys = [key(true), key(true), key(true)];
      const publicKeys = keys.map((k) => tx.privateKeyToPublic(k));
      t = await tx.makeSTXTokenTransfer({ recipient, amount, numSignatures: 2, publicKeys, signerKeys: [keys[0], keys[1]], network, nonce, fee });
    }
    const origin = t.auth.spendingCondition;
    console.log(JSON.stringify({
      kind, network, hex: t.serialize(), txid: t.txid(), nonce: nonce.toString(), fee: kind === 'sponsored' ? '0' : fee.toString(),
      signer: origin.signer, hash_mode: origin.hashMode, post_conditions: kind === 'contract_call' ? postConditions.length : 0,
      recipient: kind === 'contract_call' ? null : recipient, amount: kind === 'contract_call' ? null : amount.toString(),
      function_args: kind === 'contract_call' ? t.payload.functionArgs.map((a) => tx.serializeCV(a)) : null,
      function_reprs: kind === 'contract_call' ? t.payload.functionArgs.map((a) => tx.cvToString(a)) : null,
    }));
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
