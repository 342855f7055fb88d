/** After tsc: copy what the compiled code reads at run time (rule READMEs) into dist/. */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const rules = join(root, 'src', 'rules');
let copied = 0;
for (const entry of readdirSync(rules, { withFileTypes: true })) {
  const readme = join(rules, entry.name, 'README.md');
  if (!entry.isDirectory() || !existsSync(readme)) continue;
  const target = join(root, 'dist', 'rules', entry.name);
  mkdirSync(target, { recursive: true });
  copyFileSync(readme, join(target, 'README.md'));
  copied++;
}
process.stderr.write(`copied ${copied} rule READMEs into dist/\n`);
