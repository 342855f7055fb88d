/**
 * Backtest: fit each strategy on the first part of a container's history (default the first 70 %
 * of its grid), then replay the held-out rest against what it recommended, side by side.
 *
 * Every share is over held-out (pod, step) samples: one pod's value at one grid point, CPU the
 * step's average cores, memory the step's peak bytes. A sample is counted only where the series
 * has a value (a pod that did not exist contributes nothing).
 *
 * A strategy that gives no number for a resource (KRR's "?", VPA without samples) is evaluated at
 * the container's current request and limit, which is what a user following it would keep; such
 * resources are listed in `keptCurrent`. A request that is unset altogether counts as 0 (every
 * sample exceeds it): BestEffort has no reservation.
 */

import type { ContainerHistory, WorkloadKey } from '../../core/usage-history.ts';
import { gridLength } from '../../core/usage-history.ts';
import { hindsightRecommend } from './hindsight-strategy.ts';
import { GIB, sliceHistory } from './history-window.ts';
import { krrSimple } from './krr.ts';
import type { Resource, ResourceSettings } from './resource-settings.ts';
import { vpaRecommend } from './vpa.ts';

/** Hours in the month costs are quoted for (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Prices per unit and hour, from the cost model. */
export interface UnitPrices {
  cpuCoreHour: number;
  memoryGiBHour: number;
}

/** The strategies a backtest compares. `hindsight` is the burstable variant. */
export const BACKTEST_STRATEGIES = ['hindsight', 'hindsight-guaranteed', 'krr', 'vpa'] as const;
export type BacktestStrategy = (typeof BACKTEST_STRATEGIES)[number];

export interface BacktestOptions {
  /** Share of the grid (by time) to fit on; the rest is held out. Default 0.7. */
  fitFraction?: number;
  unitPrices: UnitPrices;
  /** Containers in the pod (VPA's per-pod floors are divided among them). Default 1. */
  containersInPod?: number;
  /** Resources an HPA scales the workload on. Default none. */
  hpaResources?: readonly Resource[];
}

/** Raw held-out counts and sums: additive, so many containers sum to one table. */
export interface BacktestTally {
  /** Held-out samples with a memory value. */
  memorySteps: number;
  /** Held-out samples with a CPU value. */
  cpuSteps: number;
  /** Memory above the limit, or above the request when no limit is set. */
  memoryOverLimit: number;
  memoryOverRequest: number;
  cpuOverRequest: number;
  /** Samples judged against a CPU limit (0 when no limit is set). */
  cpuLimitSteps: number;
  cpuOverLimit: number;
  /** Σ over samples of request × step, in core-hours and GiB-hours (what was reserved). */
  cpuRequestedCoreHours: number;
  memoryRequestedGiBHours: number;
  /** Σ over samples of usage × step, same units (what was used). */
  cpuUsedCoreHours: number;
  memoryUsedGiBHours: number;
  /** Requested cost of the held-out period in dollars (requests × pod-hours × unit prices). */
  requestedCost: number;
}

/** One strategy's result on one container's held-out period. */
export interface StrategyBacktest extends BacktestTally {
  /** What was evaluated: the recommendation, with kept-current values filled in. */
  settings: ResourceSettings;
  /** Resources the strategy gave no number for (evaluated at the current settings). */
  keptCurrent: Resource[];
  /**
   * Whether `oomRisk` is judged against a memory limit (`limit`: the kernel kills the container
   * above it) or, for a strategy that sets no memory limit, against the request (`request`:
   * eviction risk — a pod above its memory request is first in line when the kubelet evicts
   * for node memory pressure).
   */
  oomRiskBasis: 'limit' | 'request';
  /** memoryOverLimit / memorySteps: share of held-out samples at OOM (or eviction) risk. */
  oomRisk: number;
  /** memoryOverRequest / memorySteps. */
  memoryOverRequestShare: number;
  /** cpuOverRequest / cpuSteps: share of held-out samples using more CPU than reserved (contention risk). */
  throttleRisk: number;
  /** cpuOverLimit / cpuLimitSteps: share throttled by the CPU limit; undefined when no limit is set. */
  cpuOverLimitShare: number | undefined;
  /** (Σrequest − Σusage)/Σrequest over held-out samples, as Autopilot reports slack. */
  cpuSlack: number;
  memorySlack: number;
}

/** A container's backtest. */
export interface ContainerBacktest {
  workload: WorkloadKey;
  container: string;
  /** Unix seconds: fit window [fitStart, fitEnd], held-out window [heldOutStart, heldOutEnd]. */
  fitStart: number;
  fitEnd: number;
  heldOutStart: number;
  heldOutEnd: number;
  /** Hours the held-out window covers (its points × step). */
  heldOutHours: number;
  strategies: Record<BacktestStrategy, StrategyBacktest>;
}

function emptyTally(): BacktestTally {
  return {
    memorySteps: 0,
    cpuSteps: 0,
    memoryOverLimit: 0,
    memoryOverRequest: 0,
    cpuOverRequest: 0,
    cpuLimitSteps: 0,
    cpuOverLimit: 0,
    cpuRequestedCoreHours: 0,
    memoryRequestedGiBHours: 0,
    cpuUsedCoreHours: 0,
    memoryUsedGiBHours: 0,
    requestedCost: 0,
  };
}

function share(count: number, total: number): number {
  return total === 0 ? 0 : count / total;
}

function slack(requested: number, used: number): number {
  return requested === 0 ? 0 : (requested - used) / requested;
}

/** Derived shares of a tally (also used for summaries). */
function withShares(
  t: BacktestTally,
): Pick<
  StrategyBacktest,
  'oomRisk' | 'memoryOverRequestShare' | 'throttleRisk' | 'cpuOverLimitShare' | 'cpuSlack' | 'memorySlack'
> {
  return {
    oomRisk: share(t.memoryOverLimit, t.memorySteps),
    memoryOverRequestShare: share(t.memoryOverRequest, t.memorySteps),
    throttleRisk: share(t.cpuOverRequest, t.cpuSteps),
    cpuOverLimitShare: t.cpuLimitSteps === 0 ? undefined : share(t.cpuOverLimit, t.cpuLimitSteps),
    cpuSlack: slack(t.cpuRequestedCoreHours, t.cpuUsedCoreHours),
    memorySlack: slack(t.memoryRequestedGiBHours, t.memoryUsedGiBHours),
  };
}

/** Replays `heldOut` against `settings`. */
export function evaluateSettings(
  heldOut: ContainerHistory,
  settings: ResourceSettings,
  prices: UnitPrices,
): BacktestTally {
  const t = emptyTally();
  const hours = heldOut.grid.step / 3600;
  const cpuRequest = settings.requests.cpu ?? 0;
  const memRequest = settings.requests.memory ?? 0;
  // Samples are float32: compare against the lines at the same precision, or a container pinned
  // at a 0.1-core limit (stored as 0.10000000149) would count as above a 0.1-core request.
  const cpuRequestLine = Math.fround(cpuRequest);
  const memRequestLine = Math.fround(memRequest);
  const memLine = Math.fround(settings.limits.memory ?? memRequest);
  const cpuLimit = settings.limits.cpu === undefined ? undefined : Math.fround(settings.limits.cpu);
  for (const p of heldOut.pods) {
    for (let i = 0; i < p.cpu.length; i++) {
      const c = p.cpu[i] as number;
      if (Number.isNaN(c)) continue;
      t.cpuSteps++;
      if (c > cpuRequestLine) t.cpuOverRequest++;
      if (cpuLimit !== undefined) {
        t.cpuLimitSteps++;
        if (c > cpuLimit) t.cpuOverLimit++;
      }
      t.cpuRequestedCoreHours += cpuRequest * hours;
      t.cpuUsedCoreHours += c * hours;
    }
    for (let i = 0; i < p.memory.length; i++) {
      const m = p.memory[i] as number;
      if (Number.isNaN(m)) continue;
      t.memorySteps++;
      if (m > memLine) t.memoryOverLimit++;
      if (m > memRequestLine) t.memoryOverRequest++;
      t.memoryRequestedGiBHours += (memRequest / GIB) * hours;
      t.memoryUsedGiBHours += (m / GIB) * hours;
    }
  }
  t.requestedCost =
    t.cpuRequestedCoreHours * prices.cpuCoreHour + t.memoryRequestedGiBHours * prices.memoryGiBHour;
  return t;
}

/** Fills in the current settings for resources a strategy gave no number for. */
function keepCurrent(
  rec: ResourceSettings,
  history: ContainerHistory,
  missing: readonly Resource[],
): ResourceSettings {
  const out: ResourceSettings = { requests: { ...rec.requests }, limits: { ...rec.limits } };
  for (const r of missing) {
    const req = history.requests[r];
    const lim = history.limits[r];
    if (req !== undefined) out.requests[r] = req;
    else delete out.requests[r];
    if (lim !== undefined) out.limits[r] = lim;
    else delete out.limits[r];
  }
  return out;
}

function strategyResult(
  heldOut: ContainerHistory,
  settings: ResourceSettings,
  keptCurrent: Resource[],
  prices: UnitPrices,
): StrategyBacktest {
  const tally = evaluateSettings(heldOut, settings, prices);
  return {
    ...tally,
    ...withShares(tally),
    settings,
    keptCurrent,
    oomRiskBasis: settings.limits.memory === undefined ? 'request' : 'limit',
  };
}

/** Fits every strategy on the first part of `history` and evaluates it on the rest. */
export function backtestContainer(history: ContainerHistory, options: BacktestOptions): ContainerBacktest {
  const fitFraction = options.fitFraction ?? 0.7;
  if (!(fitFraction > 0 && fitFraction < 1))
    throw new Error(`fitFraction must be in (0, 1), got ${fitFraction}`);
  const n = gridLength(history.grid);
  const fitPoints = Math.floor(n * fitFraction);
  if (fitPoints < 1 || fitPoints >= n) throw new Error(`a ${n}-point grid cannot be split at ${fitFraction}`);
  const fit = sliceHistory(history, 0, fitPoints);
  const heldOut = sliceHistory(history, fitPoints, n);
  const hpa = options.hpaResources ?? [];
  const prices = options.unitPrices;

  const hs = hindsightRecommend(fit, hpa);
  // Without fit data hindsight keeps the current settings.
  const hsKept: Resource[] = hs.confidence === 'none' ? ['cpu', 'memory'] : [];
  const krr = krrSimple(fit, hpa);
  const krrMissing: Resource[] = [];
  if (krr.cpu.status !== 'ok') krrMissing.push('cpu');
  if (krr.memory.status !== 'ok') krrMissing.push('memory');
  const vpa = vpaRecommend(fit, options.containersInPod ?? 1);
  const vpaSettings: ResourceSettings = vpa.hasRecommendation
    ? { requests: { cpu: vpa.target.cpu, memory: vpa.target.memory }, limits: {} }
    : keepCurrent({ requests: {}, limits: {} }, fit, ['cpu', 'memory']);

  return {
    workload: history.workload,
    container: history.container,
    fitStart: fit.grid.start,
    fitEnd: fit.grid.end,
    heldOutStart: heldOut.grid.start,
    heldOutEnd: heldOut.grid.end,
    heldOutHours: ((n - fitPoints) * history.grid.step) / 3600,
    strategies: {
      hindsight: strategyResult(heldOut, hs.burstable, hsKept, prices),
      'hindsight-guaranteed': strategyResult(heldOut, hs.guaranteed, hsKept, prices),
      krr: strategyResult(heldOut, keepCurrent(krr.settings, fit, krrMissing), krrMissing, prices),
      vpa: strategyResult(heldOut, vpaSettings, vpa.hasRecommendation ? [] : ['cpu', 'memory'], prices),
    },
  };
}

/** One strategy's row of a summary: the tallies summed over containers, shares recomputed. */
export interface BacktestSummaryRow
  extends BacktestTally,
    Pick<
      StrategyBacktest,
      'oomRisk' | 'memoryOverRequestShare' | 'throttleRisk' | 'cpuOverLimitShare' | 'cpuSlack' | 'memorySlack'
    > {
  strategy: BacktestStrategy;
  containers: number;
  /** Requested cost per 730-hour month at each container's held-out rate, summed. */
  monthlyRequestedCost: number;
}

/** Many containers' backtests as one side-by-side table. */
export interface BacktestSummary {
  containers: number;
  /** Held-out hours (the longest held-out window among the containers). */
  heldOutHours: number;
  rows: BacktestSummaryRow[];
}

/**
 * Sums the containers' tallies per strategy: every share is then weighted by pod-steps (a
 * container with more pods or longer held-out data weighs more), costs are totals and slack is
 * (Σrequest − Σusage)/Σrequest over all of them.
 */
export function summarizeBacktest(results: readonly ContainerBacktest[]): BacktestSummary {
  let heldOutHours = 0;
  for (const r of results) heldOutHours = Math.max(heldOutHours, r.heldOutHours);
  const rows = BACKTEST_STRATEGIES.map((strategy): BacktestSummaryRow => {
    const t = emptyTally();
    let monthly = 0;
    for (const r of results) {
      const s = r.strategies[strategy];
      for (const key of Object.keys(t) as Array<keyof BacktestTally>) t[key] += s[key];
      if (r.heldOutHours > 0) monthly += (s.requestedCost / r.heldOutHours) * HOURS_PER_MONTH;
    }
    return {
      strategy,
      containers: results.length,
      ...t,
      ...withShares(t),
      monthlyRequestedCost: monthly,
    };
  });
  return { containers: results.length, heldOutHours, rows };
}
