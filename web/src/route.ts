/** Views and their URLs: every view (with its range and selection) is a link that can be shared. */
export type View = 'overview' | 'providers' | 'timeline' | 'tests' | 'test' | 'domains' | 'domain' | 'blocklists' | 'alerts' | 'alert' | 'reports' | 'report' | 'settings';

export interface Route {
  view: View;
  /** The test id, incident id or domain name of a detail page. */
  id?: string;
  params: URLSearchParams;
}

const PATHS: Array<[RegExp, View]> = [
  [/^\/?$/, 'overview'],
  [/^\/providers\/?$/, 'providers'],
  [/^\/timeline\/?$/, 'timeline'],
  [/^\/tests\/?$/, 'tests'],
  [/^\/tests\/(\d+)\/?$/, 'test'],
  [/^\/domains\/?$/, 'domains'],
  [/^\/domains\/([^/]+)\/?$/, 'domain'],
  [/^\/blocklists\/?$/, 'blocklists'],
  [/^\/alerts\/?$/, 'alerts'],
  [/^\/alerts\/(\d+)\/?$/, 'alert'],
  [/^\/reports\/?$/, 'reports'],
  [/^\/reports\/([^/]+)\/?$/, 'report'],
  [/^\/settings\/?$/, 'settings'],
];

export function parseRoute(url: URL): Route | undefined {
  for (const [pattern, view] of PATHS) {
    const match = pattern.exec(url.pathname);
    if (match) return { view, id: match[1] === undefined ? undefined : decodeURIComponent(match[1]), params: url.searchParams };
  }
  return undefined;
}

/** Goes to a path within the app without reloading; the shell listens for popstate. */
export function navigate(href: string): void {
  history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current URL with some query parameters replaced (null removes one). */
export function withParams(changes: Record<string, string | null>, base = new URL(location.href)): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  return `${url.pathname}${url.search}`;
}
