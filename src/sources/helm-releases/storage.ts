/**
 * Helm 3's release storage, every revision: the Secrets driver (the default; `data.release` is
 * base64 of the Secret encoding over base64 of gzipped JSON) and the ConfigMaps driver (the same
 * without the Secret's own base64). Both label their objects owner=helm, name, status, version.
 * A revision's values are kept only to compare them with another revision's: nothing here is
 * printed, and callers report which value paths changed, never the values.
 */
import { gunzipSync } from 'node:zlib';
import type { KubeObject } from '../../core/resource.ts';

/** One revision of one release, as Helm stored it. */
export interface HelmRevision {
  name: string;
  namespace: string;
  revision: number;
  /** deployed, superseded, failed, uninstalling, uninstalled, pending-install, pending-upgrade, pending-rollback. */
  status: string;
  chart: { name: string; version: string; appVersion?: string; deprecated: boolean };
  firstDeployed?: string;
  lastDeployed?: string;
  /** Helm's own words: "Install complete", "Upgrade \"x\" failed: …". */
  description?: string;
  /** The values the user gave (`-f`, `--set`), not the chart's defaults. */
  config: Record<string, unknown>;
  /** The rendered YAML Helm applied. */
  manifest: string;
  /** The object Helm stored the revision in (its namespace is Helm's storage namespace). */
  storage: { kind: 'Secret' | 'ConfigMap'; namespace: string; name: string };
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/** A release record larger than this, unzipped, is refused (Helm's own limit is 1 MiB zipped). */
const MAX_RELEASE_BYTES = 256 * 1024 * 1024;

/** Whether an object is a Helm release record of either driver. */
export function isHelmStorage(object: KubeObject): boolean {
  if (object.metadata?.labels?.owner !== 'helm') return false;
  if (object.kind === 'Secret') return (object as { type?: unknown }).type === 'helm.sh/release.v1';
  return object.kind === 'ConfigMap';
}

interface StoredRelease {
  name?: string;
  namespace?: string;
  version?: number;
  manifest?: string;
  config?: unknown;
  info?: {
    status?: string;
    description?: string;
    first_deployed?: string;
    last_deployed?: string;
  };
  chart?: { metadata?: { name?: string; version?: string; appVersion?: string; deprecated?: boolean } };
}

function readPayload(object: KubeObject): StoredRelease {
  const data = (object as { data?: Record<string, unknown> }).data;
  const encoded = data?.release;
  if (typeof encoded !== 'string') throw new Error('no data.release (listed as metadata only?)');
  // A Secret's data is base64 of what Helm wrote, which is itself base64.
  const helmText = object.kind === 'Secret' ? Buffer.from(encoded, 'base64').toString('utf8') : encoded;
  let payload = Buffer.from(helmText, 'base64');
  if (payload.subarray(0, 2).equals(GZIP_MAGIC))
    payload = gunzipSync(payload, { maxOutputLength: MAX_RELEASE_BYTES });
  const parsed = JSON.parse(payload.toString('utf8')) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('the release record is not a JSON object');
  return parsed as StoredRelease;
}

/** One stored revision, decoded; throws with the reason when it cannot be read. */
export function decodeHelmRevision(object: KubeObject): HelmRevision {
  const release = readPayload(object);
  const labels = object.metadata.labels ?? {};
  const meta = release.chart?.metadata ?? {};
  const config = release.config;
  return {
    name: release.name ?? labels.name ?? '',
    namespace: release.namespace ?? object.metadata.namespace ?? '',
    revision: release.version ?? Number(labels.version ?? 0),
    status: release.info?.status ?? labels.status ?? 'unknown',
    chart: {
      name: meta.name ?? '?',
      version: meta.version ?? '?',
      ...(meta.appVersion ? { appVersion: String(meta.appVersion) } : {}),
      deprecated: meta.deprecated === true,
    },
    ...(release.info?.first_deployed ? { firstDeployed: release.info.first_deployed } : {}),
    ...(release.info?.last_deployed ? { lastDeployed: release.info.last_deployed } : {}),
    ...(release.info?.description ? { description: release.info.description } : {}),
    config:
      config !== null && typeof config === 'object' && !Array.isArray(config)
        ? (config as Record<string, unknown>)
        : {},
    manifest: release.manifest ?? '',
    storage: {
      kind: object.kind === 'Secret' ? 'Secret' : 'ConfigMap',
      namespace: object.metadata.namespace ?? '',
      name: object.metadata.name ?? '',
    },
  };
}

/** Every stored revision among `objects` that decodes, and for the others a line naming the object and why. */
export function decodeHelmStorage(objects: readonly KubeObject[]): {
  revisions: HelmRevision[];
  errors: string[];
} {
  const revisions: HelmRevision[] = [];
  const errors: string[] = [];
  for (const object of objects) {
    try {
      revisions.push(decodeHelmRevision(object));
    } catch (error) {
      errors.push(
        `${object.kind} ${object.metadata.namespace}/${object.metadata.name}: cannot decode the Helm release: ${(error as Error).message}`,
      );
    }
  }
  return { revisions, errors };
}
