import { z } from 'zod';

/**
 * Reports travel as the rows the agent's store kept for them (it keeps a stored report's parsed rows, not its
 * file), column for column. These are the columns of each table, besides ids and the links between them.
 */
export const REPORT_COLUMNS = {
  dmarc_reports: ['org', 'email', 'report_id', 'domain', 'begin_at', 'end_at', 'schema', 'generator', 'errors', 'adkim', 'aspf', 'p', 'sp', 'np', 'pct', 'fo', 'testing', 'discovery_method', 'records', 'messages', 'received_at'],
  dmarc_rows: ['domain', 'day', 'source_ip', 'count', 'disposition', 'dkim_aligned', 'spf_aligned', 'overrides', 'header_from', 'envelope_from', 'envelope_to', 'dkim', 'spf'],
  tls_reports: ['org', 'email', 'report_id', 'domain', 'begin_at', 'end_at', 'policies', 'successful', 'failed', 'received_at'],
  tls_policies: ['policy_type', 'policy_domain', 'mx_hosts', 'successful', 'failed', 'failures'],
  failure_reports: ['domain', 'auth_failure', 'source_ip', 'arrival_at', 'mail_from', 'rcpt_to', 'delivery_result', 'dkim_domain', 'dkim_selector', 'identity_alignment',
    'authentication_results', 'user_agent', 'subject', 'from_header', 'message_id', 'content_key', 'received_at'],
  report_sources: ['ip', 'status', 'ptr', 'fcrdns', 'base_domain', 'label', 'error', 'first_seen', 'checked_at'],
} as const;

export type ReportTable = keyof typeof REPORT_COLUMNS;

const cell = z.union([z.string().max(1_000_000), z.number(), z.null()]);

/** A row of `table` with exactly its columns. */
export function rowOf<T extends ReportTable>(table: T) {
  return z.strictObject(Object.fromEntries(REPORT_COLUMNS[table].map((column) => [column, cell])) as Record<(typeof REPORT_COLUMNS)[T][number], typeof cell>);
}

export type Row<T extends ReportTable> = z.infer<ReturnType<typeof rowOf<T>>>;
