/**
 * The report of `hindsight cost`: what the cluster costs now, where the money goes, and what
 * right-sizing, spot and a better node mix would save — each step with its safety numbers.
 * Plain data (numbers in USD per month, cores and bytes), rendered by the cost reporters.
 */

/** Hours in a month, as cloud bills and OpenCost count them (8760 / 12). */
export const HOURS_PER_MONTH = 730;

export interface CostLine {
  name: string;
  /** USD per month allocated by max(request, usage). */
  monthly: number;
  /** Cores and bytes requested, and used (average) when history is known. */
  cpuRequested: number;
  memoryRequested: number;
  cpuUsed?: number;
  memoryUsed?: number;
}

export interface WorkloadCostLine extends CostLine {
  namespace: string;
  kind: string;
  team: string;
  replicas: number;
  spot: 'spot-safe' | 'on-demand-only' | 'n/a';
}

export interface Utilisation {
  requested: number;
  used?: number;
  allocatable: number;
}

export interface ContainerRecommendationLine {
  namespace: string;
  kind: string;
  workload: string;
  container: string;
  replicas: number;
  current: { cpuRequest?: number; memoryRequest?: number; memoryLimit?: number; cpuLimit?: number };
  recommended: { cpuRequest?: number; memoryRequest?: number; memoryLimit?: number; cpuLimit?: number };
  /** USD per month, negative = saving. */
  monthlyDelta: number;
  confidence: 'high' | 'medium' | 'low';
  reasons: string[];
}

export interface BacktestLine {
  strategy: string;
  /** Shares in [0, 1] of held-out pod-steps. */
  oomRisk: number;
  memoryOverRequest: number;
  cpuOverRequest: number;
  /** USD per month the strategy's requests cost over the held-out period. */
  requestedMonthly: number;
  /** (Σ request − Σ usage) / Σ request. */
  slack: number;
  containers: number;
}

export interface PlanNodeLine {
  instanceType: string;
  capacityType: string;
  count: number;
  monthlyEach: number;
}

export interface NodeMixSection {
  currentMonthly: number;
  currentNodes: number;
  planMonthly: number;
  lowerBoundMonthly: number;
  /** plan ÷ lower bound. */
  ratio: number;
  nodes: PlanNodeLine[];
  unplaced: string[];
  consolidation: Array<{ node: string; instanceType: string; monthly: number; reason: string }>;
}

export interface WaterfallStep {
  label: string;
  /** Cost after this step, USD per month. */
  monthly: number;
  /** What this step saves against the previous one. */
  saving: number;
  safety: string;
}

export interface CostReport {
  tool: { name: string; version: string };
  generatedAt: string;
  target: string;
  currency: 'USD';
  /** Sources or namespaces that were missing or incomplete: the figures stand, marked partial. */
  partial: string[];
  /**
   * When the input had no pods (a repository): the pods its workloads would create, templates ×
   * replicas, with their requests (cores, bytes; a DaemonSet's pod counted once).
   */
  templates?: { workloads: number; pods: number; cpu: number; memory: number };
  prometheus?: {
    url: string;
    window: { start: string; end: string; stepSeconds: number };
    queries: number;
    samplesTouched: number;
    /** Wall seconds of the right-sizing read, computing included. */
    seconds: number;
    /** Of which Prometheus' own query execution, summed over concurrent queries. */
    serverSeconds: number;
    /** Bytes received (compressed). */
    bytesReceived: number;
  };
  now: {
    monthly: number;
    nodes: number;
    unpricedNodes: string[];
    idleMonthly: number;
    cpu: Utilisation;
    memory: Utilisation;
  };
  byNamespace: CostLine[];
  byTeam: CostLine[];
  byWorkload: WorkloadCostLine[];
  rightsizing?: {
    strategy: string;
    containers: ContainerRecommendationLine[];
    monthlySavings: number;
    backtest: BacktestLine[];
  };
  spot: {
    safe: number;
    onDemandOnly: number;
    movable: Array<{ namespace: string; kind: string; name: string; monthly: number; saving: number }>;
    monthlySavings: number;
    discount: string;
  };
  nodeMix?: NodeMixSection;
  waterfall: WaterfallStep[];
  generated: string[];
}
