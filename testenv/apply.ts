/**
 * Bulk-creates fixture objects on the test platform's API server: discovery decides each
 * kind's REST path, kinds run in phases (owners before what they own, so owner UIDs can be
 * filled in), objects within a phase go out concurrently over keep-alive connections, and
 * workload status is written through the status subresource so the cluster reads like one
 * whose controllers have converged.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject, OwnerReference } from '../src/core/resource.ts';

export interface ApiClientOptions {
  server: string;
  ca: string;
  cert: string;
  key: string;
  concurrency?: number;
}

/** The platform's admin client: its API server with the admin certificate. */
export function platformClient(
  state: { server: string; pki: { caCert: string; adminCert: string; adminKey: string } },
  concurrency?: number,
): ApiClient {
  return new ApiClient({
    server: state.server,
    ca: state.pki.caCert,
    cert: state.pki.adminCert,
    key: state.pki.adminKey,
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
}

export interface ApiResponse {
  status: number;
  body: string;
}

/** A minimal HTTPS client for the platform's API server with client-certificate auth. */
export class ApiClient {
  readonly server: string;
  private readonly agent: Agent;
  readonly concurrency: number;

  constructor(options: ApiClientOptions) {
    this.server = options.server;
    this.concurrency = options.concurrency ?? 32;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: this.concurrency,
      ca: readFileSync(options.ca),
      cert: readFileSync(options.cert),
      key: readFileSync(options.key),
    });
  }

  send(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolveResponse, reject) => {
      const req = request(
        new URL(path, this.server),
        {
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolveResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    if (res.status >= 300)
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface KindInfo {
  plural: string;
  namespaced: boolean;
  hasStatus: boolean;
}

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean }[];
}

/** apiVersion/kind → resource, from the server's discovery documents. */
export async function discover(client: ApiClient): Promise<Map<string, KindInfo>> {
  const kinds = new Map<string, KindInfo>();
  const groupVersions = ['v1'];
  const groups = await client.json<{ groups: { versions: { groupVersion: string }[] }[] }>('GET', '/apis');
  for (const g of groups.groups) for (const v of g.versions) groupVersions.push(v.groupVersion);
  await Promise.all(
    groupVersions.map(async (gv) => {
      const list = await client.json<ApiResourceList>('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
      const names = new Set(list.resources.map((r) => r.name));
      for (const r of list.resources) {
        if (r.name.includes('/')) continue;
        kinds.set(`${gv}/${r.kind}`, {
          plural: r.name,
          namespaced: r.namespaced,
          hasStatus: names.has(`${r.name}/status`),
        });
      }
    }),
  );
  return kinds;
}

export function collectionPath(apiVersion: string, info: KindInfo, namespace: string | undefined): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return info.namespaced
    ? `${base}/namespaces/${namespace ?? 'default'}/${info.plural}`
    : `${base}/${info.plural}`;
}

export interface ApplyReport {
  created: number;
  existed: number;
  /** Objects of kinds this server does not serve (for example a CRD that is not installed). */
  skippedKinds: Map<string, number>;
  failed: { object: string; error: string }[];
  statusWritten: number;
  seconds: number;
}

const ownerKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachConcurrent<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}

/** Splits the objects into runs of one kind, keeping their order: each run is one phase. */
function phases(objects: KubeObject[]): KubeObject[][] {
  const out: KubeObject[][] = [];
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    let phase = byKind.get(key);
    if (!phase) {
      phase = [];
      byKind.set(key, phase);
      out.push(phase);
    }
    phase.push(o);
  }
  return out;
}

/** `send`, with connection failures (reset, refused under load) retried and finally reported as status 0. */
async function sendWithRetry(
  client: ApiClient,
  method: string,
  path: string,
  body: unknown,
): Promise<ApiResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.send(method, path, body);
    } catch (error) {
      if (attempt >= 8) return { status: 0, body: `connection failed: ${(error as Error).message}` };
      await sleep(200 * 2 ** attempt);
    }
  }
}

async function createWithRetry(client: ApiClient, path: string, body: unknown): Promise<ApiResponse> {
  for (let attempt = 0; ; attempt++) {
    const res = await sendWithRetry(client, 'POST', path, body);
    const retriable = res.status === 0 || res.status === 429 || res.status >= 500;
    // The ServiceAccount admission plugin rejects pods until the namespace's default account exists.
    const saNotReady = res.status === 403 && res.body.includes('serviceaccount');
    if ((!retriable && !saNotReady) || attempt >= 8) return res;
    await sleep(100 * 2 ** attempt);
  }
}

/**
 * Creates `objects` in order of kind. Owner references without a uid get the uid of the owner
 * created earlier in the run (or dropped if the owner is not there, which the API would refuse).
 */
export async function applyObjects(
  client: ApiClient,
  objects: KubeObject[],
  onProgress?: (done: number, total: number) => void,
): Promise<ApplyReport> {
  const started = performance.now();
  const kinds = await discover(client);
  const uids = new Map<string, string>();
  const report: ApplyReport = {
    created: 0,
    existed: 0,
    skippedKinds: new Map(),
    failed: [],
    statusWritten: 0,
    seconds: 0,
  };
  const statusLater: { path: string; object: KubeObject; status: unknown }[] = [];
  let done = 0;

  for (const phase of phases(objects)) {
    const first = phase[0] as KubeObject;
    const info = kinds.get(`${first.apiVersion}/${first.kind}`);
    if (!info) {
      report.skippedKinds.set(`${first.apiVersion}/${first.kind}`, phase.length);
      done += phase.length;
      continue;
    }
    await forEachConcurrent(phase, client.concurrency, async (object) => {
      const body = withOwnerUids(object, uids);
      const path = collectionPath(object.apiVersion, info, object.metadata.namespace);
      const res = await createWithRetry(client, path, body);
      const name = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
      if (res.status === 201 || res.status === 200) {
        report.created++;
        const createdObject = JSON.parse(res.body) as KubeObject;
        if (createdObject.metadata.uid) {
          uids.set(
            ownerKey(object.kind, object.metadata.namespace, object.metadata.name ?? ''),
            createdObject.metadata.uid,
          );
        }
        if (
          object.status !== undefined &&
          info.hasStatus &&
          object.kind !== 'Pod' &&
          object.kind !== 'Node'
        ) {
          statusLater.push({
            path: `${path}/${object.metadata.name}/status`,
            object: createdObject,
            status: object.status,
          });
        }
      } else if (res.status === 409) {
        report.existed++;
        const existing = await sendWithRetry(client, 'GET', `${path}/${object.metadata.name}`, undefined);
        if (existing.status === 200) {
          const uid = (JSON.parse(existing.body) as KubeObject).metadata.uid;
          if (uid)
            uids.set(ownerKey(object.kind, object.metadata.namespace, object.metadata.name ?? ''), uid);
        }
      } else {
        report.failed.push({ object: name, error: `HTTP ${res.status}: ${res.body.slice(0, 300)}` });
      }
      done++;
      onProgress?.(done, objects.length);
    });
  }

  await forEachConcurrent(statusLater, client.concurrency, async ({ path, object, status }) => {
    const res = await sendWithRetry(client, 'PUT', path, { ...object, status });
    if (res.status === 200) report.statusWritten++;
    else report.failed.push({ object: path, error: `status: HTTP ${res.status}: ${res.body.slice(0, 300)}` });
  });
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function withOwnerUids(object: KubeObject, uids: Map<string, string>): KubeObject {
  const refs = object.metadata.ownerReferences;
  if (!refs || refs.length === 0) return object;
  const filled: OwnerReference[] = [];
  for (const ref of refs) {
    const uid = ref.uid ?? uids.get(ownerKey(ref.kind, object.metadata.namespace, ref.name));
    if (uid) filled.push({ ...ref, uid });
  }
  return { ...object, metadata: { ...object.metadata, ownerReferences: filled } };
}

/**
 * A KWOK node with room for 110 pods, so that on a platform running every controller the pods
 * of a Deployment are scheduled and reach Running (or, unschedulable, stay Pending).
 */
export async function createKwokNode(client: ApiClient, name = 'kwok-node-0'): Promise<void> {
  await client.json('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    status: {
      allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
    },
  });
}
