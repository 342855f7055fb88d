/**
 * Builds a kustomization with the user's own kubectl (`kubectl kustomize`, or `kustomize build`
 * when only kustomize is installed) and maps each object back to the resource file of the base
 * it came from.
 *
 * The user's files are never touched: the build goes through a temporary kustomization that
 * names the user's directory as its only resource and asks for `buildMetadata:
 * [originAnnotations]`, so kustomize itself records each object's file in a
 * `config.kubernetes.io/origin` annotation; hindsight reads it and removes it again.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { SourceError, UsageError } from '../../core/errors.ts';
import type { Origin } from '../../core/origin.ts';
import type { KubeObject } from '../../core/resource.ts';
import { findExecutable, runTool, type ToolLimits, ToolRunError } from '../external-tool.ts';
import { parseYamlDocuments, type RawDocument } from '../manifests/read-documents.ts';
import type { RenderedManifest } from '../rendered-manifest.ts';

export const KUSTOMIZE_MISSING =
  'neither kubectl nor kustomize is on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/) or kustomize, or build yourself: kubectl kustomize DIR | hindsight scan -';

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

interface Builder {
  file: string;
  args: (dir: string) => string[];
  name: string;
}

/** The user's kubectl first (its kustomize is what `kubectl apply -k` uses), else kustomize. */
function findBuilder(env: NodeJS.ProcessEnv): Builder | undefined {
  const kubectl = findExecutable('kubectl', env);
  if (kubectl) return { file: kubectl, args: (dir) => ['kustomize', dir], name: 'kubectl kustomize' };
  const kustomize = findExecutable('kustomize', env);
  if (kustomize) return { file: kustomize, args: (dir) => ['build', dir], name: 'kustomize build' };
  return undefined;
}

/**
 * Builds the kustomization in `dir` (whose kustomization file is `file`). A failed build is a
 * SourceError naming the directory and what kustomize said.
 */
export async function buildKustomization(
  dir: string,
  file: string,
  env: NodeJS.ProcessEnv,
  limits: Partial<ToolLimits> = {},
): Promise<RenderedManifest> {
  const builder = findBuilder(env);
  if (!builder) throw new UsageError(`${dir} is a kustomization and ${KUSTOMIZE_MISSING}`);
  const command = `${builder.name} ${dir}`;
  const wrapper = await mkdtemp(join(tmpdir(), 'hindsight-kustomize-'));
  let text: string;
  let withOrigins = true;
  try {
    // Relative, because kustomize refuses absolute resource roots.
    const target = relative(wrapper, resolve(dir));
    await writeFile(
      join(wrapper, 'kustomization.yaml'),
      `resources:\n  - ${JSON.stringify(target)}\nbuildMetadata: [originAnnotations]\n`,
    );
    try {
      ({ stdout: text } = await runTool(builder.file, builder.args(wrapper), { env, limits }));
    } catch (wrapped) {
      if (!(wrapped instanceof ToolRunError)) throw wrapped;
      // An older kustomize without buildMetadata, or a real error: build the user's directory
      // directly, whose error (if any) names their files rather than the wrapper.
      try {
        ({ stdout: text } = await runTool(builder.file, builder.args(dir), { env, limits }));
        withOrigins = false;
      } catch (error) {
        if (!(error instanceof ToolRunError)) throw error;
        throw new SourceError(dir, `${builder.name} failed: ${error.detail}`, { cause: error });
      }
    }
  } finally {
    await rm(wrapper, { recursive: true, force: true });
  }
  const kustomizationFile = join(dir, file);
  const files = new Map<string, Promise<RawDocument[]>>();
  return {
    text,
    command,
    input: dir,
    fileAt: () => undefined,
    async place(object: KubeObject): Promise<Origin> {
      const recorded = takeOriginAnnotation(object);
      const origin: Origin = { source: kustomizationFile, rendered: command };
      if (!withOrigins || !recorded?.path || recorded.repo) return origin;
      const absolute = resolve(wrapper, recorded.path);
      origin.source = userPath(dir, absolute);
      let documents = files.get(absolute);
      if (!documents) {
        documents = readDocuments(absolute);
        files.set(absolute, documents);
      }
      const match = matchingDocument(await documents, object);
      if (match) {
        origin.document = match.index;
        origin.line = match.line;
      }
      return origin;
    },
  };
}

/** Reads and removes the annotation kustomize added for hindsight. */
function takeOriginAnnotation(object: KubeObject): { path?: string; repo?: string } | undefined {
  const annotations = object.metadata.annotations;
  const value = annotations?.[ORIGIN_ANNOTATION];
  if (!annotations || value === undefined) return undefined;
  delete annotations[ORIGIN_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
  try {
    const parsed = loadYaml(value, { schema: CORE_SCHEMA }) as { path?: unknown; repo?: unknown } | null;
    if (!parsed || typeof parsed !== 'object') return undefined;
    return {
      ...(typeof parsed.path === 'string' ? { path: parsed.path } : {}),
      ...(typeof parsed.repo === 'string' ? { repo: parsed.repo } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A path under the user's kustomization as they would name it: `deploy/base/deployment.yaml`. */
function userPath(dir: string, absolute: string): string {
  const fromDir = relative(resolve(dir), absolute);
  return isAbsolute(fromDir) ? absolute : join(dir, fromDir);
}

async function readDocuments(file: string): Promise<RawDocument[]> {
  try {
    return parseYamlDocuments(await readFile(file, 'utf8'), file).documents;
  } catch {
    return [];
  }
}

/**
 * The document of the base file the object was built from: same kind, and the name that the
 * object's name contains (kustomize adds prefixes and suffixes); the only one of its kind.
 */
function matchingDocument(documents: readonly RawDocument[], object: KubeObject): RawDocument | undefined {
  const sameKind = documents.filter((d) => (d.value as { kind?: unknown } | null)?.kind === object.kind);
  if (sameKind.length <= 1) return sameKind[0];
  const name = object.metadata.name ?? '';
  let best: RawDocument | undefined;
  let bestLength = -1;
  for (const d of sameKind) {
    const docName = (d.value as { metadata?: { name?: unknown } }).metadata?.name;
    if (typeof docName !== 'string' || !name.includes(docName)) continue;
    if (docName.length > bestLength) {
      best = d;
      bestLength = docName.length;
    }
  }
  return best;
}
