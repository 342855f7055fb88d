/**
 * Robusta KRR's `simple` strategy (`robusta_krr/strategies/simple.py`, post-processing in
 * `core/runner.py`), reimplemented over a ContainerHistory as the baseline hindsight compares
 * itself with. Its exact semantics:
 *
 * - CPU request: for each pod, the p95 of its CPU series (Prometheus `quantile_over_time`:
 *   linear interpolation at rank q·(n−1)); the recommendation is the MAX over pods of those
 *   per-pod p95s, not a pooled p95. No CPU limit.
 * - Memory request = limit: the max over pods of each pod's max working set, × 1.15.
 * - Rounding: CPU up to 1 m, memory up to 1 MiB; floors 10 m and 100 MiB.
 * - "Not enough data" (KRR's "?") when the sum over pods of the points is < 100, or the history
 *   range is under 3 h; "HPA detected" ("?") for a resource an HPA scales on (`allow_hpa=false`).
 *
 * Deviations forced by grid data, each small and documented where it applies:
 * - KRR samples `rate(counter[75s])` at a 75 s step; the grid gives the average over its own step
 *   (5 min by default), which smooths bursts shorter than a step, so the per-pod p95 can be a
 *   little lower than KRR's on bursty containers.
 * - KRR's point count is `count_over_time(…[14d:75s])`; a grid point stands for `step/75` such
 *   points, so the 100-point rule is applied to `gridPoints × step / 75`.
 * - KRR's memory max is sampled at 75 s; the grid's per-step peak sees every spike, so the max
 *   here is exact (the same or higher).
 * - KRR checks the history range of the whole Prometheus; here it is the container's own range
 *   (first to last sample), which is at most as long.
 */

import type { ContainerHistory } from '../../core/usage-history.ts';
import { coverage, MIB, roundCpuUp, roundMemoryUp } from './history-window.ts';
import type { Resource, ResourceSettings } from './resource-settings.ts';

/** KRR `simple` settings (defaults as shipped). */
export interface KrrOptions {
  /** `cpu_percentile`, default 95. */
  cpuPercentile: number;
  /** `memory_buffer_percentage`, default 15. */
  memoryBufferPercentage: number;
  /** `points_required`, default 100 (at KRR's step). */
  pointsRequired: number;
  /** `timeframe_duration` in seconds, default 75. */
  krrStepSeconds: number;
  /** Minimum history range in seconds (`history_range_enough`), default 3 h. */
  minHistorySeconds: number;
  /** `allow_hpa`, default false. */
  allowHpa: boolean;
}

export const KRR_DEFAULTS: KrrOptions = {
  cpuPercentile: 95,
  memoryBufferPercentage: 15,
  pointsRequired: 100,
  krrStepSeconds: 75,
  minHistorySeconds: 3 * 3600,
  allowHpa: false,
};

/** KRR's floors after rounding (`cpu_min_value` = 10 m, `memory_min_value` = 100 MiB). */
export const KRR_MIN_CPU = 0.01;
export const KRR_MIN_MEMORY = 100 * MIB;

/** Why KRR answers "?" for a resource. */
export type KrrUndefinedReason = 'no-data' | 'not-enough-data' | 'hpa-detected';

/** KRR's answer for one resource: numbers, or "?" with the reason. */
export type KrrResourceResult =
  | { status: 'ok'; request: number; limit: number | undefined }
  | { status: 'undefined'; reason: KrrUndefinedReason; info: string };

/** KRR `simple` for one container. */
export interface KrrRecommendation {
  cpu: KrrResourceResult;
  memory: KrrResourceResult;
  /** The numbers as requests/limits; a "?" resource is absent. */
  settings: ResourceSettings;
}

/**
 * Prometheus `quantile_over_time(q, …)` over the finite values of a series: linear interpolation
 * between the two nearest ranks at rank q·(n−1); NaN for no values.
 */
export function prometheusQuantile(q: number, values: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) finite.push(v);
  }
  const n = finite.length;
  if (n === 0) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  finite.sort((a, b) => a - b);
  const rank = q * (n - 1);
  const lo = Math.max(0, Math.floor(rank));
  const hi = Math.min(n - 1, lo + 1);
  const w = rank - Math.floor(rank);
  return (finite[lo] as number) * (1 - w) + (finite[hi] as number) * w;
}

function enoughData(
  history: ContainerHistory,
  resource: Resource,
  o: KrrOptions,
): { ok: true } | { ok: false; reason: KrrUndefinedReason; info: string } {
  const cov = coverage(history, resource);
  if (cov.samples === 0) return { ok: false, reason: 'no-data', info: 'No data' };
  const points = (cov.samples * history.grid.step) / o.krrStepSeconds;
  if (points < o.pointsRequired) {
    return { ok: false, reason: 'not-enough-data', info: `Not enough data (${Math.floor(points)} points)` };
  }
  if (cov.last - cov.first < o.minHistorySeconds) {
    return { ok: false, reason: 'not-enough-data', info: 'Not enough data (history under 3 h)' };
  }
  return { ok: true };
}

/**
 * KRR `simple` over a history. `hpaResources` lists the resources an HPA scales this workload
 * on; without `allowHpa` KRR returns "?" for them.
 */
export function krrSimple(
  history: ContainerHistory,
  hpaResources: readonly Resource[] = [],
  options: Partial<KrrOptions> = {},
): KrrRecommendation {
  const o = { ...KRR_DEFAULTS, ...options };
  // KRR rounds the percentile to two decimals before putting it in the query.
  const q = Math.round(o.cpuPercentile) / 100;

  let cpu: KrrResourceResult;
  const cpuData = enoughData(history, 'cpu', o);
  if (!cpuData.ok) cpu = { status: 'undefined', reason: cpuData.reason, info: cpuData.info };
  else if (hpaResources.includes('cpu') && !o.allowHpa)
    cpu = { status: 'undefined', reason: 'hpa-detected', info: 'HPA detected' };
  else {
    let max = Number.NEGATIVE_INFINITY;
    for (const p of history.pods) {
      const v = prometheusQuantile(q, p.cpu);
      if (v > max) max = v;
    }
    cpu = { status: 'ok', request: Math.max(KRR_MIN_CPU, roundCpuUp(max)), limit: undefined };
  }

  let memory: KrrResourceResult;
  const memData = enoughData(history, 'memory', o);
  if (!memData.ok) memory = { status: 'undefined', reason: memData.reason, info: memData.info };
  else if (hpaResources.includes('memory') && !o.allowHpa)
    memory = { status: 'undefined', reason: 'hpa-detected', info: 'HPA detected' };
  else {
    let max = Number.NEGATIVE_INFINITY;
    for (const p of history.pods) {
      for (let i = 0; i < p.memory.length; i++) {
        const v = p.memory[i] as number;
        if (v > max) max = v;
      }
    }
    const value = Math.max(KRR_MIN_MEMORY, roundMemoryUp(max * (1 + o.memoryBufferPercentage / 100)));
    memory = { status: 'ok', request: value, limit: value };
  }

  const settings: ResourceSettings = { requests: {}, limits: {} };
  if (cpu.status === 'ok') settings.requests.cpu = cpu.request;
  if (memory.status === 'ok') {
    settings.requests.memory = memory.request;
    if (memory.limit !== undefined) settings.limits.memory = memory.limit;
  }
  return { cpu, memory, settings };
}
