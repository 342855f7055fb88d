/**
 * Reads Kubernetes objects from files, directories and stdin: YAML (multi-document) or JSON,
 * single objects or `List`s (including `kubectl get -A -o json` snapshots with status). One bad
 * file or document is one error naming it; everything else is still read.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { SourceError } from '../../core/errors.ts';
import { isKubeObject, type KubeObject } from '../../core/resource.ts';
import { describeFsError, formatSize } from '../fs-errors.ts';
import type { Origin } from '../origin.ts';
import { snapshotProblem } from '../snapshot/snapshot-marker.ts';
import { parseYamlDocuments, type RawDocument } from './read-documents.ts';

export interface SourcedObject {
  object: KubeObject;
  origin: Origin;
}

export interface LoadResult {
  objects: SourcedObject[];
  errors: SourceError[];
  /** Things passed over on purpose, said once each (e.g. a Helm chart's templates). */
  notes: string[];
  files: number;
}

export interface LoadOptions {
  /** Refuse files larger than this (default 256 MiB): a manifest that big is a mistake. */
  maxFileBytes?: number;
  /** Read for `-`. */
  stdin?: AsyncIterable<Buffer | string>;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

export async function loadManifests(paths: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const result: LoadResult = { objects: [], errors: [], notes: [], files: 0 };
  for (const path of paths) {
    if (path === '-') {
      result.files++;
      const text = await readStream(options.stdin ?? process.stdin);
      parseText(text, '-', result);
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      result.errors.push(new SourceError(path, describeFsError(error), { cause: error }));
      continue;
    }
    if (info.isDirectory()) await walkDirectory(path, result, options);
    else await loadFile(path, result, options);
  }
  return result;
}

async function walkDirectory(dir: string, result: LoadResult, options: LoadOptions): Promise<void> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    result.errors.push(new SourceError(dir, describeFsError(error), { cause: error }));
    return;
  }
  const isHelmChart = entries.includes('Chart.yaml');
  let found = 0;
  for (const entry of entries) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const path = join(dir, entry);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      result.errors.push(new SourceError(path, describeFsError(error), { cause: error }));
      continue;
    }
    if (info.isDirectory()) {
      if (isHelmChart && (entry === 'templates' || entry === 'charts')) {
        result.notes.push(
          `${path}: Helm chart templates are not plain manifests; render them and pipe them in: helm template ${dir} | hindsight scan -`,
        );
        continue;
      }
      const before = result.files;
      await walkDirectory(path, result, options);
      found += result.files - before;
    } else if (MANIFEST_EXTENSIONS.has(extname(entry).toLowerCase())) {
      if (isHelmChart && /^(Chart|values.*)\.ya?ml$/.test(entry)) continue;
      found++;
      await loadFile(path, result, options);
    }
  }
  if (found === 0 && !isHelmChart) {
    result.notes.push(`${dir}: no .yaml, .yml or .json files`);
  }
}

async function loadFile(path: string, result: LoadResult, options: LoadOptions): Promise<void> {
  result.files++;
  const max = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > max) {
        result.errors.push(
          new SourceError(
            path,
            `file is ${formatSize(size)}, over the ${formatSize(max)} limit for one manifest file`,
          ),
        );
        return;
      }
      const buffer = await handle.readFile();
      if (buffer.includes(0)) {
        result.errors.push(new SourceError(path, 'binary file (contains NUL bytes), not YAML or JSON'));
        return;
      }
      text = buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    result.errors.push(new SourceError(path, describeFsError(error), { cause: error }));
    return;
  }
  parseText(text, path, result);
}

function parseText(text: string, source: string, result: LoadResult): void {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') {
    result.errors.push(new SourceError(source, 'empty file: no Kubernetes objects'));
    return;
  }
  let documents: RawDocument[];
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      documents = [{ index: 0, line: lineOf(body), value: JSON.parse(body) }];
    } catch (error) {
      // JSON is a subset of YAML 1.2 flow syntax; a near-JSON file may still be valid YAML.
      const yaml = parseYamlDocuments(body, source);
      if (yaml.errors.length > 0 && yaml.documents.length === 0) {
        result.errors.push(new SourceError(source, `invalid JSON: ${(error as Error).message}`));
        return;
      }
      documents = yaml.documents;
    }
  } else {
    const yaml = parseYamlDocuments(body, source);
    for (const e of yaml.errors) result.errors.push(new SourceError(source, `line ${e.line}: ${e.message}`));
    documents = yaml.documents;
  }
  for (const doc of documents)
    addDocument(doc.value, { source, document: doc.index, line: doc.line }, result);
}

function lineOf(body: string): number {
  const leading = body.slice(0, body.length - body.trimStart().length);
  return leading.split('\n').length;
}

function addDocument(value: unknown, origin: Origin, result: LoadResult): void {
  const where = origin.line === undefined ? origin.source : `${origin.source}: line ${origin.line}`;
  if (Array.isArray(value)) {
    // A bare JSON/YAML array of objects, as some tools write.
    value.forEach((item, i) => {
      addDocument(item, { ...origin, document: i }, result);
    });
    return;
  }
  if (value === null || typeof value !== 'object') {
    result.errors.push(
      new SourceError(
        origin.source,
        `${lineLabel(origin)}document is a ${typeof value}, not a Kubernetes object`,
      ),
    );
    return;
  }
  const record = value as Record<string, unknown>;
  const kind = record.kind;
  const apiVersion = record.apiVersion;
  if (kind === undefined && apiVersion === undefined) {
    result.notes.push(`${where}: skipped a document without apiVersion and kind (not a Kubernetes object)`);
    return;
  }
  if (typeof kind !== 'string' || typeof apiVersion !== 'string' || kind === '' || apiVersion === '') {
    result.errors.push(
      new SourceError(
        origin.source,
        `${lineLabel(origin)}apiVersion and kind must both be non-empty strings`,
      ),
    );
    return;
  }
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(record.items))) {
    addList(record, kind, apiVersion, origin, result);
    return;
  }
  if (!isKubeObject(record)) {
    result.errors.push(
      new SourceError(origin.source, `${lineLabel(origin)}${kind}: metadata must be a mapping`),
    );
    return;
  }
  const problem = metadataProblem(record);
  if (problem) {
    result.errors.push(new SourceError(origin.source, `${lineLabel(origin)}${kind}: ${problem}`));
    return;
  }
  result.objects.push({ object: record, origin });
}

function addList(
  record: Record<string, unknown>,
  kind: string,
  apiVersion: string,
  origin: Origin,
  result: LoadResult,
): void {
  if (!Array.isArray(record.items)) {
    result.errors.push(new SourceError(origin.source, `${lineLabel(origin)}${kind}: items must be a list`));
    return;
  }
  const partial = snapshotProblem(record, record.items.length);
  if (partial) result.errors.push(new SourceError(origin.source, partial));
  // Typed lists from the raw API (PodList) omit each item's apiVersion and kind.
  const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
  record.items.forEach((item: unknown, i: number) => {
    let value = item;
    if (itemKind && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const it = item as Record<string, unknown>;
      value = { apiVersion: it.apiVersion ?? apiVersion, kind: it.kind ?? itemKind, ...it };
    }
    const itemOrigin: Origin = { source: origin.source, document: i };
    if (origin.line !== undefined && kind !== 'List' && itemKind === undefined) itemOrigin.line = origin.line;
    addDocument(value, itemOrigin, result);
  });
}

function metadataProblem(object: KubeObject): string | undefined {
  const m = object.metadata;
  if (m.name === undefined && m.generateName === undefined) return 'metadata.name is missing';
  if (m.name !== undefined && typeof m.name !== 'string')
    return `metadata.name must be a string, got ${typeof m.name}`;
  if (m.namespace !== undefined && typeof m.namespace !== 'string') {
    return `metadata.namespace must be a string, got ${typeof m.namespace}`;
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = m[field];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) return `metadata.${field} must be a mapping`;
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') return `metadata.${field}.${k} must be a string (quote it), got ${typeof v}`;
    }
  }
  return undefined;
}

function lineLabel(origin: Origin): string {
  if (origin.line !== undefined) return `line ${origin.line}: `;
  if (origin.document !== undefined) return `item ${origin.document}: `;
  return '';
}

async function readStream(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
