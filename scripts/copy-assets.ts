/**
 * After tsc: copy what the compiled code reads at run time into dist/: the README of every
 * scan rule (src/rules/<id>/) and certificate check (src/analyzers/certs/checks/<id>/).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const folders = [join(root, 'src', 'rules'), join(root, 'src', 'analyzers', 'certs', 'checks')];
let copied = 0;
for (const folder of folders) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const readme = join(folder, entry.name, 'README.md');
    if (!entry.isDirectory() || !existsSync(readme)) continue;
    const target = join(root, 'dist', relative(join(root, 'src'), folder), entry.name);
    mkdirSync(target, { recursive: true });
    copyFileSync(readme, join(target, 'README.md'));
    copied++;
  }
}
process.stderr.write(`copied ${copied} check READMEs into dist/\n`);
