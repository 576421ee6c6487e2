import { SaxesParser } from 'saxes';
import { ReportError } from './types.js';

/** A parsed XML element: text, or children by name (one child or an array of them). */
export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] | undefined };

// No DTDs at all: DMARC reports never carry one, and a DTD is how entity-expansion bombs get in. (saxes
// would refuse the undefined entities anyway; refusing up front says why.)
const DTD = /<!(DOCTYPE|ENTITY)/;
// Reports nest five levels deep; anything far deeper is not a report.
const MAX_DEPTH = 64;

interface Open {
  name: string;
  node: { [name: string]: XmlNode | XmlNode[] | undefined };
  text: string;
  children: boolean;
}

/**
 * Parses a report document into plain objects with a strict, streaming, non-validating parser: only the
 * predefined entities and character references are understood, and a DTD is refused before parsing starts.
 * Namespace prefixes are dropped; an element with neither attributes nor children becomes its text.
 */
export function parseXml(text: string): Record<string, XmlNode> {
  if (DTD.test(text)) throw new ReportError('XML with a DTD or entity declarations is refused (entity processing is off)', true);
  const root: Record<string, XmlNode> = {};
  const stack: Open[] = [];
  const parser = new SaxesParser({ position: false });
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_DEPTH) throw new ReportError(`XML nested deeper than ${MAX_DEPTH} elements`);
    const node: Open['node'] = {};
    for (const [name, value] of Object.entries(tag.attributes)) node[`@${localName(name)}`] = value;
    const parent = stack[stack.length - 1];
    if (parent) parent.children = true;
    stack.push({ name: localName(tag.name), node, text: '', children: Object.keys(node).length > 0 });
  });
  parser.on('text', (chunk) => {
    const open = stack[stack.length - 1];
    if (open) open.text += chunk;
  });
  parser.on('cdata', (chunk) => {
    const open = stack[stack.length - 1];
    if (open) open.text += chunk;
  });
  parser.on('closetag', () => {
    const open = stack.pop() as Open;
    const trimmed = open.text.trim();
    let value: XmlNode;
    if (open.children) {
      if (trimmed !== '') open.node['#text'] = trimmed;
      value = open.node;
    } else {
      value = trimmed;
    }
    const parent = stack[stack.length - 1];
    if (parent) append(parent.node, open.name, value);
    else root[open.name] = value;
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof ReportError) throw error;
    throw new ReportError(`not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
  return root;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function append(node: Open['node'], name: string, value: XmlNode): void {
  const existing = node[name];
  if (existing === undefined) node[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else node[name] = [existing, value];
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
  return raw;
}

export function attribute(node: XmlNode | undefined, name: string): string | null {
  if (node === undefined || typeof node === 'string') return null;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : null;
}
