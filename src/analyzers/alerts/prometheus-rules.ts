/**
 * PrometheusRules (monitoring.coreos.com/v1) for the failures that keep coming back and that
 * kubernetes-mixin does not alert on: OOM kills, CPU throttling, evictions, Pending claims, EBS
 * attach pressure, CoreDNS errors, latency and the ndots tax, certificate expiry (with the
 * expiry cliffs hindsight serve finds) and NetworkPolicy drops. Every alert carries a severity,
 * a `for`, a runbook in docs/alerting-runbooks.md and the owning team, read from the namespace's
 * labels through kube-state-metrics.
 *
 * Series, and where each is defined (checked against the exporters' sources):
 * - kube-state-metrics (internal/store/*.go, commit c92fe0c5): pod.go
 *   `kube_pod_container_status_last_terminated_reason{container,reason}`,
 *   `kube_pod_container_status_restarts_total`, `kube_pod_status_reason{reason="Evicted"}`;
 *   persistentvolumeclaim.go `kube_persistentvolumeclaim_status_phase{persistentvolumeclaim,phase}`;
 *   volumeattachment.go `kube_volumeattachment_info{volumeattachment,attacher,node}` (on by
 *   default, pkg/options/resource.go); node.go `kube_node_status_allocatable{resource,unit}`, which
 *   carries `attachable_volumes_aws_ebs` only where the node reports the in-tree limit;
 *   namespace.go `kube_namespace_labels{namespace,label_*}`, whose `label_*` are only those
 *   allowed by `--metric-labels-allowlist`.
 * - cAdvisor (kubelet /metrics/cadvisor): `container_cpu_cfs_throttled_periods_total`,
 *   `container_cpu_cfs_periods_total`, as kubernetes-mixin's CPUThrottlingHigh reads them.
 * - CoreDNS plugin/metrics (vars/vars.go, commit 4b26cced): `coredns_dns_responses_total{server,
 *   zone,view,rcode,plugin}`, `coredns_dns_request_duration_seconds{server,zone,view}` (histogram).
 * - Cilium: Hubble's drop handler (pkg/hubble/metrics/drop/handler.go) `hubble_drop_total{reason,
 *   protocol}` plus context labels, `reason` being the flow's DropReason name (`POLICY_DENIED`);
 *   `destination_namespace` exists with `labelsContext=destination_namespace`. The agent's own
 *   `cilium_drop_count_total{reason="Policy denied",direction}` has no namespace.
 * - hindsight serve (docs/metrics.md): `x509_cert_not_after`, `hindsight_findings`,
 *   `hindsight_certificates_last_read_timestamp_seconds`.
 */
import type { KubeObject } from '../../core/resource.ts';

/** What `hindsight alerts generate` passes in. */
export interface PrometheusRulesOptions {
  /** The namespace label key that names the owning team, e.g. `team` or `app.kubernetes.io/part-of`. */
  teamLabel: string;
  /** Where hindsight's docs are served; runbook links are `${runbookBaseUrl}/docs/alerting-runbooks.md#…`. */
  runbookBaseUrl?: string;
  /** The alert label that carries the team, the one Alertmanager's routes match (default `team`). */
  alertTeamLabel?: string;
}

/** One alerting rule as the Prometheus operator takes it. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A family of alerts, one PrometheusRule object each. */
interface Family {
  name: string;
  title: string;
  rules: AlertingRule[];
}

const DEFAULT_DOCS = 'https://github.com/hindsight-dev/hindsight/blob/main';
const RUNBOOKS = 'docs/alerting-runbooks.md';

/** kube-state-metrics' name for a namespace label: `label_` and the key with every other character `_`. */
export function namespaceLabelSeries(teamLabel: string): string {
  return `label_${teamLabel.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * `expr` with the owning team's label joined from its namespace. Series whose namespace
 * kube-state-metrics does not know (or when it is down) still alert, without a team: a join
 * must never hide an alert. `max by` folds duplicate kube-state-metrics replicas into one.
 */
function ownedBy(expr: string, label: string): string {
  return [
    `(${expr}) * on (namespace) group_left (${label}) max by (namespace, ${label}) (kube_namespace_labels)`,
    `or (${expr}) unless on (namespace) kube_namespace_labels`,
  ].join('\n');
}

/** A cluster-wide signal owned by whoever owns `namespace` (kube-system: the platform team). */
function inNamespace(expr: string, namespace: string): string {
  return `label_replace(${expr}, "namespace", "${namespace}", "", "")`;
}

function resourceFamilies(label: string): Family[] {
  return [
    {
      name: 'resources',
      title: 'Resource limits',
      rules: [
        {
          alert: 'HindsightContainerOOMKilled',
          // The restart must be recent: the last-terminated reason stays OOMKilled for as long as
          // the container runs afterwards.
          expr: ownedBy(
            'max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} == 1)\n' +
              '  and on (namespace, pod, container)\n' +
              '  max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total[15m]) > 0)',
            label,
          ),
          for: '1m',
          labels: { severity: 'warning' },
          annotations: {
            summary:
              'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was OOMKilled',
            description:
              'The container hit its memory limit and the kernel killed it in the last 15 minutes. Raise the limit to the working set plus headroom, or find the leak.',
          },
        },
        {
          alert: 'HindsightCPUThrottlingHigh',
          expr: ownedBy(
            'sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{container!=""}[5m]))\n' +
              '  / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{container!=""}[5m]))\n' +
              '  > 0.5',
            label,
          ),
          for: '30m',
          labels: { severity: 'warning' },
          annotations: {
            summary:
              'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is throttled in {{ $value | humanizePercentage }} of its CPU periods',
            description:
              'The CPU limit stalls the container in more than half of its CFS periods for 30 minutes: latency suffers although the node may be idle. Raise or remove the CPU limit (keep the request).',
          },
        },
        {
          alert: 'HindsightPodsEvicted',
          // Pods that became Evicted in the last 30 minutes: evicted pods stay listed until the
          // pod garbage collector removes them, so their mere presence is old news.
          expr: ownedBy(
            'count by (namespace) (\n' +
              '  kube_pod_status_reason{reason="Evicted"} == 1\n' +
              '  unless on (namespace, pod) (kube_pod_status_reason{reason="Evicted"} offset 30m == 1)\n' +
              ')',
            label,
          ),
          for: '1m',
          labels: { severity: 'warning' },
          annotations: {
            summary: '{{ $value }} pods of {{ $labels.namespace }} were evicted in the last 30 minutes',
            description:
              'The kubelet evicted pods under node pressure (memory, disk or PIDs): pods using more than they request go first. Set requests to real usage and check the node conditions.',
          },
        },
      ],
    },
  ];
}

function storageFamily(label: string): Family {
  return {
    name: 'storage',
    title: 'Storage',
    rules: [
      {
        alert: 'HindsightPersistentVolumeClaimPending',
        expr: ownedBy(
          'max by (namespace, persistentvolumeclaim) (kube_persistentvolumeclaim_status_phase{phase="Pending"}) == 1',
          label,
        ),
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary:
            'PersistentVolumeClaim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has been Pending for 15 minutes',
          description:
            "Nothing provisions or binds the claim, so every pod that mounts it waits. kubectl describe pvc shows the provisioner's events.",
        },
      },
      {
        alert: 'HindsightNodeEBSAttachLimitNear',
        // The in-tree limit when the node reports one; otherwise 20, below the CSI driver's limit
        // on most Nitro types (28 shared slots less the root volume and the ENIs). The exact
        // per-node limit is in CSINode, which kube-state-metrics does not export: `hindsight scan`
        // (node-ebs-attach-limit) reads it.
        expr: ownedBy(
          inNamespace(
            'count by (node) (kube_volumeattachment_info{attacher="ebs.csi.aws.com"})\n' +
              '  / on (node) (\n' +
              '    max by (node) (kube_node_status_allocatable{resource="attachable_volumes_aws_ebs"})\n' +
              '    or on (node) (0 * count by (node) (kube_volumeattachment_info{attacher="ebs.csi.aws.com"}) + 25)\n' +
              '  )\n' +
              '  >= 0.8',
            'kube-system',
          ),
          label,
        ),
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Node {{ $labels.node }} uses {{ $value | humanizePercentage }} of its EBS attachments',
          description:
            'The next pod with an EBS volume on this node will wait in ContainerCreating (attachment limit). Spread volume-heavy pods (topology spread, larger volumes, fewer per node) or use instance types with more slots.',
        },
      },
    ],
  };
}

function dnsFamily(label: string): Family {
  const responses = 'coredns_dns_responses_total';
  return {
    name: 'dns',
    title: 'DNS (CoreDNS)',
    rules: [
      {
        alert: 'HindsightCoreDNSServfailHigh',
        expr: ownedBy(
          `sum by (namespace) (rate(${responses}{rcode="SERVFAIL"}[5m]))\n` +
            `  / sum by (namespace) (rate(${responses}[5m]))\n` +
            '  > 0.05',
          label,
        ),
        for: '10m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'CoreDNS answers {{ $value | humanizePercentage }} of queries with SERVFAIL',
          description:
            'Pods cannot resolve names: upstream resolvers (the VPC resolver) fail or time out, or CoreDNS cannot reach the API server. Every service that calls another by name is affected.',
        },
      },
      {
        alert: 'HindsightCoreDNSLatencyHigh',
        expr: ownedBy(
          'histogram_quantile(0.99, sum by (namespace, le) (rate(coredns_dns_request_duration_seconds_bucket[5m]))) > 0.5',
          label,
        ),
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'CoreDNS p99 latency is {{ $value | humanizeDuration }}',
          description:
            'Slow lookups add to every request that resolves a name. Usually CoreDNS is short of replicas or CPU, or the upstream resolver is slow or throttled (1024 packets/s per ENI on the VPC resolver).',
        },
      },
      {
        alert: 'HindsightCoreDNSNXDomainShareHigh',
        expr: ownedBy(
          `sum by (namespace) (rate(${responses}{rcode="NXDOMAIN"}[15m]))\n` +
            `  / sum by (namespace) (rate(${responses}[15m]))\n` +
            '  > 0.5',
          label,
        ),
        for: '1h',
        labels: { severity: 'info' },
        annotations: {
          summary: '{{ $value | humanizePercentage }} of CoreDNS answers are NXDOMAIN',
          description:
            'Most lookups fail before one succeeds: the ndots:5 search-path tax, where every external name is first tried with each cluster suffix. Lower ndots (dnsConfig) or use fully qualified names with a trailing dot.',
        },
      },
    ],
  };
}

function certificateFamily(label: string): Family {
  // The owning team of a Secret's certificate is its namespace's; a certificate outside Secrets
  // (a control-plane file, a webhook) keeps the labels it was scraped with.
  const where =
    '{{ with $labels.secret_name }}Secret {{ $labels.secret_namespace }}/{{ . }}{{ else }}{{ $labels.filepath }}{{ end }}';
  const left = 'label_replace(x509_cert_not_after, "namespace", "$1", "secret_namespace", "(.+)") - time()';
  return {
    name: 'certificates',
    title: 'Certificates',
    rules: [
      {
        alert: 'HindsightCertificateRenewalDue',
        expr: ownedBy(`7 * 86400 <= (${left}) < 30 * 86400`, label),
        for: '1h',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Certificate {{ $labels.subject_CN }} expires in {{ $value | humanizeDuration }}',
          description: `Renew it this week (${where}). hindsight certs names the component that serves it.`,
        },
      },
      {
        alert: 'HindsightCertificateExpiryImminent',
        expr: ownedBy(`(${left}) < 7 * 86400`, label),
        for: '15m',
        labels: { severity: 'critical' },
        annotations: {
          summary:
            'Certificate {{ $labels.subject_CN }} expires in {{ $value | humanizeDuration }} (negative: expired)',
          description: `Renew it now (${where}): clients reject it the moment it expires.`,
        },
      },
      {
        alert: 'HindsightCertificateExpiryCliff',
        // hindsight serve already labels its findings with the owning team.
        expr: 'sum by (namespace, team) (hindsight_findings{rule="certificate-expiry-cliff"}) > 0',
        for: '1h',
        labels: { severity: 'warning', team: '{{ $labels.team }}' },
        annotations: {
          summary: 'Several cluster-critical certificates expire together',
          description:
            'hindsight found {{ $value }} expiry cliffs: certificates the cluster cannot run without that all expire inside one window. Rotate them apart before the date (hindsight certs lists them).',
        },
      },
      {
        alert: 'HindsightCertificatesNotRead',
        expr: ownedBy(
          inNamespace(
            'time() - max by (cluster) (hindsight_certificates_last_read_timestamp_seconds) > 3600',
            'kube-system',
          ),
          label,
        ),
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'hindsight has not read the certificates for {{ $value | humanizeDuration }}',
          description:
            'Certificate expiry is not being watched: the expiry alerts above see stale data. Check the hindsight pod and its log.',
        },
      },
    ],
  };
}

function networkFamily(label: string): Family {
  return {
    name: 'network',
    title: 'Networking (Cilium)',
    rules: [
      {
        alert: 'HindsightNetworkPolicyDrops',
        expr: ownedBy(
          'sum by (namespace) (label_replace(rate(hubble_drop_total{reason="POLICY_DENIED"}[5m]), "namespace", "$1", "destination_namespace", "(.+)")) > 1',
          label,
        ),
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary:
            'Cilium drops {{ $value | humanize }} packets/s to {{ $labels.namespace }} by NetworkPolicy',
          description:
            'CNI: Cilium (Hubble drop metrics, labelsContext=destination_namespace). Traffic into the namespace is denied by policy: a default deny without the allow the callers need, or a selector that no longer matches. hubble observe --verdict DROPPED shows the flows.',
        },
      },
      {
        alert: 'HindsightCiliumPolicyDropsOnNode',
        expr: ownedBy(
          inNamespace(
            'sum by (instance) (rate(cilium_drop_count_total{reason="Policy denied"}[5m])) > 10',
            'kube-system',
          ),
          label,
        ),
        for: '15m',
        labels: { severity: 'info' },
        annotations: {
          summary: 'Cilium agent {{ $labels.instance }} drops {{ $value | humanize }} packets/s by policy',
          description:
            'CNI: Cilium (agent metrics, no namespace). Enable Hubble metrics with labelsContext=destination_namespace to see which namespace the drops hit.',
        },
      },
    ],
  };
}

/** A rule's labels with the team under the label the routes match (a rule may name its own source). */
function withTeam(
  labels: Record<string, string>,
  alertLabel: string,
  joined: string,
): Record<string, string> {
  const { team = joined, ...rest } = labels;
  return { [alertLabel]: team, ...rest };
}

function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** The PrometheusRule objects, one per failure family, for `hindsight alerts generate`. */
export function generatePrometheusRules(options: PrometheusRulesOptions): KubeObject[] {
  const label = namespaceLabelSeries(options.teamLabel);
  const base = (options.runbookBaseUrl ?? DEFAULT_DOCS).replace(/\/+$/, '');
  const families = [
    ...resourceFamilies(label),
    storageFamily(label),
    dnsFamily(label),
    certificateFamily(label),
    networkFamily(label),
  ];
  return families.map((family) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: `hindsight-${family.name}`,
      labels: { 'app.kubernetes.io/name': 'hindsight', 'app.kubernetes.io/component': 'alerts' },
      annotations: { 'hindsight.dev/title': family.title },
    },
    spec: {
      groups: [
        {
          name: `hindsight-${family.name}`,
          rules: family.rules.map((rule) => ({
            ...rule,
            labels: withTeam(rule.labels, options.alertTeamLabel ?? 'team', `{{ $labels.${label} }}`),
            annotations: {
              ...rule.annotations,
              runbook_url: `${base}/${RUNBOOKS}#${runbookAnchor(rule.alert)}`,
            },
          })),
        },
      ],
    },
  }));
}
