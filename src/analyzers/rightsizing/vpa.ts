/**
 * The Kubernetes VPA recommender with its default flags (`vertical-pod-autoscaler/pkg/recommender`:
 * `model/aggregations_config.go`, `model/container.go`, `logic/recommender.go`,
 * `logic/estimator.go`), reimplemented over a ContainerHistory as a baseline.
 *
 * - CPU: every sample goes into a decaying histogram (24 h half-life) with weight 0.1.
 * - Memory: each pod's container keeps ONE sample per 24 h aggregation interval, the interval's
 *   peak; a higher sample inside the interval replaces the old peak (subtract, add). Intervals
 *   start at the container's first memory sample; the peak is stamped with the interval's end.
 *   The histogram decays with a 24 h half-life.
 * - OOM kill: ignored if older than the start of the current interval; otherwise
 *   `used = max(memory request, current interval peak)` and `max(used + 100 MiB, 1.2·used)` is
 *   recorded as a memory sample (it replaces the peak if higher).
 * - target = P90 × 1.15; lowerBound = P50 × 1.15 × (1 + 0.001/c)^−2;
 *   upperBound = P95 × 1.15 × (1 + 1/c)^1, with confidence c = min(lifespan in days, samples/1440);
 *   each clamped to at least (25 m, 250 MiB) per pod divided among the pod's containers.
 *   Percentiles return the END of the bucket (up to 5 % high, plus one first-bucket width).
 * - Amounts are integer millicores and bytes, truncated at each step as `ResourceAmount` is.
 *
 * Deviations forced by grid data:
 * - The recommender reads metrics-server about once a minute; the grid has one CPU average per
 *   step (5 min by default). Every CPU sample weighs the same, so percentiles do not depend on how
 *   many there are, but a step average hides spikes shorter than the step, which VPA's 1-minute
 *   samples would partly see.
 * - Confidence counts samples as if taken once a minute: one grid point stands for `step/60`
 *   samples, so `samples/1440` is still "days of data" as VPA means it.
 * - A memory interval's peak is the highest per-step peak in it, which is exact (VPA's minute
 *   samples can miss a spike between scrapes).
 * - VPA fed from Prometheus loads `HistoryLength` = 8 days; only the last 8 days of the history are
 *   used (`historyDays`). With 24 h half-lives older samples would weigh under 0.4 % anyway.
 */

import { type ContainerHistory, gridLength, gridTime } from '../../core/usage-history.ts';
import {
  CPU_HISTOGRAM,
  DecayingHistogram,
  MEMORY_HISTOGRAM,
  MIN_SAMPLE_WEIGHT,
} from './decaying-histogram.ts';
import { coverage, DAY_SECONDS, lastDays, MIB } from './history-window.ts';

/** VPA recommender defaults. */
export interface VpaOptions {
  /** `--recommendation-margin-fraction`, 0.15. */
  safetyMarginFraction: number;
  targetPercentile: number;
  lowerBoundPercentile: number;
  upperBoundPercentile: number;
  cpuHalfLifeSeconds: number;
  memoryHalfLifeSeconds: number;
  memoryAggregationIntervalSeconds: number;
  /** Days of history loaded (Prometheus history provider `HistoryLength`). */
  historyDays: number;
  /** Per-pod floors, divided evenly among the pod's containers. */
  podMinCpuCores: number;
  podMinMemoryBytes: number;
  oomBumpUpRatio: number;
  oomMinBumpUpBytes: number;
}

export const VPA_DEFAULTS: VpaOptions = {
  safetyMarginFraction: 0.15,
  targetPercentile: 0.9,
  lowerBoundPercentile: 0.5,
  upperBoundPercentile: 0.95,
  cpuHalfLifeSeconds: DAY_SECONDS,
  memoryHalfLifeSeconds: DAY_SECONDS,
  memoryAggregationIntervalSeconds: DAY_SECONDS,
  historyDays: 8,
  podMinCpuCores: 0.025,
  podMinMemoryBytes: 250 * MIB,
  oomBumpUpRatio: 1.2,
  oomMinBumpUpBytes: 100 * MIB,
};

/** Go's `MaxResourceAmount` (1e14 millicores or bytes): where an infinite scale saturates. */
const MAX_RESOURCE_AMOUNT = 1e14;

/** One estimate in cores and bytes. */
export interface VpaEstimate {
  cpu: number;
  memory: number;
}

/** VPA's recommendation for one container. */
export interface VpaRecommendation {
  /** False when there was no CPU sample (the recommender would publish nothing). */
  hasRecommendation: boolean;
  target: VpaEstimate;
  lowerBound: VpaEstimate;
  upperBound: VpaEstimate;
  /** c = min(lifespan days, sample-equivalents/1440). */
  confidence: number;
  /** CPU sample-equivalents counted (grid points × step/60). */
  totalSamples: number;
  /** OOM kills that were recorded (not discarded as too old). */
  oomSamples: number;
}

/** A Go `ResourceAmount` from a float: truncated toward zero, saturating. */
function amount(x: number): number {
  if (!Number.isFinite(x) || x > MAX_RESOURCE_AMOUNT) return MAX_RESOURCE_AMOUNT;
  return Math.trunc(x);
}

/** One pod's memory aggregation state (`ContainerState` in model/container.go). */
interface MemoryState {
  windowEnd: number | undefined;
  peak: number;
  lastSampleStart: number;
}

/**
 * Feeds the histogram the way `ContainerState.addMemorySample` does. Returns false for an
 * out-of-order ordinary sample (dropped).
 */
function addMemorySample(
  hist: DecayingHistogram,
  s: MemoryState,
  ts: number,
  usage: number,
  isOom: boolean,
  intervalSeconds: number,
): boolean {
  if (!isOom && ts < s.lastSampleStart) return false;
  s.lastSampleStart = ts;
  if (s.windowEnd === undefined) s.windowEnd = ts;
  let addNewPeak = false;
  if (ts < s.windowEnd) {
    const old = s.peak;
    if (old !== 0 && usage > old) {
      hist.subtractSample(old, 1, s.windowEnd);
      addNewPeak = true;
    }
  } else {
    const shift = Math.floor((ts - s.windowEnd) / intervalSeconds) * intervalSeconds + intervalSeconds;
    s.windowEnd += shift;
    s.peak = 0;
    addNewPeak = true;
  }
  if (usage > s.peak) s.peak = usage;
  if (addNewPeak) hist.addSample(usage, 1, s.windowEnd);
  return true;
}

/**
 * The VPA recommendation for a container over the last `historyDays` of its history.
 * `containersInPod` divides the per-pod floors.
 */
export function vpaRecommend(
  history: ContainerHistory,
  containersInPod: number,
  options: Partial<VpaOptions> = {},
): VpaRecommendation {
  const o = { ...VPA_DEFAULTS, ...options };
  const h = lastDays(history, o.historyDays);
  const cpuHist = new DecayingHistogram(CPU_HISTOGRAM, o.cpuHalfLifeSeconds);
  const memHist = new DecayingHistogram(MEMORY_HISTOGRAM, o.memoryHalfLifeSeconds);
  const n = gridLength(h.grid);
  const memState = new Map<string, MemoryState>();
  for (const p of h.pods) memState.set(p.pod, { windowEnd: undefined, peak: 0, lastSampleStart: -Infinity });
  const kills = [...h.oomKills].sort((a, b) => a.time - b.time);
  let nextKill = 0;
  const request = h.requests.memory ?? 0;
  let cpuSamples = 0;
  let oomSamples = 0;

  // Time-major, as the recommender sees the cluster minute by minute.
  for (let i = 0; i < n; i++) {
    const t = gridTime(h.grid, i);
    for (const p of h.pods) {
      const c = p.cpu[i] as number;
      if (!Number.isNaN(c) && c >= 0) {
        cpuHist.addSample(c, MIN_SAMPLE_WEIGHT, t);
        cpuSamples++;
      }
      const m = p.memory[i] as number;
      const s = memState.get(p.pod) as MemoryState;
      if (!Number.isNaN(m) && m >= 0)
        addMemorySample(memHist, s, t, m, false, o.memoryAggregationIntervalSeconds);
    }
    // OOM kills up to this point, after the step's samples (the kill ends the step's peak).
    while (nextKill < kills.length && (kills[nextKill]?.time ?? Infinity) <= t) {
      const k = kills[nextKill++];
      const s = k && memState.get(k.pod);
      if (!k || !s) continue;
      if (s.windowEnd !== undefined && k.time < s.windowEnd - o.memoryAggregationIntervalSeconds) continue;
      const used = Math.max(request, s.peak);
      const needed = Math.max(used + o.oomMinBumpUpBytes, amount(used * o.oomBumpUpRatio));
      if (addMemorySample(memHist, s, k.time, needed, true, o.memoryAggregationIntervalSeconds)) oomSamples++;
    }
  }

  const cov = coverage(h, 'cpu');
  const totalSamples = (cpuSamples * h.grid.step) / 60;
  const lifespanDays = cpuSamples === 0 ? 0 : (cov.last - cov.first) / DAY_SECONDS;
  const confidence = Math.min(lifespanDays, totalSamples / 1440);

  const minCpuMilli = amount(amount(o.podMinCpuCores * 1000) / containersInPod);
  const minMemory = amount(amount(o.podMinMemoryBytes) / containersInPod);
  const estimate = (percentile: number, multiplier: number, exponent: number): VpaEstimate => {
    const scale = (1 + multiplier / confidence) ** exponent;
    let cpuMilli = amount(cpuHist.percentile(percentile) * 1000);
    let mem = amount(memHist.percentile(percentile));
    cpuMilli = amount(cpuMilli * (1 + o.safetyMarginFraction));
    mem = amount(mem * (1 + o.safetyMarginFraction));
    if (exponent !== 0) {
      cpuMilli = amount(cpuMilli * scale);
      mem = amount(mem * scale);
    }
    return { cpu: Math.max(cpuMilli, minCpuMilli) / 1000, memory: Math.max(mem, minMemory) };
  };
  return {
    hasRecommendation: cpuSamples > 0,
    target: estimate(o.targetPercentile, 0, 0),
    lowerBound: estimate(o.lowerBoundPercentile, 0.001, -2),
    upperBound: estimate(o.upperBoundPercentile, 1, 1),
    confidence,
    totalSamples,
    oomSamples,
  };
}
