// Runs a sequence of calls against the real boot `bns` contract in the @stacks/clarinet-sdk
// simnet (offline, epoch 2.1) and prints every result, event and the final state as JSON.
// stdin: {accounts: [{address, ustx}], steps: [{mine: n} | {fn, sender, args: [hex], readOnly}],
//         dump: {namespaces: [hex], names: [{namespace, name}], principals: [addr],
//                namespacePreorders: [{hash, buyer}], namePreorders: [{hash, buyer}]}}
const { getSDK } = require('@stacks/clarinet-sdk');
const { Cl, serializeCV, deserializeCV } = require('@stacks/transactions');

const BNS = 'ST000000000000000000002AMW42H.bns';
const readStdin = () => new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
});
const hex = (cv) => serializeCV(cv);
const big = (k, v) => (typeof v === 'bigint' ? v.toString() : v);

function normEvent(e) {
  const d = e.data || {};
  switch (e.event) {
    case 'stx_burn_event': return { type: 'burn', sender: d.sender, amount: String(d.amount) };
    case 'nft_mint_event': return { type: 'mint', recipient: d.recipient, value: d.raw_value ? d.raw_value.replace(/^0x/, '') : hex(d.value) };
    case 'nft_transfer_event': return { type: 'transfer', sender: d.sender, recipient: d.recipient, value: d.raw_value ? d.raw_value.replace(/^0x/, '') : hex(d.value) };
    case 'print_event': return { type: 'print', value: d.raw_value ? d.raw_value.replace(/^0x/, '') : hex(d.value) };
    default: return { type: e.event, data: JSON.stringify(d, big) };
  }
}

(async () => {
  const input = JSON.parse(await readStdin());
  const simnet = await getSDK();
  await simnet.initEmptySession({ enabled: false, api_url: '', initial_height: null });
  simnet.setEpoch('2.1');
  simnet.setLocalAccounts(input.accounts.map((a) => a.address));
  for (const a of input.accounts) if (BigInt(a.ustx) > 0n) simnet.mintSTX(a.address, BigInt(a.ustx));
  const out = { startHeight: simnet.blockHeight, results: [] };
  for (const step of input.steps) {
    if (step.mine !== undefined) { simnet.mineEmptyBlocks(step.mine); continue; }
    const args = step.args.map((h) => deserializeCV(h));
    const height = simnet.blockHeight;
    try {
      const r = step.readOnly
        ? simnet.callReadOnlyFn(BNS, step.fn, args, step.sender)
        : simnet.callPublicFn(BNS, step.fn, args, step.sender);
      out.results.push({ height, result: hex(r.result), events: r.events.map(normEvent) });
    } catch (e) {
      out.results.push({ height, exception: String(e && e.message || e).slice(0, 200) });
    }
  }
  const entry = (map, key) => {
    try { return hex(simnet.getMapEntry(BNS, map, key)); } catch (e) {
      if (String(e && e.message || e).includes('value not found')) return hex(Cl.none());
      throw e;
    }
  };
  const d = input.dump;
  const sender = input.accounts[0].address;
  out.state = {
    height: simnet.blockHeight,
    attachmentIndex: hex(simnet.getDataVar(BNS, 'attachment-index')),
    namespaces: d.namespaces.map((ns) => entry('namespaces', Cl.bufferFromHex(ns))),
    nameProperties: d.names.map((n) => entry('name-properties', Cl.tuple({ name: Cl.bufferFromHex(n.name), namespace: Cl.bufferFromHex(n.namespace) }))),
    nameResolve: d.names.map((n) => hex(simnet.callReadOnlyFn(BNS, 'name-resolve', [Cl.bufferFromHex(n.namespace), Cl.bufferFromHex(n.name)], sender).result)),
    ownerName: d.principals.map((p) => entry('owner-name', Cl.principal(p))),
    resolvePrincipal: d.principals.map((p) => hex(simnet.callReadOnlyFn(BNS, 'resolve-principal', [Cl.principal(p)], sender).result)),
    namespacePreorders: d.namespacePreorders.map((k) => entry('namespace-preorders', Cl.tuple({ 'hashed-salted-namespace': Cl.bufferFromHex(k.hash), buyer: Cl.principal(k.buyer) }))),
    namePreorders: d.namePreorders.map((k) => entry('name-preorders', Cl.tuple({ 'hashed-salted-fqn': Cl.bufferFromHex(k.hash), buyer: Cl.principal(k.buyer) }))),
  };
  const assets = simnet.getAssetsMap();
  const stx = assets.get('STX') || new Map();
  out.state.balances = d.principals.map((p) => String(stx.get(p) ?? 0n));
  const nft = assets.get('.bns.names') || assets.get(BNS + '::names') || new Map();
  out.state.nftCounts = d.principals.map((p) => String(nft.get(p) ?? 0n));
  out.state.assetKeys = [...assets.keys()];
  process.stdout.write(JSON.stringify(out, big));
})().catch((e) => { console.error(e); process.exit(1); });
