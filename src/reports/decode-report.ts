import { parseAggregate } from './aggregate.js';
import { parseFailureReport } from './failure.js';
import { isFeedbackPart, sniff } from './sniff.js';
import { parseTlsReport } from './tls.js';
import { ReportError, type Report } from './types.js';
import type { Limits } from '../config/report-limits.js';
import { unpack } from './unpack.js';

const utf8 = new TextDecoder('utf-8');

/**
 * A report from a file as it arrived: gzip, zip, XML (aggregate), JSON (SMTP TLS) or a bare
 * message/feedback-report part (failure), told apart by content, never by name or MIME type.
 * Mail messages are split into their parts by the runtime's MIME reader first.
 */
export function decodeReport(bytes: Uint8Array, limits: Limits): Report {
  const inner = unpack(bytes, limits).bytes;
  const kind = sniff(inner);
  const body = utf8.decode(inner);
  if (kind === 'xml') return parseAggregate(body);
  if (kind === 'json') return parseTlsReport(body);
  if (kind === 'email' && isFeedbackPart(body)) return parseFailureReport(body);
  if (kind === 'email') throw new ReportError('a mail message, not a report file: it must be split into its parts first');
  throw new ReportError('not a report: expected gzip, zip, XML or JSON content');
}
