/**
 * What a scan reads, decided before anything is parsed: plain files, Helm charts and
 * kustomizations, in the order of a sorted depth-first walk.
 *
 * A directory with a `Chart.yaml` is a chart and one with a kustomization file is a
 * kustomization: the walk takes it as one input and does not descend into it (its templates,
 * patches and bases are not objects). Only the "top" kustomizations are built: one that another
 * kustomization of the scan uses (as a resource, base or component) is built through that one,
 * so a base shared by two overlays is read twice, once per overlay, and never on its own; files
 * a kustomization uses from outside its directory (a patch in `../shared`) are not scanned on
 * their own either.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { SourceError } from '../../core/errors.ts';
import { pushTo } from '../../core/records.ts';
import { describeFsError } from '../fs-errors.ts';
import { kustomizationFileIn, readKustomization } from '../kustomize/kustomization.ts';

export type PlannedInput =
  | { type: 'stdin' }
  | { type: 'file'; path: string }
  | { type: 'chart'; dir: string }
  | { type: 'kustomization'; dir: string; file: string };

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export async function planInputs(
  paths: readonly string[],
  report: { errors: SourceError[]; notes: string[] },
): Promise<PlannedInput[]> {
  const planned: PlannedInput[] = [];
  for (const path of paths) {
    if (path === '-') {
      planned.push({ type: 'stdin' });
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      report.errors.push(new SourceError(path, describeFsError(error), { cause: error }));
      continue;
    }
    if (info.isDirectory()) {
      await walk(path, planned, report);
      continue;
    }
    // Naming the chart's or the kustomization's own file means the directory it describes.
    const name = basename(path);
    if (name === 'Chart.yaml') planned.push({ type: 'chart', dir: dirname(path) });
    else if (kustomizationFileIn([name]) === name)
      planned.push({ type: 'kustomization', dir: dirname(path), file: name });
    else planned.push({ type: 'file', path });
  }
  return await onlyTopKustomizations(planned, report);
}

/** Adds the inputs under `dir`; returns how many. */
async function walk(
  dir: string,
  planned: PlannedInput[],
  report: { errors: SourceError[]; notes: string[] },
  plainHere = false,
): Promise<number> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    report.errors.push(new SourceError(dir, describeFsError(error), { cause: error }));
    return 0;
  }
  if (entries.includes('Chart.yaml')) {
    planned.push({ type: 'chart', dir });
    return 1;
  }
  const kustomization = plainHere ? undefined : kustomizationFileIn(entries);
  if (kustomization) {
    planned.push({ type: 'kustomization', dir, file: kustomization });
    return 1;
  }
  let found = 0;
  for (const entry of entries) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const path = join(dir, entry);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      report.errors.push(new SourceError(path, describeFsError(error), { cause: error }));
      continue;
    }
    if (info.isDirectory()) {
      found += await walk(path, planned, report);
    } else if (MANIFEST_EXTENSIONS.has(extname(entry).toLowerCase())) {
      found++;
      planned.push({ type: 'file', path });
    }
  }
  if (found === 0) report.notes.push(`${dir}: no .yaml, .yml or .json files`);
  return found;
}

async function onlyTopKustomizations(
  planned: PlannedInput[],
  report: { errors: SourceError[]; notes: string[] },
): Promise<PlannedInput[]> {
  const kustomizations = planned.filter(
    (p): p is Extract<PlannedInput, { type: 'kustomization' }> => p.type === 'kustomization',
  );
  if (kustomizations.length === 0) return planned;
  /** Absolute path used → the kustomization directories (as named) that use it. */
  const usedBy = new Map<string, string[]>();
  const skipped = new Map<PlannedInput, string>();
  const plain = new Set<PlannedInput>();
  for (const k of kustomizations) {
    try {
      const info = await readKustomization(k.dir, k.file);
      if (info.kind === 'object') plain.add(k);
      if (info.kind === 'Component')
        skipped.set(k, `${k.dir}: kustomize Component: built through the kustomizations that use it`);
      for (const use of info.uses) {
        if (use === resolve(k.dir)) continue;
        pushTo(usedBy, use, k.dir);
      }
    } catch (error) {
      // Unreadable here means unbuildable: kustomize says why when it is built.
      if (!(error instanceof SourceError)) throw error;
    }
  }
  const kept: PlannedInput[] = [];
  for (const p of planned) {
    if (plain.has(p) && p.type === 'kustomization') {
      // Not kustomize's file (a Flux Kustomization object, say): the directory is plain manifests.
      await walk(p.dir, kept, report, true);
      continue;
    }
    const note = skipped.get(p);
    if (note) {
      report.notes.push(note);
      continue;
    }
    const where = p.type === 'file' ? p.path : p.type === 'stdin' ? undefined : p.dir;
    const users = where === undefined ? undefined : usedBy.get(resolve(where));
    if (users && p.type === 'kustomization') {
      report.notes.push(
        `${p.dir}: kustomization used by ${users.join(', ')}; built through ${users.length === 1 ? 'it' : 'them'}, not on its own`,
      );
      continue;
    }
    if (users && p.type === 'file') {
      report.notes.push(
        `${p.path}: used by kustomization ${users.join(', ')}; read through it, not on its own`,
      );
      continue;
    }
    kept.push(p);
  }
  return kept;
}
