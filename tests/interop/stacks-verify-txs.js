// Reads serialized Stacks transactions (hex, one per line) and checks each with
// @stacks/transactions: deserialise, re-serialise identically, verify origin (and sponsor).
// Prints one JSON object per line: {txid, ok, error?}.
'use strict';
const tx = require('@stacks/transactions');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l);
for (const hex of lines) {
  try {
    const t = tx.deserializeTransaction(hex);
    if (t.serialize() !== hex) throw new Error('re-serialisation differs');
    t.verifyOrigin();
    console.log(JSON.stringify({ txid: t.txid(), ok: true }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e && e.message) }));
  }
}
