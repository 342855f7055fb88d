/**
 * The Helm release inventory (`hindsight helm`): every release from Helm's own storage, its
 * chart, status and history, and what stands in the way of its next upgrade — a revision stuck
 * in pending-* (Helm's "another operation (install/upgrade/rollback) is in progress"), a failed
 * upgrade, APIs in the deployed manifest that the target Kubernetes no longer serves (Helm then
 * cannot even diff against it), a deprecated chart — plus which values changed in the last
 * upgrade and the Flux HelmRelease that owns the release.
 */
import { compareText } from '../../core/compare-text.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import type { Severity } from '../../core/severity.ts';
import { compareMinor, deprecatedApi } from '../../data/deprecated-apis.ts';
import type { HelmRevision } from '../../sources/helm-releases/storage.ts';
import { parseYamlDocuments } from '../../sources/manifests/read-documents.ts';

export interface HelmInventoryOptions {
  now: Date;
  /** Kubernetes `major.minor` the deployed manifests are checked against. */
  targetVersion: string;
  /** A pending-* revision older than this holds the release's lock: stuck. */
  stuckAfterMs: number;
}

export type ReleaseProblemId =
  | 'release-stuck-pending'
  | 'release-failed'
  | 'release-never-deployed'
  | 'release-api-removed'
  | 'release-api-deprecated'
  | 'release-chart-deprecated';

export interface ReleaseProblem {
  id: ReleaseProblemId;
  severity: Severity;
  message: string;
}

export interface FluxOwner {
  namespace: string;
  name: string;
  /** The Ready condition's status and message, when the HelmRelease has one. */
  ready?: string;
  message?: string;
  suspended: boolean;
}

export interface HelmReleaseSummary {
  namespace: string;
  name: string;
  /** The newest revision Helm stored, whatever its status. */
  revision: number;
  status: string;
  chart: string;
  chartVersion: string;
  appVersion?: string;
  /** When the newest revision was last deployed (or attempted), ISO 8601. */
  updated?: string;
  /** The revision the cluster runs (status deployed), if any. */
  deployedRevision?: number;
  revisions: number;
  /** Value paths the user set differently in the deployed revision than in the one before it. */
  valuesChanged: string[];
  owner?: FluxOwner;
  problems: ReleaseProblem[];
}

export interface HelmInventoryReport {
  targetVersion: string;
  releases: HelmReleaseSummary[];
}

const PROBLEM_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Value paths whose values differ between two revisions' user-supplied values (values never leave here). */
export function changedValuePaths(before: unknown, after: unknown, prefix = ''): string[] {
  const a = asRecord(before);
  const b = asRecord(after);
  if (!a || !b) return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '(all values)'];
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in a) || !(key in b)) out.push(path);
    else out.push(...changedValuePaths(a[key], b[key], path));
  }
  return out;
}

function ageText(from: string | undefined, now: Date): string {
  if (!from) return 'for an unknown time';
  const ms = now.getTime() - Date.parse(from);
  if (!Number.isFinite(ms)) return 'for an unknown time';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 120) return `for ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `for ${hours} h` : `for ${Math.floor(hours / 24)} days`;
}

/** The kinds and apiVersions of a rendered manifest. */
function manifestApis(
  manifest: string,
  source: string,
): { apiVersion: string; kind: string; name: string }[] {
  const out: { apiVersion: string; kind: string; name: string }[] = [];
  for (const doc of parseYamlDocuments(manifest, source).documents) {
    const object = asRecord(doc.value);
    if (!object || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') continue;
    const name = asRecord(object.metadata)?.name;
    out.push({
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: typeof name === 'string' ? name : '?',
    });
  }
  return out;
}

function apiProblems(deployed: HelmRevision, targetVersion: string): ReleaseProblem[] {
  const removed = new Map<string, string[]>();
  const deprecated = new Map<string, string[]>();
  const source = `helm release ${deployed.namespace}/${deployed.name} revision ${deployed.revision}`;
  for (const o of manifestApis(deployed.manifest, source)) {
    const api = deprecatedApi(o.apiVersion, o.kind);
    if (api?.component !== 'kubernetes') continue;
    const key = `${o.apiVersion} ${o.kind}${api.replacement ? ` (use ${api.replacement.apiVersion})` : ''}`;
    if (api.removedIn && compareMinor(api.removedIn, targetVersion) <= 0)
      removed.set(key, [...(removed.get(key) ?? []), `${o.name}; removed in ${api.removedIn}`]);
    else if (api.deprecatedIn && compareMinor(api.deprecatedIn, targetVersion) <= 0)
      deprecated.set(key, [
        ...(deprecated.get(key) ?? []),
        `${o.name}; removed in ${api.removedIn ?? 'a later release'}`,
      ]);
  }
  const list = (m: Map<string, string[]>) =>
    [...m].map(([api, names]) => `${api}: ${names.join(', ')}`).join('; ');
  const out: ReleaseProblem[] = [];
  if (removed.size > 0)
    out.push({
      id: 'release-api-removed',
      severity: 'high',
      message: `revision ${deployed.revision}'s manifest uses APIs Kubernetes ${targetVersion} no longer serves (${list(removed)}). After the upgrade Helm cannot read this release ("unable to build kubernetes objects from current release manifest") and every helm upgrade fails: move the chart to the new APIs and rewrite the stored manifest first (helm-mapkubeapis).`,
    });
  if (deprecated.size > 0)
    out.push({
      id: 'release-api-deprecated',
      severity: 'low',
      message: `revision ${deployed.revision}'s manifest uses deprecated APIs (${list(deprecated)}): move the chart before the release that removes them.`,
    });
  return out;
}

function lockProblems(
  latest: HelmRevision,
  deployed: HelmRevision | undefined,
  options: HelmInventoryOptions,
): ReleaseProblem[] {
  const since = latest.lastDeployed ?? latest.firstDeployed;
  const age = since ? options.now.getTime() - Date.parse(since) : Number.POSITIVE_INFINITY;
  const ns = latest.namespace;
  if (latest.status.startsWith('pending-') && age >= options.stuckAfterMs) {
    const way = deployed
      ? `helm rollback ${latest.name} ${deployed.revision} -n ${ns} (the revision the cluster runs)`
      : `helm uninstall ${latest.name} -n ${ns} and install again (no revision was ever deployed)`;
    return [
      {
        id: 'release-stuck-pending',
        severity: 'high',
        message: `revision ${latest.revision} has been ${latest.status} ${ageText(since, options.now)}: Helm refuses every upgrade, rollback and uninstall of this release ("another operation (install/upgrade/rollback) is in progress") until it is resolved. If no helm or controller is still working on it: ${way}.`,
      },
    ];
  }
  if (latest.status === 'failed') {
    const runs = deployed ? `; the cluster still runs revision ${deployed.revision}` : '';
    return [
      {
        id: 'release-failed',
        severity: deployed ? 'medium' : 'high',
        message: `revision ${latest.revision} failed${latest.description ? `: ${latest.description}` : ''}${runs}.`,
      },
    ];
  }
  if (!deployed && !latest.status.startsWith('pending-') && latest.status !== 'uninstalled')
    return [
      {
        id: 'release-never-deployed',
        severity: 'medium',
        message: `no revision of this release is deployed (the newest, ${latest.revision}, is ${latest.status}).`,
      },
    ];
  return [];
}

/**
 * The Helm storage namespace and release name a Flux HelmRelease manages: what its status says
 * once it has acted, otherwise helm-controller's defaults (`[targetNamespace-]name`, stored in the
 * HelmRelease's own namespace).
 */
function fluxReleaseKey(hr: KubeObject): string {
  const spec = asRecord(hr.spec) ?? {};
  const status = asRecord(hr.status) ?? {};
  const ns = hr.metadata.namespace ?? '';
  const target = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : undefined;
  const history = Array.isArray(status.history) ? asRecord(status.history[0]) : undefined;
  const releaseName =
    typeof history?.name === 'string'
      ? history.name
      : typeof spec.releaseName === 'string'
        ? spec.releaseName
        : target
          ? `${target}-${hr.metadata.name}`
          : hr.metadata.name;
  const storage =
    typeof status.storageNamespace === 'string'
      ? status.storageNamespace
      : typeof spec.storageNamespace === 'string'
        ? spec.storageNamespace
        : ns;
  return `${storage}/${releaseName}`;
}

function fluxOwner(hr: KubeObject): FluxOwner {
  const status = asRecord(hr.status);
  const conditions = Array.isArray(status?.conditions) ? status.conditions : [];
  const ready = conditions.map(asRecord).find((c) => c?.type === 'Ready');
  return {
    namespace: hr.metadata.namespace ?? '',
    name: hr.metadata.name ?? '',
    ...(typeof ready?.status === 'string' ? { ready: ready.status } : {}),
    ...(typeof ready?.message === 'string' ? { message: ready.message } : {}),
    suspended: asRecord(hr.spec)?.suspend === true,
  };
}

function summarize(
  revisions: HelmRevision[],
  owner: FluxOwner | undefined,
  options: HelmInventoryOptions,
): HelmReleaseSummary {
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  const latest = sorted[sorted.length - 1] as HelmRevision;
  const deployed = sorted.findLast((r) => r.status === 'deployed');
  const before = deployed
    ? sorted.findLast((r) => r.revision < deployed.revision && r.status === 'superseded')
    : undefined;
  const problems = [
    ...lockProblems(latest, deployed, options),
    ...(deployed ? apiProblems(deployed, options.targetVersion) : []),
    ...(latest.chart.deprecated
      ? [
          {
            id: 'release-chart-deprecated' as const,
            severity: 'low' as const,
            message: `chart ${latest.chart.name} ${latest.chart.version} is marked deprecated by its authors: find its successor before it stops receiving fixes.`,
          },
        ]
      : []),
  ].sort((a, b) => PROBLEM_ORDER[a.severity] - PROBLEM_ORDER[b.severity]);
  const updated = latest.lastDeployed ?? latest.firstDeployed;
  return {
    namespace: latest.namespace,
    name: latest.name,
    revision: latest.revision,
    status: latest.status,
    chart: latest.chart.name,
    chartVersion: latest.chart.version,
    ...(latest.chart.appVersion ? { appVersion: latest.chart.appVersion } : {}),
    ...(updated ? { updated } : {}),
    ...(deployed ? { deployedRevision: deployed.revision } : {}),
    revisions: sorted.length,
    valuesChanged: deployed && before ? changedValuePaths(before.config, deployed.config) : [],
    ...(owner ? { owner } : {}),
    problems,
  };
}

/** Every release among `revisions` (all stored revisions), with the Flux HelmReleases that own them. */
export function analyzeHelmReleases(
  revisions: readonly HelmRevision[],
  fluxHelmReleases: readonly KubeObject[],
  options: HelmInventoryOptions,
): HelmInventoryReport {
  const byRelease = new Map<string, HelmRevision[]>();
  for (const r of revisions) {
    const key = `${r.storage.namespace}/${r.name}`;
    const list = byRelease.get(key);
    if (list) list.push(r);
    else byRelease.set(key, [r]);
  }
  const owners = new Map(fluxHelmReleases.map((hr) => [fluxReleaseKey(hr), fluxOwner(hr)]));
  const releases = [...byRelease]
    .map(([key, list]) => summarize(list, owners.get(key), options))
    .sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
  return { targetVersion: options.targetVersion, releases };
}
