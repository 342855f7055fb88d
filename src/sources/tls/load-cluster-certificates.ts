/**
 * Certificate discovery in a live cluster: Secrets and ConfigMaps with their data (unlike
 * `scan`, which reads them as metadata only), webhook configurations, APIServices, CRD
 * conversion webhooks, cert-manager Certificates and control-plane Nodes — each listed in pages,
 * each page reduced to the certificates it holds before the next is fetched, so 10k Secrets never
 * sit in memory at once. A kind the user may not list is a warning and a partial result; the API
 * server's own served chain and the kubeconfig's certificates are read too.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SourceError } from '../../core/errors.ts';
import { ClusterClient, type ClusterClientOptions, ClusterUnavailableError } from '../cluster/api-client.ts';
import { type ClusterAccess, loadClusterAccess } from '../cluster/cluster-access.ts';
import { clusterError } from '../cluster/load-cluster.ts';
import { decodeCertificates } from './decode-certificates.ts';
import { type Discovery, emptyDiscovery, mergeDiscovery } from './discovery.ts';
import { collectFromKubeconfig } from './kubeconfig-certificates.ts';
import { collectFromObject } from './object-certificates.ts';
import { parseEndpointSpec, probeEndpoint } from './probe-endpoint.ts';
import { readLimited } from './read-certificate-paths.ts';

/** Which cluster and namespace to read, and how. */
export interface ClusterCertificateOptions {
  env: NodeJS.ProcessEnv;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** Items per list page (default 250). */
  pageSize?: number;
  /** Connect to the context's API server and record its served chain (default true). */
  probeApiServer?: boolean;
  /** Connect-and-handshake limit of the API server probe (`certs --timeout`). */
  timeoutMs: number;
  /** Time and size limits of the API requests (defaults: `CLUSTER_CLIENT_DEFAULTS`). */
  client?: ClusterClientOptions;
  /** The kubeconfig already resolved; read from `kubeconfig`/`context` when absent. */
  access?: ClusterAccess;
  onWarning?: (line: string) => void;
  onProgress?: (objects: number) => void;
}

interface ListSpec {
  /** Shown in warnings: `secrets`, `certificates.cert-manager.io`. */
  resource: string;
  group: string;
  plural: string;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  query?: string;
  /** Ask for metadata only (Nodes: their age and labels are all we need). */
  metadataOnly?: boolean;
  pageSize?: number;
}

/** Secret types that never hold certificates worth reading and can be large. */
const SECRET_FIELD_SELECTOR = 'type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token';

const GROUPED: Omit<ListSpec, 'apiVersion'>[] = [
  {
    resource: 'validatingwebhookconfigurations.admissionregistration.k8s.io',
    group: 'admissionregistration.k8s.io',
    plural: 'validatingwebhookconfigurations',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
  },
  {
    resource: 'mutatingwebhookconfigurations.admissionregistration.k8s.io',
    group: 'admissionregistration.k8s.io',
    plural: 'mutatingwebhookconfigurations',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
  },
  {
    resource: 'apiservices.apiregistration.k8s.io',
    group: 'apiregistration.k8s.io',
    plural: 'apiservices',
    kind: 'APIService',
    namespaced: false,
  },
  {
    resource: 'customresourcedefinitions.apiextensions.k8s.io',
    group: 'apiextensions.k8s.io',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    // CRDs carry their whole schema: small pages keep each response small.
    pageSize: 50,
  },
  {
    resource: 'certificates.cert-manager.io',
    group: 'cert-manager.io',
    plural: 'certificates',
    kind: 'Certificate',
    namespaced: true,
  },
];

function coreLists(): ListSpec[] {
  const core = { group: '', apiVersion: 'v1' };
  return [
    {
      ...core,
      resource: 'secrets',
      plural: 'secrets',
      kind: 'Secret',
      namespaced: true,
      query: `fieldSelector=${encodeURIComponent(SECRET_FIELD_SELECTOR)}`,
    },
    { ...core, resource: 'configmaps', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
    ...['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'].map((label) => ({
      ...core,
      resource: 'nodes',
      plural: 'nodes',
      kind: 'Node',
      namespaced: false,
      metadataOnly: true,
      query: `labelSelector=${encodeURIComponent(label)}`,
    })),
  ];
}

/** The kubeconfig file a live run reads, as kubectl would pick it: for labels and messages. */
function kubeconfigPath(options: ClusterCertificateOptions): string {
  if (options.kubeconfig) return options.kubeconfig;
  const fromEnv = (options.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '' && existsSync(f));
  return fromEnv[0] ?? join(options.env.HOME ?? homedir(), '.kube', 'config');
}

/** Reads every certificate the context can list, plus the served API server chain; never throws for a forbidden kind. */
export async function loadClusterCertificates(options: ClusterCertificateOptions): Promise<Discovery> {
  const access = options.access ?? (await loadClusterAccess(options));
  const client = new ClusterClient(access, options.client);
  const into = emptyDiscovery();
  const source = client.source;
  try {
    await collectKubeconfigCertificates(access, kubeconfigPath(options), into);
    if (options.probeApiServer !== false) {
      const probe = emptyDiscovery();
      await probeApiServer(access, client.server, options.timeoutMs, probe);
      const unreachable = probe.endpoints.length === 0 ? probe.errors[0] : undefined;
      if (unreachable) {
        // No TCP connection or no TLS handshake: the lists would only wait for the same silence.
        into.errors.push(
          new ClusterUnavailableError(
            source,
            `cannot reach the API server: ${unreachable.message}${timedOut(unreachable) ? ' (certs --timeout)' : ''}; nothing was listed`,
            { cause: unreachable },
          ),
        );
        return into;
      }
      mergeDiscovery(into, probe);
    }
    let lists: ListSpec[];
    try {
      lists = await discoverLists(client);
    } catch (error) {
      into.errors.push(clusterError(error, source, 'cannot reach the API server'));
      return into;
    }
    const queue = [...lists];
    let objects = 0;
    const worker = async (): Promise<void> => {
      for (let spec = queue.shift(); spec; spec = queue.shift()) {
        const found = await listAll(client, spec, options, source, (n) => {
          objects += n;
          options.onProgress?.(objects);
        });
        mergeDiscovery(into, found);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    dedupeNodes(into);
    // A dead server fails every list with the same error instance: report it once.
    into.errors = [...new Set(into.errors)];
  } finally {
    client.close();
  }
  return into;
}

async function collectKubeconfigCertificates(
  access: ClusterAccess,
  path: string,
  into: Discovery,
): Promise<void> {
  const { cluster, user } = access;
  // Only the certificate fields of the current context: keys and tokens are never copied.
  const config = {
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: {
          'certificate-authority-data': cluster.caData,
          'certificate-authority': cluster.caFile,
        },
      },
    ],
    users: [
      {
        name: user.name,
        user: { 'client-certificate-data': user.certData, 'client-certificate': user.certFile },
      },
    ],
  };
  await collectFromKubeconfig(config, path, { source: path }, into, {
    readFile: (file) => readLimited(file, 8 * 1024 * 1024, 'certificate'),
  });
}

async function probeApiServer(
  access: ClusterAccess,
  server: string,
  timeoutMs: number,
  into: Discovery,
): Promise<void> {
  const url = new URL(server);
  if (url.protocol !== 'https:') return;
  const { cluster } = access;
  let anchors: ReturnType<typeof decodeCertificates>['certificates'] | undefined;
  try {
    const ca = cluster.caData
      ? Buffer.from(cluster.caData, 'base64')
      : cluster.caFile
        ? await readLimited(cluster.caFile, 8 * 1024 * 1024, 'certificate')
        : undefined;
    anchors = ca ? decodeCertificates(ca).certificates : undefined;
  } catch {
    // An unreadable CA file is reported by the kubeconfig reader; the probe goes on unanchored.
    anchors = undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  const spec = parseEndpointSpec(`${host.includes(':') ? `[${host}]` : host}:${port}`);
  await probeEndpoint(
    spec,
    {
      timeoutMs,
      purpose: 'api-server',
      ...(anchors && anchors.length > 0 && !cluster.skipTLSVerify ? { trustAnchors: anchors } : {}),
    },
    into,
  );
}

/** The list specs the server serves, each at its group's preferred version. */
async function discoverLists(client: ClusterClient): Promise<ListSpec[]> {
  const res = await client.get('/apis');
  if (res.status !== 200) throw new Error(`discovery: HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  const groups = JSON.parse(res.body) as {
    groups: { name: string; preferredVersion: { version: string } }[];
  };
  const preferred = new Map(groups.groups.map((g) => [g.name, g.preferredVersion.version]));
  const lists = coreLists();
  for (const spec of GROUPED) {
    const version = preferred.get(spec.group);
    if (version) lists.push({ ...spec, apiVersion: `${spec.group}/${version}` });
  }
  return lists;
}

type Page = { items: Record<string, unknown>[] | null; metadata?: { continue?: string } };

/**
 * Lists one resource page by page into its own Discovery, merged by the caller once the list is
 * complete — so a list restarted after its continue token expired does not count twice.
 */
async function listAll(
  client: ClusterClient,
  spec: ListSpec,
  options: ClusterCertificateOptions,
  source: string,
  onItems: (n: number) => void,
): Promise<Discovery> {
  const base = spec.group === '' ? `/api/${spec.apiVersion}` : `/apis/${spec.apiVersion}`;
  const path =
    spec.namespaced && options.namespace
      ? `${base}/namespaces/${encodeURIComponent(options.namespace)}/${spec.plural}`
      : `${base}/${spec.plural}`;
  const accept = spec.metadataOnly
    ? 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'
    : 'application/json';
  const pageSize = spec.pageSize ?? options.pageSize ?? 250;
  let found = emptyDiscovery();
  let cont = '';
  for (;;) {
    const query = [`limit=${pageSize}`, spec.query, cont ? `continue=${encodeURIComponent(cont)}` : undefined]
      .filter((q) => q !== undefined)
      .join('&');
    let res: Awaited<ReturnType<ClusterClient['get']>>;
    try {
      res = await client.get(`${path}?${query}`, accept);
    } catch (error) {
      // A dead server fails every list with the same error: the caller reports it once.
      found.errors.push(clusterError(error, source, `listing ${spec.resource}`));
      return found;
    }
    if (res.status === 403) {
      const where = spec.namespaced && options.namespace ? ` in ${options.namespace}` : '';
      const line = `not allowed to list ${spec.resource}${where}: skipped (results are partial)`;
      options.onWarning?.(line);
      found.errors.push(new SourceError(source, line));
      return found;
    }
    if (res.status === 404) return found;
    if (res.status === 410) {
      options.onWarning?.(`list of ${spec.resource} expired mid-way; restarting it`);
      found = emptyDiscovery();
      cont = '';
      continue;
    }
    if (res.status !== 200) {
      found.errors.push(
        new SourceError(source, `listing ${spec.resource}: HTTP ${res.status}: ${res.body.slice(0, 200)}`),
      );
      return found;
    }
    const page = JSON.parse(res.body) as Page;
    // An empty metadata-only list comes back with `items: null`.
    const items = page.items ?? [];
    for (const item of items) {
      collectFromObject({ ...item, apiVersion: spec.apiVersion, kind: spec.kind }, { source }, found);
    }
    onItems(items.length);
    cont = page.metadata?.continue ?? '';
    if (!cont) return found;
  }
}

/** A Node with both control-plane labels is listed by both selectors. */
function dedupeNodes(into: Discovery): void {
  const seen = new Set<string>();
  into.controlPlaneNodes = into.controlPlaneNodes.filter((n) => {
    if (seen.has(n.name)) return false;
    seen.add(n.name);
    return true;
  });
}

function timedOut(error: Error): boolean {
  return (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
}
