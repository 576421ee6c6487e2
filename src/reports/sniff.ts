/** What a file holds, told by its first bytes: attachments are often labelled application/octet-stream. */
export type Container = 'gzip' | 'zip' | 'xml' | 'json' | 'email' | 'unknown';

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*:[ \t]/;

export function sniff(bytes: Uint8Array): Container {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] === 0x3c) return 'xml';
  if (bytes[i] === 0x7b) return 'json';
  // A saved message (.eml) or a bare RFC 6591 feedback-report part: header lines from the first byte.
  const head = new TextDecoder('latin1').decode(bytes.subarray(i, i + 200));
  if (HEADER_LINE.test(head)) return 'email';
  return 'unknown';
}

/** A bare RFC 6591 message/feedback-report part, as opposed to a whole message carrying one. */
export function isFeedbackPart(text: string): boolean {
  const head = text.replace(/\r\n/g, '\n').split('\n\n')[0] ?? '';
  return /^feedback-type:/im.test(head) && !/^content-type:/im.test(head);
}
