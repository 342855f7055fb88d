/**
 * Reads a live cluster into the same object list the manifest reader produces: discovery finds
 * which of the kinds hindsight understands the server serves, each is listed in pages of 500,
 * and a kind the user may not list is a warning and a partial result, never a crash.
 */
import { SourceError } from '../../core/errors.ts';
import type { KubeObject } from '../../core/resource.ts';
import type { LoadResult, SourcedObject } from '../manifests/load-manifests.ts';
import { redactObject } from '../redact-object.ts';
import { ClusterClient, type ClusterClientOptions, ClusterUnavailableError } from './api-client.ts';
import { type ClusterAccess, loadClusterAccess } from './cluster-access.ts';

/** group/Kind pairs hindsight reads; the group '' is the core API. */
export const CLUSTER_KINDS: readonly [group: string, kind: string][] = [
  ['', 'Namespace'],
  ['', 'Node'],
  ['', 'Pod'],
  ['', 'Service'],
  ['', 'ServiceAccount'],
  ['', 'ConfigMap'],
  ['', 'Secret'],
  ['', 'PersistentVolumeClaim'],
  ['', 'PersistentVolume'],
  ['', 'Event'],
  ['', 'LimitRange'],
  ['', 'ResourceQuota'],
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['apps', 'ReplicaSet'],
  ['batch', 'Job'],
  ['batch', 'CronJob'],
  ['policy', 'PodDisruptionBudget'],
  ['autoscaling', 'HorizontalPodAutoscaler'],
  ['networking.k8s.io', 'NetworkPolicy'],
  ['networking.k8s.io', 'Ingress'],
  ['storage.k8s.io', 'StorageClass'],
  ['storage.k8s.io', 'CSINode'],
  ['scheduling.k8s.io', 'PriorityClass'],
  ['rbac.authorization.k8s.io', 'RoleBinding'],
  ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
  ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'],
  ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration'],
  ['apiregistration.k8s.io', 'APIService'],
  ['karpenter.sh', 'NodePool'],
  ['karpenter.sh', 'NodeClaim'],
  ['karpenter.k8s.aws', 'EC2NodeClass'],
  ['autoscaling.k8s.io', 'VerticalPodAutoscaler'],
  ['keda.sh', 'ScaledObject'],
  ['cert-manager.io', 'Certificate'],
  ['cilium.io', 'CiliumNetworkPolicy'],
  ['cilium.io', 'CiliumClusterwideNetworkPolicy'],
  ['crd.projectcalico.org', 'NetworkPolicy'],
  ['crd.projectcalico.org', 'GlobalNetworkPolicy'],
  ['source.toolkit.fluxcd.io', 'GitRepository'],
  ['source.toolkit.fluxcd.io', 'HelmRepository'],
  ['kustomize.toolkit.fluxcd.io', 'Kustomization'],
  ['helm.toolkit.fluxcd.io', 'HelmRelease'],
  ['monitoring.coreos.com', 'PrometheusRule'],
  ['monitoring.coreos.com', 'AlertmanagerConfig'],
  ['monitoring.coreos.com', 'ServiceMonitor'],
  ['monitoring.coreos.com', 'PodMonitor'],
];

/**
 * Kinds a snapshot and a migration plan read beyond the scan's: what a namespace needs from the
 * cluster (custom resource definitions, ClusterRoles, IngressClasses, ClusterIssuers) and whether
 * its Services have ready endpoints. CustomResourceDefinitions are kept without their schemas
 * (the bulk of them; what a plan needs is the group, kind, scope and versions).
 */
export const MIGRATION_KINDS: readonly [group: string, kind: string][] = [
  ['apiextensions.k8s.io', 'CustomResourceDefinition'],
  ['rbac.authorization.k8s.io', 'ClusterRole'],
  ['networking.k8s.io', 'IngressClass'],
  ['discovery.k8s.io', 'EndpointSlice'],
  ['cert-manager.io', 'ClusterIssuer'],
];

/** What `hindsight snapshot` and `hindsight migrate` read: the scan's kinds and the migration's. */
export const SNAPSHOT_KINDS: readonly [group: string, kind: string][] = [
  ...CLUSTER_KINDS,
  ...MIGRATION_KINDS,
];

/** Drops a CustomResourceDefinition's schemas (large, and read by no analysis) in place. */
function trimDefinition(object: KubeObject): KubeObject {
  const versions = (object.spec as { versions?: unknown } | undefined)?.versions;
  if (Array.isArray(versions))
    for (const v of versions) if (v && typeof v === 'object') delete (v as Record<string, unknown>).schema;
  return object;
}

/**
 * Kinds read as metadata only: their payloads are large or sensitive and scan needs only
 * names, labels and types. (Certificate discovery reads TLS Secrets on its own.)
 */
export const METADATA_ONLY = new Set(['ConfigMap', 'Secret']);

export interface ClusterOptions {
  env: NodeJS.ProcessEnv;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  kinds?: readonly [string, string][];
  pageSize?: number;
  /** Time and size limits of the API requests (defaults: `CLUSTER_CLIENT_DEFAULTS`). */
  client?: ClusterClientOptions;
  /** The kubeconfig already resolved; read from `kubeconfig`/`context` when absent. */
  access?: ClusterAccess;
  onWarning?: (line: string) => void;
  onProgress?: (objects: number) => void;
}

export interface Resource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

interface DiscoveryList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

export async function getJson<T>(
  client: ClusterClient,
  path: string,
  accept?: string,
): Promise<{ status: number; value?: T; body: string }> {
  const res = await client.get(path, accept);
  if (res.status !== 200) return { status: res.status, body: res.body };
  return { status: 200, value: JSON.parse(res.body) as T, body: '' };
}

/** The preferred version of each wanted kind that the server serves. */
export async function discover(
  client: ClusterClient,
  wanted: readonly [string, string][],
): Promise<Resource[]> {
  const groups = await getJson<{ groups: { name: string; preferredVersion: { version: string } }[] }>(
    client,
    '/apis',
  );
  if (groups.status !== 200 || !groups.value)
    throw new Error(`discovery failed: HTTP ${groups.status}: ${groups.body.slice(0, 200)}`);
  const preferred = new Map<string, string>([['', 'v1']]);
  for (const g of groups.value.groups) preferred.set(g.name, g.preferredVersion.version);
  const wantedGroups = [...new Set(wanted.map(([g]) => g))].filter((g) => preferred.has(g));
  const found: Resource[] = [];
  await Promise.all(
    wantedGroups.map(async (group) => {
      const version = preferred.get(group) as string;
      const list = await getJson<DiscoveryList>(
        client,
        group === '' ? '/api/v1' : `/apis/${group}/${version}`,
      );
      if (!list.value) return;
      for (const r of list.value.resources) {
        if (r.name.includes('/')) continue;
        if (wanted.some(([g, k]) => g === group && k === r.kind)) {
          found.push({ group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced });
        }
      }
    }),
  );
  // Keep the declared order so output is stable.
  const order = (r: Resource): number => wanted.findIndex(([g, k]) => g === r.group && k === r.kind);
  return found.sort((a, b) => order(a) - order(b));
}

export async function loadCluster(options: ClusterOptions): Promise<LoadResult> {
  const client = new ClusterClient(options.access ?? (await loadClusterAccess(options)), options.client);
  const result: LoadResult = { objects: [], errors: [], notes: [], files: 0 };
  const source = client.source;
  try {
    let resources: Resource[];
    try {
      resources = await discover(client, options.kinds ?? CLUSTER_KINDS);
    } catch (error) {
      result.errors.push(clusterError(error, source, 'cannot reach the API server'));
      return result;
    }
    const pageSize = options.pageSize ?? 500;
    const queue = [...resources];
    const worker = async (): Promise<void> => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        await listResource(client, r, options, pageSize, source, result);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  } finally {
    client.close();
  }
  return result;
}

async function listResource(
  client: ClusterClient,
  r: Resource,
  options: ClusterOptions,
  pageSize: number,
  source: string,
  result: LoadResult,
): Promise<void> {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const path =
    r.namespaced && options.namespace
      ? `${base}/namespaces/${options.namespace}/${r.plural}`
      : `${base}/${r.plural}`;
  const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
  const accept = METADATA_ONLY.has(r.kind)
    ? 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'
    : 'application/json';
  let cont = '';
  for (;;) {
    const query = `?limit=${pageSize}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    let page: Awaited<
      ReturnType<typeof getJson<{ items: Record<string, unknown>[]; metadata?: { continue?: string } }>>
    >;
    try {
      page = await getJson(client, path + query, accept);
    } catch (error) {
      // A dead server fails every list with the same error: report it once.
      if (!result.errors.includes(error as SourceError))
        result.errors.push(clusterError(error, source, `listing ${r.plural}`));
      return;
    }
    if (page.status === 403) {
      const line = `not allowed to list ${r.plural}${r.group ? `.${r.group}` : ''}${options.namespace && r.namespaced ? ` in ${options.namespace}` : ''}: skipped (results are partial)`;
      options.onWarning?.(line);
      result.errors.push(new SourceError(source, line));
      return;
    }
    if (page.status === 404) return;
    if (page.status === 410) {
      // The continue token expired (etcd compaction): start the list again rather than miss objects.
      options.onWarning?.(`list of ${r.plural} expired mid-way; restarting it`);
      result.objects = result.objects.filter(
        (o) => !(o.object.kind === r.kind && o.object.apiVersion === apiVersion),
      );
      cont = '';
      continue;
    }
    if (!page.value) {
      result.errors.push(
        new SourceError(source, `listing ${r.plural}: HTTP ${page.status}: ${page.body.slice(0, 200)}`),
      );
      return;
    }
    for (const item of page.value.items ?? []) {
      // List items carry neither apiVersion nor kind; metadata-only items say PartialObjectMetadata.
      const object = redactObject({ ...item, apiVersion, kind: r.kind } as unknown as KubeObject);
      if (r.kind === 'CustomResourceDefinition') trimDefinition(object);
      const sourced: SourcedObject = { object, origin: { source } };
      result.objects.push(sourced);
    }
    options.onProgress?.(result.objects.length);
    cont = page.value.metadata?.continue ?? '';
    if (!cont) return;
  }
}

export function clusterError(error: unknown, source: string, doing: string): SourceError {
  if (error instanceof ClusterUnavailableError) return error;
  return new SourceError(source, `${doing}: ${(error as Error).message}`, { cause: error });
}
