/**
 * Helm 3 stores each release revision in a Secret `sh.helm.release.v1.<release>.v<revision>`
 * (type `helm.sh/release.v1`, labels owner=helm, name, status, version). Its `data.release` is
 * base64 (the Secret encoding) of base64 of gzipped JSON, whose `manifest` is the rendered
 * YAML Helm applied (decoded by storage.ts). This turns the latest deployed revision of each
 * release back into objects.
 */
import { SourceError } from '../../core/errors.ts';
import type { KubeObject } from '../../core/resource.ts';
import type { SourcedObject } from '../manifests/load-manifests.ts';
import { parseYamlDocuments } from '../manifests/read-documents.ts';
import { redactObject } from '../redact-object.ts';
import { decodeHelmRevision, isHelmStorage } from './storage.ts';

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  manifest: string;
}

/** The newest revision's rendered manifest and identity (the full record: storage.ts). */
export function decodeHelmRelease(secret: KubeObject): HelmRelease {
  const revision = decodeHelmRevision(secret);
  return {
    name: revision.name,
    namespace: revision.namespace,
    revision: revision.revision,
    status: revision.status,
    chart: `${revision.chart.name}-${revision.chart.version}`,
    manifest: revision.manifest,
  };
}

/**
 * The objects of the newest deployed revision of every release among `secrets`, with their
 * origin `helm release <ns>/<name> revision <n>`; namespace-less objects get the release's.
 */
export function expandHelmReleases(secrets: readonly KubeObject[]): {
  objects: SourcedObject[];
  errors: SourceError[];
  releases: HelmRelease[];
} {
  const newest = new Map<string, { secret: KubeObject; revision: number }>();
  for (const s of secrets) {
    if (!isHelmStorage(s)) continue;
    const status = s.metadata.labels?.status;
    if (status && status !== 'deployed') continue;
    const key = `${s.metadata.namespace}/${s.metadata.labels?.name ?? s.metadata.name}`;
    const revision = Number(s.metadata.labels?.version ?? 0);
    const current = newest.get(key);
    if (!current || revision > current.revision) newest.set(key, { secret: s, revision });
  }
  const objects: SourcedObject[] = [];
  const errors: SourceError[] = [];
  const releases: HelmRelease[] = [];
  for (const { secret } of newest.values()) {
    const label = `${secret.kind} ${secret.metadata.namespace}/${secret.metadata.name}`;
    let release: HelmRelease;
    try {
      release = decodeHelmRelease(secret);
    } catch (error) {
      errors.push(
        new SourceError(label, `cannot decode Helm release: ${(error as Error).message}`, { cause: error }),
      );
      continue;
    }
    releases.push(release);
    const source = `helm release ${release.namespace}/${release.name} revision ${release.revision}`;
    const parsed = parseYamlDocuments(release.manifest, source);
    for (const e of parsed.errors) errors.push(new SourceError(source, `line ${e.line}: ${e.message}`));
    for (const doc of parsed.documents) {
      const value = doc.value as KubeObject;
      if (
        !value ||
        typeof value !== 'object' ||
        typeof value.kind !== 'string' ||
        typeof value.metadata !== 'object' ||
        value.metadata === null
      )
        continue;
      if (value.metadata.namespace === undefined) value.metadata.namespace = release.namespace;
      // The release holds rendered Secrets and values: keep their payloads out of memory.
      objects.push({ object: redactObject(value), origin: { source, document: doc.index, line: doc.line } });
    }
  }
  return { objects, errors, releases };
}
