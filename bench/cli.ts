// Start-up and sweep speed of the CLI as users run it: every figure is a whole `node dist/cli.js ...` process,
// timed beside a baseline process in the same run, interleaved, medians over the rounds. Wall time is what a
// user waits; CPU time (user + system, from /usr/bin/time) is what the process itself spent, steadier when
// other work shares the machine.
//   start-up: `--help` and a one-target `blocklists` (default lists, loopback NSD) against bare `node -e 0`;
//   sweep:    a /18 as four /20s on three lists against a bare c-ares loop process asking the same questions.
// Run: npm run build && npx tsx bench/cli.ts [rounds]   (default 9 rounds)
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBlocklists } from '../src/blocklists/check.js';
import { parseConfigText } from '../src/config/parse.js';
import type { RecordType } from '../src/dns/types.js';
import { resolverForRun } from '../src/node/run-resolver.js';
import { startDnsServer } from '../test/world/dns-server.js';

const ROUNDS = Number(process.argv[2] ?? 9);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const LOOP = fileURLToPath(new URL('./ares-loop.mjs', import.meta.url));
const SWEEP = ['10.0.0.0/20', '10.0.16.0/20', '10.0.32.0/20', '10.0.48.0/20'];
const SWEEP_ZONES = ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org'];
const CONCURRENCY = 64;

interface Sample {
  wall: number;
  cpu: number;
}

const dir = await mkdtemp(join(tmpdir(), 'inboxwatch-bench-cli-'));
const dns = await startDnsServer(join(dir, 'nsd'), fileURLToPath(new URL('../test/world/zones', import.meta.url)));
try {
  const configText = `dns:\n  servers: ["${dns.server}"]\nblocklists:\n  concurrency: ${CONCURRENCY}\n`;
  await writeFile(join(dir, 'inboxwatch.yaml'), configText);
  const config = parseConfigText(configText, 'bench.yaml', {});

  // The questions the sweep asks, recorded in-process, for the floor process to ask too.
  const asked: Array<[string, RecordType]> = [];
  const inner = resolverForRun(config.dns);
  const { results } = await checkBlocklists({
    config: config.blocklists,
    resolver: { query: (name, type) => (asked.push([name, type]), inner.query(name, type)) },
    targets: SWEEP,
    zones: SWEEP_ZONES,
  });
  const questionsFile = join(dir, 'questions.json');
  await writeFile(questionsFile, JSON.stringify(asked));

  const timesFile = join(dir, 'time');
  const run = async (args: string[], expect: number[] = [0]): Promise<Sample> => {
    const started = performance.now();
    const child = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timesFile, process.execPath, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    const wall = performance.now() - started;
    if (!expect.includes(child.status ?? -1)) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr.toString().slice(0, 500)}`);
    // time(1) puts a line about a non-zero exit status first; the figures are the last line.
    const [user = 0, system = 0] = ((await readFile(timesFile, 'utf8')).trim().split('\n').at(-1) ?? '').split(/\s+/).map(Number);
    return { wall, cpu: (user + system) * 1000 };
  };
  const cases = {
    bare: () => run(['-e', '0']),
    help: () => run([CLI, '--help']),
    blocklists: () => run([CLI, 'blocklists', '192.0.2.2'], [1]),
    loop: () => run([LOOP, questionsFile, dns.server, String(CONCURRENCY)]),
    sweep: () => run([CLI, 'blocklists', '--zones', SWEEP_ZONES.join(','), ...SWEEP]),
  };
  type Case = keyof typeof cases;
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, [] as Sample[]])) as Record<Case, Sample[]>;
  // The first runs fill the compile cache, as any earlier use of the CLI would.
  await cases.help();
  await cases.blocklists();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, once] of Object.entries(cases) as Array<[Case, () => Promise<Sample>]>) samples[name].push(await once());
  }
  const median = (name: Case, key: keyof Sample) => samples[name].map((s) => s[key]).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number;
  const row = (label: string, name: Case, base?: Case, goal?: string) => {
    const cells = (['wall', 'cpu'] as const).map((key) => {
      const value = median(name, key);
      return `${`${value.toFixed(0)} ms`.padStart(8)}${base ? ` ${(value / median(base, key)).toFixed(2)}x`.padEnd(7) : ''.padEnd(7)}`;
    });
    console.log(`${label.padEnd(52)} ${cells.join('  ')} ${goal ?? ''}`);
  };
  console.log(`node ${process.versions.node}, ${ROUNDS} rounds; medians of whole processes${''.padEnd(14)}   wall             cpu`);
  row('node -e 0', 'bare');
  row('inboxwatch --help', 'help', 'bare', '(goal: 2x node -e 0)');
  row('inboxwatch blocklists 192.0.2.2 (default lists)', 'blocklists', 'bare', '(goal: 3.5x node -e 0)');
  row(`c-ares loop, the same ${asked.length} questions`, 'loop');
  row(`inboxwatch blocklists 4 x /20, ${SWEEP_ZONES.length} lists (${results.length} checks)`, 'sweep', 'loop', '(goal: 1.5x the loop)');
} finally {
  await dns.stop();
  await rm(dir, { recursive: true, force: true });
}
