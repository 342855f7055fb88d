/**
 * Requests vs usage: what each namespace and workload asks the scheduler for against what it
 * uses — the right-sizing view. Requests from kube-state-metrics
 * (`kube_pod_container_resource_requests{resource="cpu"|"memory"}`), usage from cAdvisor
 * (`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`, without the
 * pod-level `container=""` and pause `container="POD"` rows). A pod's workload is its owner,
 * and a ReplicaSet's owner in turn (`kube_pod_owner`, `kube_replicaset_owner`), so a
 * Deployment's pods count as the Deployment without recording rules.
 */
import { type DashboardSpec, IN_SCOPE } from './model.ts';

const CONTAINERS = `${IN_SCOPE}, container!="", container!="POD"`;

/** 1 per pod, labelled with its workload (`workload`, `workload_kind`). */
export const POD_WORKLOAD = [
  'max by (cluster, namespace, pod, workload, workload_kind) (',
  '  label_replace(',
  `    kube_pod_owner{${IN_SCOPE}, owner_kind="ReplicaSet"}, "replicaset", "$1", "owner_name", "(.+)"`,
  '  )',
  '  * on (cluster, namespace, replicaset) group_left (workload, workload_kind)',
  '  max by (cluster, namespace, replicaset, workload, workload_kind) (label_replace(label_replace(',
  `    kube_replicaset_owner{${IN_SCOPE}}, "workload", "$1", "owner_name", "(.+)"`,
  '  ), "workload_kind", "$1", "owner_kind", "(.+)"))',
  '  or label_replace(label_replace(',
  `    kube_pod_owner{${IN_SCOPE}, owner_kind!="ReplicaSet"}, "workload", "$1", "owner_name", "(.+)"`,
  '  ), "workload_kind", "$1", "owner_kind", "(.+)")',
  ')',
].join('\n');

const requested = (resource: string) =>
  `kube_pod_container_resource_requests{${IN_SCOPE}, resource="${resource}"}`;
const cpuUsed = `rate(container_cpu_usage_seconds_total{${CONTAINERS}}[$__rate_interval])`;
const memoryUsed = `container_memory_working_set_bytes{${CONTAINERS}}`;

/** A per-container series summed per workload. */
function perWorkload(series: string): string {
  return `sum by (cluster, namespace, workload_kind, workload) (\n  ${series}\n  * on (cluster, namespace, pod) group_left (workload_kind, workload)\n${POD_WORKLOAD}\n)`;
}

const perNamespace = (series: string) => `sum by (namespace) (${series})`;

export const REQUESTS_VS_USAGE: DashboardSpec = {
  uid: 'hindsight-requests-vs-usage',
  title: 'hindsight / Requests vs usage',
  description:
    'CPU and memory requested (kube-state-metrics) against used (cAdvisor), per namespace and workload: what right-sizing can give back, and who uses more than they asked for.',
  tags: ['rightsizing'],
  from: 'now-24h',
  panels: [
    {
      type: 'stat',
      title: 'CPU requested',
      description: 'Cores requested by the containers of the selected namespaces.',
      unit: 'none',
      width: 6,
      queries: [{ expr: `sum(${requested('cpu')})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'CPU used',
      description: 'Cores used by the same containers.',
      unit: 'none',
      width: 6,
      queries: [{ expr: `sum(${cpuUsed})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Memory requested',
      description: 'Memory requested by the containers of the selected namespaces.',
      unit: 'bytes',
      width: 6,
      queries: [{ expr: `sum(${requested('memory')})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Memory used (working set)',
      description:
        'Working set of the same containers: what the kubelet evicts on and the OOM killer counts.',
      unit: 'bytes',
      width: 6,
      queries: [{ expr: `sum(${memoryUsed})`, instant: true }],
    },
    {
      type: 'timeseries',
      title: 'CPU requested vs used, per namespace',
      description: 'Dashed requests above usage are cores paid for and idle.',
      unit: 'none',
      width: 12,
      queries: [
        { expr: perNamespace(requested('cpu')), legend: '{{namespace}} requested' },
        { expr: perNamespace(cpuUsed), legend: '{{namespace}} used' },
      ],
    },
    {
      type: 'timeseries',
      title: 'Memory requested vs used, per namespace',
      description: 'Usage above the request is what the kubelet evicts first under node memory pressure.',
      unit: 'bytes',
      width: 12,
      queries: [
        { expr: perNamespace(requested('memory')), legend: '{{namespace}} requested' },
        { expr: perNamespace(memoryUsed), legend: '{{namespace}} used' },
      ],
    },
    {
      type: 'table',
      title: 'CPU per workload: requested and used',
      description: 'Cores per workload now; hindsight cost and the right-sizing recommendations size them.',
      unit: 'none',
      width: 12,
      queries: [
        { expr: perWorkload(requested('cpu')), instant: true },
        { expr: perWorkload(cpuUsed), instant: true },
      ],
    },
    {
      type: 'table',
      title: 'Memory per workload: requested and used',
      description: 'Working set per workload now, beside its request.',
      unit: 'bytes',
      width: 12,
      queries: [
        { expr: perWorkload(requested('memory')), instant: true },
        { expr: perWorkload(memoryUsed), instant: true },
      ],
    },
    {
      type: 'bargauge',
      title: 'Idle CPU requested, top 10 workloads',
      description: 'Cores requested and not used: the first candidates for right-sizing.',
      unit: 'none',
      width: 12,
      queries: [
        {
          expr: `topk(10, ${perWorkload(requested('cpu'))}\n- ${perWorkload(cpuUsed)})`,
          legend: '{{namespace}}/{{workload}}',
          instant: true,
        },
      ],
    },
    {
      type: 'bargauge',
      title: 'Memory used / requested, top 10 workloads',
      description:
        'Above 1 the workload uses more than it asked for: evicted first, and a neighbour may OOM.',
      unit: 'percentunit',
      width: 12,
      redFrom: 1,
      queries: [
        {
          expr: `topk(10, ${perWorkload(memoryUsed)}\n/ ${perWorkload(requested('memory'))})`,
          legend: '{{namespace}}/{{workload}}',
          instant: true,
        },
      ],
    },
  ],
};
