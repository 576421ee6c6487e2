import { z } from 'zod';
import { ipFamily } from '../dns/address.js';
import { CATALOGUE } from './blocklist-catalogue.js';
import { isValidCron } from './cron.js';
import { parseDuration } from './duration.js';
import { appPasswordHint, MAILBOX_PROVIDERS } from './mailbox-providers.js';

const duration = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 10m or 1h, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return ms;
  });

const port = z.number().int().min(1).max(65535);
/** A /20 of IPv4 or a /116 of IPv6: enough for any sending pool, small enough to sweep every half hour. */
export const MAX_RANGE_ADDRESSES = 4096;

const hostname = z.string().min(1);
const cron = z.string().refine((expr) => isValidCron(expr), { message: 'expected a cron expression such as "*/30 * * * *"' });

const ipAddress = z.string().refine((ip) => ipFamily(ip) !== 0, { message: 'expected an IPv4 or IPv6 address' });
const ipOrCidr = z.string().refine(
  (value) => {
    const [ip, bits, extra] = value.split('/');
    if (extra !== undefined || ip === undefined) return false;
    const family = ipFamily(ip);
    if (family === 0) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
  },
  { message: 'expected an IP address or CIDR range such as 192.0.2.0/28' },
);
export const domainName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i, 'expected a domain name such as example.com');

const token = z.strictObject({
  name: z.string().min(1),
  token: z.string().min(16, 'tokens must be at least 16 characters'),
  role: z.enum(['admin', 'viewer', 'agent']).default('viewer'),
});

const server = z.strictObject({
  host: hostname.default('127.0.0.1'),
  port: port.default(8080),
  tokens: z.array(token).default([]),
});

const dns = z.strictObject({
  servers: z.array(z.string().min(1)).default([]),
  timeoutMs: z.number().int().min(50).max(60_000).default(2000),
  tries: z.number().int().min(1).max(10).default(2),
  cacheMaxTtl: duration.default(300_000),
});

const smtp = z.strictObject({
  host: hostname,
  port: port.default(587),
  secure: z.boolean().default(false),
  requireTLS: z.boolean().optional(),
  user: z.string().optional(),
  pass: z.string().optional(),
  tls: z.strictObject({ rejectUnauthorized: z.boolean().default(true), servername: z.string().optional() }).optional(),
});

const dkim = z.strictObject({
  domain: domainName,
  selector: z.string().min(1),
  privateKeyFile: z.string().min(1),
});

const provider = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'expected a name of letters, digits, dots, dashes and underscores'),
  smtp,
  from: z.string().min(3),
  dkim: dkim.optional(),
  ips: z.array(ipAddress).default([]),
});

const imap = z.strictObject({
  host: hostname,
  port: port.default(993),
  secure: z.boolean().default(true),
  user: z.string().min(1),
  pass: z.string().optional(),
  oauth2: z
    .strictObject({
      tokenUrl: z.url(),
      clientId: z.string().min(1),
      clientSecret: z.string().optional(),
      refreshToken: z.string().min(1),
      scope: z.string().optional(),
    })
    .optional(),
  tls: z.strictObject({ rejectUnauthorized: z.boolean().default(true), servername: z.string().optional() }).optional(),
});

const seed = z.strictObject({
  address: z.email(),
  mailboxProvider: z.enum(MAILBOX_PROVIDERS).default('other'),
  imap,
  spamFolder: z.string().optional(),
  folders: z.array(z.string()).default([]),
});

const domain = z.strictObject({
  name: domainName,
  dkimSelectors: z.array(z.string().min(1)).default([]),
});

const codeEffect = z.enum(['listed', 'policy', 'allow', 'error']);
const blocklistCode = z.union([z.string().min(1), z.strictObject({ meaning: z.string().min(1), effect: codeEffect.default('listed') })]);
const ipv4Cidr = z.string().refine((value) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value) && ipFamily(value.split('/')[0] ?? '') === 4, {
  message: 'expected an IPv4 range such as 127.0.0.0/8',
});

/** A list not in the catalogue: its zone, what it takes, and what its answers mean. */
const customList = z
  .strictObject({
    zone: domainName,
    name: z.string().min(1).optional(),
    type: z.enum(['ip', 'ipv4', 'domain']),
    kind: z.enum(['block', 'allow']).default('block'),
    domainQuery: z.enum(['hostname', 'registrable']).default('hostname'),
    bitmask: z.boolean().default(false),
    /** Exact lists: answer address or IPv4 range → meaning; bitmask lists: bit value (1, 2, 4, … 128) → meaning. */
    codes: z.record(z.string(), blocklistCode).default({}),
    answerRange: ipv4Cidr.default('127.0.0.0/8'),
    testPoints: z.strictObject({ listed: z.string().min(1).optional(), unlisted: z.string().min(1).optional() }).default({}),
    delistUrl: z.url().optional(),
  })
  .superRefine((list, ctx) => {
    for (const key of Object.keys(list.codes)) {
      const ok = list.bitmask
        ? /^\d+$/.test(key) && [1, 2, 4, 8, 16, 32, 64, 128].includes(Number(key))
        : ipFamily(key) === 4 || /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(key);
      if (!ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['codes', key],
          message: list.bitmask ? 'bitmask codes are bit values: 1, 2, 4, 8, 16, 32, 64 or 128' : 'expected an answer address such as 127.0.0.2 or a range such as 127.0.0.0/24',
        });
      }
    }
  });

const blocklists = z.strictObject({
  ips: z.array(ipOrCidr).default([]),
  domains: z.array(domainName).default([]),
  /** Catalogue (or custom) zones to use instead of the default set. */
  zones: z.array(domainName).optional(),
  /** Zones to drop from the set in use. */
  disable: z.array(domainName).default([]),
  custom: z.array(customList).default([]),
  /** Spamhaus Data Query Service key: Spamhaus queries go to the key's DQS zones. A secret. */
  dqsKey: z.string().regex(/^[a-z0-9]{20,40}$/i, 'expected a Spamhaus DQS key (letters and digits)').optional(),
  /** Abusix Mail Intelligence key: enables the Abusix combined list. A secret. */
  abusixKey: z.string().regex(/^[a-z0-9]{16,64}$/i, 'expected an Abusix key (letters and digits)').optional(),
  concurrency: z.number().int().min(1).max(1024).default(64),
  /** Further attempts after a timeout or SERVFAIL (each attempt bounded by dns.timeoutMs × dns.tries). */
  retries: z.number().int().min(0).max(5).default(1),
});

const placement = z
  .strictObject({
    timeout: duration.default(3_600_000),
    /** Defaults to 15 minutes, or the timeout when that is shorter. */
    lateAfter: duration.optional(),
    providers: z.array(z.string()).optional(),
    /** Remove each matched seed message once its verdict is stored (on Gmail: move it to Trash). */
    deleteAfterRead: z.boolean().default(false),
    /** How often every folder of a seed is searched while messages are outstanding; IDLE catches INBOX and spam sooner. */
    pollInterval: duration.default(5_000),
    /** A second IMAP connection per seed IDLEing on the spam folder, so spam is noticed at once rather than at the next poll. */
    spamIdle: z.boolean().default(true),
    /** How long the last search of a mailbox past the deadline may take; one that does not finish makes its messages `error`, not `missing`. */
    searchTimeout: duration.default(60_000),
    /** How long after a test a message still missing is looked for, so a late arrival is recorded. */
    lateSweep: duration.default(86_400_000),
  })
  .superRefine((p, ctx) => {
    if (p.lateAfter !== undefined && p.lateAfter > p.timeout) {
      ctx.addIssue({ code: 'custom', path: ['lateAfter'], message: 'must not be longer than placement.timeout' });
    }
  })
  .transform((p) => ({ ...p, lateAfter: p.lateAfter ?? Math.min(900_000, p.timeout) }));

const audit = z.strictObject({
  /** Also try the common DKIM selectors (default, google, selector1, ...) besides the configured ones. */
  discoverSelectors: z.boolean().default(true),
  /** Domains audited at once by the scheduled job. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Time allowed for fetching an MTA-STS policy over HTTPS. */
  policyTimeout: duration.default(10_000),
  /**
   * Let the MTA-STS fetch connect to loopback, private, link-local and other non-public addresses. Off by
   * default: a domain's DNS must not be able to point the monitor at its own network.
   */
  allowPrivateAddresses: z.boolean().default(false),
});

/** `off` leaves a job to on-demand runs only. */
const schedule = z.union([z.literal('off'), cron]);
const schedules = z.strictObject({
  placement: schedule.default('0 */6 * * *'),
  audit: schedule.default('15 * * * *'),
  blocklists: schedule.default('*/30 * * * *'),
  housekeeping: schedule.default('17 3 * * *'),
});

export const configSchema = z
  .strictObject({
    server: server.default(() => server.parse({})),
    database: z.string().min(1).default('./data/inboxwatch.db'),
    dns: dns.default(() => dns.parse({})),
    providers: z.array(provider).default([]),
    seeds: z.array(seed).default([]),
    domains: z.array(domain).default([]),
    blocklists: blocklists.default(() => blocklists.parse({})),
    placement: placement.default(() => placement.parse({})),
    audit: audit.default(() => audit.parse({})),
    schedules: schedules.default(() => schedules.parse({})),
    retention: z
      .strictObject({
        runs: duration.default(90 * 86_400_000),
        /** Audit results and their checks; DNS record snapshots and change events are kept for good. */
        audits: duration.default(180 * 86_400_000),
      })
      .default({ runs: 90 * 86_400_000, audits: 180 * 86_400_000 }),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.providers.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['providers', i, 'name'], message: `duplicate provider name "${p.name}"` });
      names.add(p.name);
    });
    config.placement.providers?.forEach((name, i) => {
      if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['placement', 'providers', i], message: `unknown provider "${name}"` });
    });
    config.seeds.forEach((s, i) => {
      const hint = appPasswordHint(s.mailboxProvider);
      if (hint && s.imap.oauth2 !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['seeds', i, 'imap', 'oauth2'], message: `not offered for ${s.mailboxProvider}: ${hint}; put it in imap.pass` });
      } else if (s.imap.pass === undefined && s.imap.oauth2 === undefined) {
        ctx.addIssue({ code: 'custom', path: ['seeds', i, 'imap'], message: hint ? `needs pass: ${hint}` : 'needs either pass or oauth2' });
      }
    });
    config.blocklists.ips.forEach((ip, i) => {
      const size = rangeSize(ip);
      if (size > MAX_RANGE_ADDRESSES) {
        ctx.addIssue({ code: 'custom', path: ['blocklists', 'ips', i], message: `range has ${size} addresses; at most ${MAX_RANGE_ADDRESSES} are swept (split it or narrow it)` });
      }
    });
    const zones = new Set([...knownZones(), ...config.blocklists.custom.map((list) => list.zone.toLowerCase())]);
    config.blocklists.custom.forEach((list, i) => {
      if (knownZones().includes(list.zone.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['blocklists', 'custom', i, 'zone'], message: `"${list.zone}" is already in the catalogue; use blocklists.zones to pick it` });
      }
    });
    for (const key of ['zones', 'disable'] as const) {
      config.blocklists[key]?.forEach((zone, i) => {
        if (!zones.has(zone.toLowerCase())) {
          ctx.addIssue({ code: 'custom', path: ['blocklists', key, i], message: `unknown zone "${zone}"; known zones are ${[...zones].join(', ')}` });
        }
      });
    }
  });

export type Config = z.output<typeof configSchema>;
export type ProviderConfig = Config['providers'][number];
export type SeedConfig = Config['seeds'][number];
export type DnsConfig = Config['dns'];
export type AuditConfig = Config['audit'];
export type BlocklistsConfig = Config['blocklists'];
export type CustomListConfig = BlocklistsConfig['custom'][number];

/** Addresses in an `ipOrCidr` value (already validated), capped so a /0 does not overflow. */
function rangeSize(value: string): number {
  const [ip = '', bits] = value.split('/');
  if (bits === undefined) return 1;
  return 2 ** Math.min((ipFamily(ip) === 4 ? 32 : 128) - Number(bits), 64);
}

function knownZones(): string[] {
  return CATALOGUE.map((list) => list.zone);
}
