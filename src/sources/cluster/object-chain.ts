/**
 * One live object named as kubectl names it (`deploy/api`, `deployment.apps/api`,
 * `kustomization/apps`) and the owners above it (Pod → ReplicaSet → Deployment), for `trace`.
 * The kind is resolved through the server's discovery — kinds, plurals, singulars and short
 * names — so CRDs work as they do with kubectl. Secrets come back without their data.
 */
import { SourceError } from '../../core/errors.ts';
import type { KubeObject } from '../../core/resource.ts';
import { redactObject } from '../redact-object.ts';
import type { ClusterClient } from './api-client.ts';
import { type ClusterOptions, clusterError, getJson } from './load-cluster.ts';
import { openClusterClient } from './open-client.ts';

interface DiscoveredResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  names: string[];
}

interface ApiResourceList {
  groupVersion?: string;
  resources: {
    name: string;
    kind: string;
    namespaced: boolean;
    singularName?: string;
    shortNames?: string[];
  }[];
}

/** Every resource the server serves at its groups' preferred versions (core first). */
async function discoverAll(client: ClusterClient): Promise<DiscoveredResource[]> {
  const groups = await getJson<{ groups: { name: string; preferredVersion: { version: string } }[] }>(
    client,
    '/apis',
  );
  if (!groups.value) throw new Error(`discovery failed: HTTP ${groups.status}: ${groups.body.slice(0, 200)}`);
  const paths: [string, string, string][] = [
    ['', 'v1', '/api/v1'],
    ...groups.value.groups.map(
      (g) =>
        [g.name, g.preferredVersion.version, `/apis/${g.name}/${g.preferredVersion.version}`] as [
          string,
          string,
          string,
        ],
    ),
  ];
  const lists = await Promise.all(
    paths.map(async ([group, version, path]) => {
      const list = await getJson<ApiResourceList>(client, path).catch(() => undefined);
      return (list?.value?.resources ?? [])
        .filter((r) => !r.name.includes('/'))
        .map((r) => ({
          group,
          version,
          kind: r.kind,
          plural: r.name,
          namespaced: r.namespaced,
          names: [r.kind.toLowerCase(), r.name, r.singularName ?? '', ...(r.shortNames ?? [])].filter(
            Boolean,
          ),
        }));
    }),
  );
  return lists.flat();
}

function matches(r: DiscoveredResource, type: string): boolean {
  const lower = type.toLowerCase();
  const dot = lower.indexOf('.');
  if (dot > 0) {
    // `deployment.apps`, `kustomization.kustomize.toolkit.fluxcd.io`
    const name = lower.slice(0, dot);
    const group = lower.slice(dot + 1);
    return r.group === group && r.names.includes(name);
  }
  return r.names.includes(lower);
}

function objectPath(r: DiscoveredResource, name: string, namespace: string | undefined): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespaced && namespace
    ? `${base}/namespaces/${namespace}/${r.plural}/${encodeURIComponent(name)}`
    : `${base}/${r.plural}/${encodeURIComponent(name)}`;
}

export interface ObjectChainResult {
  /** The kind as the server names it, and its apiVersion, once resolved. */
  kind?: string;
  apiVersion?: string;
  namespaced?: boolean;
  /** The object, then its controller owners upward; empty when the object does not exist. */
  chain: KubeObject[];
  errors: SourceError[];
  reached: boolean;
}

/** Reads `type/name` in `namespace` and walks its controller ownerReferences up (at most 8). */
export async function readObjectChain(
  options: ClusterOptions,
  type: string,
  name: string,
  namespace: string,
): Promise<ObjectChainResult> {
  const client = openClusterClient(options);
  const out: ObjectChainResult = { chain: [], errors: [], reached: false };
  try {
    const resources = await discoverAll(client);
    out.reached = true;
    const candidates = resources.filter((r) => matches(r, type));
    // kubectl's preference: core and apps before CRDs that reuse a short name.
    const resource =
      candidates.find((r) => r.group === '') ?? candidates.find((r) => r.group === 'apps') ?? candidates[0];
    if (!resource) {
      out.errors.push(new SourceError(client.source, `the server has no resource type "${type}"`));
      return out;
    }
    out.kind = resource.kind;
    out.apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    out.namespaced = resource.namespaced;
    let current = await getOne(client, resource, name, namespace, out);
    for (let depth = 0; current && depth < 8; depth++) {
      out.chain.push(current);
      const owners = current.metadata.ownerReferences ?? [];
      const owner = owners.find((o) => o.controller) ?? owners[0];
      if (!owner) break;
      const [group, version] = owner.apiVersion.includes('/')
        ? owner.apiVersion.split('/', 2)
        : ['', owner.apiVersion];
      const ownerResource = resources.find((r) => r.group === group && r.kind === owner.kind) ?? {
        group: group ?? '',
        version: version ?? 'v1',
        kind: owner.kind,
        plural: `${owner.kind.toLowerCase()}s`,
        namespaced: true,
        names: [],
      };
      current = await getOne(client, ownerResource, owner.name, current.metadata.namespace ?? namespace, out);
    }
  } catch (error) {
    out.errors.push(clusterError(error, client.source, `reading ${type}/${name}`));
  } finally {
    client.close();
  }
  return out;
}

async function getOne(
  client: ClusterClient,
  r: DiscoveredResource,
  name: string,
  namespace: string,
  out: ObjectChainResult,
): Promise<KubeObject | undefined> {
  const page = await getJson<Record<string, unknown>>(client, objectPath(r, name, namespace));
  if (page.status === 404) return undefined;
  if (!page.value) {
    out.errors.push(
      new SourceError(
        client.source,
        `reading ${r.kind} ${namespace && r.namespaced ? `${namespace}/` : ''}${name}: HTTP ${page.status}${page.status === 403 ? ' (not allowed)' : `: ${page.body.slice(0, 200)}`}`,
      ),
    );
    return undefined;
  }
  return redactObject({
    ...page.value,
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    kind: r.kind,
  } as unknown as KubeObject);
}

/**
 * Objects named by apiVersion/kind/namespace/name (an inventory's entries), read in one discovery
 * and a GET each; missing ones are left out.
 */
export async function readObjects(
  options: ClusterOptions,
  refs: readonly { group: string; kind: string; namespace: string; name: string }[],
): Promise<{ objects: KubeObject[]; errors: SourceError[] }> {
  const client = openClusterClient(options);
  const out: ObjectChainResult = { chain: [], errors: [], reached: false };
  try {
    const resources = await discoverAll(client);
    for (const ref of refs) {
      const resource = resources.find((r) => r.group === ref.group && r.kind === ref.kind);
      if (!resource) continue;
      const object = await getOne(client, resource, ref.name, ref.namespace, out);
      if (object) out.chain.push(object);
    }
  } catch (error) {
    out.errors.push(clusterError(error, client.source, 'reading inventory objects'));
  } finally {
    client.close();
  }
  return { objects: out.chain, errors: out.errors };
}
