import { XMLParser } from 'fast-xml-parser';
import { ReportError } from './types.js';

/** A parsed XML element: text, or children by name (one child or an array of them). */
export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] | undefined };

// No DTDs at all: DMARC reports never carry one, and a DTD is how entity-expansion bombs get in.
const DTD = /<!(DOCTYPE|ENTITY)/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 64,
});

/** Parses a report document with entity processing off; a DTD is refused before parsing starts. */
export function parseXml(text: string): Record<string, XmlNode> {
  if (DTD.test(text)) throw new ReportError('XML with a DTD or entity declarations is refused (entity processing is off)', true);
  try {
    return parser.parse(text, true) as Record<string, XmlNode>;
  } catch (error) {
    throw new ReportError(`not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined XML entities and character references, which are all a report's text may use. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

/** Children as an array whether the document had none, one or many (the parser cannot know which to expect). */
export function list(value: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** A child element; the first when it repeats. */
export function child(node: XmlNode | XmlNode[] | undefined, name: string): XmlNode | undefined {
  const first = Array.isArray(node) ? node[0] : node;
  if (first === undefined || typeof first === 'string') return undefined;
  const value = first[name];
  return Array.isArray(value) ? value[0] : value;
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  return list(node[name]);
}

/** An element's text, trimmed and decoded; null when absent or empty. */
export function text(node: XmlNode | XmlNode[] | undefined): string | null {
  const first = Array.isArray(node) ? node[0] : node;
  if (first === undefined) return null;
  const raw = typeof first === 'string' ? first : typeof first['#text'] === 'string' ? first['#text'] : undefined;
  if (raw === undefined || raw === '') return null;
  return decodeEntities(raw);
}

export function attribute(node: XmlNode | undefined, name: string): string | null {
  if (node === undefined || typeof node === 'string') return null;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : null;
}
