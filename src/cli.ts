#!/usr/bin/env node
import { unsupportedNode } from './node-version.js';

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
