import type { Command } from 'commander';
import { checkBlocklists, configuredTargets } from '../blocklists/check.js';
import { UnknownZoneError } from '../blocklists/lists.js';
import { TargetError } from '../blocklists/targets.js';
import type { CheckResult, ListHealth } from '../blocklists/types.js';
import { createAresResolver } from '../node/ares-resolver.js';
import { configFor } from './context.js';
import { EXIT, UsageError } from './exit.js';

export interface BlocklistsOptions {
  zones?: string;
  json?: boolean;
}

export async function blocklistsCommand(given: string[], options: BlocklistsOptions, command: Command): Promise<void> {
  const { config } = configFor(command);
  const targets = given.length > 0 ? given : configuredTargets(config);
  if (targets.length === 0) {
    throw new UsageError('no targets given and none configured (providers[].ips, blocklists.ips, blocklists.domains, domains)');
  }
  const zones = options.zones?.split(',').map((zone) => zone.trim()).filter(Boolean);
  if (zones !== undefined && zones.length === 0) throw new UsageError('--zones: expected one or more zones, e.g. --zones zen.spamhaus.org');
  // No answer cache: a sweep asks every question once (targets are deduplicated, test points asked once per
  // list), so a cache would only hold tens of thousands of answers nobody asks for again.
  const swept = await checkBlocklists({ config: config.blocklists, resolver: createAresResolver(config.dns), targets, zones }).catch((error: unknown) => {
    if (error instanceof TargetError) throw new UsageError(`target ${error.message}`);
    if (error instanceof UnknownZoneError) throw new UsageError(`--zones: ${error.message}`);
    throw error;
  });
  process.stdout.write(options.json ? `${JSON.stringify({ results: swept.results.map(publicResult), health: swept.health }, null, 2)}\n` : formatText(swept.results, swept.health));
  process.exitCode = exitCode(swept.results);
}

/** Nothing listed but some checks not made is "unknown" (3), not "clean". */
export function exitCode(results: readonly CheckResult[]): number {
  if (results.some((r) => r.status === 'listed')) return EXIT.failure;
  if (results.some((r) => r.status === 'error')) return EXIT.undetermined;
  return EXIT.ok;
}

function publicResult(r: CheckResult) {
  return {
    target: r.target,
    zone: r.zone,
    list: r.list,
    status: r.status,
    severity: r.severity,
    allowlisted: r.allowlisted,
    codes: r.codes,
    meaning: r.meaning,
    reason: r.reason,
    delistUrl: r.delistUrl,
    error: r.error,
  };
}

function formatText(results: readonly CheckResult[], health: readonly ListHealth[]): string {
  const lines: string[] = [];
  for (const h of health) if (!h.healthy) lines.push(`! ${h.list} (${h.zone}) not trusted this sweep: ${h.cause}`);
  const byTarget = new Map<string, CheckResult[]>();
  for (const r of results) {
    const rows = byTarget.get(r.target);
    if (rows === undefined) byTarget.set(r.target, [r]);
    else rows.push(r);
  }
  for (const [target, rows] of byTarget) {
    const clean = rows.filter((r) => r.status === 'clean' && !r.allowlisted).length;
    const errors = rows.filter((r) => r.status === 'error');
    lines.push(`${target}: ${summary(rows)}`);
    for (const r of rows) {
      if (r.status === 'listed') {
        const label = r.severity === 'info' ? 'listed (policy)' : 'LISTED';
        lines.push(`  ${label} on ${r.list} (${r.zone}) ${r.codes.join(', ')}: ${r.meaning}`);
        if (r.reason) lines.push(`    reason: ${r.reason}`);
        if (r.delistUrl) lines.push(`    delist: ${r.delistUrl}`);
      } else if (r.allowlisted) {
        lines.push(`  allowlisted on ${r.list} (${r.zone}) ${r.codes.join(', ')}: ${r.meaning}`);
      }
    }
    // Errors from an unhealthy list repeat its cause, already printed once above.
    for (const r of errors.filter((e) => !e.error?.startsWith('list unhealthy'))) lines.push(`  could not check ${r.list} (${r.zone}): ${r.error}`);
    if (clean > 0) lines.push(`  clean on ${clean} list${clean === 1 ? '' : 's'}`);
  }
  return `${lines.join('\n')}\n`;
}

function summary(rows: readonly CheckResult[]): string {
  const listed = rows.filter((r) => r.status === 'listed');
  const errors = rows.filter((r) => r.status === 'error').length;
  const parts = [listed.length > 0 ? `listed on ${listed.length}` : 'not listed'];
  if (errors > 0) parts.push(`${errors} not checked`);
  return `${parts.join(', ')} (${rows.length} lists)`;
}
