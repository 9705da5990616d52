// Signing and verification of spends with bitcoinjs-lib, the independent side of the C#
// SpendVerifier / TransactionSigner interop tests.
//
//   node bitcoin-sign.js SEED COUNT
//     builds COUNT random transactions with Psbt, spending P2PKH (compressed and uncompressed
//     keys), P2WPKH, P2SH-P2WPKH and P2TR key-path (BIP86 tweak) outputs with random hash types,
//     and prints one JSON line each: {hex, spent: [{script, value}]}.
//   node bitcoin-sign.js verify
//     reads such JSON lines on stdin and prints, per line, {ok, inputs: [null | reason]}: each
//     input's signature checked against the sighash from tx.hashForSignature /
//     hashForWitnessV0 / hashForWitnessV1 with the ecc library.
'use strict';
const bitcoin = require('bitcoinjs-lib');
const ecc = require('@bitcoinerlab/secp256k1');
bitcoin.initEccLib(ecc);

const hex = (b) => Buffer.from(b).toString('hex');
const fromHex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
const equal = (a, b) => Buffer.from(a).equals(Buffer.from(b));

function signMode(seed, count) {
  // xorshift32: reproducible from the seed, so a failure can be replayed.
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
  const int = (n) => next() % n;
  const bytes = (n) => Uint8Array.from({ length: n }, () => int(256));
  const privateKey = () => { for (;;) { const k = bytes(32); if (ecc.isPrivate(k)) return k; } };

  const kinds = ['p2pkh', 'p2pkh-uncompressed', 'p2wpkh', 'p2sh-p2wpkh', 'p2tr'];
  const lines = [];
  for (let n = 0; n < count; n++) {
    const psbt = new bitcoin.Psbt();
    psbt.setVersion(1 + int(2));
    psbt.setLocktime(int(2) ? 0 : next());
    const nin = 1 + int(4);
    const nout = 1 + int(3);
    const spent = [];
    const signers = [];
    for (let i = 0; i < nin; i++) {
      const kind = kinds[int(kinds.length)];
      const d = privateKey();
      const value = BigInt(1000000 + int(1000000000));
      const sequence = int(2) ? 0xffffffff : next();
      const ecdsaTypes = [0x01, 0x02, 0x81, 0x82].concat(i < nout ? [0x03, 0x83] : []);
      let hashType = ecdsaTypes[int(ecdsaTypes.length)];
      let script;
      const input = { index: int(4), sequence };
      if (kind === 'p2tr') {
        const internal = ecc.xOnlyPointFromScalar(d);
        const tweak = bitcoin.crypto.taggedHash('TapTweak', internal);
        const tweaked = ecc.xOnlyPointAddTweak(internal, tweak);
        const dEven = ecc.pointFromScalar(d, true)[0] === 3 ? ecc.privateNegate(d) : d;
        const dTweaked = ecc.privateAdd(dEven, tweak);
        script = bitcoin.payments.p2tr({ internalPubkey: internal }).output;
        if (!equal(script.slice(2), tweaked.xOnlyPubkey)) throw new Error('tweak mismatch');
        input.hash = bytes(32);
        input.witnessUtxo = { script, value };
        input.tapInternalKey = internal;
        const taprootTypes = [0x00].concat(ecdsaTypes);
        hashType = taprootTypes[int(taprootTypes.length)];
        if (hashType !== 0x00) input.sighashType = hashType;
        signers.push({
          signer: {
            publicKey: Uint8Array.from([tweaked.parity ? 3 : 2, ...tweaked.xOnlyPubkey]),
            sign: () => { throw new Error('ECDSA on a taproot input'); },
            signSchnorr: (h) => ecc.signSchnorr(h, dTweaked, bytes(32)),
          },
          hashType,
        });
      } else {
        const compressed = kind !== 'p2pkh-uncompressed';
        const publicKey = ecc.pointFromScalar(d, compressed);
        const signer = { publicKey, sign: (h) => ecc.sign(h, d) };
        input.sighashType = hashType;
        if (kind === 'p2pkh' || kind === 'p2pkh-uncompressed') {
          script = bitcoin.payments.p2pkh({ pubkey: publicKey }).output;
          // Legacy inputs need the whole previous transaction.
          const prev = new bitcoin.Transaction();
          prev.addInput(bytes(32), int(10));
          for (let j = 0; j <= input.index; j++) prev.addOutput(j === input.index ? script : bytes(1 + int(30)), j === input.index ? value : BigInt(int(100000)));
          input.hash = prev.getHash();
          input.nonWitnessUtxo = prev.toBuffer();
        } else if (kind === 'p2wpkh') {
          script = bitcoin.payments.p2wpkh({ pubkey: publicKey }).output;
          input.hash = bytes(32);
          input.witnessUtxo = { script, value };
        } else {
          const redeem = bitcoin.payments.p2wpkh({ pubkey: publicKey });
          script = bitcoin.payments.p2sh({ redeem }).output;
          input.hash = bytes(32);
          input.witnessUtxo = { script, value };
          input.redeemScript = redeem.output;
        }
        signers.push({ signer, hashType });
      }
      psbt.addInput(input);
      spent.push({ script: hex(script), value: Number(value) });
    }
    for (let j = 0; j < nout; j++) {
      psbt.addOutput({ script: bitcoin.payments.p2wpkh({ hash: bytes(20) }).output, value: BigInt(int(300000)) });
    }
    signers.forEach((s, i) => psbt.signInput(i, s.signer, [s.hashType === 0x00 ? 0x00 : s.hashType]));
    psbt.finalizeAllInputs();
    lines.push(JSON.stringify({ hex: psbt.extractTransaction(true).toHex(), spent }));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function verifyInput(tx, i, spent) {
  const script = fromHex(spent[i].script);
  const scripts = spent.map((s) => fromHex(s.script));
  const values = spent.map((s) => BigInt(s.value));
  const input = tx.ins[i];
  const hash160 = (b) => bitcoin.crypto.hash160(b);
  const checkEcdsa = (sigWithType, publicKey, sighashOf) => {
    let decoded;
    try { decoded = bitcoin.script.signature.decode(sigWithType); } catch (e) { return 'sig-der'; }
    return ecc.verify(sighashOf(decoded.hashType), publicKey, decoded.signature) ? null : 'sig-invalid';
  };
  const checkV0 = (program) => {
    if (input.witness.length !== 2) return 'witness-mismatch';
    const [sig, publicKey] = input.witness;
    if (!equal(hash160(publicKey), program)) return 'witness-program-mismatch';
    const scriptCode = bitcoin.payments.p2pkh({ hash: program }).output;
    return checkEcdsa(sig, publicKey, (t) => tx.hashForWitnessV0(i, scriptCode, values[i], t));
  };
  if (script.length === 25 && script[0] === 0x76 && script[1] === 0xa9) {
    const chunks = bitcoin.script.decompile(input.script) || [];
    if (chunks.length !== 2 || typeof chunks[0] === 'number' || typeof chunks[1] === 'number') return 'script-sig-mismatch';
    if (!equal(hash160(chunks[1]), script.slice(3, 23))) return 'pubkey-hash-mismatch';
    return checkEcdsa(chunks[0], chunks[1], (t) => tx.hashForSignature(i, script, t));
  }
  if (script.length === 22 && script[0] === 0x00 && script[1] === 0x14) {
    if (input.script.length !== 0) return 'script-sig-mismatch';
    return checkV0(script.slice(2));
  }
  if (script.length === 23 && script[0] === 0xa9 && script[22] === 0x87) {
    const chunks = bitcoin.script.decompile(input.script) || [];
    if (chunks.length !== 1 || typeof chunks[0] === 'number') return 'script-sig-mismatch';
    const redeem = chunks[0];
    if (!equal(hash160(redeem), script.slice(2, 22))) return 'script-hash-mismatch';
    if (redeem.length !== 22 || redeem[0] !== 0 || redeem[1] !== 0x14) return 'unsupported-spend';
    return checkV0(redeem.slice(2));
  }
  if (script.length === 34 && script[0] === 0x51 && script[1] === 0x20) {
    if (input.script.length !== 0 || input.witness.length !== 1) return 'witness-mismatch';
    const sig = input.witness[0];
    if (sig.length !== 64 && sig.length !== 65) return 'sig-size';
    const hashType = sig.length === 65 ? sig[64] : 0x00;
    const sighash = tx.hashForWitnessV1(i, scripts, values, hashType);
    return ecc.verifySchnorr(sighash, script.slice(2), sig.slice(0, 64)) ? null : 'sig-invalid';
  }
  return 'unsupported-spend';
}

function verifyMode(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const { hex: txHex, spent } = JSON.parse(line);
    const tx = bitcoin.Transaction.fromHex(txHex);
    const inputs = tx.ins.map((_, i) => {
      try { return verifyInput(tx, i, spent); } catch (e) { return 'error: ' + e.message; }
    });
    out.push(JSON.stringify({ ok: inputs.every((r) => r === null), inputs }));
  }
  process.stdout.write(out.join('\n') + '\n');
}

if (process.argv[2] === 'verify') {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (c) => { text += c; });
  process.stdin.on('end', () => verifyMode(text));
} else {
  signMode(Number(process.argv[2] || 1), Number(process.argv[3] || 20));
}
