import { z } from 'zod';
import { refuseUrl } from './outbound-urls.js';
import { cidrFamily, ipFamily, isLegacyIpv4, LEGACY_IPV4 } from '../dns/ip.js';
import { DEFAULT_LIMITS } from './report-limits.js';
import { CATALOGUE } from './blocklist-catalogue.js';
import { isValidCron } from './cron.js';
import { MAX_TIMER_MS, parseDuration } from './duration.js';
import { appPasswordHint, MAILBOX_PROVIDERS } from './mailbox-providers.js';

/** A duration in milliseconds; `timer` ones end up in setTimeout, which fires at once past 2^31-1 ms. */
function durationOf(kind: 'timer' | 'span') {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 10m or 1h, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (kind === 'timer' && ms > MAX_TIMER_MS) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is longer than the longest timer the platform keeps (2^31-1 ms, about 24.8 days)` });
      return z.NEVER;
    }
    return ms;
  });
}
const duration = durationOf('span');
const timerDuration = durationOf('timer');

const port = z.number().int().min(1).max(65535);
/** A /20 of IPv4 or a /116 of IPv6: enough for any sending pool, small enough to sweep every half hour. */
export const MAX_RANGE_ADDRESSES = 4096;

const cron = z.string().refine((expr) => isValidCron(expr), { message: 'expected a cron expression such as "*/30 * * * *"' });

/** A string that `accept` takes; a legacy IPv4 form gets its own message, since it looks like an address. */
function addressText(accept: (value: string) => boolean, expected: string) {
  return z.string().superRefine((value, ctx) => {
    if (accept(value)) return;
    ctx.addIssue({ code: 'custom', message: isLegacyIpv4(value) ? `"${value}" is ${LEGACY_IPV4}` : expected });
  });
}

const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;
/** A name whose last label is all digits is no host name (RFC 3696 §2): 1.2.3 is a mistyped address. */
const isHostName = (value: string) => HOST_NAME.test(value) && !/(^|\.)\d+\.?$/.test(value);
const hostname = addressText((value) => ipFamily(value) !== 0 || isHostName(value), 'expected a host name or an IP address such as mail.example.com or 192.0.2.1');
const ipAddress = addressText((value) => ipFamily(value) !== 0, 'expected an IPv4 or IPv6 address');
const ipOrCidr = addressText((value) => cidrFamily(value) !== 0, 'expected an IP address or CIDR range such as 192.0.2.0/28');
/** c-ares takes addresses only: `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53` or `[2001:db8::53]:5353`. */
export const dnsServer = addressText((value) => {
  if (ipFamily(value) !== 0) return true;
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  if (!match) return false;
  const address = match[1] ?? match[2] ?? '';
  const family = ipFamily(address);
  const port = Number(match[3]);
  return family === (match[1] === undefined ? 4 : 6) && port >= 1 && port <= 65535 && !/^0\d/.test(match[3] ?? '');
}, 'expected a DNS server address: 192.0.2.53, 192.0.2.53:5353, 2001:db8::53 or [2001:db8::53]:5353 (a name cannot be used: it would need DNS to find DNS)');
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
  servers: z.array(dnsServer).default([]),
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

const codeEffect = z.enum(['listed', 'policy', 'allow', 'neutral', 'error']);
const blocklistCode = z.union([z.string().min(1), z.strictObject({ meaning: z.string().min(1), effect: codeEffect.default('listed') })]);
const ipv4Cidr = addressText((value) => value.includes('/') && cidrFamily(value) === 4, 'expected an IPv4 range such as 127.0.0.0/8');

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
    for (const point of ['listed', 'unlisted'] as const) {
      const value = list.testPoints[point];
      if (value === undefined || list.type === 'domain' || ipFamily(value) === 4) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['testPoints', point],
        message: isLegacyIpv4(value) ? `"${value}" is ${LEGACY_IPV4}` : 'expected an IPv4 address such as 127.0.0.2 (RFC 5782 test points of an IP list)',
      });
    }
    for (const key of Object.keys(list.codes)) {
      const ok = list.bitmask
        ? /^\d+$/.test(key) && [1, 2, 4, 8, 16, 32, 64, 128].includes(Number(key))
        : cidrFamily(key) === 4;
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
    timeout: timerDuration.default(3_600_000),
    /** Defaults to 15 minutes, or the timeout when that is shorter. */
    lateAfter: timerDuration.optional(),
    providers: z.array(z.string()).optional(),
    /** Remove each matched seed message once its verdict is stored (on Gmail: move it to Trash). */
    deleteAfterRead: z.boolean().default(false),
    /** How often every folder of a seed is searched while messages are outstanding; IDLE catches INBOX and spam sooner. */
    pollInterval: timerDuration.default(5_000),
    /** A second IMAP connection per seed IDLEing on the spam folder, so spam is noticed at once rather than at the next poll. */
    spamIdle: z.boolean().default(true),
    /** How long the last search of a mailbox past the deadline may take; one that does not finish makes its messages `error`, not `missing`. */
    searchTimeout: duration.default(60_000),
    /** How long after a test a message still missing is looked for, so a late arrival is recorded. */
    lateSweep: timerDuration.default(86_400_000),
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
  policyTimeout: timerDuration.default(10_000),
  /**
   * Let the MTA-STS fetch connect to loopback, private, link-local and other non-public addresses. Off by
   * default: a domain's DNS must not be able to point the monitor at its own network.
   */
  allowPrivateAddresses: z.boolean().default(false),
});

const alertName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'expected a name of letters, digits, dots, dashes and underscores');
const consecutive = (fallback: number) => z.number().int().min(1).max(100).default(fallback);

/** What every rule shares: where it notifies, how loud, and how it damps flapping. */
const ruleCommon = {
  /** Incidents are keyed by rule name; defaults to the type, so two rules of one type need names. */
  name: alertName.optional(),
  channels: z.array(z.string().min(1)).default([]),
  severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  /** Consecutive good evaluations before a firing incident resolves. */
  resolveAfter: consecutive(1),
  /** While firing (and not acknowledged), notify again this often. */
  repeatInterval: duration.default(86_400_000),
};
const DAY_MS = 86_400_000;
/** Report rows are per UTC day, so windows over them are whole days: 1d, 7d, 30d. */
const dayDuration = duration.superRefine((ms, ctx) => {
  if (ms < DAY_MS || ms % DAY_MS !== 0) ctx.addIssue({ code: 'custom', message: `expected whole days such as 1d or 7d (report data is kept per day), got ${Number((ms / 3_600_000).toFixed(3))}h` });
});
/** A share of messages, written 0–1; 90 meaning 90 % gets told how to write it. */
const share = z.number().refine((n) => n >= 0 && n <= 1, { message: 'expected a share between 0 and 1, such as 0.9 for 90%' });
const mailboxProviderName = z.enum(['gmail', 'outlook', 'yahoo', 'icloud', 'other']);
const rateRule = <T extends string>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    ...ruleCommon,
    for: consecutive(1),
    /** A share between 0 and 1, e.g. 0.8 for 80 %. */
    threshold: z.number().min(0).max(1),
    /** The last N completed placement tests. */
    window: z.number().int().min(1).max(1000).default(5),
    /** Fewer observed messages than this in the window says nothing either way. */
    minSamples: z.number().int().min(1).default(3),
    provider: z.string().min(1).optional(),
    mailboxProvider: mailboxProviderName.optional(),
  });

const alertRule = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('blocklist_listed'),
    ...ruleCommon,
    for: consecutive(1),
    target: z.string().min(1).optional(),
    zone: domainName.optional(),
    /** Policy listings (e.g. Spamhaus PBL) say nothing about reputation; notify on them only when asked. */
    includePolicy: z.boolean().default(false),
  }),
  rateRule('inbox_rate_below'),
  rateRule('spam_rate_above'),
  rateRule('missing_rate_above'),
  z.strictObject({
    type: z.literal('auth_failing'),
    ...ruleCommon,
    for: consecutive(1),
    window: z.number().int().min(1).max(1000).default(5),
    provider: z.string().min(1).optional(),
    methods: z.array(z.enum(['spf', 'dkim', 'dmarc'])).min(1).default(['spf', 'dkim', 'dmarc']),
  }),
  z.strictObject({ type: z.literal('dns_regression'), ...ruleCommon, for: consecutive(1), domain: domainName.optional() }),
  z.strictObject({
    type: z.literal('dmarc_new_source'),
    ...ruleCommon,
    for: consecutive(1),
    domain: domainName.optional(),
    /** Report days (up to the newest one reported) in which a source's mail is looked at. */
    window: dayDuration.default(7 * DAY_MS),
    /** A source counts as new when it sent nothing as the domain for this long before the window. */
    lookback: dayDuration.default(30 * DAY_MS),
    /** Messages failing DMARC from the source within the window before it counts: one stray report pages nobody. */
    minMessages: z.number().int().min(1).default(10),
  }),
  z.strictObject({
    type: z.literal('dmarc_pass_rate_below'),
    ...ruleCommon,
    for: consecutive(1),
    domain: domainName.optional(),
    /** Floor for the share of messages passing DMARC (0–1). */
    threshold: share.optional(),
    /** Fall, in share points (0–1, 0.1 = 10 points), against the window before, that also counts as bad. */
    dropBy: share.refine((n) => n > 0, 'expected a fall above 0, such as 0.1 for 10 points').optional(),
    /** Report days, ending with the newest one reported, whose messages make up the rate. */
    window: dayDuration.default(DAY_MS),
    /** Fewer messages than this in a window says nothing either way. */
    minMessages: z.number().int().min(1).default(100),
  }),
  z.strictObject({
    type: z.literal('reports_stopped'),
    ...ruleCommon,
    for: consecutive(1),
    domain: domainName.optional(),
    /** Silence longer than this, for a domain whose rua sends reports to reports.address, is bad. */
    after: duration.default(48 * 3_600_000),
  }),
  z.strictObject({
    type: z.literal('probe_failing'),
    ...ruleCommon,
    /** Consecutive failing runs (or sweeps, or logins) before it fires. */
    for: consecutive(3),
    job: z.string().min(1).optional(),
  }),
]);

const emailChannel = z.strictObject({
  name: alertName,
  type: z.literal('email'),
  smtp,
  from: z.string().min(3),
  to: z.array(z.email()).min(1),
});
const webhookChannel = z.strictObject({
  name: alertName,
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http or https URL' }),
  /** Signs each body (HMAC-SHA256, header X-Inboxwatch-Signature). A secret. */
  secret: z.string().min(16, 'webhook secrets must be at least 16 characters').optional(),
  format: z.enum(['json', 'slack']).default('json'),
  timeout: duration.default(10_000),
  /** Further immediate attempts (1 s, 2 s, 4 s … apart) before the outbox tries again later. */
  retries: z.number().int().min(0).max(10).default(2),
});

const alerts = z.strictObject({
  /** Webhooks and links may point at private or loopback addresses. */
  allowPrivateUrls: z.boolean().default(false),
  /** Base of the links in notifications; defaults to http://server.host:server.port. */
  dashboardUrl: z.url({ protocol: /^https?$/, error: 'expected an http or https URL' }).optional(),
  channels: z.array(z.discriminatedUnion('type', [emailChannel, webhookChannel])).default([]),
  rules: z.array(alertRule).default([]),
  digest: z.strictObject({ schedule: cron, channels: z.array(z.string().min(1)).min(1) }).optional(),
  /** `GET /metrics` on the API port with an API token; `bind` serves it without a token on its own address instead. */
  metrics: z.strictObject({ bind: z.strictObject({ host: hostname.default('127.0.0.1'), port }).optional() }).default({}),
});

/** Bytes, as a number or with a unit: 512KiB, 20MiB, 1GiB (KB/MB/GB are read the same way). */
const size = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+)\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?\s*$/i.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `expected a size such as 20MiB, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  const unit = (match[2] ?? 'b').toLowerCase()[0] as 'b' | 'k' | 'm' | 'g';
  return Number(match[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit];
});

const reportLimits = z.strictObject({
  maxCompressed: size.default(DEFAULT_LIMITS.maxCompressedBytes),
  maxUncompressed: size.default(DEFAULT_LIMITS.maxUncompressedBytes),
  /** Decompressed ÷ compressed size above which a file is refused as a decompression bomb. */
  maxRatio: z.number().min(2).max(100_000).default(DEFAULT_LIMITS.maxRatio),
});

/** DMARC aggregate, failure and SMTP TLS reports: where they arrive and how much a file may hold. */
const reports = z
  .strictObject({
    /** The address `rua=` points at; defaults to imap.user when that is an address. */
    address: z.email().optional(),
    /** The report mailbox, read with IDLE by `serve` and on each scheduled run. */
    imap: imap.optional(),
    mailbox: z.string().min(1).default('INBOX'),
    /** A local directory of report files (or saved messages), imported on each scheduled run. */
    folder: z.string().min(1).optional(),
    /** How often the mailbox is read again when IDLE reports nothing (a server may drop IDLE silently). */
    pollInterval: duration.default(300_000),
    /** A domain whose rua points at `address` but sent no report for this long gets an audit finding. */
    missingAfter: duration.default(48 * 3_600_000),
    limits: reportLimits.default(() => reportLimits.parse({})),
  })
  .transform((r) => ({ ...r, address: r.address ?? (r.imap && z.email().safeParse(r.imap.user).success ? r.imap.user : undefined) }));

/** `off` leaves a job to on-demand runs only. */
const schedule = z.union([z.literal('off'), cron]);
const schedules = z.strictObject({
  placement: schedule.default('0 */6 * * *'),
  audit: schedule.default('15 * * * *'),
  blocklists: schedule.default('*/30 * * * *'),
  housekeeping: schedule.default('17 3 * * *'),
  reports: schedule.default('*/15 * * * *'),
});

export const configSchema = z
  .strictObject({
    server: server.default(() => server.parse({})),
    database: z.string().trim().min(1, 'expected a database file path (or :memory:)').default('./data/inboxwatch.db'),
    dns: dns.default(() => dns.parse({})),
    providers: z.array(provider).default([]),
    seeds: z.array(seed).default([]),
    domains: z.array(domain).default([]),
    blocklists: blocklists.default(() => blocklists.parse({})),
    placement: placement.default(() => placement.parse({})),
    audit: audit.default(() => audit.parse({})),
    reports: reports.default(() => reports.parse({})),
    schedules: schedules.default(() => schedules.parse({})),
    alerts: alerts.default(() => alerts.parse({})),
    retention: z
      .strictObject({
        runs: duration.default(90 * 86_400_000),
        /** Audit results and their checks; DNS record snapshots and change events are kept for good. */
        audits: duration.default(180 * 86_400_000),
        /** Delivered and failed alert notifications with their attempts; incidents are kept for good. */
        notifications: duration.default(90 * 86_400_000),
      })
      .default({ runs: 90 * 86_400_000, audits: 180 * 86_400_000, notifications: 90 * 86_400_000 }),
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
    if (config.reports.imap && config.reports.imap.pass === undefined && config.reports.imap.oauth2 === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reports', 'imap'], message: 'needs either pass or oauth2' });
    }
    config.blocklists.ips.forEach((ip, i) => {
      if (cidrFamily(ip) === 0) return;
      const size = rangeSize(ip);
      if (size > MAX_RANGE_ADDRESSES) {
        ctx.addIssue({ code: 'custom', path: ['blocklists', 'ips', i], message: `range has ${size} addresses; at most ${MAX_RANGE_ADDRESSES} are swept (split it or narrow it)` });
      }
    });
    checkAlerts(config.alerts, ctx);
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

type AlertsInput = z.output<typeof alerts>;

/** Names are unique, rules and the digest name channels that exist, and URLs point where they may. */
function checkAlerts(config: AlertsInput, ctx: z.RefinementCtx): void {
  const channels = new Set<string>();
  config.channels.forEach((channel, i) => {
    if (channels.has(channel.name)) ctx.addIssue({ code: 'custom', path: ['alerts', 'channels', i, 'name'], message: `duplicate channel name "${channel.name}"` });
    channels.add(channel.name);
    if (channel.type === 'webhook') {
      const refusal = refuseUrl(channel.url, config.allowPrivateUrls);
      if (refusal) ctx.addIssue({ code: 'custom', path: ['alerts', 'channels', i, 'url'], message: refusal });
    }
  });
  const rules = new Set<string>();
  config.rules.forEach((rule, i) => {
    const name = rule.name ?? rule.type;
    if (rules.has(name)) {
      ctx.addIssue({ code: 'custom', path: ['alerts', 'rules', i, rule.name ? 'name' : 'type'], message: `a second rule named "${name}"; give each rule of one type its own name` });
    }
    rules.add(name);
    if (rule.type === 'dmarc_pass_rate_below' && rule.threshold === undefined && rule.dropBy === undefined) {
      ctx.addIssue({ code: 'custom', path: ['alerts', 'rules', i, 'type'], message: 'dmarc_pass_rate_below needs threshold (a floor such as 0.9), dropBy (a fall such as 0.1) or both' });
    }
    rule.channels.forEach((channel, j) => {
      if (!channels.has(channel)) ctx.addIssue({ code: 'custom', path: ['alerts', 'rules', i, 'channels', j], message: `unknown channel "${channel}"` });
    });
  });
  config.digest?.channels.forEach((channel, j) => {
    if (!channels.has(channel)) ctx.addIssue({ code: 'custom', path: ['alerts', 'digest', 'channels', j], message: `unknown channel "${channel}"` });
  });
  if (config.dashboardUrl) {
    const refusal = refuseUrl(config.dashboardUrl, true);
    if (refusal) ctx.addIssue({ code: 'custom', path: ['alerts', 'dashboardUrl'], message: refusal });
  }
}

export type Config = z.output<typeof configSchema>;
export type AlertsConfig = Config['alerts'];
export type AlertRule = AlertsConfig['rules'][number];
export type AlertChannel = AlertsConfig['channels'][number];
export type ProviderConfig = Config['providers'][number];
export type SeedConfig = Config['seeds'][number];
export type DnsConfig = Config['dns'];
export type AuditConfig = Config['audit'];
export type BlocklistsConfig = Config['blocklists'];
export type CustomListConfig = BlocklistsConfig['custom'][number];
export type ReportsConfig = Config['reports'];

/** Addresses in an `ipOrCidr` value (already validated), capped so a /0 does not overflow. */
function rangeSize(value: string): number {
  const [ip = '', bits] = value.split('/');
  if (bits === undefined) return 1;
  return 2 ** Math.min((ipFamily(ip) === 4 ? 32 : 128) - Number(bits), 64);
}

function knownZones(): string[] {
  return CATALOGUE.map((list) => list.zone);
}
