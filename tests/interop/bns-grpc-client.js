// A third-party gRPC client (@grpc/grpc-js + proto-loader over this repo's proto/) against the
// node's BnsService. argv[2] = host:port. Prints a JSON report of each call's outcome.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const def = loader.loadSync(path.join(__dirname, '..', '..', 'proto', 'blockstack', 'v1', 'bns.proto'), { longs: String, enums: String, keepCase: false, defaults: true });
const proto = grpc.loadPackageDefinition(def).blockstack.v1;
const client = new proto.BnsService(process.argv[2], grpc.credentials.createInsecure());
const deadline = (ms) => ({ deadline: new Date(Date.now() + ms) });
const call = (method, req, ms = 5000) => new Promise((resolve) => {
  client[method](req, deadline(ms), (err, res) => resolve(err ? { code: err.code, details: err.details } : { code: 0, res }));
});

(async () => {
  const out = {};
  out.resolve = await call('resolveName', { name: 'bob.id' });
  out.notFound = await call('resolveName', { name: 'nobody.id' });
  out.invalid = await call('resolveName', { name: 'Bad Name.id' });
  out.empty = await call('resolveName', { name: '' });
  out.unknownNamespace = await call('listNames', { namespace: 'nope' });
  out.negativePage = await call('listNames', { namespace: 'id', pageSize: -1 });
  out.badToken = await call('listNames', { namespace: 'id', pageSize: 2, pageToken: 'garbage!' });
  // Paging: collect all names two at a time.
  const names = [];
  let token = '';
  let pages = 0;
  do {
    const r = await call('listNames', { namespace: 'id', pageSize: 2, pageToken: token });
    if (r.code !== 0) { out.paging = r; break; }
    names.push(...r.res.names.map((n) => n.name));
    token = r.res.nextPageToken;
    pages++;
    if (token && !out.mismatch) out.mismatch = await call('listNamesByOwner', { owner: 'ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG', pageToken: token });
  } while (token && pages < 100);
  out.pagedNames = names;
  out.pages = pages;
  out.namePrice = await call('getNamePrice', { name: 'alice.id' });
  out.namespace = await call('getNamespace', { namespace: 'id' });
  out.history = await call('getNameHistory', { name: 'bob.id' });
  // Deadline: WatchNames streams until cancelled; a 300 ms deadline must end it with DEADLINE_EXCEEDED.
  out.watch = await new Promise((resolve) => {
    const s = client.watchNames({ namespace: 'id' }, deadline(300));
    s.on('data', () => {});
    s.on('error', (e) => resolve({ code: e.code }));
    s.on('end', () => resolve({ code: 0 }));
  });
  // Health and reflection are served too.
  process.stdout.write(JSON.stringify(out));
  client.close();
})().catch((e) => { console.error(e); process.exit(1); });
