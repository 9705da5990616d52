// Crafts Stacks burn-operation transactions with bitcoinjs-lib and prints [{hex, op fields}] as
// JSON for the C# watcher tests.
//  - no stdin: unsigned transactions over made-up prevouts (the watcher reads structure only);
//  - stdin {utxos: [5 x {txid, vout, value, key}] (p2wpkh coins), sender_key, key_block_ptr}:
//    signed, funded transactions a real bitcoind accepts (see funded() below).
'use strict';
const bitcoin = require('bitcoinjs-lib');
const ecc = require('@bitcoinerlab/secp256k1');
bitcoin.initEccLib(ecc);

const magic = Buffer.from('id', 'ascii');
const net = bitcoin.networks.regtest;
const h160 = (b) => Buffer.alloc(20, b);
const p2pkh = (b) => bitcoin.payments.p2pkh({ hash: h160(b), network: net }).output;
const u = (n, bytes) => { const b = Buffer.alloc(bytes); let v = BigInt(n); for (let i = bytes - 1; i >= 0; i--) { b[i] = Number(v & 0xffn); v >>= 8n; } return b; };

function tx(prevTxidHex, prevVout, opcode, payload, outputs) {
  const t = new bitcoin.Transaction();
  t.version = 2;
  t.addInput(Buffer.from(prevTxidHex, 'hex').reverse(), prevVout, 0xffffffff, Buffer.from([0x51]));
  const data = Buffer.concat([magic, Buffer.from(opcode, 'ascii'), payload]);
  t.addOutput(bitcoin.payments.embed({ data: [data] }).output, 0n);
  for (const [fill, value] of outputs) t.addOutput(p2pkh(fill), BigInt(value));
  return t;
}

const stdin = require('fs').readFileSync(0, 'utf8').trim();
if (stdin.length > 0) {
  process.stdout.write(JSON.stringify(funded(JSON.parse(stdin))));
  process.exit(0);
}

const out = [];
const vrf = Buffer.from('a366b51292bef4edd64063d9145c617fec373bceb0758e98cd72becd84d54c7a', 'hex');
const key = tx('11'.repeat(32), 0, '^', Buffer.concat([Buffer.alloc(20, 0x22), vrf, Buffer.from('memo!')]), [[7, 10000]]);
out.push({ kind: 'key', hex: key.toHex(), txid: key.getId(), consensus_hash: '22'.repeat(20), public_key: vrf.toString('hex'), memo: Buffer.from('memo!').toString('hex') });

const commitPayload = Buffer.concat([Buffer.alloc(32, 0x33), Buffer.alloc(32, 0x44), u(0, 4), u(0, 2), u(1, 4), u(1, 2), Buffer.from([(6 << 3) | 3])]);
const commit = tx('12'.repeat(32), 1, '[', commitPayload, [[0, 4000], [0, 4000], [7, 123]]);
out.push({ kind: 'commit', hex: commit.toHex(), txid: commit.getId(), block_header_hash: '33'.repeat(32), new_seed: '44'.repeat(32), key_block_ptr: 1, key_vtxindex: 1, memo: 6, modulus: 3, burn_fee: 8000, input_txid: '12'.repeat(32), input_vout: 1 });

const pre = tx('13'.repeat(32), 0, 'p', Buffer.alloc(0), [[8, 5000]]);
out.push({ kind: 'pre', hex: pre.toHex(), txid: pre.getId(), output: '08'.repeat(20) });

const stack = tx(pre.getId(), 1, 'x', Buffer.concat([u(123456789, 16), Buffer.from([6]), Buffer.alloc(33, 2), u(999, 16), u(77, 4)]), [[9, 600]]);
out.push({ kind: 'stack', hex: stack.toHex(), txid: stack.getId(), ustx: '123456789', cycles: 6, signer_key: '02'.repeat(33), max_amount: '999', auth_id: 77, reward: '09'.repeat(20), sender: '08'.repeat(20) });

const transfer = tx(pre.getId(), 1, '$', Buffer.concat([u(5000000, 16), Buffer.from('hello')]), [[10, 600]]);
out.push({ kind: 'transfer', hex: transfer.toHex(), txid: transfer.getId(), ustx: '5000000', memo: Buffer.from('hello').toString('hex'), recipient: '0a'.repeat(20), sender: '08'.repeat(20) });

const delegate = tx(pre.getId(), 1, '#', Buffer.concat([u(42, 16), Buffer.from([1]), u(1, 4), Buffer.from([1]), u(500, 8)]), [[11, 600], [12, 600]]);
out.push({ kind: 'delegate', hex: delegate.toHex(), txid: delegate.getId(), ustx: '42', reward_index: 1, reward: '0c'.repeat(20), until: 500, delegate_to: '0b'.repeat(20), sender: '08'.repeat(20) });

process.stdout.write(JSON.stringify(out));


// Signed transactions: key register, block commit and three PreStx each spend one p2wpkh coin
// (change back to it); StackStx, TransferStx and DelegateStx each spend vout 1 (p2pkh of the
// sender key) of their own PreStx, so the sender is hash160(sender pubkey), testnet single-sig.
function funded(req) {
  const signerFor = (keyHex) => {
    const key = Buffer.from(keyHex, 'hex');
    return { key, publicKey: Buffer.from(ecc.pointFromScalar(key, true)), sign: (hash) => Buffer.from(ecc.sign(hash, key)) };
  };
  const senderSigner = signerFor(req.sender_key);
  const senderHash = Buffer.from(bitcoin.crypto.hash160(senderSigner.publicKey));
  const senderScript = bitcoin.payments.p2pkh({ hash: senderHash, network: net }).output;
  const fee = 3000n;
  const op = (opcode, payload) => bitcoin.payments.embed({ data: [Buffer.concat([magic, Buffer.from(opcode, 'ascii'), payload])] }).output;

  // Spends a p2wpkh coin: [OP_RETURN, ...outputs, change].
  const fromCoin = (coin, opcode, payload, outputs) => {
    const s = signerFor(coin.key);
    const script = bitcoin.payments.p2wpkh({ pubkey: s.publicKey, network: net }).output;
    const psbt = new bitcoin.Psbt({ network: net });
    psbt.addInput({ hash: coin.txid, index: coin.vout, witnessUtxo: { script, value: BigInt(coin.value) } });
    psbt.addOutput({ script: op(opcode, payload), value: 0n });
    let rest = BigInt(coin.value) - fee;
    for (const [outScript, value] of outputs) { psbt.addOutput({ script: outScript, value: BigInt(value) }); rest -= BigInt(value); }
    psbt.addOutput({ script, value: rest });
    psbt.signInput(0, s);
    psbt.finalizeAllInputs();
    return psbt.extractTransaction();
  };

  // Spends vout 1 of a PreStx (p2pkh, sender key): [OP_RETURN, ...outputs]; the rest is fee.
  const fromPre = (pre, opcode, payload, outputs) => {
    const psbt = new bitcoin.Psbt({ network: net });
    psbt.addInput({ hash: pre.getId(), index: 1, nonWitnessUtxo: pre.toBuffer() });
    psbt.addOutput({ script: op(opcode, payload), value: 0n });
    for (const [outScript, value] of outputs) psbt.addOutput({ script: outScript, value: BigInt(value) });
    psbt.signInput(0, senderSigner);
    psbt.finalizeAllInputs();
    return psbt.extractTransaction();
  };

  const [c0, c1, c2, c3, c4] = req.utxos;
  const res = [];
  const vrfKey = Buffer.from('a366b51292bef4edd64063d9145c617fec373bceb0758e98cd72becd84d54c7a', 'hex');
  const key = fromCoin(c0, '^', Buffer.concat([Buffer.alloc(20, 0x22), vrfKey, Buffer.from('funded memo')]), []);
  res.push({ kind: 'key', hex: key.toHex(), txid: key.getId(), consensus_hash: '22'.repeat(20), public_key: vrfKey.toString('hex'), memo: Buffer.from('funded memo').toString('hex') });

  const keyPtr = req.key_block_ptr;
  const commitPayload = Buffer.concat([Buffer.alloc(32, 0x33), Buffer.alloc(32, 0x44), u(0, 4), u(0, 2), u(keyPtr, 4), u(1, 2), Buffer.from([(6 << 3) | 3])]);
  const commit = fromCoin(c1, '[', commitPayload, [[p2pkh(0), 4000], [p2pkh(0), 4000]]);
  res.push({ kind: 'commit', hex: commit.toHex(), txid: commit.getId(), block_header_hash: '33'.repeat(32), new_seed: '44'.repeat(32), key_block_ptr: keyPtr, key_vtxindex: 1, memo: 6, modulus: 3, burn_fee: 8000, input_txid: c1.txid, input_vout: c1.vout });

  const pres = [c2, c3, c4].map((c) => fromCoin(c, 'p', Buffer.alloc(0), [[senderScript, 20000]]));
  for (const pre of pres) res.push({ kind: 'pre', hex: pre.toHex(), txid: pre.getId(), output: senderHash.toString('hex') });

  const stack = fromPre(pres[0], 'x', Buffer.concat([u(123456789, 16), Buffer.from([6]), Buffer.alloc(33, 2), u(999, 16), u(77, 4)]), [[p2pkh(9), 5000]]);
  res.push({ kind: 'stack', hex: stack.toHex(), txid: stack.getId(), ustx: '123456789', cycles: 6, signer_key: '02'.repeat(33), max_amount: '999', auth_id: 77, reward: '09'.repeat(20), sender: senderHash.toString('hex') });

  const transfer = fromPre(pres[1], '$', Buffer.concat([u(5000000, 16), Buffer.from('hello')]), [[p2pkh(10), 5000]]);
  res.push({ kind: 'transfer', hex: transfer.toHex(), txid: transfer.getId(), ustx: '5000000', memo: Buffer.from('hello').toString('hex'), recipient: '0a'.repeat(20), sender: senderHash.toString('hex') });

  const delegate = fromPre(pres[2], '#', Buffer.concat([u(42, 16), Buffer.from([1]), u(1, 4), Buffer.from([1]), u(500, 8)]), [[p2pkh(11), 5000], [p2pkh(12), 5000]]);
  res.push({ kind: 'delegate', hex: delegate.toHex(), txid: delegate.getId(), ustx: '42', reward_index: 1, reward: '0c'.repeat(20), until: 500, delegate_to: '0b'.repeat(20), sender: senderHash.toString('hex') });
  return res;
}
