import { isScalar, parse as parseYamlValue, visit, type Document, type LineCounter, type Scalar } from 'yaml';
import { formatPath, type ConfigIssue } from './errors.js';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** A scalar that was one whole `${VAR}` whose value reads as a number or boolean, e.g. `port: ${SMTP_PORT}`. */
export interface TypedCandidate {
  path: Array<string | number>;
  node: Scalar;
  value: number | boolean;
}

export interface Substitution {
  /** References that had no value. */
  issues: ConfigIssue[];
  /** Left as strings: the schema decides whether each one is wanted as a number or boolean instead. */
  typed: TypedCandidate[];
}

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string scalar of the document with values from `env`.
 * Every value stays a string, so a password of `12345678` or `true` is still a password; a scalar that is
 * one whole reference and reads as a number or boolean is also returned in `typed`, so a field the schema
 * wants as a number (`port: ${SMTP_PORT}`) can take it as one. `$$` stands for a literal `$`.
 */
export function substituteEnv(doc: Document, env: Record<string, string | undefined>, lines: LineCounter): Substitution {
  const issues: ConfigIssue[] = [];
  const typed: TypedCandidate[] = [];
  visit(doc, {
    Scalar(_key, node, ancestry) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const original = node.value;
      const missing: string[] = [];
      const replaced = original.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
        if (match === '$$') return '$';
        const value = env[name as string] ?? fallback;
        if (value === undefined) missing.push(name as string);
        return value ?? '';
      });
      if (missing.length > 0) {
        const position = node.range ? lines.linePos(node.range[0]) : undefined;
        issues.push({
          path: formatPath(pathOf(ancestry, node)),
          message: `environment variable ${missing.map((m) => `\${${m}}`).join(', ')} is not set`,
          line: position?.line,
          column: position?.col,
        });
        return;
      }
      node.value = replaced;
      const value = /^\$\{[^}]+\}$/.test(original.trim()) ? reread(replaced) : undefined;
      if (value !== undefined) typed.push({ path: pathOf(ancestry, node), node, value });
    },
  });
  return { issues, typed };
}

function reread(text: string): number | boolean | undefined {
  try {
    const value: unknown = parseYamlValue(text);
    return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
  } catch {
    return undefined;
  }
}

function pathOf(ancestry: readonly unknown[], node: unknown): Array<string | number> {
  const path: Array<string | number> = [];
  const chain = [...ancestry, node];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1] as { items?: unknown[] };
    const child = chain[i];
    if (!parent.items) continue;
    const index = parent.items.indexOf(child);
    if (index >= 0 && !isPair(child)) {
      path.push(index);
      continue;
    }
    if (isPair(child)) {
      const key = child.key;
      path.push(isScalar(key) ? String(key.value) : String(key));
    }
  }
  return path;
}

function isPair(value: unknown): value is { key: unknown; value: unknown } {
  return typeof value === 'object' && value !== null && 'key' in value && 'value' in value;
}
