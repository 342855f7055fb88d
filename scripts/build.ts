/**
 * `npm run build`: dist/ is hindsight bundled by esbuild (ADR 0018) — one ES module per entry
 * point (the CLI, the YAML parse worker and the kubeconfig resolver `serve` runs as a child),
 * code shared between commands split into chunks that a command loads when it runs, packages
 * left to node_modules — plus the READMEs of the rules and certificate checks, which `rules`,
 * `explain` and SARIF read at run time.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: [
    'src/cli/bin.ts',
    'src/sources/manifests/parse-worker.ts',
    'src/sources/cluster/access-child.ts',
  ],
  outbase: 'src',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  // Stack traces of internal errors map back to src/ with NODE_OPTIONS=--enable-source-maps.
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
});
chmodSync(join(dist, 'cli', 'bin.js'), 0o755);

let copied = 0;
for (const folder of [join(root, 'src', 'rules'), join(root, 'src', 'analyzers', 'certs', 'checks')]) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const readme = join(folder, entry.name, 'README.md');
    if (!entry.isDirectory() || !existsSync(readme)) continue;
    const target = join(dist, relative(join(root, 'src'), folder), entry.name);
    mkdirSync(target, { recursive: true });
    copyFileSync(readme, join(target, 'README.md'));
    copied++;
  }
}

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
process.stderr.write(
  `built dist/: ${outputs.length} modules, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${copied} READMEs, in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
