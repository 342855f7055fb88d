/**
 * Certificate discovery on disk and stdin: PEM and DER files, kubeconfigs, Kubernetes manifests
 * and `kubectl get -o json/yaml` snapshots (Secrets, ConfigMaps, webhooks, cert-manager
 * Certificates …), walking directories such as kubeadm's `/etc/kubernetes/pki`, kops'
 * `/srv/kubernetes` or an etcd-manager volume. Key files are not opened in a directory walk; a
 * key given by name is recognised and reported as "a key, not a certificate". One bad file is one
 * error naming it; everything else is still read.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { SourceError } from '../../core/errors.ts';
import {
  DEFAULT_MAX_FILE_BYTES,
  InputBudget,
  type ReadCaps,
  readRegularFile,
  readStreamCapped,
} from '../bounded-read.ts';
import { describeFileType, describeFsError } from '../fs-errors.ts';
import { parseYamlDocuments, type RawDocument } from '../manifests/read-documents.ts';
import { parseStrictJson } from '../manifests/strict-json.ts';
import { decodeCertificates, explainNoCertificate } from './decode-certificates.ts';
import { type Discovery, emptyDiscovery } from './discovery.ts';
import { collectFromKubeconfig, isKubeconfig } from './kubeconfig-certificates.ts';
import { addBundle, collectFromObject } from './object-certificates.ts';

const CERT_DIR_PERMISSION_HINT =
  'certificate directories are usually root-only: run with sudo or from a privileged pod';

/** stdin and size limits. */
export interface ReadPathsOptions {
  /** Read for `-`. */
  stdin?: AsyncIterable<Buffer | string>;
  /**
   * Largest certificate or kubeconfig file read (default 8 MiB, never more than
   * `maxManifestFileBytes`): a bigger one is a mistake.
   */
  maxCertificateFileBytes?: number;
  /** Largest manifest or snapshot file, or stdin, read (default 256 MiB, `--max-file-size`). */
  maxManifestFileBytes?: number;
  /** Largest total of everything read in one run (default 2 GiB, `--max-input-size`). */
  maxInputBytes?: number;
}

const DEFAULT_MAX_CERTIFICATE_BYTES = 8 * 1024 * 1024;

/** The limits of one run's reads, shared by every file it opens. */
interface RunCaps {
  manifest: ReadCaps;
  certificate: ReadCaps;
}

function runCaps(options: ReadPathsOptions): RunCaps {
  const budget = new InputBudget(options.maxInputBytes);
  const manifestMax = options.maxManifestFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const shared = { budget, permissionHint: CERT_DIR_PERMISSION_HINT };
  return {
    manifest: { ...shared, maxFileBytes: manifestMax, what: 'manifest' },
    certificate: {
      ...shared,
      maxFileBytes: Math.min(options.maxCertificateFileBytes ?? DEFAULT_MAX_CERTIFICATE_BYTES, manifestMax),
      what: 'certificate or kubeconfig',
    },
  };
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Files a directory walk opens: certificates, kubeconfigs, manifests. */
const WALK_EXTENSIONS = new Set([
  '.crt',
  '.cert',
  '.cer',
  '.pem',
  '.der',
  '.p12',
  '.pfx',
  '.conf',
  '.kubeconfig',
  '.ca-bundle',
  ...MANIFEST_EXTENSIONS,
]);
const WALK_NAMES = new Set(['kubeconfig']);

/** Key material by file name: a directory walk never opens these. */
function isKeyFileName(name: string): boolean {
  return /\.key$/i.test(name) || /(^|[-_.])key\.pem$/i.test(name);
}

function isWalkCandidate(name: string): boolean {
  if (isKeyFileName(name)) return false;
  return WALK_EXTENSIONS.has(extname(name).toLowerCase()) || WALK_NAMES.has(name);
}

/** Reads certificates from each path (files, directories, `-`). */
export async function readCertificatePaths(
  paths: string[],
  options: ReadPathsOptions = {},
): Promise<Discovery> {
  const into = emptyDiscovery();
  const visited = new Set<string>();
  const caps = runCaps(options);
  for (const path of paths) {
    if (path === '-') {
      into.files++;
      // A DER certificate is binary: stdin is capped, not checked for text.
      const read = await readStreamCapped(options.stdin ?? process.stdin, '-', caps.manifest);
      if (read.ok) await readContent(read.bytes, '-', into, caps, true);
      else into.errors.push(read.error);
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      into.errors.push(
        new SourceError(path, describeFsError(error, CERT_DIR_PERMISSION_HINT), { cause: error }),
      );
      continue;
    }
    if (info.isDirectory()) await walk(path, into, caps, visited);
    else await readFileAt(path, into, caps, true);
  }
  return into;
}

async function walk(dir: string, into: Discovery, caps: RunCaps, visited: Set<string>): Promise<void> {
  let real: string;
  let entries: string[];
  try {
    real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    entries = (await readdir(dir)).sort();
  } catch (error) {
    into.errors.push(
      new SourceError(dir, describeFsError(error, CERT_DIR_PERMISSION_HINT), { cause: error }),
    );
    return;
  }
  for (const entry of entries) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const path = join(dir, entry);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      // A dangling symlink (kubelet-client-current.pem after a failed rotation) is worth saying.
      into.errors.push(
        new SourceError(path, describeFsError(error, CERT_DIR_PERMISSION_HINT), { cause: error }),
      );
      continue;
    }
    if (info.isDirectory()) await walk(path, into, caps, visited);
    else if (!isWalkCandidate(entry)) continue;
    else if (info.isFile()) await readFileAt(path, into, caps, false);
    else into.notes.push(`${path}: is ${describeFileType(info)}, not a file: skipped`);
  }
}

async function readFileAt(path: string, into: Discovery, caps: RunCaps, explicit: boolean): Promise<void> {
  into.files++;
  const isManifest = MANIFEST_EXTENSIONS.has(extname(path).toLowerCase());
  const read = await readRegularFile(path, isManifest ? caps.manifest : caps.certificate);
  if (!read.ok) {
    into.errors.push(read.error);
    return;
  }
  await readContent(read.bytes, path, into, caps, explicit);
}

/**
 * Reads a whole regular file, refusing one over `max` bytes before reading it, and anything that
 * is not a regular file (a device, a FIFO) without opening it. Throws a SourceError naming `path`,
 * or the file system's own error (ENOENT, EACCES).
 */
export async function readLimited(
  path: string,
  max: number,
  what: string,
  budget: InputBudget = new InputBudget(Number.POSITIVE_INFINITY),
): Promise<Buffer> {
  const read = await readRegularFile(path, { maxFileBytes: max, budget, what });
  // A file-system error is thrown as itself, for callers that word ENOENT their own way.
  if (!read.ok) throw read.error.cause ?? read.error;
  return read.bytes;
}

/** True when text looks like YAML or JSON data rather than PEM armour. */
function isStructured(text: string, path: string): boolean {
  const ext = extname(path).toLowerCase();
  if (MANIFEST_EXTENSIONS.has(ext) || ext === '.conf' || ext === '.kubeconfig') return true;
  if (basename(path) === 'kubeconfig') return true;
  const start = text.trimStart();
  if (start.startsWith('-----BEGIN ')) return false;
  return /^(apiVersion|kind|clusters|items)\s*:/m.test(text) || start.startsWith('{');
}

async function readContent(
  bytes: Buffer,
  path: string,
  into: Discovery,
  caps: RunCaps,
  explicit: boolean,
): Promise<void> {
  if (bytes.length === 0) {
    into.errors.push(new SourceError(path, 'empty file'));
    return;
  }
  const head = bytes.subarray(0, 4096);
  const text = head.includes(0) ? undefined : bytes.toString('utf8');
  if (text !== undefined && isStructured(text, path)) {
    await readStructured(text, path, into, caps, explicit);
    return;
  }
  const bundle = decodeCertificates(bytes);
  const keysOnly =
    bundle.certificates.length === 0 &&
    bundle.problems.length === 0 &&
    Object.keys(bundle.others).every((k) => k.endsWith('private-key') || k === 'public-key');
  if (!explicit && keysOnly && extname(path).toLowerCase() === '.pem') {
    // `.pem` names keys as often as certificates (cfssl, the kubelet): met in a directory walk,
    // a key-only .pem is worth a note; a key in a .crt is an error.
    into.notes.push(`${path}: ${explainNoCertificate(bundle)}; skipped`);
    return;
  }
  addBundle(into, bundle, { kind: 'file', path }, path, '', true);
}

async function readStructured(
  text: string,
  path: string,
  into: Discovery,
  caps: RunCaps,
  explicit: boolean,
): Promise<void> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let documents: RawDocument[];
  const trimmed = body.trimStart();
  const yaml = (): RawDocument[] => {
    const parsed = parseYamlDocuments(body, path);
    for (const e of parsed.errors) into.errors.push(new SourceError(path, `line ${e.line}: ${e.message}`));
    return parsed.documents;
  };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseStrictJson(body);
    if (json.ok) documents = [{ index: 0, line: 1, value: json.value }];
    else if (!json.syntax) {
      into.errors.push(new SourceError(path, `line ${json.line}: ${json.message}`));
      return;
    } else {
      // JSON documents separated by `---` (or near-JSON) are still YAML.
      const parsed = parseYamlDocuments(body, path);
      if (parsed.documents.length === 0) {
        into.errors.push(new SourceError(path, `invalid JSON: ${json.message}`));
        return;
      }
      for (const e of parsed.errors) into.errors.push(new SourceError(path, `line ${e.line}: ${e.message}`));
      documents = parsed.documents;
    }
  } else {
    documents = yaml();
  }
  const before = into.certificates.length + into.certManager.length + into.controlPlaneNodes.length;
  for (const doc of documents) {
    const origin = { source: path, document: doc.index, line: doc.line };
    if (isKubeconfig(doc.value)) {
      await collectFromKubeconfig(doc.value, path, origin, into, {
        readFile: (file) =>
          readLimited(file, caps.certificate.maxFileBytes, 'certificate', caps.certificate.budget),
      });
    } else if (Array.isArray(doc.value)) {
      doc.value.forEach((item: unknown, i: number) => {
        collectFromObject(item, { source: path, document: i }, into);
      });
    } else {
      collectFromObject(doc.value, origin, into);
    }
  }
  const after = into.certificates.length + into.certManager.length + into.controlPlaneNodes.length;
  if (explicit && after === before && documents.length > 0) into.notes.push(`${path}: no certificates in it`);
}
