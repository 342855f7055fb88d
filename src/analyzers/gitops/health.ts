/**
 * A failing Flux health check often does not say which object failed ("health check failed after
 * 30s: client rate limiter Wait returned an error…"). These helpers name it: the workloads a
 * Kustomization's inventory (or its `spec.healthChecks`) lists, judged as kstatus judges them.
 */
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { inventoryIds, objectKey, spec, status, str } from './flux.ts';
import type { FluxState, TraceReport } from './trace.ts';

export interface WorkloadRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

const CHECKED = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet']);

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

/** Why a Deployment, StatefulSet or DaemonSet is not ready, or undefined when it is. */
export function workloadNotReady(o: KubeObject): string | undefined {
  const s = status(o);
  const generation = num(o.metadata.generation, 0);
  if (generation > 0 && num(s.observedGeneration, 0) < generation)
    return 'its controller has not seen the latest spec';
  if (o.kind === 'DaemonSet') {
    const desired = num(s.desiredNumberScheduled);
    const ready = num(s.numberReady);
    return ready < desired ? `ready ${ready}/${desired}` : undefined;
  }
  const replicas = num(spec(o).replicas, 1);
  const conditions = Array.isArray(s.conditions) ? s.conditions.map(asRecord) : [];
  const stalled = conditions.find(
    (c) => c?.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (stalled) return str(stalled.message) ?? 'progress deadline exceeded';
  const updated = num(s.updatedReplicas);
  const available = o.kind === 'StatefulSet' ? num(s.readyReplicas) : num(s.availableReplicas);
  if (updated < replicas) return `updated ${updated}/${replicas}`;
  if (available < replicas)
    return `${o.kind === 'StatefulSet' ? 'ready' : 'available'} ${available}/${replicas}`;
  return undefined;
}

/** For each health-check failure the report names no object for: the workloads to look at. */
export function healthCheckTargets(report: TraceReport, state: FluxState): Map<string, WorkloadRef[]> {
  const out = new Map<string, WorkloadRef[]>();
  for (const path of report.paths) {
    const v = path.verdict;
    if (v.reason !== 'health-check-failed' || v.failingObject || !v.at) continue;
    const k = state.objects.find((o) => `${o.kind}/${objectKey(o)}` === v.at);
    if (!k) continue;
    const refs: WorkloadRef[] = [];
    for (const id of inventoryIds(k)) {
      const [namespace = '', name = '', group = '', kind = ''] = id.split('_');
      if (CHECKED.has(`${group}/${kind}`)) refs.push({ group, kind, namespace, name });
    }
    const listed = spec(k).healthChecks;
    if (Array.isArray(listed))
      for (const item of listed) {
        const h = asRecord(item);
        const kind = str(h?.kind);
        const name = str(h?.name);
        const apiVersion = str(h?.apiVersion) ?? '';
        if (kind && name)
          refs.push({
            group: apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '',
            kind,
            name,
            namespace: str(h?.namespace) ?? k.metadata.namespace ?? '',
          });
      }
    if (refs.length > 0) out.set(v.at, refs);
  }
  return out;
}

/** Names the first not-ready workload in each health-check failure that named none. */
export function attachUnready(
  report: TraceReport,
  targets: Map<string, WorkloadRef[]>,
  workloads: KubeObject[],
): void {
  for (const path of report.paths) {
    const v = path.verdict;
    const refs = v.at ? targets.get(v.at) : undefined;
    if (!refs || v.failingObject) continue;
    for (const ref of refs) {
      const o = workloads.find(
        (w) =>
          w.kind === ref.kind &&
          w.metadata.name === ref.name &&
          (w.metadata.namespace ?? '') === ref.namespace,
      );
      const why = o ? workloadNotReady(o) : undefined;
      if (!o || !why) continue;
      v.failingObject = `${o.kind}/${objectKey(o)}`;
      v.message += `; not ready: ${v.failingObject} (${why})`;
      break;
    }
  }
}
