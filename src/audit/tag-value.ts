/**
 * A tag=value list (DKIM, DMARC, TLS-RPT and MTA-STS records) read the way mailauth's
 * `parseTagValueRecord` reads it, so our verdicts match the verifier's. mailauth's own copy sits in a
 * module that loads node:dns and node:https; this one is portable. test/unit/audit/tag-value.test.ts
 * compares the two on the records the audit meets.
 */
export interface TagValueRecord {
  /** Lower-cased tag → value; a repeated tag (when allowed) collects its values in order. */
  tags: Record<string, string | string[]>;
  errors: string[];
  warnings: string[];
  isValid: boolean;
}

export function parseTagValueRecord(record: string, options: { allowDuplicateKeys?: boolean } = {}): TagValueRecord {
  const allowDuplicateKeys = options.allowDuplicateKeys ?? true;
  const text = record
    .replace(/[\x00-\x1F]+/g, ' ')
    .replace(/\\r\\n/g, '')
    .replace(/\\n/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // No prototype: a tag named "__proto__" or "toString" is just a tag.
  const tags = Object.create(null) as Record<string, string | string[]>;
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (!part) continue;
    const equals = part.indexOf('=');
    if (equals === -1) {
      errors.push(`Malformed part (no equals sign): "${part}"`);
      continue;
    }
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (!/^[a-zA-Z0-9_-]+$/.test(key)) {
      errors.push(`Invalid tag name: "${key}"`);
      continue;
    }
    const name = key.toLowerCase();
    const previous = tags[name];
    if (previous === undefined) {
      tags[name] = value;
      continue;
    }
    if (!allowDuplicateKeys) {
      errors.push(`Duplicate tag not allowed: "${key}"`);
      continue;
    }
    tags[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
    warnings.push(`Duplicate tag "${key}" found`);
  }
  return { tags, errors, warnings, isValid: errors.length === 0 };
}
