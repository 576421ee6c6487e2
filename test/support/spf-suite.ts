import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';

/**
 * The OpenSPF RFC 7208 test suite as Debian's python3-spf ships it. It is read at test time, never copied
 * into the repository; `.ci/run` installs the package.
 */
export const SPF_SUITE_PATH = '/usr/share/doc/python3-spf/rfc7208-tests.yml.gz';

/** One DNS record of the suite's zone data, or a name whose every lookup times out. */
export type SuiteRecord = { type: 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'TXT' | 'SPF'; value: string | string[] } | { type: 'MX'; value: [number, string] } | { type: 'TIMEOUT' };

export interface SuiteTest {
  name: string;
  /** The domain check_host() starts at: the MAIL FROM domain, or the HELO name when MAIL FROM is empty. */
  domain: string;
  /** Acceptable results; the suite lists several where RFC 7208 allows either. */
  results: string[];
}

export interface SuiteScenario {
  description: string;
  /** Lower-case owner name → records, in the order the suite lists them. */
  zone: Map<string, SuiteRecord[]>;
  tests: SuiteTest[];
}

export function loadSpfSuite(path = SPF_SUITE_PATH): SuiteScenario[] {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  return parseAllDocuments(text).map((document) => {
    const data = document.toJS() as {
      description: string;
      tests: Record<string, { mailfrom?: string; helo?: string; result: string | string[] }>;
      zonedata: Record<string, Array<Record<string, unknown> | 'TIMEOUT'>>;
    };
    const zone = new Map<string, SuiteRecord[]>();
    for (const [name, records] of Object.entries(data.zonedata ?? {})) zone.set(name.toLowerCase(), records.map(toRecord));
    const tests = Object.entries(data.tests).map(([name, test]) => {
      const from = test.mailfrom ?? '';
      const domain = from === '' ? (test.helo ?? '') : from.slice(from.lastIndexOf('@') + 1);
      return { name, domain, results: Array.isArray(test.result) ? test.result : [test.result] };
    });
    return { description: data.description, zone, tests };
  });
}

function toRecord(entry: Record<string, unknown> | 'TIMEOUT'): SuiteRecord {
  if (entry === 'TIMEOUT') return { type: 'TIMEOUT' };
  const [type, value] = Object.entries(entry)[0] as [string, unknown];
  if (type === 'MX') return { type, value: value as [number, string] };
  return { type: type as 'A', value: Array.isArray(value) ? value.map(String) : String(value) };
}
