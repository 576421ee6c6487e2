import { isScalar, parse as parseYamlValue, visit, type Document, type LineCounter } from 'yaml';
import { formatPath, type ConfigIssue } from './errors.js';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string scalar of the document with values from `env`.
 * A scalar that is a single reference is re-read as YAML, so `port: ${SMTP_PORT}` stays a number.
 * `$$` stands for a literal `$`. Returns the references that had no value.
 */
export function substituteEnv(doc: Document, env: Record<string, string | undefined>, lines: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
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
      const whole = /^\$\{[^}]+\}$/.test(original.trim());
      node.value = whole ? reread(replaced) : replaced;
    },
  });
  return issues;
}

function reread(text: string): unknown {
  try {
    const value: unknown = parseYamlValue(text);
    return typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
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
