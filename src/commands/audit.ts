import type { Command } from 'commander';
import { auditDomains } from '../audit/audit-domains.js';
import { createMailauthToolkit } from '../node/mailauth-audit.js';
import { createHttpsPolicyFetcher } from '../node/mta-sts-https.js';
import { gateOutcome, renderReport, reportJson } from '../audit/render.js';
import { targetFor } from '../audit/targets.js';
import { domainName } from '../config/schema.js';
import { ipFamily, isLegacyIpv4, LEGACY_IPV4 } from '../dns/ip.js';
import { resolverForRun } from '../node/run-resolver.js';
import { configFor } from './context.js';
import { EXIT, UsageError } from './exit.js';

export interface AuditOptions {
  selector?: string;
  ip?: string;
  json?: boolean;
  failOn: string;
  discover: boolean;
}

export async function auditCommand(domains: string[], options: AuditOptions, command: Command): Promise<void> {
  if (options.failOn !== 'warn' && options.failOn !== 'fail') throw new UsageError(`--fail-on: expected warn or fail, got "${options.failOn}"`);
  const bad = domains.find((d) => !domainName.safeParse(d).success);
  if (bad !== undefined) throw new UsageError(`"${bad}" is not a domain name (expected something like example.com)`);
  const selectors = list(options.selector);
  const badSelector = selectors.find((s) => !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(s));
  if (badSelector !== undefined) throw new UsageError(`--selector: "${badSelector}" is not a DKIM selector`);
  const ips = list(options.ip);
  const badIp = ips.find((ip) => ipFamily(ip) === 0);
  if (badIp !== undefined) throw new UsageError(`--ip: "${badIp}" is ${isLegacyIpv4(badIp) ? LEGACY_IPV4 : 'not an IP address'}`);

  const { config } = configFor(command);
  const resolver = resolverForRun(config.dns);
  const deps = {
    resolver,
    fetchPolicy: createHttpsPolicyFetcher({ resolver, timeoutMs: config.audit.policyTimeout, allowPrivateAddresses: config.audit.allowPrivateAddresses }),
    toolkit: createMailauthToolkit(),
    discoverSelectors: options.discover && config.audit.discoverSelectors,
    now: Date.now,
  };
  const targets = domains.map((d) => targetFor(config, d, { selectors, ips }));
  const audits = await auditDomains(targets, deps, config.audit.concurrency);
  process.stdout.write(options.json ? `${JSON.stringify(reportJson(audits), null, 2)}\n` : renderReport(audits, { colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
  process.exitCode = { passed: EXIT.ok, failed: EXIT.failure, undetermined: EXIT.undetermined }[gateOutcome(audits, options.failOn)];
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
