#!/usr/bin/env node
import * as nodeModule from 'node:module';
import { basename } from 'node:path';

// An older Node.js fails somewhere inside with a message about a missing export: say what is needed.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`hindsight: needs Node.js 24 or later; this is Node.js ${process.versions.node}\n`);
  process.exit(2);
}
// V8's compiled code for hindsight's modules is cached on disk (in the OS temp directory, or
// NODE_COMPILE_CACHE): later runs skip compiling them. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
nodeModule.enableCompileCache();
const { main } = await import('./main.ts');

// `hindsight scan | head`: the reader went away; stop quietly, as other CLIs do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const invokedAs = basename(process.argv[1] ?? 'hindsight').replace(/\.(js|ts)$/, '');
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  env: {
    ...process.env,
    HINDSIGHT_INVOKED_AS: invokedAs === 'kubectl-hindsight' ? 'kubectl hindsight' : 'hindsight',
  },
  cwd: process.cwd(),
  isTty: Boolean(process.stdout.isTTY),
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
}).catch((error: unknown) => {
  process.stderr.write(
    `hindsight: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 70;
});
process.exitCode = code;
