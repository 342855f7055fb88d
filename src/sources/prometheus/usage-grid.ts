/**
 * The time grid usage history is read on: one point per step, anchored at the window's end so the
 * newest data is always a full step, with the first point's step covering the window's start.
 */

import { UsageError } from '../../core/errors.ts';
import { gridLength, type TimeGrid } from '../../core/usage-history.ts';

/** Points per series we aim for at most when choosing a step: plenty for percentiles, cheap to fetch. */
export const TARGET_POINTS = 4000;
/** Prometheus refuses range queries with more points per series than this. */
export const MAX_POINTS_PER_QUERY = 11_000;
/** Below a minute, steps fall under common scrape intervals and rate() loses its second sample. */
export const MIN_STEP_SECONDS = 60;

/**
 * The default step for a window: about 4,000 points at most, never below 60 s, a whole minute
 * (14 days → 300 s, 1 day → 60 s).
 */
export function chooseStep(start: Date, end: Date): number {
  const seconds = (end.getTime() - start.getTime()) / 1000;
  const minutes = Math.round(seconds / TARGET_POINTS / 60);
  return Math.max(MIN_STEP_SECONDS, minutes * 60);
}

/**
 * The grid for a window: points at end, end − step, … back to the first point whose step
 * (t − step, t] still contains `start`. Times are whole unix seconds.
 */
export function usageGrid(start: Date, end: Date, step: number): TimeGrid {
  if (!Number.isInteger(step) || step < 1)
    throw new UsageError(`the step must be a whole number of seconds ≥ 1, got ${step}`);
  const s = Math.ceil(start.getTime() / 1000);
  const e = Math.floor(end.getTime() / 1000);
  if (!Number.isFinite(s) || !Number.isFinite(e))
    throw new UsageError('the history window has an invalid start or end');
  if (e <= s)
    throw new UsageError(
      `the history window is empty: end ${end.toISOString()} is not after start ${start.toISOString()}`,
    );
  return { start: e - Math.floor((e - s) / step) * step, end: e, step };
}

/** The grid cut into consecutive pieces of at most `maxPoints` points, for range queries. */
export function gridChunks(grid: TimeGrid, maxPoints: number): TimeGrid[] {
  const n = gridLength(grid);
  const per = Math.max(1, Math.floor(maxPoints));
  const chunks: TimeGrid[] = [];
  for (let first = 0; first < n; first += per) {
    const last = Math.min(n, first + per) - 1;
    chunks.push({
      start: grid.start + first * grid.step,
      end: grid.start + last * grid.step,
      step: grid.step,
    });
  }
  return chunks;
}
