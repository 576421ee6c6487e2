/**
 * Audits 200 domains against a local NSD and compares the time with the floor: the same DNS questions the
 * audit sent, issued by a plain resolver loop. The floor is the fastest such loop over a range of in-flight
 * limits (one at a time up to the audit's own peak), so the audit is measured against the best a bare
 * resolver does on this machine. Run: npx tsx bench/audit.ts
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditDomains, type AuditTarget } from '../src/audit/audit-domains.js';
import { withCache } from '../src/dns/cache.js';
import { createAresResolver } from '../src/node/ares-resolver.js';
import { createMailauthToolkit } from '../src/node/mailauth-audit.js';
import type { RecordType, Resolver } from '../src/dns/types.js';
import { startDnsServer } from '../test/world/dns-server.js';

const DOMAINS = 200;
const ROUNDS = 5;
const ORIGIN = 'auditbench.test';

/** A fresh 2048-bit public key per domain, as character-strings for a zone file. */
function dkimKey(): string {
  const der = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return (der.match(/.{1,200}/g) as string[]).map((c) => `"${c}"`).join(' ');
}

function zone(): string {
  const lines = [
    '$TTL 300',
    `@ IN SOA ns.${ORIGIN}. hostmaster.${ORIGIN}. 1 3600 600 86400 300`,
    `@ IN NS ns.${ORIGIN}.`,
    'ns IN A 127.0.0.1',
    '_spf.esp IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf2.esp.auditbench.test -all"',
    '_spf2.esp IN TXT "v=spf1 ip4:198.51.100.0/24 -all"',
    'mx IN A 127.0.0.1',
  ];
  for (let i = 0; i < DOMAINS; i++) {
    const d = `d${String(i).padStart(3, '0')}`;
    lines.push(
      `${d} IN TXT "v=spf1 mx include:_spf.esp.auditbench.test -all"`,
      `${d} IN MX 10 mx.${ORIGIN}.`,
      `s1._domainkey.${d} IN TXT "v=DKIM1; k=rsa; p=" ${dkimKey()}`,
      `_dmarc.${d} IN TXT "v=DMARC1; p=${i % 3 === 0 ? 'none' : 'reject'}; rua=mailto:dmarc@${d}.${ORIGIN}"`,
      `_smtp._tls.${d} IN TXT "v=TLSRPTv1; rua=mailto:tls@${d}.${ORIGIN}"`,
      `default._bimi.${d} IN TXT "v=BIMI1; l=https://${d}.${ORIGIN}/logo.svg"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Records every question that reaches the server and how many were in flight at once. */
function recording(resolver: Resolver) {
  const questions: Array<[string, RecordType]> = [];
  let inFlight = 0;
  let peak = 0;
  const wrapped: Resolver = {
    async query(name, type) {
      questions.push([name, type]);
      peak = Math.max(peak, ++inFlight);
      try {
        return await resolver.query(name, type);
      } finally {
        inFlight--;
      }
    },
  };
  return { resolver: wrapped, questions, peak: () => peak };
}

async function plainLoop(resolver: Resolver, questions: Array<[string, RecordType]>, workers: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < questions.length) {
      const [name, type] = questions[next++] as [string, RecordType];
      await resolver.query(name, type).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'iw-bench-audit-'));
  const zones = join(dir, 'zones');
  mkdirSync(zones);
  writeFileSync(join(zones, `${ORIGIN}.zone`), zone());
  copyFileSync(fileURLToPath(new URL('../test/world/zones/test.zone', import.meta.url)), join(zones, 'test.zone'));
  const dns = await startDnsServer(join(dir, 'nsd'), zones);
  const options = { servers: [dns.server], timeoutMs: 2000, tries: 2 };
  const targets: AuditTarget[] = Array.from({ length: DOMAINS }, (_, i) => ({ domain: `d${String(i).padStart(3, '0')}.${ORIGIN}`, selectors: ['s1'], sendingIps: [] }));
  const noPolicy = async () => ({ status: 404, contentType: undefined, body: '' });
  const toolkit = createMailauthToolkit();
  try {
    console.log(`auditing ${DOMAINS} domains against NSD at ${dns.server} (Node ${process.version}), median of ${ROUNDS} rounds\n`);
    for (const concurrency of [1, 4, 16]) {
      const auditTimes: number[] = [];
      const floorTimes: number[] = [];
      const serialTimes: number[] = [];
      const floorWorkers: number[] = [];
      let questions = 0;
      let peak = 0;
      let checks = 0;
      for (let round = 0; round <= ROUNDS; round++) {
        const recorder = recording(createAresResolver(options));
        const resolver = withCache(recorder.resolver, { maxTtlMs: 300_000 });
        const started = performance.now();
        const audits = await auditDomains(targets, { resolver, fetchPolicy: noPolicy, toolkit, discoverSelectors: true, now: Date.now }, concurrency);
        const auditMs = performance.now() - started;
        const bare = createAresResolver(options);
        const loops: Array<[number, number]> = [];
        for (const workers of [...new Set([1, 8, 32, recorder.peak()])]) {
          const loopStart = performance.now();
          await plainLoop(bare, recorder.questions, workers);
          loops.push([workers, performance.now() - loopStart]);
        }
        const [bestWorkers, floorMs] = loops.reduce((best, loop) => (loop[1] < best[1] ? loop : best));
        const serialMs = (loops.find(([workers]) => workers === 1) as [number, number])[1];
        if (round === 0) continue; // warm-up
        auditTimes.push(auditMs);
        floorTimes.push(floorMs);
        serialTimes.push(serialMs);
        floorWorkers.push(bestWorkers);
        questions = recorder.questions.length;
        peak = recorder.peak();
        checks = audits.reduce((n, a) => n + a.checks.length, 0);
      }
      const audit = median(auditTimes);
      const floor = median(floorTimes);
      const serial = median(serialTimes);
      console.log(`domain concurrency ${concurrency}: ${questions} DNS questions (${(questions / DOMAINS).toFixed(1)} per domain), ${checks} checks, peak ${peak} queries in flight`);
      console.log(`  audit                          ${audit.toFixed(0).padStart(6)} ms  (${((DOMAINS / audit) * 1000).toFixed(0)} domains/s)`);
      console.log(`  floor: fastest plain loop      ${floor.toFixed(0).padStart(6)} ms  (best with ${[...new Set(floorWorkers)].join('/')} in flight)`);
      console.log(`  plain loop, one at a time      ${serial.toFixed(0).padStart(6)} ms`);
      console.log(`  ratio audit / floor: ${(audit / floor).toFixed(2)}x; audit / one-at-a-time loop: ${(audit / serial).toFixed(2)}x\n`);
    }
  } finally {
    await dns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
