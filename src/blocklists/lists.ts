import type { BlocklistsConfig, CustomListConfig } from '../config/schema.js';
import { CATALOGUE, defaultZones, IPV6_TEST_POINTS } from '../config/blocklist-catalogue.js';
import type { CodeRule, ListDefinition } from './types.js';

/** A list as one sweep uses it: its definition and the zone its queries actually go to. */
export interface ActiveList {
  definition: ListDefinition;
  /** Where queries go: the public zone, or a keyed mirror. Contains the key: never show or store it. */
  queryZone: string;
}

export class UnknownZoneError extends Error {
  constructor(
    readonly zone: string,
    readonly known: string[],
  ) {
    super(`unknown zone "${zone}"; known zones are ${known.join(', ')}`);
    this.name = 'UnknownZoneError';
  }
}

/**
 * The lists a sweep checks: `zones` (the command line's `--zones`, else `blocklists.zones`, else the
 * default catalogue set) minus `blocklists.disable`, each pointed at its keyed zone when its key is set.
 * A keyed-only list named without its key is dropped: it cannot be asked.
 */
export function selectLists(config: BlocklistsConfig, zones?: readonly string[]): ActiveList[] {
  const custom = config.custom.map(customDefinition);
  const all = [...CATALOGUE, ...custom];
  const known = all.map((list) => list.zone);
  const wanted = (zones ?? config.zones ?? [...defaultZones(config), ...custom.map((list) => list.zone)]).map(normalise);
  for (const zone of wanted) if (!known.includes(zone)) throw new UnknownZoneError(zone, known);
  const disabled = new Set(config.disable.map(normalise));
  const lists: ActiveList[] = [];
  for (const zone of new Set(wanted)) {
    if (disabled.has(zone)) continue;
    const definition = all.find((list) => list.zone === zone) as ListDefinition;
    const key = definition.access ? config[definition.access.key] : undefined;
    if (definition.access?.only && key === undefined) continue;
    lists.push({ definition, queryZone: definition.access && key !== undefined ? `${key}.${definition.access.keyedZone}` : definition.zone });
  }
  return lists;
}

export function customDefinition(list: CustomListConfig): ListDefinition {
  const zone = normalise(list.zone);
  const codes: CodeRule[] = Object.entries(list.codes).map(([key, value]) => {
    const { meaning, effect } = typeof value === 'string' ? { meaning: value, effect: list.kind === 'allow' ? 'allow' : 'listed' } as const : value;
    if (list.bitmask) return { bit: Number(key), meaning, effect };
    return key.includes('/') ? { range: key, meaning, effect } : { code: key, meaning, effect };
  });
  return {
    zone,
    name: list.name ?? zone,
    kind: list.kind,
    targets: list.type === 'domain' ? 'domain' : 'ip',
    ipv6: list.type === 'ip',
    domainQuery: list.domainQuery,
    answerRange: list.answerRange,
    encoding: list.bitmask ? 'bitmask' : 'exact',
    codes,
    testPoints: {
      listed: list.testPoints.listed ?? (list.type === 'domain' ? 'test' : '127.0.0.2'),
      unlisted: list.testPoints.unlisted ?? (list.type === 'domain' ? 'invalid' : '127.0.0.1'),
    },
    ...(list.type === 'ip' ? { ipv6TestPoints: IPV6_TEST_POINTS } : {}),
    usage: 'custom list from the configuration',
    delistUrl: list.delistUrl ?? null,
  };
}

function normalise(zone: string): string {
  return zone.toLowerCase().replace(/\.$/, '');
}
