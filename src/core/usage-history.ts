/**
 * Usage history of containers as the right-sizing and cost analyzers consume it: one regular
 * time grid per query window, one row per pod of a workload's container, CPU as the average
 * cores over each step (a counter rate, so no sample between steps is lost) and memory as the
 * peak working set inside each step (so no spike between steps is lost). Sources (Prometheus)
 * produce it; analyzers (recommenders, backtest, cost) read it; nothing here does I/O.
 */

/** The workload a container belongs to: its top controller (Deployment, StatefulSet, …). */
export interface WorkloadKey {
  namespace: string;
  /** Top controller kind: Deployment, StatefulSet, DaemonSet, CronJob, Job, or Pod for a naked pod. */
  kind: string;
  name: string;
}

/** A regular time grid: points at start, start+step, …, end (unix seconds, inclusive). */
export interface TimeGrid {
  start: number;
  end: number;
  step: number;
}

/** Number of points of a grid. */
export function gridLength(grid: TimeGrid): number {
  return Math.floor((grid.end - grid.start) / grid.step) + 1;
}

/** Unix seconds of point `i`. */
export function gridTime(grid: TimeGrid, i: number): number {
  return grid.start + i * grid.step;
}

/** One pod's samples of one container on the grid; NaN where the pod did not exist or had no data. */
export interface PodSeries {
  pod: string;
  /** Cores, averaged over the step ending at each point. */
  cpu: Float32Array;
  /** Bytes, the highest working set seen in the step ending at each point. */
  memory: Float32Array;
}

/** A container was killed for memory: when, and under which limit. */
export interface OomKill {
  pod: string;
  /** Unix seconds (resolution of the grid). */
  time: number;
  /** The memory limit in bytes in force then, when known. */
  memoryLimit?: number;
}

/** Requests or limits of a container: cores and bytes; absent when not set. */
export interface ResourcePair {
  cpu?: number;
  memory?: number;
}

/** Everything known about one container of one workload over a window. */
export interface ContainerHistory {
  workload: WorkloadKey;
  container: string;
  grid: TimeGrid;
  pods: PodSeries[];
  oomKills: OomKill[];
  /** Current requests and limits (the latest seen in the window), when known. */
  requests: ResourcePair;
  limits: ResourcePair;
}

/** Something a source could not fully deliver: the rest of the result stands, marked partial. */
export interface HistoryGap {
  /** Namespace (or `*`) and what is missing. */
  scope: string;
  message: string;
}
