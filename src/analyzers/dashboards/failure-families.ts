/**
 * The five failure families, on the same signals as the PrometheusRules `alerts generate` writes
 * (prometheus-rules.ts): OOM kills and restarts, CPU throttling, evictions, Pending claims and
 * CoreDNS errors and latency. CoreDNS series carry CoreDNS's own namespace, so those panels
 * filter on the cluster only.
 */
import { type DashboardSpec, IN_SCOPE } from './model.ts';

const CONTAINERS = `${IN_SCOPE}, container!=""`;
const throttled = (by: string) =>
  `sum by (${by}) (increase(container_cpu_cfs_throttled_periods_total{${CONTAINERS}}[$__rate_interval]))\n` +
  `/ sum by (${by}) (increase(container_cpu_cfs_periods_total{${CONTAINERS}}[$__rate_interval]))`;
const DNS = 'cluster=~"$cluster"';
const responses = (rcode: string) =>
  `sum(rate(coredns_dns_responses_total{${DNS}, rcode="${rcode}"}[$__rate_interval]))\n` +
  `/ sum(rate(coredns_dns_responses_total{${DNS}}[$__rate_interval]))`;

export const FAILURE_FAMILIES: DashboardSpec = {
  uid: 'hindsight-failure-families',
  title: 'hindsight / Failure families',
  description:
    'The failures that keep coming back — OOM kills, CPU throttling, evictions, Pending claims, CoreDNS — on the series the generated PrometheusRules alert on.',
  tags: ['alerting'],
  from: 'now-24h',
  panels: [
    {
      type: 'timeseries',
      title: 'Container restarts, by namespace and last termination reason',
      description: 'OOMKilled is the memory limit; Error is usually a failed liveness probe or a crash.',
      unit: 'short',
      width: 12,
      queries: [
        {
          expr:
            `sum by (namespace, reason) (\n  increase(kube_pod_container_status_restarts_total{${IN_SCOPE}}[$__rate_interval])\n` +
            '  * on (cluster, namespace, pod, container) group_left (reason)\n' +
            `  max by (cluster, namespace, pod, container, reason) (kube_pod_container_status_last_terminated_reason{${IN_SCOPE}} == 1)\n)`,
          legend: '{{namespace}} {{reason}}',
        },
      ],
    },
    {
      type: 'table',
      title: 'Containers last OOMKilled',
      description:
        'Containers whose last termination was the OOM killer, with their restarts: raise the limit to the working set plus headroom, or find the leak.',
      unit: 'short',
      width: 12,
      queries: [
        {
          expr:
            `max by (namespace, pod, container) (kube_pod_container_status_restarts_total{${IN_SCOPE}})\n` +
            '  and on (namespace, pod, container)\n' +
            `  (kube_pod_container_status_last_terminated_reason{${IN_SCOPE}, reason="OOMKilled"} == 1)`,
          instant: true,
        },
      ],
    },
    {
      type: 'timeseries',
      title: 'CPU throttling, top 10 containers',
      description:
        'Share of CFS periods in which the CPU limit stalled the container; the alert fires above 50% for 30 minutes.',
      unit: 'percentunit',
      width: 12,
      queries: [
        {
          expr: `topk(10, ${throttled('namespace, pod, container')})`,
          legend: '{{namespace}}/{{pod}} {{container}}',
        },
      ],
    },
    {
      type: 'stat',
      title: 'Containers throttled over 25%',
      description: 'Containers whose CPU limit stalls them in more than a quarter of their periods now.',
      unit: 'short',
      width: 6,
      redFrom: 1,
      queries: [{ expr: `count((${throttled('namespace, pod, container')}) > 0.25)`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Pods Evicted',
      description: 'Evicted pods still listed (until the pod garbage collector removes them).',
      unit: 'short',
      width: 6,
      redFrom: 1,
      queries: [{ expr: `sum(kube_pod_status_reason{${IN_SCOPE}, reason="Evicted"})`, instant: true }],
    },
    {
      type: 'table',
      title: 'PersistentVolumeClaims Pending',
      description:
        'Claims nothing provisions or binds: every pod mounting one waits. kubectl describe pvc shows why.',
      unit: 'short',
      width: 12,
      queries: [
        {
          expr: `max by (namespace, persistentvolumeclaim) (kube_persistentvolumeclaim_status_phase{${IN_SCOPE}, phase="Pending"}) == 1`,
          instant: true,
        },
      ],
    },
    {
      type: 'timeseries',
      title: 'CoreDNS SERVFAIL and NXDOMAIN share',
      description:
        'SERVFAIL above 5% pages (upstream resolver or API server trouble); NXDOMAIN above half is the ndots:5 search-path tax.',
      unit: 'percentunit',
      width: 12,
      queries: [
        { expr: responses('SERVFAIL'), legend: 'SERVFAIL' },
        { expr: responses('NXDOMAIN'), legend: 'NXDOMAIN' },
      ],
    },
    {
      type: 'timeseries',
      title: 'CoreDNS p99 latency',
      description: 'Above 0.5 s for 15 minutes alerts: CoreDNS short of replicas or CPU, or a slow upstream.',
      unit: 's',
      width: 12,
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (le) (rate(coredns_dns_request_duration_seconds_bucket{${DNS}}[$__rate_interval])))`,
          legend: 'p99',
        },
      ],
    },
  ],
};
