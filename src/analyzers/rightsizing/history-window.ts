/**
 * Windows over a ContainerHistory: the part of its grid a recommender fits on (the last N days,
 * or the first 70% in a backtest) and what a window holds (samples, first and last sample).
 * The clock is the grid: "now" is the grid's last point, never the wall clock.
 */

import { type ContainerHistory, gridLength, gridTime } from '../../core/usage-history.ts';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;
export const DAY_SECONDS = 86400;

/**
 * The history restricted to grid points `[from, to)` (indices of the original grid): series are
 * views (no copy), OOM kills outside the window's time range are dropped.
 */
export function sliceHistory(history: ContainerHistory, from: number, to: number): ContainerHistory {
  const n = gridLength(history.grid);
  const lo = Math.max(0, Math.min(n, from));
  const hi = Math.max(lo, Math.min(n, to));
  if (hi <= lo) throw new Error(`empty slice [${from}, ${to}) of a ${n}-point grid`);
  const start = gridTime(history.grid, lo);
  const end = gridTime(history.grid, hi - 1);
  // A point covers the step ending at it, so an OOM kill belongs to the window if it happened
  // after the step before the first point began.
  const killedFrom = start - history.grid.step;
  return {
    ...history,
    grid: { start, end, step: history.grid.step },
    pods: history.pods.map((p) => ({
      pod: p.pod,
      cpu: p.cpu.subarray(lo, hi),
      memory: p.memory.subarray(lo, hi),
    })),
    oomKills: history.oomKills.filter((k) => k.time > killedFrom && k.time <= end),
  };
}

/** The history restricted to its last `days` days (all of it if shorter). */
export function lastDays(history: ContainerHistory, days: number): ContainerHistory {
  const n = gridLength(history.grid);
  const points = Math.floor((days * DAY_SECONDS) / history.grid.step);
  return n <= points ? history : sliceHistory(history, n - points, n);
}

/** What one resource's samples cover across all pods of a history. */
export interface SampleCoverage {
  /** Finite samples over all pods. */
  samples: number;
  /** Unix seconds of the earliest and latest finite sample (NaN when there is none). */
  first: number;
  last: number;
}

/** Coverage of the CPU or memory series of a history. */
export function coverage(history: ContainerHistory, resource: 'cpu' | 'memory'): SampleCoverage {
  let samples = 0;
  let firstIndex = Number.POSITIVE_INFINITY;
  let lastIndex = -1;
  for (const p of history.pods) {
    const series = p[resource];
    for (let i = 0; i < series.length; i++) {
      if (Number.isNaN(series[i] as number)) continue;
      samples++;
      if (i < firstIndex) firstIndex = i;
      if (i > lastIndex) lastIndex = i;
    }
  }
  if (samples === 0) return { samples, first: Number.NaN, last: Number.NaN };
  return { samples, first: gridTime(history.grid, firstIndex), last: gridTime(history.grid, lastIndex) };
}

/** Rounds cores up to whole millicores, then (above `coarseAbove` cores) up to `coarseStep` cores. */
export function roundCpuUp(
  cores: number,
  coarseAbove = Number.POSITIVE_INFINITY,
  coarseStep = 0.005,
): number {
  // Series are Float32Array: 0.1 cores is stored as 0.10000000149…, which must stay 100 m, not
  // become 101 m. A relative tolerance of 2e-7 (above float32's 6e-8) absorbs that.
  const milli = Math.ceil(cores * 1000 * (1 - 2e-7)) / 1000;
  if (milli <= coarseAbove * (1 + 2e-7)) return milli;
  const steps = Math.ceil((milli / coarseStep) * (1 - 2e-7));
  return Math.round(steps * coarseStep * 1000) / 1000;
}

/** Rounds bytes up to whole MiB. */
export function roundMemoryUp(bytes: number): number {
  // Byte counts below 2^24 pages are exact in float32, so only float64 noise needs absorbing.
  return Math.ceil(bytes / MIB - 1e-9) * MIB;
}
