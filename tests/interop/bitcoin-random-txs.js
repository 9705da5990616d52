// Generates random Bitcoin transactions with bitcoinjs-lib and prints, one JSON object per line,
// what an independent implementation says about each: txid, wtxid, sizes and every output's
// type and address. Usage: node bitcoin-random-txs.js SEED COUNT
'use strict';
const bitcoin = require('bitcoinjs-lib');
const ecc = require('@bitcoinerlab/secp256k1');
bitcoin.initEccLib(ecc);

const seed = Number(process.argv[2] || 1);
const count = Number(process.argv[3] || 100);

// xorshift32: reproducible from the seed, so a failure can be replayed.
let state = seed >>> 0 || 1;
function next() {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state;
}
const int = (n) => next() % n;
const bytes = (n) => Uint8Array.from({ length: n }, () => int(256));
const hex = (b) => Buffer.from(b).toString('hex');

// A valid public key: k*G for a random k.
function pubkey() {
  for (;;) {
    const k = bytes(32);
    if (ecc.isPrivate(k)) return ecc.pointFromScalar(k, true);
  }
}

const networks = { mainnet: bitcoin.networks.bitcoin, testnet: bitcoin.networks.testnet, regtest: bitcoin.networks.regtest };

function randomOutput(network) {
  switch (int(8)) {
    case 0: return { type: 'pubkeyhash', p: bitcoin.payments.p2pkh({ hash: bytes(20), network }) };
    case 1: return { type: 'scripthash', p: bitcoin.payments.p2sh({ hash: bytes(20), network }) };
    case 2: return { type: 'witness_v0_keyhash', p: bitcoin.payments.p2wpkh({ hash: bytes(20), network }) };
    case 3: return { type: 'witness_v0_scripthash', p: bitcoin.payments.p2wsh({ hash: bytes(32), network }) };
    case 4: return { type: 'witness_v1_taproot', p: bitcoin.payments.p2tr({ internalPubkey: pubkey().slice(1), network }) };
    case 5: return { type: 'nulldata', p: bitcoin.payments.embed({ data: [bytes(int(81))], network }) };
    case 6: return { type: 'multisig', p: bitcoin.payments.p2ms({ m: 1 + int(2), pubkeys: [pubkey(), pubkey(), pubkey()], network }) };
    default: return { type: 'pubkey', p: bitcoin.payments.p2pk({ pubkey: pubkey(), network }) };
  }
}

const out = [];
for (let i = 0; i < count; i++) {
  const networkName = Object.keys(networks)[int(3)];
  const network = networks[networkName];
  const tx = new bitcoin.Transaction();
  tx.version = 1 + int(2);
  tx.locktime = int(3) === 0 ? next() : 0;
  const segwit = int(2) === 0;
  const nin = 1 + int(4);
  for (let j = 0; j < nin; j++) {
    tx.addInput(bytes(32), int(5), int(2) ? 0xffffffff : next(), bytes(int(110)));
    if (segwit) tx.setWitness(j, Array.from({ length: 1 + int(3) }, () => bytes(int(75))));
  }
  const outputs = [];
  const nout = 1 + int(5);
  for (let j = 0; j < nout; j++) {
    const o = randomOutput(network);
    tx.addOutput(o.p.output, BigInt(o.type === 'nulldata' ? 0 : int(2100000) * 1000 + int(1000)));
    outputs.push({ type: o.type, address: o.p.address || null, script: hex(o.p.output) });
  }
  out.push(JSON.stringify({
    network: networkName,
    hex: tx.toHex(),
    txid: tx.getId(),
    wtxid: Buffer.from(tx.getHash(true)).reverse().toString('hex'),
    size: tx.byteLength(),
    vsize: tx.virtualSize(),
    weight: tx.weight(),
    outputs,
  }));
}
process.stdout.write(out.join('\n') + '\n');
