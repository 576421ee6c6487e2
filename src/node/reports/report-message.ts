import { simpleParser } from 'mailparser';
import { isFeedbackPart, sniff } from '../../reports/sniff.js';
import type { Incoming } from '../../reports/ingest.js';
import type { IntakeSource } from '../../reports/store.js';

/**
 * The reports a mail message carries: each attachment whatever its declared type (content decides later),
 * and an RFC 6591 feedback-report part with the headers of the message that failed.
 */
export async function reportsInMessage(raw: Uint8Array, name: string, source: IntakeSource): Promise<Incoming[]> {
  const parsed = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  const parts = parsed.attachments;
  const feedback = parts.find((a) => a.contentType.toLowerCase() === 'message/feedback-report');
  if (feedback) {
    const original = parts.find((a) => ['text/rfc822-headers', 'message/rfc822', 'message/rfc822-headers'].includes(a.contentType.toLowerCase()));
    return [{ name, source, feedback: feedback.content.toString('utf8'), originalHeaders: original?.content.toString('utf8') ?? '' }];
  }
  const files = parts.filter((a) => a.contentType.toLowerCase() !== 'message/delivery-status');
  const label = (filename: string | undefined, i: number) => `${name}${files.length > 1 || filename ? `#${filename ?? i + 1}` : ''}`;
  if (files.length > 0) return files.map((a, i) => ({ name: label(a.filename, i), source, bytes: new Uint8Array(a.content) }));
  // Some reporters put the report in the body itself.
  const body = new TextEncoder().encode(parsed.text ?? '');
  return [{ name, source, bytes: body }];
}

/** A file as given: a report, or a saved message (.eml) holding reports. */
export async function reportsInFile(bytes: Uint8Array, name: string, source: IntakeSource): Promise<Incoming[]> {
  if (sniff(bytes) === 'email' && !isFeedbackPart(new TextDecoder('latin1').decode(bytes.subarray(0, 16_384)))) return reportsInMessage(bytes, name, source);
  return [{ name, source, bytes }];
}
