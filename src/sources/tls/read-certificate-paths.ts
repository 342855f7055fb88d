/**
 * Certificate discovery on disk and stdin: PEM and DER files, kubeconfigs, Kubernetes manifests
 * and `kubectl get -o json/yaml` snapshots (Secrets, ConfigMaps, webhooks, cert-manager
 * Certificates …), walking directories such as kubeadm's `/etc/kubernetes/pki`, kops'
 * `/srv/kubernetes` or an etcd-manager volume. Key files are not opened in a directory walk; a
 * key given by name is recognised and reported as "a key, not a certificate". One bad file is one
 * error naming it; everything else is still read.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { SourceError } from '../../core/errors.ts';
import { describeFsError, formatSize } from '../fs-errors.ts';
import { parseYamlDocuments, type RawDocument } from '../manifests/read-documents.ts';
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
  /** Largest certificate or kubeconfig file read (default 8 MiB): a bigger one is a mistake. */
  maxCertificateFileBytes?: number;
  /** Largest manifest or snapshot file read (default 256 MiB). */
  maxManifestFileBytes?: number;
}

const DEFAULT_MAX_CERTIFICATE_BYTES = 8 * 1024 * 1024;
const DEFAULT_MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

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
  for (const path of paths) {
    if (path === '-') {
      into.files++;
      const bytes = await readStream(options.stdin ?? process.stdin);
      await readContent(bytes, '-', into, options, true);
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
    if (info.isDirectory()) await walk(path, into, options, visited);
    else await readFileAt(path, into, options, true);
  }
  return into;
}

async function walk(
  dir: string,
  into: Discovery,
  options: ReadPathsOptions,
  visited: Set<string>,
): Promise<void> {
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
    if (info.isDirectory()) await walk(path, into, options, visited);
    else if (info.isFile() && isWalkCandidate(entry)) await readFileAt(path, into, options, false);
  }
}

async function readFileAt(
  path: string,
  into: Discovery,
  options: ReadPathsOptions,
  explicit: boolean,
): Promise<void> {
  into.files++;
  const isManifest = MANIFEST_EXTENSIONS.has(extname(path).toLowerCase());
  const max = isManifest
    ? (options.maxManifestFileBytes ?? DEFAULT_MAX_MANIFEST_BYTES)
    : (options.maxCertificateFileBytes ?? DEFAULT_MAX_CERTIFICATE_BYTES);
  let bytes: Buffer;
  try {
    bytes = await readLimited(path, max, isManifest ? 'manifest' : 'certificate or kubeconfig');
  } catch (error) {
    into.errors.push(
      error instanceof SourceError
        ? error
        : new SourceError(path, describeFsError(error, CERT_DIR_PERMISSION_HINT), { cause: error }),
    );
    return;
  }
  await readContent(bytes, path, into, options, explicit);
}

/** Reads a whole file, refusing one over `max` bytes before reading it. */
export async function readLimited(path: string, max: number, what: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > max)
      throw new SourceError(
        path,
        `file is ${formatSize(size)}, over the ${formatSize(max)} limit for a ${what} file`,
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
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
  options: ReadPathsOptions,
  explicit: boolean,
): Promise<void> {
  if (bytes.length === 0) {
    into.errors.push(new SourceError(path, 'empty file'));
    return;
  }
  const head = bytes.subarray(0, 4096);
  const text = head.includes(0) ? undefined : bytes.toString('utf8');
  if (text !== undefined && isStructured(text, path)) {
    await readStructured(text, path, into, options, explicit);
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
  options: ReadPathsOptions,
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
    try {
      documents = [{ index: 0, line: 1, value: JSON.parse(body) }];
    } catch (error) {
      // JSON documents separated by `---` (or near-JSON) are still YAML.
      const parsed = parseYamlDocuments(body, path);
      if (parsed.documents.length === 0) {
        into.errors.push(new SourceError(path, `invalid JSON: ${(error as Error).message}`));
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
          readLimited(file, options.maxCertificateFileBytes ?? DEFAULT_MAX_CERTIFICATE_BYTES, 'certificate'),
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

async function readStream(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
