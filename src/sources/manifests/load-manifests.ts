/**
 * Reads Kubernetes objects from files, directories and stdin: YAML (multi-document) or JSON,
 * single objects or `List`s (including `kubectl get -A -o json` snapshots with status). One bad
 * file or document is one error naming it; everything else is still read.
 */
import { SourceError, UsageError } from '../../core/errors.ts';
import type { Origin } from '../../core/origin.ts';
import { pushTo } from '../../core/records.ts';
import { isKubeObject, type KubeObject } from '../../core/resource.ts';
import {
  binaryProblem,
  DEFAULT_MAX_FILE_BYTES,
  InputBudget,
  type ReadCaps,
  type ReadResult,
  readRegularFile,
  readStreamCapped,
} from '../bounded-read.ts';
import { type HelmRenderOptions, renderChart } from '../helm/render-chart.ts';
import { buildKustomization } from '../kustomize/build-kustomization.ts';
import type { RenderedManifest } from '../rendered-manifest.ts';
import { snapshotProblem } from '../snapshot/snapshot-marker.ts';
import {
  configurationFromFile,
  configurationFromSecret,
  isAlertmanagerConfiguration,
} from './alertmanager-configuration.ts';
import { ParsePool, POOL_THRESHOLD_BYTES } from './parse-pool.ts';
import { planInputs } from './plan-inputs.ts';
import { type ParsedDocuments, parseYamlDocuments, type RawDocument } from './read-documents.ts';
import { parseStrictJson } from './strict-json.ts';

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
  /** Helm charts and kustomizations met (rendered, or passed over with `renderedInputs: 'skip'`). */
  rendered?: { charts: number; kustomizations: number };
  /** The kustomizations built: directory as given, its kustomization file, the command run. */
  kustomizations?: { dir: string; file: string; command: string }[];
}

export interface LoadOptions {
  /** Refuse files (and stdin) larger than this (default 256 MiB): a manifest that big is a mistake. */
  maxFileBytes?: number;
  /** Stop reading once all inputs together reach this (default 2 GiB, `--max-input-size`). */
  maxInputBytes?: number;
  /** Read for `-`. */
  stdin?: AsyncIterable<Buffer | string>;
  /**
   * Helm charts and kustomizations: rendered with the user's helm and kubectl (the default), or
   * passed over with a note (`skip`: for commands that edit files, which rendered output is not;
   * `kustomize`: kustomizations built, charts passed over, for `fix`, which edits bases).
   */
  renderedInputs?: 'render' | 'skip' | 'kustomize';
  /** How charts are rendered: values, release name and namespace, environments. */
  helm?: HelmRenderOptions;
  /** The environment helm and kubectl run in (PATH, HOME, KUBECONFIG); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export async function loadManifests(paths: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const result: LoadResult = { objects: [], errors: [], notes: [], files: 0 };
  const rendered = { charts: 0, kustomizations: 0 };
  const caps: ReadCaps = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    budget: new InputBudget(options.maxInputBytes),
    what: 'manifest',
  };
  const parser = new YamlParser();
  try {
    for (const input of await planInputs(paths, result)) {
      if (input.type === 'file') {
        // Files are read in turn; their parses may run ahead on workers, merged in order.
        const part = emptyResult();
        const read = await loadFile(input.path, part, caps, paths.includes(input.path), parser);
        await parser.queue(part, read, result);
        continue;
      }
      await parser.drain(result);
      await loadInput(input, result, options, caps, rendered);
    }
    await parser.drain(result);
  } finally {
    await parser.close();
  }
  if (rendered.charts > 0 || rendered.kustomizations > 0) result.rendered = rendered;
  overlaysAsEnvironments(result);
  return result;
}

function emptyResult(): LoadResult {
  return { objects: [], errors: [], notes: [], files: 0 };
}

/**
 * Where YAML is parsed: on the main thread until a load has read POOL_THRESHOLD_BYTES of it,
 * then on a pool of workers, with at most MAX_IN_FLIGHT_BYTES of text waiting for them.
 */
class YamlParser {
  private seen = 0;
  private pool: ParsePool | undefined;
  private poolTried = false;
  private readonly waiting: { part: LoadResult; done: Promise<void>; bytes: number }[] = [];
  private inFlight = 0;

  parse(body: string, source: string): ParsedDocuments | Promise<ParsedDocuments> {
    this.seen += body.length;
    if (this.seen >= POOL_THRESHOLD_BYTES && !this.poolTried) {
      this.poolTried = true;
      this.pool = ParsePool.create();
    }
    return this.pool ? this.pool.parse(body, source) : parseYamlDocuments(body, source);
  }

  /** Keeps a file's result until its parse is done and every earlier file's is merged. */
  async queue(part: LoadResult, read: FileRead, into: LoadResult): Promise<void> {
    const { parsed, bytes } = read;
    if (!parsed && this.waiting.length === 0) {
      mergeInto(into, part);
      return;
    }
    this.waiting.push({ part, done: parsed ?? Promise.resolve(), bytes });
    this.inFlight += bytes;
    while (this.inFlight > MAX_IN_FLIGHT_BYTES) await this.mergeFirst(into);
  }

  async drain(into: LoadResult): Promise<void> {
    while (this.waiting.length > 0) await this.mergeFirst(into);
  }

  private async mergeFirst(into: LoadResult): Promise<void> {
    const first = this.waiting.shift();
    if (!first) return;
    await first.done;
    this.inFlight -= first.bytes;
    mergeInto(into, first.part);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

function mergeInto(into: LoadResult, part: LoadResult): void {
  for (const o of part.objects) into.objects.push(o);
  for (const e of part.errors) into.errors.push(e);
  for (const n of part.notes) into.notes.push(n);
  into.files += part.files;
}

async function loadInput(
  input: Exclude<Awaited<ReturnType<typeof planInputs>>[number], { type: 'file' }>,
  result: LoadResult,
  options: LoadOptions,
  caps: ReadCaps,
  rendered: { charts: number; kustomizations: number },
): Promise<void> {
  const render = options.renderedInputs === undefined || options.renderedInputs === 'render';
  const build = render || options.renderedInputs === 'kustomize';
  const env = options.env ?? process.env;
  switch (input.type) {
    case 'stdin': {
      result.files++;
      const read = await readStreamCapped(options.stdin ?? process.stdin, '-', {
        ...caps,
        refuseBinary: true,
      });
      parseBytes(read, '-', result);
      break;
    }
    case 'chart': {
      rendered.charts++;
      if (!render) {
        result.notes.push(`${input.dir}: Helm chart, left alone: change its templates or values by hand`);
        break;
      }
      result.files++;
      const chart = await renderChart(input.dir, options.helm ?? {}, env);
      result.errors.push(...chart.errors);
      result.notes.push(...chart.notes);
      for (const manifest of chart.renders) await addRendered(manifest, result);
      break;
    }
    case 'kustomization': {
      rendered.kustomizations++;
      if (!build) {
        result.notes.push(`${input.dir}: kustomization, left alone: change its resources or patches by hand`);
        break;
      }
      result.files++;
      try {
        const manifest = await buildKustomization(input.dir, input.file, env);
        await addRendered(manifest, result);
        result.kustomizations = [
          ...(result.kustomizations ?? []),
          { dir: input.dir, file: input.file, command: manifest.command },
        ];
      } catch (error) {
        // For `fix`, a kustomization without kubectl is one it cannot prove a fix on: left alone.
        if (error instanceof UsageError && !render) {
          result.notes.push(`${input.dir}: kustomization, left alone: ${error.message}`);
          break;
        }
        if (!(error instanceof SourceError)) throw error;
        result.errors.push(error);
      }
      break;
    }
  }
}

/**
 * Overlays of one base (`apps/staging` and `apps/production` both building `apps/base`) render
 * the same documents of the same base files (in their own namespaces, with their own names): alternatives, like one chart with two values
 * files, not two copies in one cluster. Each such overlay becomes an environment named by its
 * directory, analysed as its own inventory (with every object outside the overlays), and a
 * finding says which environments have it.
 */
function overlaysAsEnvironments(result: LoadResult): void {
  const inputOf = new Map<string, string>();
  const commandsOf = new Map<string, Set<string>>();
  for (const { object, origin } of result.objects) {
    if (
      !origin.rendered ||
      origin.environment !== undefined ||
      !/^(kubectl kustomize|kustomize build) /.test(origin.rendered)
    )
      continue;
    inputOf.set(origin.rendered, origin.rendered.replace(/^(kubectl kustomize|kustomize build) /, ''));
    // The same base document, whatever namespace or name prefix each overlay gives it.
    const key = JSON.stringify([origin.source, origin.document, origin.line, object.kind]);
    let commands = commandsOf.get(key);
    if (!commands) {
      commands = new Set();
      commandsOf.set(key, commands);
    }
    commands.add(origin.rendered);
  }
  // Overlays sharing an object, joined transitively.
  const group = new Map<string, string>();
  const find = (c: string): string => {
    let root = c;
    while (group.get(root) !== undefined && group.get(root) !== root) root = group.get(root) as string;
    group.set(c, root);
    return root;
  };
  for (const commands of commandsOf.values()) {
    const [first, ...rest] = [...commands];
    if (first === undefined || rest.length === 0) continue;
    for (const other of rest) group.set(find(other), find(first));
  }
  const members = new Map<string, string[]>();
  for (const command of group.keys()) pushTo(members, find(command), command);
  const environmentOf = new Map<string, string>();
  for (const commands of members.values()) {
    if (commands.length < 2) continue;
    for (const c of commands) environmentOf.set(c, inputOf.get(c) ?? c);
    result.notes.push(
      `${commands.map((c) => inputOf.get(c)).join(', ')}: overlays of the same base, each scanned as its own environment`,
    );
  }
  if (environmentOf.size === 0) return;
  for (const { origin } of result.objects) {
    const environment = origin.rendered ? environmentOf.get(origin.rendered) : undefined;
    if (environment !== undefined) origin.environment = environment;
  }
}

/** The objects of a render, read like a file, each placed back in the user's own files. */
async function addRendered(manifest: RenderedManifest, result: LoadResult): Promise<void> {
  if (manifest.text.trim() === '') {
    result.notes.push(`${manifest.input}: ${manifest.command} rendered no objects`);
    return;
  }
  const read: LoadResult = { objects: [], errors: [], notes: [], files: 0 };
  parseText(manifest.text, manifest.command, read);
  for (const error of read.errors) {
    const at = /^line (\d+): ([\s\S]*)$/.exec(error.message);
    const file = at ? manifest.fileAt(Number(at[1])) : undefined;
    result.errors.push(
      at && file
        ? new SourceError(file, `${at[2]} (line ${at[1]} of the output of ${manifest.command})`)
        : new SourceError(manifest.input, `${manifest.command}: ${error.message}`),
    );
  }
  result.notes.push(...read.notes);
  for (const { object, origin } of read.objects)
    result.objects.push({ object, origin: await manifest.place(object, origin.line) });
}

/**
 * Reads one file. Only regular files are opened: a device, FIFO or socket named on the command
 * line is an error, one met in a directory walk is passed over with a note.
 */
async function loadFile(
  path: string,
  result: LoadResult,
  caps: ReadCaps,
  explicit: boolean,
  parser?: YamlParser,
): Promise<FileRead> {
  const read = await readRegularFile(path, caps);
  if (!read.ok && read.notAFile !== undefined && !explicit) {
    result.notes.push(`${path}: ${read.error.message}`);
    return { bytes: 0 };
  }
  result.files++;
  return { parsed: parseBytes(read, path, result, parser), bytes: read.ok ? read.bytes.length : 0 };
}

/** A file read: its size, and its parse when that runs on a worker. */
interface FileRead {
  parsed?: Promise<void> | undefined;
  bytes: number;
}

function parseBytes(
  read: ReadResult,
  source: string,
  result: LoadResult,
  parser?: YamlParser,
): Promise<void> | undefined {
  if (!read.ok) {
    result.errors.push(read.error);
    return;
  }
  const binary = binaryProblem(read.bytes);
  if (binary) {
    result.errors.push(new SourceError(source, binary));
    return;
  }
  return parseText(read.bytes.toString('utf8'), source, result, parser);
}

/** The objects of one manifest's text, as if read from `source`: how `fix` re-reads its result. */
export function readManifestText(text: string, source: string): LoadResult {
  const result: LoadResult = { objects: [], errors: [], notes: [], files: 1 };
  parseText(text, source, result);
  return result;
}

function parseText(
  text: string,
  source: string,
  result: LoadResult,
  parser?: YamlParser,
): Promise<void> | undefined {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') {
    result.errors.push(new SourceError(source, 'empty file: no Kubernetes objects'));
    return;
  }
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseStrictJson(body);
    if (json.ok) addDocuments([{ index: 0, line: lineOf(body), value: json.value }], source, result);
    else if (!json.syntax) result.errors.push(new SourceError(source, `line ${json.line}: ${json.message}`));
    else {
      // JSON is a subset of YAML 1.2 flow syntax; a near-JSON file may still be valid YAML.
      const yaml = parseYamlDocuments(body, source);
      if (yaml.errors.length > 0 && yaml.documents.length === 0)
        result.errors.push(new SourceError(source, `invalid JSON: ${json.message}`));
      else addDocuments(yaml.documents, source, result);
    }
    return;
  }
  const yaml = parser ? parser.parse(body, source) : parseYamlDocuments(body, source);
  if (yaml instanceof Promise) return yaml.then((parsed) => addYaml(parsed, source, result));
  addYaml(yaml, source, result);
}

function addYaml(yaml: ParsedDocuments, source: string, result: LoadResult): void {
  for (const e of yaml.errors) result.errors.push(new SourceError(source, `line ${e.line}: ${e.message}`));
  addDocuments(yaml.documents, source, result);
}

function addDocuments(documents: readonly RawDocument[], source: string, result: LoadResult): void {
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
  if (kind === undefined && apiVersion === undefined && isAlertmanagerConfiguration(record)) {
    result.objects.push({ object: configurationFromFile(record, origin.source, origin.document), origin });
    return;
  }
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
  if (kind === 'Secret' && apiVersion === 'v1') addSecretConfiguration(record, origin, result);
}

/** The Alertmanager configuration a Secret holds, beside the Secret (with the Secret's origin). */
function addSecretConfiguration(secret: KubeObject, origin: Origin, result: LoadResult): void {
  const configuration = configurationFromSecret(secret);
  if (typeof configuration === 'string') result.notes.push(`${origin.source}: ${configuration}`);
  else if (configuration) result.objects.push({ object: configuration, origin });
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
