import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigIssue } from './errors.js';
import { substituteEnv } from './substitute.js';
import { configSchema, type Config } from './schema.js';

const JITLESS = { jitless: true } as const;

/** Parses YAML text into a validated configuration; errors carry file, line and key path. */
export function parseConfigText(text: string, file: string, env: Record<string, string | undefined>): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((error) => {
        const position = error.linePos?.[0];
        return { path: '', message: `YAML syntax: ${firstLine(error.message)}`, line: position?.line, column: position?.col };
      }),
    );
  }
  const { issues: missing, typed } = substituteEnv(doc, env, lines);
  if (missing.length > 0) throw new ConfigError(file, missing);
  // Parsed once per process: compiling zod's fast path (new Function per object shape) would cost more than it saves.
  let parsed = configSchema.safeParse(doc.toJS() ?? {}, JITLESS);
  // A substituted value stays a string unless the schema wanted a number or boolean exactly there.
  const wanted = parsed.success ? [] : typed.filter((candidate) => parsed.error?.issues.some((issue) => issue.code === 'invalid_type' && samePath(issue.path, candidate.path)));
  if (wanted.length > 0) {
    for (const candidate of wanted) candidate.node.value = candidate.value;
    parsed = configSchema.safeParse(doc.toJS() ?? {}, JITLESS);
  }
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map((issue) => locate(issue, doc, lines)));
  return parsed.data;
}

function samePath(a: readonly PropertyKey[], b: ReadonlyArray<string | number>): boolean {
  return a.length === b.length && a.every((key, i) => String(key) === String(b[i]));
}

function locate(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): ConfigIssue {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const target = keys.length > 0 ? [...path, keys[0] as string] : path;
  for (let depth = target.length; depth >= 0; depth--) {
    const node = doc.getIn(target.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    const keyNode = keys.length > 0 && depth === target.length ? keyNodeAt(doc, target) : undefined;
    const range = keyNode?.range ?? node?.range;
    if (range) {
      const position = lines.linePos(range[0]);
      return { path: formatPath(path), message: describe(issue, doc.hasIn(path)), line: position.line, column: position.col };
    }
  }
  return { path: formatPath(path), message: describe(issue, doc.hasIn(path)) };
}

/** The key of the pair at `path`, so an unknown key points at itself rather than at its parent. */
function keyNodeAt(doc: Document, path: Array<string | number>): { range?: [number, number, number] } | undefined {
  const parent = doc.getIn(path.slice(0, -1), true) as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | undefined;
  const last = path[path.length - 1];
  return parent?.items?.find((pair) => pair.key?.value === last)?.key;
}

function describe(issue: z.core.$ZodIssue, present: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return present ? `expected ${article(issue.expected)}` : `required (expected ${article(issue.expected)})`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
