/** What a seed message looks like and how we recognise ours again; pure, no I/O. */

export const TEST_HEADER = 'X-Inboxwatch-Test';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A token nobody else's mail contains: "iw-" and 20 base32 characters (100 bits) from the given random bytes. */
export function mintToken(random: Uint8Array): string {
  if (random.length < 20) throw new Error('mintToken needs 20 random bytes');
  let out = 'iw-';
  for (let i = 0; i < 20; i++) out += ALPHABET[(random[i] as number) % 32];
  return out;
}

export const isToken = (value: string) => /^iw-[a-z2-7]{20}$/.test(value);

export function domainOfAddress(address: string): string {
  const inside = address.match(/<([^>]+)>/)?.[1] ?? address;
  const at = inside.lastIndexOf('@');
  return (at === -1 ? 'localhost' : inside.slice(at + 1)).trim().toLowerCase();
}

export function addressOf(from: string): string {
  return (from.match(/<([^>]+)>/)?.[1] ?? from).trim().toLowerCase();
}

/** Our own Message-ID, unique per test, provider and seed, in the From domain like production mail. */
export function messageId(token: string, provider: string, seedIndex: number, fromDomain: string): string {
  return `<${token}.${provider.toLowerCase()}.${seedIndex}@${fromDomain}>`;
}

export interface SeedMessage {
  subject: string;
  text: string;
  html: string;
}

/** A short, ordinary-looking message carrying the token in the body as well as in the header. */
export function composeMessage(token: string, provider: string): SeedMessage {
  const ref = token.slice(3, 11).toUpperCase();
  return {
    subject: `Your weekly update ${ref}`,
    text: `Hello,\n\nthis is a delivery test sent through ${provider}.\n\nReference: ${token}\n`,
    html: `<p>Hello,</p><p>this is a delivery test sent through ${provider}.</p><p>Reference: ${token}</p>`,
  };
}

/** The queue id many MTAs put in their 250 answer ("queued as X", "id=X", Gmail's "OK 1234 x.y - gsmtp"). */
export function queueIdFrom(response: string | undefined): string | undefined {
  if (!response) return undefined;
  const patterns = [/queued as ([A-Za-z0-9._-]+)/i, /\bid=([A-Za-z0-9._-]+)/i, /^250 [\d.]+ OK\s+(?:\d+\s+)?(\S+) - gsmtp/i, /<([^>\s]+)>/, /^250 [\d.]+ Ok:? ([A-Za-z0-9]{6,})\b/i];
  for (const p of patterns) {
    const m = response.match(p);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** Fisher–Yates with an injected random source, so the send order is random but a test can pin it. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
