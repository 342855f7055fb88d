/**
 * What hindsight needs to know of a Helm chart before rendering it: its name (Helm's `# Source:`
 * comments start with it), whether it is a library chart, and which of its dependencies are
 * already in its `charts/` directory.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareText } from '../../core/compare-text.ts';
import { SourceError } from '../../core/errors.ts';
import { describeFsError } from '../fs-errors.ts';
import { parseYamlDocuments } from '../manifests/read-documents.ts';

export interface ChartDependency {
  name: string;
  version?: string;
  /** `https://…`, `oci://…`, `file://../common`, `@alias`, or absent (vendored by hand). */
  repository?: string;
}

export interface ChartInfo {
  /** The chart directory as the user named it. */
  dir: string;
  name: string;
  type: 'application' | 'library';
  dependencies: ChartDependency[];
}

/** Reads `DIR/Chart.yaml`; a missing or malformed one is a SourceError naming it. */
export async function readChart(dir: string): Promise<ChartInfo> {
  const file = join(dir, 'Chart.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SourceError(file, describeFsError(error), { cause: error });
  }
  const parsed = parseYamlDocuments(text, file);
  const first = parsed.errors[0];
  if (first) throw new SourceError(file, `line ${first.line}: ${first.message}`);
  const value = parsed.documents[0]?.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new SourceError(file, 'not a Helm chart: Chart.yaml is not a mapping');
  const chart = value as Record<string, unknown>;
  if (typeof chart.name !== 'string' || chart.name === '')
    throw new SourceError(file, 'not a Helm chart: Chart.yaml has no name');
  const dependencies: ChartDependency[] = [];
  if (Array.isArray(chart.dependencies)) {
    for (const d of chart.dependencies as unknown[]) {
      if (d === null || typeof d !== 'object') continue;
      const dep = d as Record<string, unknown>;
      if (typeof dep.name !== 'string') continue;
      dependencies.push({
        name: dep.name,
        ...(typeof dep.version === 'string' ? { version: dep.version } : {}),
        ...(typeof dep.repository === 'string' && dep.repository !== ''
          ? { repository: dep.repository }
          : {}),
      });
    }
  }
  return { dir, name: chart.name, type: chart.type === 'library' ? 'library' : 'application', dependencies };
}

/**
 * The subcharts in `DIR/charts/`, by chart name: a directory (named by its own Chart.yaml, as
 * Helm does) or a packaged `NAME-VERSION.tgz`.
 */
export async function vendoredSubcharts(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let entries: Dirent[];
  try {
    entries = await readdir(join(dir, 'charts'), { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
    const path = join(dir, 'charts', entry.name);
    if (entry.isDirectory()) {
      try {
        const sub = await readChart(path);
        found.set(sub.name, path);
      } catch {
        // Not a chart (or a broken one): Helm reports it when it loads the parent.
      }
    } else {
      const packaged = /^(.+)-v?\d[^/]*\.tgz$/.exec(entry.name);
      if (packaged?.[1] && !found.has(packaged[1])) found.set(packaged[1], path);
    }
  }
  return found;
}

export function isLocalRepository(repository: string | undefined): repository is string {
  return repository?.startsWith('file://') === true;
}
