import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/**
 * Outside the core: the runtimes' composition roots and adapters (Node; Workers, which runs with
 * nodejs_compat and shares the mailauth adapters in src/node), the CLI and its entry point.
 */
const RUNTIME_SIDE = new Set(['node', 'worker', 'commands', 'cli.ts']);
/** Packages that only run on Node (sockets, native code, node:* inside). */
const NODE_ONLY_PACKAGES = ['mailauth', 'better-sqlite3', 'imapflow', 'nodemailer', 'mailparser', 'node-cron', 'undici', '@hono/node-server'];

interface SourceFile {
  path: string;
  folder: string;
  imports: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Static imports, re-exports and dynamic imports, type-only ones included: a loop in types is still a loop. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((match[1] ?? match[2] ?? match[3]) as string);
  }
  return found;
}

/** The first path segment under src/: `audit`, `node`, or the file name for files at the top. */
const folderOf = (path: string) => relative(SRC, path).split(sep)[0] as string;

function load(): SourceFile[] {
  return sourceFiles(SRC).map((path) => ({ path, folder: folderOf(path), imports: importsOf(readFileSync(path, 'utf8')) }));
}

function folderGraph(files: readonly SourceFile[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    for (const spec of file.imports) {
      if (!spec.startsWith('.')) continue;
      const target = folderOf(resolve(dirname(file.path), spec));
      if (target === file.folder) continue;
      const edges = graph.get(file.folder) ?? new Map<string, string>();
      // One example per edge, so a failure names a file to look at.
      if (!edges.has(target)) edges.set(target, `${relative(SRC, file.path)} imports ${spec}`);
      graph.set(file.folder, edges);
    }
  }
  return graph;
}

/** Every cycle through the folder graph, each as the import lines that make it. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, path: string[], via: string[]) => {
    for (const [next, example] of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const loop = [...via.slice(at), example];
        const key = [...path.slice(at)].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          found.push(loop);
        }
      } else if (path.length < 12) {
        visit(next, [...path, next], [...via, example]);
      }
    }
  };
  for (const start of graph.keys()) visit(start, [start], []);
  return found;
}

describe('source layout', () => {
  const files = load();

  it('has no import loop between folders of src/', () => {
    expect(cycles(folderGraph(files))).toEqual([]);
  });

  it('finds a loop when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a', new Map([['b', 'a/x.ts imports ../b/y.js']])],
      ['b', new Map([['a', 'b/y.ts imports ../a/x.js']])],
    ]);
    expect(cycles(graph)).toEqual([['a/x.ts imports ../b/y.js', 'b/y.ts imports ../a/x.js']]);
  });

  it('keeps Node out of the portable core: no node:* module, no Node-only package, nothing from a runtime folder or the CLI', () => {
    const offences: string[] = [];
    for (const file of files.filter((f) => !RUNTIME_SIDE.has(f.folder))) {
      for (const spec of file.imports) {
        const nodeOnly = spec.startsWith('node:') || NODE_ONLY_PACKAGES.some((name) => spec === name || spec.startsWith(`${name}/`));
        const nodeSide = spec.startsWith('.') && RUNTIME_SIDE.has(folderOf(resolve(dirname(file.path), spec)));
        if (nodeOnly || nodeSide) offences.push(`${relative(SRC, file.path)} imports ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('gives different things different file names (no second runner.ts or auth.ts)', () => {
    // Conventions, not clashes: each feature folder has its own store, job, types, targets and index
    // module, and the CLI's commands and the API's routes are named after the feature they serve.
    const perFeature = /^(store|job|types|targets|index)\.ts$/;
    const namedAfterFeature = (path: string) => path.startsWith(`commands${sep}`) || path.startsWith(`api${sep}routes${sep}`);
    const byName = new Map<string, string[]>();
    for (const file of files) {
      const path = relative(SRC, file.path);
      const name = path.slice(path.lastIndexOf(sep) + 1);
      if (!perFeature.test(name) && !namedAfterFeature(path)) byName.set(name, [...(byName.get(name) ?? []), path]);
    }
    expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
  });
});
