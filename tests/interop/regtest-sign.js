// Builds and signs a transaction with bitcoinjs-lib for the regtest server tests, so spends are
// made by an independent implementation. Reads one JSON object on stdin:
//   { inputs: [{ txid, vout, value (sats), key (hex private key), type: "p2wpkh" | "p2tr", sequence? }],
//     outputs: [{ address, value } | { script (hex), value }], locktime? }
// and prints the signed transaction's hex.
'use strict';
const bitcoin = require('bitcoinjs-lib');
const ecc = require('@bitcoinerlab/secp256k1');
bitcoin.initEccLib(ecc);

const network = bitcoin.networks.regtest;
const request = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const psbt = new bitcoin.Psbt({ network });
psbt.setVersion(2);
if (request.locktime) psbt.setLocktime(request.locktime);

const signers = [];
for (const input of request.inputs) {
  const key = Buffer.from(input.key, 'hex');
  const pub = Buffer.from(ecc.pointFromScalar(key, true));
  const base = { hash: input.txid, index: input.vout, sequence: input.sequence ?? 0xfffffffd };
  if (input.type === 'p2tr') {
    const xonly = pub.subarray(1);
    const payment = bitcoin.payments.p2tr({ internalPubkey: xonly, network });
    psbt.addInput({ ...base, witnessUtxo: { script: payment.output, value: BigInt(input.value) }, tapInternalKey: xonly });
    const tweak = bitcoin.crypto.taggedHash('TapTweak', xonly);
    const even = pub[0] === 2 ? key : Buffer.from(ecc.privateNegate(key));
    const tweaked = Buffer.from(ecc.privateAdd(even, tweak));
    signers.push({
      publicKey: Buffer.from(ecc.pointFromScalar(tweaked, true)),
      sign: (hash) => Buffer.from(ecc.sign(hash, tweaked)),
      signSchnorr: (hash) => Buffer.from(ecc.signSchnorr(hash, tweaked, Buffer.alloc(32))),
    });
  } else {
    const payment = bitcoin.payments.p2wpkh({ pubkey: pub, network });
    psbt.addInput({ ...base, witnessUtxo: { script: payment.output, value: BigInt(input.value) } });
    signers.push({ publicKey: pub, sign: (hash) => Buffer.from(ecc.sign(hash, key)) });
  }
}

for (const output of request.outputs) {
  if (output.address) psbt.addOutput({ address: output.address, value: BigInt(output.value) });
  else psbt.addOutput({ script: Buffer.from(output.script, 'hex'), value: BigInt(output.value) });
}

signers.forEach((signer, i) => psbt.signInput(i, signer));
psbt.finalizeAllInputs();
process.stdout.write(psbt.extractTransaction(true).toHex());
