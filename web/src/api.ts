import { hc, type InferResponseType } from 'hono/client';
import type { App } from '../../src/api/app.js';

/** The CSRF token of the signed-in session; the cookie itself is HttpOnly and never reaches scripts. */
let csrf: string | null = null;

export function setCsrf(token: string | null): void {
  csrf = token;
}

/** The API client, typed from the server's own routes. Writes carry the session's CSRF token. */
export const api = hc<App>('/', {
  headers: (): Record<string, string> => (csrf ? { 'x-csrf-token': csrf } : {}),
  init: { credentials: 'same-origin' },
}).api;

export class Unauthorized extends Error {}

/** The JSON body of a successful response; a 401 is {@link Unauthorized}, any other failure the server's message. */
export async function read<T>(response: { ok: boolean; status: number; json(): Promise<T> } & Pick<Response, 'text'>): Promise<T> {
  if (response.status === 401) throw new Unauthorized('your session has ended; sign in again');
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // Not JSON (a proxy's error page): show it as it came.
    }
    throw new Error(`HTTP ${response.status}: ${message}`);
  }
  return response.json();
}

export type Overview = InferResponseType<typeof api.overview.$get, 200>;
export type Providers = InferResponseType<typeof api.providers.$get, 200>;
export type Timeline = InferResponseType<typeof api.timeline.$get, 200>;
export type TestList = InferResponseType<typeof api.tests.$get, 200>;
export type TestDetail = InferResponseType<(typeof api.tests)[':id']['$get'], 200>;
export type DomainList = InferResponseType<typeof api.domains.cards.$get, 200>;
export type DomainDetail = InferResponseType<(typeof api.domains)[':domain']['$get'], 200>;
export type Blocklists = InferResponseType<typeof api.blocklists.$get, 200>;
export type BlocklistHistory = InferResponseType<typeof api.blocklists.history.$get, 200>;
export type Settings = InferResponseType<typeof api.settings.$get, 200>;
export type SessionInfo = InferResponseType<typeof api.session.$get, 200>;
export type Incidents = InferResponseType<typeof api.alerts.$get, 200>;
export type Incident = Incidents['incidents'][number];
export type IncidentDetail = InferResponseType<(typeof api.alerts)[':id']['$get'], 200>;
export type ReportDomains = InferResponseType<typeof api.reports.domains.$get, 200>;
export type ReportSources = InferResponseType<typeof api.reports.sources.$get, 200>;
export type ReportDaily = InferResponseType<typeof api.reports.daily.$get, 200>;
export type ReportList = InferResponseType<typeof api.reports.$get, 200>;
