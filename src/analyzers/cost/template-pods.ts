/**
 * Pods as the workloads in manifests would create them: what `cost` prices when its input is a
 * repository (Deployments, StatefulSets, DaemonSets) rather than a running cluster. Each
 * workload gives its replica count of pods (the autoscaler's floor when one targets it), each a
 * copy of the pod template, owned by the workload and bound to no node, so the planner packs
 * them onto the nodes Karpenter would launch. A DaemonSet gives one pod, placed on a stand-in
 * node so it counts as per-node overhead. Jobs and CronJobs run to completion and are left out.
 */

import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { replicaBounds } from '../../inventory/replica-bounds.ts';
import type { SourcedObject } from '../../sources/manifests/load-manifests.ts';

/** The node name DaemonSet stand-in pods are bound to: never a real node. */
export const EVERY_NODE = '(every node)';

export interface TemplatePods {
  pods: SourcedObject[];
  /** Workloads that gave pods. */
  workloads: number;
  /** Workloads left out, by kind, with why (Jobs and CronJobs). */
  leftOut: Map<string, number>;
}

const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

export function podsFromTemplates(inventory: Inventory): TemplatePods {
  const out: TemplatePods = { pods: [], workloads: 0, leftOut: new Map() };
  for (const entry of inventory.all()) {
    const kind = entry.object.kind;
    if (kind === 'Job' || kind === 'CronJob') {
      out.leftOut.set(kind, (out.leftOut.get(kind) ?? 0) + 1);
      continue;
    }
    if (!REPLICATED.has(kind) && kind !== 'DaemonSet') continue;
    // A ReplicaSet a Deployment owns is the Deployment's, counted there.
    if (inventory.controllerOf(entry)) continue;
    const template = asRecord(asRecord(entry.object.spec)?.template);
    const podSpec = asRecord(template?.spec);
    if (!template || !podSpec) continue;
    const replicas = kind === 'DaemonSet' ? 1 : (replicaBounds(inventory, entry)?.min ?? 1);
    if (replicas === 0) continue;
    out.workloads++;
    const metadata = asRecord(template.metadata) ?? {};
    for (let i = 0; i < replicas; i++) {
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...(metadata as KubeObject['metadata']),
          name: `${entry.ref.name}-${i}`,
          ...(entry.ref.namespace !== undefined ? { namespace: entry.ref.namespace } : {}),
          ownerReferences: [
            { apiVersion: entry.object.apiVersion, kind, name: entry.ref.name, controller: true },
          ],
        },
        spec: { ...podSpec, ...(kind === 'DaemonSet' ? { nodeName: EVERY_NODE } : {}) },
        status: { phase: 'Pending' },
      };
      out.pods.push({ object: pod, origin: entry.origin });
    }
  }
  return out;
}
