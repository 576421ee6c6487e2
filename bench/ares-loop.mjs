// The floor for bench/cli.ts: a bare process asking a list of DNS questions through c-ares at a fixed
// concurrency, nothing else. Usage: node bench/ares-loop.mjs QUESTIONS.json SERVER CONCURRENCY
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';

const [file, server, concurrency] = process.argv.slice(2);
const questions = JSON.parse(readFileSync(file, 'utf8'));
const resolver = new Resolver({ timeout: 2000, tries: 2 });
resolver.setServers([server]);
let next = 0;
async function worker() {
  while (next < questions.length) {
    const [name, type] = questions[next++];
    try {
      await (type === 'TXT' ? resolver.resolveTxt(name) : resolver.resolve4(name, { ttl: true }));
    } catch {
      // NXDOMAIN and NODATA reject in node:dns; the floor only needs them asked.
    }
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
