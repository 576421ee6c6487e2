import { Resolver } from 'node:dns/promises';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import { startDaemon, waitUntilReady } from './daemon.js';
import { freePort, LOOPBACK, retryOnPortClash } from './ports.js';

export interface DnsServer {
  port: number;
  /** `127.0.0.1:PORT`, as `setServers` and `INBOXWATCH_DNS_SERVERS` take it. */
  server: string;
  zones: string[];
  stop(): Promise<void>;
}

/** Serves every `<origin>.zone` in `zonesDir` with NSD, authoritative only, from a state dir under `dir`. */
export async function startDnsServer(dir: string, zonesDir: string): Promise<DnsServer> {
  const zoneFiles = (await readdir(zonesDir)).filter((name) => name.endsWith('.zone')).sort();
  if (zoneFiles.length === 0) throw new Error(`no *.zone files in ${zonesDir}`);
  const zoneList = zoneFiles.map((file) => ({ name: basename(file, '.zone'), file: resolve(zonesDir, file) }));
  const zones = zoneList.map((zone) => zone.name);
  await mkdir(dir, { recursive: true });

  return retryOnPortClash(async () => {
    const port = await freePort();
    const config = join(dir, 'nsd.conf');
    await writeFile(config, nsdConfig(dir, port, zoneList));
    const daemon = startDaemon('nsd', 'nsd', ['-d', '-c', config], {
      outputFile: join(dir, 'nsd.out'),
      logFile: join(dir, 'nsd.log'),
      startedMarker: /nsd started/,
    });
    const probe = new Resolver({ timeout: 200, tries: 1 });
    probe.setServers([`${LOOPBACK}:${port}`]);
    await waitUntilReady(daemon, async () => {
      const answers = await Promise.allSettled(zones.map((zone) => probe.resolveSoa(zone)));
      return answers.every((answer) => answer.status === 'fulfilled');
    });
    return { port, server: `${LOOPBACK}:${port}`, zones, stop: () => daemon.stop() };
  });
}

function nsdConfig(dir: string, port: number, zones: { name: string; file: string }[]): string {
  const quoted = (value: string) => JSON.stringify(value);
  return [
    'server:',
    `  ip-address: ${LOOPBACK}@${port}`,
    `  port: ${port}`,
    // Empty: stay the user we are (root here) instead of switching to `nsd`, which could not read our temp dir.
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: ${quoted(dir)}`,
    '  database: ""',
    `  zonelistfile: ${quoted(join(dir, 'zone.list'))}`,
    `  pidfile: ${quoted(join(dir, 'nsd.pid'))}`,
    `  xfrdfile: ${quoted(join(dir, 'xfrd.state'))}`,
    `  xfrdir: ${quoted(dir)}`,
    `  logfile: ${quoted(join(dir, 'nsd.log'))}`,
    '  server-count: 1',
    '  verbosity: 1',
    // Benchmarks fire thousands of queries from one source; response-rate limiting would cap them.
    '  rrl-ratelimit: 0',
    '  rrl-whitelist-ratelimit: 0',
    'remote-control:',
    '  control-enable: no',
    ...zones.flatMap((zone) => ['zone:', `  name: ${quoted(zone.name)}`, `  zonefile: ${quoted(zone.file)}`]),
    '',
  ].join('\n');
}
