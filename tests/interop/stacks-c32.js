// c32check round trips with the reference c32check package: reads "version hash160hex" lines,
// prints "address" lines, and for each address decodes it back to "version hash".
'use strict';
const c32 = require('c32check');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l);
for (const line of lines) {
  const [version, hash] = line.split(' ');
  const address = c32.c32address(parseInt(version, 10), hash);
  const [v, h] = c32.c32addressDecode(address);
  console.log(`${address} ${v} ${h}`);
}
