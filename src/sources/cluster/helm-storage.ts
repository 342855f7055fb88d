/**
 * Helm 3's release storage read from the live cluster: the Secrets (default driver) and
 * ConfigMaps (`HELM_DRIVER=configmap`) labelled owner=helm, with their payloads — the only Secret
 * payloads hindsight reads, and only for `helm` and `scan --helm-releases` — plus Flux's
 * HelmRelease objects and the server's version.
 */
import { SourceError } from '../../core/errors.ts';
import type { KubeObject } from '../../core/resource.ts';
import type { LoadResult, SourcedObject } from '../manifests/load-manifests.ts';
import type { ClusterClient } from './api-client.ts';
import { serverVersion } from './api-server-facts.ts';
import { type ClusterOptions, clusterError, getJson, loadCluster } from './load-cluster.ts';
import { openClusterClient } from './open-client.ts';

export interface HelmStorageResult {
  /** Secrets and ConfigMaps labelled owner=helm, with their data. */
  storage: SourcedObject[];
  fluxHelmReleases: SourcedObject[];
  /** The API server's gitVersion, e.g. v1.35.4. */
  serverVersion?: string;
  errors: SourceError[];
  /** False when the API server could not be reached at all. */
  reached: boolean;
}

type Store = { resource: 'secrets' | 'configmaps'; kind: 'Secret' | 'ConfigMap' };

async function listStore(
  client: ClusterClient,
  store: Store,
  options: ClusterOptions,
  out: HelmStorageResult,
): Promise<void> {
  const source = client.source;
  const base = options.namespace
    ? `/api/v1/namespaces/${options.namespace}/${store.resource}`
    : `/api/v1/${store.resource}`;
  let cont = '';
  do {
    const query = `?labelSelector=${encodeURIComponent('owner=helm')}&limit=${options.pageSize ?? 100}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    const page = await getJson<{ items: Record<string, unknown>[]; metadata?: { continue?: string } }>(
      client,
      base + query,
    );
    if (page.status === 403) {
      const line = `not allowed to list ${store.resource}, where Helm may keep releases: skipped (results are partial)`;
      options.onWarning?.(line);
      out.errors.push(new SourceError(source, line));
      return;
    }
    if (!page.value) {
      out.errors.push(
        new SourceError(
          source,
          `listing Helm's ${store.resource}: HTTP ${page.status}: ${page.body.slice(0, 200)}`,
        ),
      );
      return;
    }
    for (const item of page.value.items) {
      const object = { ...item, apiVersion: 'v1', kind: store.kind } as unknown as KubeObject;
      if (store.kind === 'Secret' && (object as { type?: unknown }).type !== 'helm.sh/release.v1') continue;
      out.storage.push({ object, origin: { source } });
    }
    cont = page.value.metadata?.continue ?? '';
  } while (cont);
}

/** Helm's storage and, unless `flux` is false, Flux's HelmReleases (a second discovery and list). */
export async function loadHelmStorage(
  options: ClusterOptions,
  { flux = true } = {},
): Promise<HelmStorageResult> {
  const client = openClusterClient(options);
  const out: HelmStorageResult = { storage: [], fluxHelmReleases: [], errors: [], reached: false };
  try {
    const version = await serverVersion(client);
    out.reached = true;
    if (version) out.serverVersion = version;
    for (const store of [
      { resource: 'secrets', kind: 'Secret' },
      { resource: 'configmaps', kind: 'ConfigMap' },
    ] as const)
      await listStore(client, store, options, out);
  } catch (error) {
    out.errors.push(clusterError(error, client.source, "reading Helm's release storage"));
    return out;
  } finally {
    client.close();
  }
  if (!flux) return out;
  const helmReleases = await loadCluster({ ...options, kinds: [['helm.toolkit.fluxcd.io', 'HelmRelease']] });
  out.fluxHelmReleases = helmReleases.objects;
  out.errors.push(...helmReleases.errors);
  return out;
}

/** Helm's storage objects as a load result, for `scan --helm-releases` to expand into the releases' objects. */
export async function loadHelmStorageObjects(options: ClusterOptions): Promise<LoadResult> {
  const read = await loadHelmStorage(options, { flux: false });
  return { objects: read.storage, errors: read.errors, notes: [], files: 0 };
}
