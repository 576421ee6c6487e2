#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import { unsupportedNode } from './node-version.js';

// V8 keeps the compiled code of inboxwatch and its libraries on disk, so later runs skip parsing and
// compiling them: most of a short command's start-up. Errors (e.g. an unwritable cache dir) only cost speed.
enableCompileCache?.();

// Checked before the commands are loaded: on an older Node the native store crashes the process instead of
// failing with a message.
const unsupported = unsupportedNode(process.versions.node);
if (unsupported) {
  process.stderr.write(`inboxwatch: ${unsupported}\n`);
  process.exitCode = 1;
} else {
  const { runProgram } = await import('./commands/program.js');
  await runProgram(process.argv);
}
