/**
 * Which workload a pod belonged to, from kube-state-metrics history alone: `kube_pod_owner`
 * (pod → ReplicaSet, StatefulSet, DaemonSet, Job, …), `kube_replicaset_owner` (ReplicaSet →
 * Deployment) and `kube_job_owner` (Job → CronJob). Pods deleted weeks ago are no longer in the
 * API server, but their owners are still in Prometheus' index.
 *
 * The look-up uses the series API, which reads the index only: no sample is loaded, so it costs
 * Prometheus next to nothing whatever the window. A Job without a `kube_job_owner` series stays a
 * Job: guessing the CronJob from the `-<timestamp>` suffix would merge unrelated Jobs.
 */

import type { WorkloadKey } from '../../core/usage-history.ts';
import type { Labels, PrometheusClient } from './client.ts';
import { promString } from './promql-text.ts';

/** Maps a pod name of one namespace to its top workload. */
export type PodOwners = (pod: string) => WorkloadKey;

/** Reads the owner series of one namespace in the window and returns the pod → workload map. */
export async function readPodOwners(
  client: PrometheusClient,
  namespace: string,
  window: { start: Date; end: Date },
): Promise<PodOwners> {
  const ns = `namespace=${promString(namespace)}`;
  const series = await client.series(
    [`kube_pod_owner{${ns}}`, `kube_replicaset_owner{${ns}}`, `kube_job_owner{${ns}}`],
    window,
  );
  return podOwnersFrom(namespace, series);
}

/** Builds the pod → workload map from owner series label sets (duplicates from several scrapes are fine). */
export function podOwnersFrom(namespace: string, series: readonly Labels[]): PodOwners {
  const podOwner = new Map<string, { kind: string; name: string }>();
  const replicaSetOwner = new Map<string, { kind: string; name: string }>();
  const jobOwner = new Map<string, { kind: string; name: string }>();
  for (const s of series) {
    const kind = s.owner_kind;
    const name = s.owner_name;
    if (kind === undefined || name === undefined) continue;
    const owner = { kind, name };
    const metric = s.__name__;
    if (metric === 'kube_pod_owner' && s.pod !== undefined) keepController(podOwner, s.pod, owner, s);
    else if (metric === 'kube_replicaset_owner' && s.replicaset !== undefined)
      keepController(replicaSetOwner, s.replicaset, owner, s);
    else if (metric === 'kube_job_owner' && s.job_name !== undefined)
      keepController(jobOwner, s.job_name, owner, s);
  }
  return (pod) => {
    const owner = podOwner.get(pod);
    if (!owner || isNone(owner)) return { namespace, kind: 'Pod', name: pod };
    if (owner.kind === 'ReplicaSet') {
      const top = replicaSetOwner.get(owner.name);
      if (top && !isNone(top)) return { namespace, kind: top.kind, name: top.name };
    } else if (owner.kind === 'Job') {
      const top = jobOwner.get(owner.name);
      if (top && !isNone(top)) return { namespace, kind: top.kind, name: top.name };
    }
    return { namespace, kind: owner.kind, name: owner.name };
  };
}

/** kube-state-metrics writes `<none>` for objects without an owner. */
function isNone(owner: { kind: string; name: string }): boolean {
  return owner.kind === '<none>' || owner.kind === '' || owner.name === '<none>' || owner.name === '';
}

/** Among several owner rows of one object, the controller wins, then a real owner over `<none>`. */
function keepController(
  map: Map<string, { kind: string; name: string }>,
  key: string,
  owner: { kind: string; name: string },
  labels: Labels,
): void {
  const current = map.get(key);
  if (!current || (isNone(current) && !isNone(owner)) || labels.owner_is_controller === 'true') {
    if (current && !isNone(current) && isNone(owner)) return;
    map.set(key, owner);
  }
}
