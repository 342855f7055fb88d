/**
 * The production lessons hindsight's checks come from. Every rule names one, so every finding
 * can say which incident or practice it protects against.
 */
export interface Lesson {
  id: string;
  title: string;
  /** What happened or what was learnt, in a sentence a platform engineer recognises. */
  story: string;
}

export const LESSONS = {
  'certificate-expiry': {
    id: 'certificate-expiry',
    title: 'Certificates expire together and take the cluster down',
    story:
      'The root CA, etcd and API server certificates expired on the same day and the cluster stopped: no API server, no kubectl, two days of downtime. A year later a kops bug issued one-year etcd certificates despite a two-year setting, and it happened again.',
  },
  'security-baseline': {
    id: 'security-baseline',
    title: 'Container security baseline',
    story:
      'Read-only root filesystem, non-root user, drop all capabilities, no privilege escalation, no service-account token unless needed: the basics that prevent most runtime attacks.',
  },
  'network-default-deny': {
    id: 'network-default-deny',
    title: 'Network policies with default deny',
    story:
      'Default deny, explicit allow: without it any compromised pod can reach every other pod and the internet.',
  },
  'resource-limits': {
    id: 'resource-limits',
    title: 'Resource limits keep breaking things',
    story:
      'OOMKilled containers, CPU throttling and evictions are among the failures that keep coming back: requests drive scheduling, limits drive kills and throttling.',
  },
  'right-sizing': {
    id: 'right-sizing',
    title: 'Right-size requests from real usage',
    story:
      'Developers request "safe" resources; the cluster ran at 25% CPU utilisation. Right-sizing requests from observed usage saved over 30% of compute.',
  },
  'graceful-disruption': {
    id: 'graceful-disruption',
    title: 'Disruptions must be graceful',
    story:
      'Pod Disruption Budgets, several replicas and readiness probes let nodes drain for upgrades, consolidation and spot interruptions without an outage.',
  },
  autoscaling: {
    id: 'autoscaling',
    title: 'HPA as baseline, KEDA to zero, VPA in recommend mode only',
    story:
      'HPA on CPU is table stakes and needs requests; KEDA scales workers to zero; VPA in Auto mode restarts pods to apply changes, so use it to recommend, and let humans apply.',
  },
  spot: {
    id: 'spot',
    title: 'Spot for 80% of compute, with diversification and fallback',
    story:
      'Stateless, multi-replica services and retryable jobs run well on spot with several instance families, zones and on-demand fallback; databases, single replicas and long non-checkpointing jobs do not.',
  },
  karpenter: {
    id: 'karpenter',
    title: 'Karpenter right-sizes nodes',
    story:
      'Karpenter with NodePool limits, diversified instance types, spot with on-demand fallback and consolidation cut cost by 40% for the same workloads.',
  },
  dns: {
    id: 'dns',
    title: 'DNS keeps breaking',
    story:
      'CoreDNS scaling, ndots:5 turning one external lookup into five, and DNS caching are a recurring source of latency and outages.',
  },
  storage: {
    id: 'storage',
    title: 'Storage keeps breaking',
    story: 'PVC binding, EBS attach limits and storage class misconfiguration are recurring failures on EKS.',
  },
  networking: {
    id: 'networking',
    title: 'Networking keeps breaking',
    story: 'CNI issues, NetworkPolicy conflicts and load balancer health checks are recurring failures.',
  },
  upgrades: {
    id: 'upgrades',
    title: 'Upgrade anxiety',
    story:
      'Cluster upgrades are work: removed APIs break deploys, and PDBs or single replicas that block drains stall node rotation.',
  },
  gitops: {
    id: 'gitops',
    title: 'GitOps with Flux',
    story: 'Flux observability is weak out of the box; answering "why didn\'t this deploy?" needs tooling.',
  },
  alerting: {
    id: 'alerting',
    title: 'Two-tier alerting with team ownership',
    story:
      "PagerDuty for everything brought alert fatigue and ignored alerts. What stuck: critical alerts page on-call, everything else goes to the owning team's Slack channel, with weekly reviews to tune thresholds — and monitoring and runbooks for the failures that keep coming back.",
  },
  observability: {
    id: 'observability',
    title: 'Observability, rebuilt three times',
    story:
      'The stack was rebuilt three times before it settled on Prometheus, Loki and Grafana; the lesson: OpenTelemetry from day one, and every service scraped and logged.',
  },
} as const satisfies Record<string, Lesson>;

export type LessonId = keyof typeof LESSONS;
