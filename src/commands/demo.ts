import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT } from './exit.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = `${ROOT}scripts/demo.ts`;
const TSX = `${ROOT}node_modules/.bin/tsx`;

/**
 * `inboxwatch demo` runs the repository's demo world (test/world: NSD zones, Dovecot seeds, relays), so it
 * needs a clone with its development dependencies rather than the published package alone.
 */
export async function demoCommand(): Promise<void> {
  if (!existsSync(SCRIPT) || !existsSync(TSX)) {
    process.stderr.write(
      'inboxwatch demo runs from a clone of the repository, with its test world:\n  git clone <inboxwatch repository> && cd inboxwatch && npm install && npm run demo\n',
    );
    process.exitCode = EXIT.failure;
    return;
  }
  const child = spawn(TSX, [SCRIPT], { cwd: ROOT, stdio: 'inherit' });
  // The demo handles Ctrl-C itself (it stops its world); the CLI only waits for it.
  process.on('SIGINT', () => {});
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  process.exitCode = code ?? EXIT.failure;
}
