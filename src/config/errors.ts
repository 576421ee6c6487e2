export interface ConfigIssue {
  /** Key path as users write it, e.g. `providers[0].smtp.port`; empty for the whole file. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** A configuration that cannot be used; every issue names where it is. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
