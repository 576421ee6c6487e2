import { z } from 'zod';

/**
 * Reports travel as the rows the agent's store kept for them (it keeps a stored report's parsed rows, not its
 * file), column for column. These are the columns of each table besides ids and the links between them, as
 * migration 0008 declares them: `?` marks a column that may be null, `json` one that holds JSON text.
 */
const TABLES = {
  dmarc_reports: 'org report_id domain begin_at:int end_at:int schema generator? errors:json email? adkim? aspf? p? sp? np? pct:int? fo? testing:int? discovery_method? records:int messages:int received_at:int',
  dmarc_rows: 'domain day:int source_ip count:int disposition dkim_aligned spf_aligned overrides:json header_from envelope_from? envelope_to? dkim:json spf:json',
  tls_reports: 'org email? report_id domain begin_at:int end_at:int policies:int successful:int failed:int received_at:int',
  tls_policies: 'policy_type policy_domain mx_hosts:json successful:int failed:int failures:json',
  failure_reports:
    'domain auth_failure source_ip? arrival_at:int? mail_from? rcpt_to? delivery_result? dkim_domain? dkim_selector? identity_alignment? authentication_results? user_agent? subject? from_header? message_id? content_key? received_at:int',
  report_sources: 'ip status ptr? fcrdns:int? base_domain? label? error? first_seen:int checked_at:int',
} as const;

export type ReportTable = keyof typeof TABLES;

interface Column {
  name: string;
  type: 'text' | 'int' | 'json';
  nullable: boolean;
}

function columnsOf(table: ReportTable): Column[] {
  return TABLES[table].split(' ').map((spec) => {
    const nullable = spec.endsWith('?');
    const [name = '', type = 'text'] = spec.replace(/\?$/, '').split(':');
    return { name, type: type as Column['type'], nullable };
  });
}

export const REPORT_COLUMNS = Object.fromEntries(Object.keys(TABLES).map((table) => [table, columnsOf(table as ReportTable).map((c) => c.name)])) as Record<ReportTable, string[]>;

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const cellOf = (column: Column) => {
  const value =
    column.type === 'int' ? z.number().int() : column.type === 'json' ? z.string().max(1_000_000).refine(isJson, 'expected JSON text, as the store keeps it') : z.string().max(1_000_000);
  return column.nullable ? value.nullable() : value;
};

export type Row = Record<string, string | number | null>;

/** A row of `table` with exactly its columns, each of its type. */
export function rowOf(table: ReportTable): z.ZodType<Row> {
  return z.strictObject(Object.fromEntries(columnsOf(table).map((column) => [column.name, cellOf(column)])));
}
