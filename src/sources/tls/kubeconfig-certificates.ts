/**
 * Certificates in kubeconfigs (admin.conf, controller-manager.conf, scheduler.conf, kubelet.conf,
 * kops' per-component kubeconfigs, users' own): the cluster CA and the user's client certificate,
 * embedded (`certificate-authority-data`, `client-certificate-data`) or in files the kubeconfig
 * references (relative to the kubeconfig's directory). Client keys are never read.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { SourceError } from '../../core/errors.ts';
import type { Origin } from '../../core/origin.ts';
import { decodeCertificates } from './decode-certificates.ts';
import type { Discovery, KubeconfigLocation } from './discovery.ts';
import { addBundle } from './object-certificates.ts';

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** True for a parsed document that is a kubeconfig (`kind: Config` with clusters or users). */
export function isKubeconfig(value: unknown): value is Json {
  const v = record(value);
  return !!v && v.kind === 'Config' && (Array.isArray(v.clusters) || Array.isArray(v.users));
}

/** How referenced files are read, and which entries to read. */
export interface KubeconfigReadOptions {
  /** Reads a file the kubeconfig references; throws a SourceError-worthy error when it cannot. */
  readFile: (path: string) => Promise<Buffer>;
  /** Only these entries (the current context's cluster and user, for a live run). */
  only?: { cluster?: string; user?: string };
}

const ENTRIES = [
  {
    list: 'clusters',
    kind: 'cluster',
    embedded: 'certificate-authority-data',
    file: 'certificate-authority',
  },
  { list: 'users', kind: 'user', embedded: 'client-certificate-data', file: 'client-certificate' },
] as const;

/** Adds the kubeconfig's certificates to `into`; problems are errors naming the file and entry. */
export async function collectFromKubeconfig(
  config: Json,
  path: string,
  origin: Origin,
  into: Discovery,
  options: KubeconfigReadOptions,
): Promise<void> {
  into.objects++;
  for (const spec of ENTRIES) {
    const list = Array.isArray(config[spec.list]) ? (config[spec.list] as unknown[]) : [];
    for (let i = 0; i < list.length; i++) {
      const item = record(list[i]);
      const name = typeof item?.name === 'string' ? item.name : String(i);
      const wanted = spec.kind === 'cluster' ? options.only?.cluster : options.only?.user;
      if (options.only && wanted !== name) continue;
      const body = record(item?.[spec.kind]);
      if (!body) continue;
      const what = `${spec.kind} ${name}`;
      const base = {
        kind: 'kubeconfig',
        path,
        embeddedKind: spec.kind,
        entry: name,
        listIndex: i,
        origin,
      } as const;
      const embedded = body[spec.embedded];
      if (typeof embedded === 'string' && embedded !== '') {
        const location: KubeconfigLocation = { ...base, key: spec.embedded };
        const bytes = Buffer.from(embedded.replace(/\s+/g, ''), 'base64');
        addBundle(into, decodeCertificates(bytes), location, path, `${what} ${spec.embedded}`, true);
        continue;
      }
      const file = body[spec.file];
      if (typeof file !== 'string' || file === '') continue;
      const resolved = isAbsolute(file) ? file : join(dirname(path), file);
      let bytes: Buffer;
      try {
        bytes = await options.readFile(resolved);
      } catch (error) {
        into.errors.push(
          new SourceError(path, `${what} ${spec.file} ${resolved}: ${describeReadError(error)}`),
        );
        continue;
      }
      const location: KubeconfigLocation = { ...base, key: spec.file, referencedFile: resolved };
      addBundle(into, decodeCertificates(bytes), location, path, `${what} ${spec.file} ${resolved}`, true);
    }
  }
}

function describeReadError(error: unknown): string {
  if (error instanceof SourceError) return error.message;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    default:
      return (error as Error).message;
  }
}
