/**
 * `--values-matrix DIR-or-glob`: one environment per values file, named by the file
 * (`values-prod.yaml` → `prod`), each rendered on top of the chart's values.yaml and any `-f`.
 */
import { glob, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { HelmEnvironment } from './render-chart.ts';

/** `values-prod.yaml`, `values.prod.yaml`, `values_prod.yml`, `prod.yaml` → `prod`. */
export function environmentName(valuesFile: string): string {
  const name = basename(valuesFile, extname(valuesFile));
  return name.replace(/^values[-._]/, '');
}

/**
 * The environments of a matrix: every `.yaml`/`.yml` file in a directory (not recursive), or
 * every file a glob matches, sorted; the chart's own `values.yaml` (and `Chart.yaml`) is not an
 * environment.
 * Paths are relative to the working directory, as the other paths of a scan are.
 */
export async function expandValuesMatrix(spec: string): Promise<HelmEnvironment[]> {
  let files: string[];
  const info = await stat(spec).catch(() => undefined);
  if (info?.isDirectory()) {
    files = (await readdir(spec)).filter((f) => /\.ya?ml$/i.test(f)).map((f) => join(spec, f));
  } else if (info?.isFile()) {
    files = [spec];
  } else {
    files = [];
    for await (const f of glob(spec)) if (/\.ya?ml$/i.test(f)) files.push(f);
  }
  files = files.filter((f) => !/^(values|Chart)\.ya?ml$/i.test(basename(f))).sort();
  if (files.length === 0) {
    throw new UsageError(
      `--values-matrix ${spec}: no values files (expected a directory or glob of .yaml files such as 'charts/api/values-*.yaml')`,
    );
  }
  const byName = new Map<string, string>();
  for (const file of files) {
    const name = environmentName(file);
    const other = byName.get(name);
    if (other)
      throw new UsageError(`--values-matrix ${spec}: ${other} and ${file} both name environment ${name}`);
    byName.set(name, file);
  }
  return [...byName].map(([name, valuesFile]) => ({ name, valuesFile }));
}
