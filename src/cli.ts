#!/usr/bin/env node
import { unsupportedNode } from './node-version.js';

// Checked before anything else is loaded: on an older Node the native store crashes the process instead of
// failing with a message, and a missing export of a built-in module would stop it before this line.
const unsupported = unsupportedNode(process.versions.node);
if (unsupported) {
  process.stderr.write(`inboxwatch: ${unsupported}\n`);
  process.exitCode = 1;
} else {
  // V8 keeps the compiled code of inboxwatch and its libraries on disk, so later runs skip parsing and
  // compiling them: most of a short command's start-up. Errors (e.g. an unwritable cache dir) only cost speed.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { runProgram } = await import('./commands/program.js');
  await runProgram(process.argv);
}
