// Sweeps a /24 against the default catalogue's IPv4 lists, served by a local NSD, three ways (plus a reference) in the same run:
//   inboxwatch  — checkBlocklists(): test points first, decoding, TXT reasons, retries;
//   floor       — a bare node:dns Resolver loop issuing exactly the queries inboxwatch issued, at the same concurrency
//                 (and, for reference, the same loop through inboxwatch's per-run resolver);
//   peer        — the npm `dnsbl` package's batch() at the same concurrency (A queries only, no test points, no decoding).
// Run: npx tsx bench/blocklists.ts [rounds] [concurrency]   (defaults: 31 rounds, concurrency 64)
import { Resolver as AresResolver } from 'node:dns/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batch } from 'dnsbl';
import { checkBlocklists } from '../src/blocklists/check.js';
import { selectLists } from '../src/blocklists/lists.js';
import { parseTargets } from '../src/blocklists/targets.js';
import { parseConfigText } from '../src/config/parse.js';
import { resolverForRun } from '../src/node/run-resolver.js';
import type { RecordType, Resolver } from '../src/dns/types.js';
import { startDnsServer } from '../test/world/dns-server.js';

const ROUNDS = Number(process.argv[2] ?? 31);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const RANGE = '192.0.2.0/24';

const dir = await mkdtemp(join(tmpdir(), 'inboxwatch-bench-'));
const dns = await startDnsServer(join(dir, 'nsd'), fileURLToPath(new URL('../test/world/zones', import.meta.url)));
try {
  const config = parseConfigText(`blocklists:\n  concurrency: ${CONCURRENCY}\n`, 'bench.yaml', {});
  const dnsConfig = { ...config.dns, servers: [dns.server] };
  const ipv4Lists = selectLists(config.blocklists).filter((l) => l.definition.targets === 'ip').map((l) => l.definition.zone);
  const addresses = parseTargets([RANGE]).map((t) => t.value);

  const ours = async (resolver: Resolver = resolverForRun(dnsConfig)) => {
    const { results, health } = await checkBlocklists({ config: config.blocklists, resolver, targets: [RANGE] });
    if (health.some((h) => !h.healthy)) throw new Error(`unhealthy list in the benchmark: ${JSON.stringify(health)}`);
    return results;
  };

  // Record the exact questions inboxwatch asks, for the floor to ask too.
  const asked: Array<{ name: string; type: RecordType }> = [];
  const inner = resolverForRun(dnsConfig);
  const results = await ours({ query: (name, type) => (asked.push({ name, type }), inner.query(name, type)) });
  const listed = results.filter((r) => r.status === 'listed').length;

  // No promise layer of its own beyond the one await: a `.catch()` per query would slow the floor down
  // and flatter inboxwatch's ratio.
  const loop = async (ask: (name: string, type: RecordType) => Promise<unknown>) => {
    let next = 0;
    const worker = async () => {
      while (next < asked.length) {
        const { name, type } = asked[next++] as { name: string; type: RecordType };
        try {
          await ask(name, type);
        } catch {
          // NXDOMAIN and NODATA reject in node:dns; the floor only needs them asked.
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
  const floor = () => {
    const ares = new AresResolver({ timeout: dnsConfig.timeoutMs, tries: dnsConfig.tries });
    ares.setServers([dns.server]);
    return loop((name, type) => (type === 'TXT' ? ares.resolveTxt(name) : ares.resolve4(name)));
  };
  // The same loop through inboxwatch's own per-run resolver (cache and error mapping included): what is
  // left between this and inboxwatch is the blocklist work itself.
  const throughResolver = () => {
    const resolver = resolverForRun(dnsConfig);
    return loop((name, type) => resolver.query(name, type));
  };

  const peer = async () => {
    await batch(addresses, ipv4Lists, { servers: [dns.server], concurrency: CONCURRENCY, timeout: dnsConfig.timeoutMs });
  };

  const runners = { inboxwatch: () => ours(), floor, throughResolver, peer } as const;
  const times: Record<keyof typeof runners, number[]> = { inboxwatch: [], floor: [], throughResolver: [], peer: [] };
  for (const run of Object.values(runners)) await run(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so no contender always runs on a warmer or colder machine.
    const order = (Object.keys(runners) as Array<keyof typeof runners>).map((_, i, keys) => keys[(i + round) % keys.length] as keyof typeof runners);
    for (const name of order) {
      const started = performance.now();
      await runners[name]();
      times[name].push(performance.now() - started);
    }
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  // Ratios are taken round by round (the three ran back to back) and then their median, so load from
  // whatever else the machine is doing cancels out instead of landing on whichever contender it hit.
  const perRound = (a: number[], b: number[]) => median(a.map((value, i) => value / (b[i] as number)));
  const [mine, bare, viaResolver, theirs] = [median(times.inboxwatch), median(times.floor), median(times.throughResolver), median(times.peer)];
  const peerQueries = addresses.length * ipv4Lists.length;
  const line = (name: string, ms: number, queries: number) =>
    `${name.padEnd(11)} ${ms.toFixed(1).padStart(8)} ms  ${String(queries).padStart(5)} queries  ${Math.round((queries / ms) * 1000).toString().padStart(6)} q/s`;
  console.log(`Sweep of ${RANGE} (${addresses.length} addresses) × ${ipv4Lists.length} IPv4 lists (${ipv4Lists.join(', ')})`);
  console.log(`NSD ${dns.server}, concurrency ${CONCURRENCY}, ${ROUNDS} rounds; inboxwatch found ${listed} listings and asked ${asked.length} questions`);
  console.log(line('inboxwatch', mine, asked.length));
  console.log(line('floor', bare, asked.length));
  console.log(line('floor+res.', viaResolver, asked.length));
  console.log(line('dnsbl (npm)', theirs, peerQueries));
  console.log(`inboxwatch / floor: ${perRound(times.inboxwatch, times.floor).toFixed(2)}×   (median of per-round ratios; target ≤ 1.25×)`);
  console.log(`inboxwatch / floor through the inboxwatch resolver: ${perRound(times.inboxwatch, times.throughResolver).toFixed(2)}×   (the blocklist work alone)`);
  console.log(`dnsbl / inboxwatch: ${perRound(times.peer, times.inboxwatch).toFixed(2)}×   (> 1: inboxwatch is faster, while also asking test points and TXT reasons)`);
} finally {
  await dns.stop();
  await rm(dir, { recursive: true, force: true });
}
