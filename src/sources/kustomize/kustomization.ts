/**
 * Reading a kustomization file for what the directory walk needs: whether it is a Component,
 * and which local files and directories it uses (resources, bases, components, patches,
 * generator inputs), so that they are built through it and never scanned on their own.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SourceError } from '../../core/errors.ts';
import { describeFsError } from '../fs-errors.ts';
import { parseYamlDocuments } from '../manifests/read-documents.ts';

/** The names kustomize accepts, in its order of preference. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function kustomizationFileIn(entries: readonly string[]): string | undefined {
  return KUSTOMIZATION_FILE_NAMES.find((name) => entries.includes(name));
}

export interface KustomizationInfo {
  /**
   * `Kustomization`, `Component` (only usable through `components:` of another), or `object`:
   * the file is a Kubernetes object of another API group that happens to have the name, such as
   * Flux's `kustomize.toolkit.fluxcd.io` Kustomization, and is read like any manifest.
   */
  kind: 'Kustomization' | 'Component' | 'object';
  /** Absolute paths of the local files and directories it names. */
  uses: string[];
}

export async function readKustomization(dir: string, file: string): Promise<KustomizationInfo> {
  const path = join(dir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SourceError(path, describeFsError(error), { cause: error });
  }
  const parsed = parseYamlDocuments(text, path);
  const first = parsed.errors[0];
  if (first) throw new SourceError(path, `line ${first.line}: ${first.message}`);
  const value = parsed.documents[0]?.value;
  const k =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  if (typeof k.apiVersion === 'string' && !k.apiVersion.startsWith('kustomize.config.k8s.io/'))
    return { kind: 'object', uses: [] };
  const uses = new Set<string>();
  const add = (entry: unknown): void => {
    if (typeof entry !== 'string' || !isLocalPath(entry)) return;
    // Generator file entries may be `key=path`.
    const local = /^[^=/]+=(.+)$/.exec(entry)?.[1] ?? entry;
    uses.add(resolve(dir, local));
  };
  const addAll = (list: unknown): void => {
    if (Array.isArray(list)) for (const entry of list) add(entry);
  };
  for (const field of [
    'resources',
    'bases',
    'components',
    'crds',
    'patchesStrategicMerge',
    'configurations',
    'generators',
    'transformers',
    'validators',
  ])
    addAll(k[field]);
  for (const field of ['patches', 'patchesJson6902', 'replacements']) {
    if (!Array.isArray(k[field])) continue;
    for (const item of k[field] as unknown[]) {
      if (item !== null && typeof item === 'object') add((item as { path?: unknown }).path);
    }
  }
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    if (!Array.isArray(k[field])) continue;
    for (const item of k[field] as unknown[]) {
      if (item === null || typeof item !== 'object') continue;
      const generator = item as { files?: unknown; envs?: unknown; env?: unknown };
      addAll(generator.files);
      addAll(generator.envs);
      add(generator.env);
    }
  }
  const openapi = k.openapi as { path?: unknown } | undefined;
  if (openapi && typeof openapi === 'object') add(openapi.path);
  return { kind: k.kind === 'Component' ? 'Component' : 'Kustomization', uses: [...uses] };
}

/** Remote resources (git, http) and inline patches are not paths in the tree. */
function isLocalPath(entry: string): boolean {
  if (entry.includes('\n') || entry.trim() === '') return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('git@')) return false;
  if (/^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.includes('?ref=')) return false;
  return true;
}
