/**
 * hindsight's own right-sizing strategy (the why is in docs/adr/0005-right-sizing-strategy.md).
 *
 * - Samples are pooled across replicas: a Deployment's pods are interchangeable, so one
 *   distribution of per-step usage describes the pod the next replica will be.
 * - Weights decay with a 7-day half-life relative to the grid's last point (the clock is the grid),
 *   so a week-old sample counts half: recent behaviour wins, yet a weekly cycle is still seen.
 *   Quantiles are exact weighted quantiles (no bucket bias).
 * - Burstable: CPU request = weighted p95 of the pooled per-step CPU averages, raised to the
 *   hottest replica's own p95 among replicas with a day of data (a request applies to every
 *   replica, so load imbalance must not starve the hot one); no CPU limit (limits throttle
 *   a container while its node has idle cores). Memory request = weighted p99 of per-step peaks
 *   + 10 %; memory limit = 1.2 × the largest peak in the window (never below it), at least the
 *   request. Memory limits always: memory cannot be throttled, only killed, and a limit makes the
 *   container that leaks the one that dies, not its neighbours.
 * - Guaranteed: request = limit; CPU at the weighted p99 × 1.15 (never below the p95 request),
 *   memory at the burstable limit.
 * - OOM-aware: after an OOM kill the memory limit is at least the killed limit × 1.2 (the peak
 *   was cut short by the kill, so the real need is above what was seen).
 * - HPA-aware: a resource an HPA scales on is never shrunk: a smaller request raises utilisation,
 *   the HPA adds pods, per-pod usage falls and the next run would shrink again. The current request
 *   is kept and the reason given.
 * - Floors: 10 m CPU, 32 MiB memory. Rounding: CPU up to 1 m, to 5 m above 100 m; memory up to 1 MiB.
 * - Less than a day of data: still a recommendation, with low confidence and the reason.
 */

import type { ContainerHistory, ResourcePair } from '../../core/usage-history.ts';
import { gridTime } from '../../core/usage-history.ts';
import { coverage, DAY_SECONDS, MIB, roundCpuUp, roundMemoryUp } from './history-window.ts';
import type { Resource, ResourceSettings } from './resource-settings.ts';

/** Tunables of the strategy; the defaults are the documented design. */
export interface HindsightOptions {
  halfLifeDays: number;
  cpuRequestPercentile: number;
  guaranteedCpuPercentile: number;
  guaranteedCpuMargin: number;
  memoryRequestPercentile: number;
  memoryRequestMargin: number;
  memoryLimitHeadroom: number;
  oomLimitBump: number;
  minCpuCores: number;
  minMemoryBytes: number;
  /** Below this much history the result is marked low confidence. */
  minHistoryDays: number;
  /** At or above this much history the result is high confidence. */
  fullHistoryDays: number;
}

export const HINDSIGHT_DEFAULTS: HindsightOptions = {
  halfLifeDays: 7,
  cpuRequestPercentile: 0.95,
  guaranteedCpuPercentile: 0.99,
  guaranteedCpuMargin: 0.15,
  memoryRequestPercentile: 0.99,
  memoryRequestMargin: 0.1,
  memoryLimitHeadroom: 0.2,
  oomLimitBump: 1.2,
  minCpuCores: 0.01,
  minMemoryBytes: 32 * MIB,
  minHistoryDays: 1,
  fullHistoryDays: 7,
};

/** How much the history supports the recommendation. */
export type Confidence = 'none' | 'low' | 'medium' | 'high';

export type HindsightReasonCode =
  | 'no-data'
  | 'insufficient-history'
  | 'oom-killed'
  | 'hpa-protected'
  | 'cpu-floor'
  | 'memory-floor';

/** Why the recommendation is what it is, for people. */
export interface HindsightReason {
  code: HindsightReasonCode;
  resource?: Resource;
  message: string;
}

/** The usage statistics a recommendation was derived from (cores and bytes). */
export interface HindsightBasis {
  cpuSamples: number;
  memorySamples: number;
  historyDays: number;
  /** Pooled over all replicas. */
  cpuP95: number;
  /** The highest per-replica p95 among replicas with at least a day of samples (NaN if none). */
  cpuHottestReplicaP95: number;
  cpuP99: number;
  cpuMax: number;
  memoryP99: number;
  memoryMax: number;
  oomKills: number;
}

/** hindsight's recommendation for one container, in both QoS variants. */
export interface HindsightRecommendation {
  /** Requests; memory limit; no CPU limit. */
  burstable: ResourceSettings;
  /** Request = limit for both resources. */
  guaranteed: ResourceSettings;
  confidence: Confidence;
  insufficientHistory: boolean;
  reasons: HindsightReason[];
  /** Resources whose request was kept (not shrunk) because an HPA scales on them. */
  hpaProtected: Resource[];
  basis: HindsightBasis;
}

/**
 * Weighted quantile: the smallest value whose cumulative weight reaches `q` × the total weight
 * (no interpolation, no buckets); NaN for no values.
 */
export function weightedQuantile(values: Float64Array, weights: Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (values[a] as number) - (values[b] as number));
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i] as number;
  const threshold = q * total;
  let cumulative = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    cumulative += weights[i] as number;
    if (cumulative >= threshold) return values[i] as number;
  }
  return values[order[n - 1] as number] as number;
}

/**
 * The hottest replica's quantile: the highest per-pod weighted `q` quantile among pods with at
 * least `minSamples` CPU samples (NaN when none qualifies). A request applies to every replica,
 * so it has to fit the one the load balancer or a hot shard favours, not just the average pod.
 */
function hottestReplicaQuantile(
  history: ContainerHistory,
  halfLifeSeconds: number,
  q: number,
  minSamples: number,
): number {
  const now = history.grid.end;
  let hottest = Number.NaN;
  for (const p of history.pods) {
    let n = 0;
    for (const v of p.cpu) if (!Number.isNaN(v)) n++;
    if (n < minSamples) continue;
    const values = new Float64Array(n);
    const weights = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < p.cpu.length; i++) {
      const v = p.cpu[i] as number;
      if (Number.isNaN(v)) continue;
      values[k] = v;
      weights[k] = 2 ** ((gridTime(history.grid, i) - now) / halfLifeSeconds);
      k++;
    }
    const x = weightedQuantile(values, weights, q);
    if (!(x <= hottest)) hottest = x;
  }
  return hottest;
}

/** All finite samples of one resource, pooled across pods, with decay weights and the max. */
function pooled(
  history: ContainerHistory,
  resource: Resource,
  halfLifeSeconds: number,
): { values: Float64Array; weights: Float64Array; max: number } {
  const now = history.grid.end;
  let n = 0;
  for (const p of history.pods) for (const v of p[resource]) if (!Number.isNaN(v)) n++;
  const values = new Float64Array(n);
  const weights = new Float64Array(n);
  let max = Number.NaN;
  let k = 0;
  for (const p of history.pods) {
    const series = p[resource];
    for (let i = 0; i < series.length; i++) {
      const v = series[i] as number;
      if (Number.isNaN(v)) continue;
      values[k] = v;
      weights[k] = 2 ** ((gridTime(history.grid, i) - now) / halfLifeSeconds);
      k++;
      if (!(v <= max)) max = v;
    }
  }
  return { values, weights, max };
}

const COARSE_CPU_ABOVE = 0.1;

function roundCpu(cores: number, floor: number): number {
  return roundCpuUp(Math.max(cores, floor), COARSE_CPU_ABOVE);
}

function roundMemory(bytes: number, floor: number): number {
  return roundMemoryUp(Math.max(bytes, floor));
}

/** What the recommendation rests on: pooled quantiles, the hottest replica, the history's length. */
function basisOf(history: ContainerHistory, o: HindsightOptions): HindsightBasis {
  const halfLife = o.halfLifeDays * DAY_SECONDS;
  const cpu = pooled(history, 'cpu', halfLife);
  const mem = pooled(history, 'memory', halfLife);
  const cpuCov = coverage(history, 'cpu');
  const memCov = coverage(history, 'memory');
  const spans = [cpuCov, memCov]
    .filter((c) => c.samples > 0)
    .map((c) => c.last - c.first + history.grid.step);
  const historyDays = spans.length === 0 ? 0 : Math.min(...spans) / DAY_SECONDS;

  return {
    cpuSamples: cpu.values.length,
    memorySamples: mem.values.length,
    historyDays,
    cpuP95: weightedQuantile(cpu.values, cpu.weights, o.cpuRequestPercentile),
    cpuHottestReplicaP95: hottestReplicaQuantile(
      history,
      halfLife,
      o.cpuRequestPercentile,
      Math.ceil((o.minHistoryDays * DAY_SECONDS) / history.grid.step),
    ),
    cpuP99: weightedQuantile(cpu.values, cpu.weights, o.guaranteedCpuPercentile),
    cpuMax: cpu.max,
    memoryP99: weightedQuantile(mem.values, mem.weights, o.memoryRequestPercentile),
    memoryMax: mem.max,
    oomKills: history.oomKills.length,
  };
}

/** After OOM kills, the memory limit is raised to a multiple of the limit that killed. */
function limitAfterOomKills(
  history: ContainerHistory,
  o: HindsightOptions,
  memoryLimit: number,
  reasons: HindsightReason[],
): number {
  let killedLimit = 0;
  for (const k of history.oomKills)
    killedLimit = Math.max(killedLimit, k.memoryLimit ?? history.limits.memory ?? 0);
  if (killedLimit > 0) {
    const bumped = roundMemoryUp(killedLimit * o.oomLimitBump);
    if (bumped > memoryLimit) memoryLimit = bumped;
    reasons.push({
      code: 'oom-killed',
      resource: 'memory',
      message: `${history.oomKills.length} OOM kill(s) at a ${Math.round(killedLimit / MIB)} MiB limit: the limit is raised to at least ${o.oomLimitBump}× that`,
    });
  } else {
    // Without a known limit the peak before the kill is the best lower bound on the need.
    reasons.push({
      code: 'oom-killed',
      resource: 'memory',
      message: `${history.oomKills.length} OOM kill(s) under an unknown limit: the limit has the usual headroom over the largest peak`,
    });
  }
  return memoryLimit;
}

/**
 * hindsight's recommendation for a container. `hpaResources` lists the resources an HPA scales
 * the workload on (utilisation targets).
 */
export function hindsightRecommend(
  history: ContainerHistory,
  hpaResources: readonly Resource[] = [],
  options: Partial<HindsightOptions> = {},
): HindsightRecommendation {
  const o = { ...HINDSIGHT_DEFAULTS, ...options };
  const reasons: HindsightReason[] = [];
  const basis = basisOf(history, o);

  if (basis.cpuSamples === 0 || basis.memorySamples === 0) {
    const current: ResourceSettings = { requests: { ...history.requests }, limits: { ...history.limits } };
    reasons.push({
      code: 'no-data',
      message: `no ${basis.cpuSamples === 0 ? 'CPU' : 'memory'} samples in the window: the current settings stand`,
    });
    return {
      burstable: current,
      guaranteed: { requests: { ...history.requests }, limits: { ...history.limits } },
      confidence: 'none',
      insufficientHistory: true,
      reasons,
      hpaProtected: [],
      basis,
    };
  }

  const { historyDays } = basis;
  const insufficientHistory = historyDays < o.minHistoryDays;
  if (insufficientHistory) {
    reasons.push({
      code: 'insufficient-history',
      message: `only ${(historyDays * 24).toFixed(1)} h of history (less than ${o.minHistoryDays} day): low confidence`,
    });
  }
  const confidence: Confidence = insufficientHistory
    ? 'low'
    : historyDays < o.fullHistoryDays
      ? 'medium'
      : 'high';

  // CPU: the pooled p95, raised to the hottest established replica's p95.
  const cpuP95 = Number.isNaN(basis.cpuHottestReplicaP95)
    ? basis.cpuP95
    : Math.max(basis.cpuP95, basis.cpuHottestReplicaP95);
  let cpuRequest = roundCpu(cpuP95, o.minCpuCores);
  let guaranteedCpu = roundCpu(Math.max(basis.cpuP99 * (1 + o.guaranteedCpuMargin), cpuP95), o.minCpuCores);
  if (cpuP95 < o.minCpuCores) {
    reasons.push({
      code: 'cpu-floor',
      resource: 'cpu',
      message: `CPU raised to the ${o.minCpuCores * 1000} m floor`,
    });
  }

  // Memory.
  let memoryRequest = roundMemory(basis.memoryP99 * (1 + o.memoryRequestMargin), o.minMemoryBytes);
  let memoryLimit = roundMemory(basis.memoryMax * (1 + o.memoryLimitHeadroom), o.minMemoryBytes);
  if (basis.memoryP99 * (1 + o.memoryRequestMargin) < o.minMemoryBytes) {
    reasons.push({
      code: 'memory-floor',
      resource: 'memory',
      message: `memory request raised to the ${o.minMemoryBytes / MIB} MiB floor`,
    });
  }
  if (history.oomKills.length > 0) memoryLimit = limitAfterOomKills(history, o, memoryLimit, reasons);

  // HPA: never shrink a request an HPA scales on.
  const hpaProtected: Resource[] = [];
  const protect = (resource: Resource, recommended: number): number => {
    const current = history.requests[resource];
    if (!hpaResources.includes(resource) || current === undefined || recommended >= current)
      return recommended;
    if (!hpaProtected.includes(resource)) {
      hpaProtected.push(resource);
      reasons.push({
        code: 'hpa-protected',
        resource,
        message:
          `an HPA scales on ${resource} utilisation: shrinking the request would raise utilisation, add pods, ` +
          'lower per-pod usage and shrink again next run; the current request is kept',
      });
    }
    return current;
  };
  cpuRequest = protect('cpu', cpuRequest);
  guaranteedCpu = protect('cpu', guaranteedCpu);
  memoryRequest = protect('memory', memoryRequest);
  if (memoryLimit < memoryRequest) memoryLimit = memoryRequest;
  const guaranteedMemory = protect('memory', memoryLimit);

  const limits: ResourcePair = { memory: memoryLimit };
  return {
    burstable: { requests: { cpu: cpuRequest, memory: memoryRequest }, limits },
    guaranteed: {
      requests: { cpu: guaranteedCpu, memory: guaranteedMemory },
      limits: { cpu: guaranteedCpu, memory: guaranteedMemory },
    },
    confidence,
    insufficientHistory,
    reasons,
    hpaProtected,
    basis,
  };
}
