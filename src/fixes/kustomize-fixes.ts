/**
 * Fixes of objects a kustomization builds are made in the base resource file the object came
 * from (kustomize's origin annotation says which, ADR 0009), and only when rebuilding proves
 * the edit lands: every kustomization of the scan is built again from a temporary copy of the
 * files it reads with the planned base texts in place, and
 * - each object the fix is for must come out exactly as the original plus the fix's edits (an
 *   overlay patch that sets the same field would undo a base edit: then it is not made);
 * - every other object must come out unchanged, except new objects the fix adds (a PDB);
 * - scanned again, the result has no finding the original did not have.
 * The user's tree is never built in place and nothing is written before all of this holds.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../core/finding.ts';
import { refKey, refOf } from '../core/resource.ts';
import { runRulesByEnvironment } from '../engine/run-environments.ts';
import type { EngineOptions } from '../engine/run-rules.ts';
import { kustomizationFileIn, readKustomization } from '../sources/kustomize/kustomization.ts';
import { loadManifests, type SourcedObject } from '../sources/manifests/load-manifests.ts';
import { applyToObject } from './apply-edits.ts';

export interface Kustomization {
  dir: string;
  file: string;
  command: string;
}

const KUSTOMIZE_COMMAND = /^(kubectl kustomize|kustomize build) /;

/** Whether a finding is about an object a kustomization built, placed in a base file's document. */
export function isKustomizeBuilt(f: Finding): boolean {
  return (
    f.origin?.rendered !== undefined &&
    KUSTOMIZE_COMMAND.test(f.origin.rendered) &&
    f.origin.document !== undefined &&
    f.origin.line !== undefined
  );
}

/** Every local file a kustomization reads, its own file included, through the kustomizations it uses. */
export async function filesOfKustomization(
  dir: string,
  file: string,
  into = new Set<string>(),
): Promise<Set<string>> {
  const own = resolve(dir, file);
  if (into.has(own)) return into;
  into.add(own);
  const info = await readKustomization(dir, file);
  for (const used of info.uses) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(used)).isDirectory();
    } catch {
      continue; // the build would have failed on it already
    }
    if (!isDirectory) {
      into.add(used);
      continue;
    }
    const name = kustomizationFileIn(await readdir(used));
    if (name) await filesOfKustomization(used, name, into);
  }
  return into;
}

function commonDirectory(files: Iterable<string>): string {
  let common: string[] | undefined;
  for (const file of files) {
    const parts = dirname(file).split(sep);
    if (!common) {
      common = parts;
      continue;
    }
    let n = 0;
    while (n < common.length && n < parts.length && common[n] === parts[n]) n++;
    common = common.slice(0, n);
  }
  return (common ?? []).join(sep) || sep;
}

/** Equal as objects: key order is the builder's business. */
function same(a: unknown, b: unknown): boolean {
  const sorted = (_key: string, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : value;
  return JSON.stringify(a, sorted) === JSON.stringify(b, sorted);
}

function findingKey(f: Finding): string {
  return JSON.stringify([f.ruleId, f.messageId, f.ref.kind, f.ref.namespace, f.ref.name, f.container]);
}

function objectKey(o: SourcedObject): string {
  return `${o.origin.rendered ?? ''} ${refKey(refOf(o.object))}`;
}

/**
 * What goes wrong if `planned` (base file path as the findings name it → new text) is written
 * for `fixes`: an empty list when nothing does.
 */
export async function kustomizeFixProblems(args: {
  kustomizations: readonly Kustomization[];
  planned: ReadonlyMap<string, string>;
  fixes: readonly Finding[];
  objects: readonly SourcedObject[];
  before: readonly Finding[];
  options: EngineOptions;
  env: NodeJS.ProcessEnv;
}): Promise<string[]> {
  const { kustomizations, planned, fixes, objects } = args;
  // What each built object must look like afterwards.
  const expected = new Map<string, unknown>();
  const originals = objects.filter((o) => o.origin.rendered && KUSTOMIZE_COMMAND.test(o.origin.rendered));
  for (const f of fixes) {
    if (!f.fix || !f.origin) continue;
    for (const o of originals) {
      if (resolve(o.origin.source) !== resolve(f.origin.source) || o.origin.document !== f.origin.document)
        continue;
      if (
        f.environments &&
        o.origin.environment !== undefined &&
        !f.environments.in.includes(o.origin.environment)
      )
        continue;
      if (refOf(o.object).kind !== f.ref.kind) continue;
      const key = objectKey(o);
      expected.set(key, applyToObject(expected.get(key) ?? o.object, f.fix.edits));
    }
  }
  const companionKinds = new Set(
    fixes.flatMap((f) => (f.fix?.companions ?? []).map((c) => String((c as { kind?: unknown }).kind))),
  );

  const files = new Set<string>();
  for (const k of kustomizations) await filesOfKustomization(k.dir, k.file, files);
  for (const file of planned.keys()) files.add(resolve(file));
  const root = commonDirectory(files);
  const temp = await mkdtemp(join(tmpdir(), 'hindsight-fix-'));
  try {
    const plannedByPath = new Map([...planned].map(([file, text]) => [resolve(file), text]));
    for (const file of files) {
      const copy = join(temp, relative(root, file));
      await mkdir(dirname(copy), { recursive: true });
      const text = plannedByPath.get(file);
      if (text !== undefined) await writeFile(copy, text);
      else await copyFile(file, copy);
    }
    const tempDirOf = new Map(kustomizations.map((k) => [join(temp, relative(root, resolve(k.dir))), k]));
    const rebuilt = await loadManifests([...tempDirOf.keys()], {
      renderedInputs: 'kustomize',
      env: args.env,
    });
    const problems = rebuilt.errors.map((e) => `the kustomization no longer builds: ${e.message}`);
    if (problems.length > 0) return problems;
    const back = (path: string): string => {
      const absolute = resolve(path);
      return absolute.startsWith(temp + sep) ? join(root, relative(temp, absolute)) : path;
    };
    const after: SourcedObject[] = [];
    for (const o of rebuilt.objects) {
      const built = (o.origin.rendered ?? '').replace(KUSTOMIZE_COMMAND, '');
      const k = tempDirOf.get(built);
      const origin = { ...o.origin, source: back(o.origin.source) };
      if (k) origin.rendered = k.command;
      if (origin.environment !== undefined)
        origin.environment = tempDirOf.get(origin.environment)?.dir ?? origin.environment;
      after.push({ object: o.object, origin });
    }
    const afterByKey = new Map(after.map((o) => [objectKey(o), o.object]));
    for (const o of originals) {
      const key = objectKey(o);
      const now = afterByKey.get(key);
      const name = `${o.object.kind} ${refKey(refOf(o.object)).split('/').slice(-2).join('/')} (${o.origin.rendered})`;
      if (!now) {
        problems.push(`${name} is no longer built`);
        continue;
      }
      const want = expected.get(key) ?? o.object;
      if (!same(now, want))
        problems.push(
          expected.has(key)
            ? `${name}: the edit to ${o.origin.source} does not reach the built object (an overlay sets the same field); change the overlay's patch instead`
            : `${name} would change too, and was not meant to`,
        );
    }
    const originalKeys = new Set(originals.map(objectKey));
    for (const o of after) {
      if (originalKeys.has(objectKey(o))) continue;
      if (!companionKinds.has(o.object.kind))
        problems.push(`a new ${o.object.kind} ${o.object.metadata.name ?? ''} would be built`);
    }
    if (problems.length > 0) return problems;
    // Scanned again with everything else: nothing new.
    const rest = objects.filter((o) => !(o.origin.rendered && KUSTOMIZE_COMMAND.test(o.origin.rendered)));
    const known = new Set(args.before.map(findingKey));
    for (const f of runRulesByEnvironment([...rest, ...after], args.options).findings) {
      if (!known.has(findingKey(f)))
        problems.push(`it would cause ${f.ruleId} on ${f.ref.kind} ${f.ref.name}`);
    }
    return problems;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
