// Crafts Stacks burn-operation transactions with bitcoinjs-lib (unsigned: the watcher reads
// structure, not signatures) and prints [{hex, op fields}] as JSON for the C# watcher test.
const bitcoin = require('bitcoinjs-lib');

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
