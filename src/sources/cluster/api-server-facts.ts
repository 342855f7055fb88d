/**
 * What the API server says about itself: its version (`/version`) and the deprecated APIs
 * clients have called since it started (`apiserver_requested_deprecated_apis` on `/metrics`,
 * which needs `get` on the non-resource URL /metrics; EKS grants it to cluster admins).
 */
import type { ClusterClient } from './api-client.ts';
import { type ClusterOptions, getJson } from './load-cluster.ts';
import { openClusterClient } from './open-client.ts';

/** A deprecated API the API server has served since it started (`apiserver_requested_deprecated_apis`). */
export interface RequestedDeprecatedApi {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** The release that removes it; '' when none is planned. */
  removedRelease: string;
}

export interface ApiServerFacts {
  version?: string;
  requestedDeprecated?: RequestedDeprecatedApi[];
  /** Why the deprecated-API metric is missing, when it is. */
  problem?: string;
}

const SAMPLE = /^apiserver_requested_deprecated_apis\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The requested deprecated APIs in a Prometheus text exposition. */
export function parseRequestedDeprecated(text: string): RequestedDeprecatedApi[] {
  const out: RequestedDeprecatedApi[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match || Number(match[2]) <= 0) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[1] ?? '').matchAll(LABEL)) labels[key as string] = value as string;
    out.push({
      group: labels.group ?? '',
      version: labels.version ?? '',
      resource: labels.resource ?? '',
      subresource: labels.subresource ?? '',
      removedRelease: labels.removed_release ?? '',
    });
  }
  return out;
}

/** The API server's gitVersion (`v1.35.4`), when `/version` says it. */
export async function serverVersion(client: ClusterClient): Promise<string | undefined> {
  const version = await getJson<{ gitVersion?: string }>(client, '/version');
  return typeof version.value?.gitVersion === 'string' ? version.value.gitVersion : undefined;
}

/**
 * The version of the API server `options` name, through a client of its own; undefined when the
 * server does not say or cannot be asked (a version is a detail of a report, not a reason to fail).
 */
export async function readServerVersion(options: ClusterOptions): Promise<string | undefined> {
  const client = openClusterClient(options);
  try {
    return await serverVersion(client);
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

export async function readApiServerFacts(client: ClusterClient): Promise<ApiServerFacts> {
  const facts: ApiServerFacts = {};
  const version = await serverVersion(client);
  if (version) facts.version = version;
  const metrics = await client.get('/metrics', 'text/plain');
  if (metrics.status === 200) facts.requestedDeprecated = parseRequestedDeprecated(metrics.body);
  else
    facts.problem =
      metrics.status === 403
        ? 'not allowed to read the API server’s /metrics (get on the non-resource URL /metrics)'
        : `the API server’s /metrics answered HTTP ${metrics.status}`;
  return facts;
}
