/**
 * Container usage history from Prometheus, one namespace at a time.
 *
 * KRR sends one set of queries per workload and container, with 14-day subqueries at 75 s, and
 * users report Prometheus OOM-killed at about a thousand pods (peers-cost.md §1.5). hindsight
 * asks a fixed handful of questions per namespace instead, whatever its pod count:
 *
 * 1. requests, limits and "was any container OOM-killed" (one instant query at the end, over
 *    hour tiles of the window: each sample read once);
 * 2. CPU: `rate` over one step at every grid point (a range query);
 * 3. memory: `max_over_time` over one step at every grid point (a range query);
 * 4. only when (1) found OOM kills: restarts, last-terminated reason and memory limit of the
 *    affected pods on the grid (a range query);
 * 5. without a caller-supplied `workloadOf`: the owner series from the index (no samples).
 *
 * A range query is cut into time chunks only when a series would exceed Prometheus' 11,000
 * points, or when the namespace is so large that one answer would exceed `maxPointsPerQuery`
 * points (bounding the JSON held in memory). Results are yielded per namespace, so memory is
 * bounded by the largest namespace, not the cluster.
 *
 * Window arithmetic. Grid points are t = end − k·step. CPU at t is `rate(…[step + 1ms])`: the
 * window reaches the sample at t − step on both Prometheus 2 (closed ranges) and 3 (left-open
 * ranges), so the rate is the counter's increase over exactly (t − step, t] divided by step —
 * every second is counted once and the series' time-weighted mean is the true mean. Memory at t
 * is `max_over_time(…[step − 1ms])`: the samples in (t − step, t], each seen by exactly one
 * point, so no peak is lost or counted twice.
 *
 * Duplicated cAdvisor series (several scrape jobs, `image`/`id` label changes across restarts)
 * are summed within a job and the jobs' answers maxed: a restart splits one container's CPU over
 * two series of a job, while a second job scraping the same kubelet repeats it.
 */

import { describeError, PrometheusQueryError } from '../../core/errors.ts';
import {
  type ContainerHistory,
  gridLength,
  type HistoryGap,
  type OomKill,
  type PodSeries,
  type ResourcePair,
  type TimeGrid,
  type WorkloadKey,
} from '../../core/usage-history.ts';
import type { Labels, PrometheusClient, RangeSeries } from './client.ts';
import { promAlternation, promDuration, promString } from './promql-text.ts';
import { chooseStep, gridChunks, MAX_POINTS_PER_QUERY, usageGrid } from './usage-grid.ts';
import { type PodOwners, readPodOwners } from './workload-owners.ts';

export interface UsageHistoryOptions {
  start: Date;
  end: Date;
  /** Namespaces to read; default: every namespace with container metrics or requests in the window. */
  namespaces?: readonly string[];
  /** Grid step in seconds; default `chooseStep(start, end)`. */
  step?: number;
  /**
   * The workload of a pod from a live inventory. Returning undefined (a pod deleted since) falls
   * back to kube-state-metrics history.
   */
  workloadOf?: (namespace: string, pod: string) => WorkloadKey | undefined;
  /**
   * Most points (series × points) one range query may return before it is cut in time chunks;
   * default 2,000,000 (about 60 MB of JSON).
   */
  maxPointsPerQuery?: number;
  /**
   * Namespaces read ahead while the caller works on the current one; default 1. Memory holds
   * this many namespaces more.
   */
  readAhead?: number;
}

/** One namespace's history: every container of every workload, and what could not be read. */
export interface NamespaceHistory {
  namespace: string;
  grid: TimeGrid;
  containers: ContainerHistory[];
  gaps: HistoryGap[];
}

const CONTAINER_FILTER = 'container!="", container!="POD"';
const DEFAULT_MAX_POINTS_PER_QUERY = 2_000_000;
const DEFAULT_READ_AHEAD = 1;
/** A crash-looping container can restart many times a step; a few kills per step say enough. */
const MAX_KILLS_PER_STEP = 10;

/**
 * Reads usage history namespace by namespace. Throws `PrometheusQueryError` when Prometheus
 * cannot be reached at all; a namespace whose queries fail later is yielded empty with a gap.
 */
export async function* readUsageHistory(
  client: PrometheusClient,
  options: UsageHistoryOptions,
): AsyncGenerator<NamespaceHistory> {
  const step = options.step ?? chooseStep(options.start, options.end);
  const grid = usageGrid(options.start, options.end, step);
  const window = { start: new Date((grid.start - step) * 1000), end: new Date(grid.end * 1000) };
  let answered = false;
  let namespaces = options.namespaces;
  if (namespaces === undefined) {
    namespaces = await client.labelValues(
      'namespace',
      [
        'kube_pod_container_resource_requests',
        `container_cpu_usage_seconds_total{${CONTAINER_FILTER}}`,
        `container_memory_working_set_bytes{${CONTAINER_FILTER}}`,
      ],
      window,
    );
    answered = true;
  }
  // Read ahead: the next namespaces are fetched while the caller computes on this one (fetching is
  // mostly Prometheus' and the network's time, computing the caller's).
  const order = [...new Set(namespaces)].sort();
  const ahead = Math.max(0, options.readAhead ?? DEFAULT_READ_AHEAD);
  type Outcome = { batch: NamespaceHistory } | { error: unknown };
  const pending = new Map<number, Promise<Outcome>>();
  let started = 0;
  for (let i = 0; i < order.length; i++) {
    for (; started < order.length && started <= i + ahead; started++)
      pending.set(
        started,
        readNamespace(client, order[started] as string, grid, window, options).then(
          (batch) => ({ batch }),
          (error: unknown) => ({ error }),
        ),
      );
    const outcome = await (pending.get(i) as Promise<Outcome>);
    pending.delete(i);
    const namespace = order[i] as string;
    let batch: NamespaceHistory;
    if ('batch' in outcome) {
      batch = outcome.batch;
      answered = true;
    } else {
      const { error } = outcome;
      if (!(error instanceof PrometheusQueryError)) throw error;
      // Unreachable before anything answered: the whole run is moot, not one namespace.
      if (!answered && error.status === undefined) throw error;
      batch = {
        namespace,
        grid,
        containers: [],
        gaps: [{ scope: namespace, message: describeError(error) }],
      };
    }
    yield batch;
  }
}

/** Per pod and container: what the queries returned, on the grid. */
interface PodContainer {
  pod: string;
  container: string;
  cpu: Float32Array | undefined;
  memory: Float32Array | undefined;
}

async function readNamespace(
  client: PrometheusClient,
  namespace: string,
  grid: TimeGrid,
  window: { start: Date; end: Date },
  options: UsageHistoryOptions,
): Promise<NamespaceHistory> {
  const ns = `namespace=${promString(namespace)}`;
  const step = grid.step;
  const n = gridLength(grid);
  const warnings = new Set<string>();
  const endTime = new Date(grid.end * 1000);

  // Without a live inventory the owners come from the index; start that look-up right away.
  const ownersPromise: Promise<PodOwners> | undefined =
    options.workloadOf === undefined ? readPodOwners(client, namespace, window) : undefined;
  ownersPromise?.catch(() => {}); // awaited below; keep an early failure from going unhandled

  const specs = await readSpecs(client, ns, grid, endTime, warnings);

  // Chunk so that no series exceeds Prometheus' limit and no answer holds more than the cap.
  const seriesEstimate = Math.max(1, specs.containers.size);
  const maxPoints = options.maxPointsPerQuery ?? DEFAULT_MAX_POINTS_PER_QUERY;
  const chunks = gridChunks(
    grid,
    Math.min(MAX_POINTS_PER_QUERY, Math.max(1, Math.floor(maxPoints / seriesEstimate))),
  );

  const rows = new Map<string, PodContainer>();
  const rowOf = (labels: Labels): PodContainer | undefined => {
    const pod = labels.pod;
    const container = labels.container;
    if (pod === undefined || container === undefined) return undefined;
    const key = `${pod}\u0000${container}`;
    let row = rows.get(key);
    if (!row) {
      row = { pod, container, cpu: undefined, memory: undefined };
      rows.set(key, row);
    }
    return row;
  };
  const fill = (series: readonly RangeSeries[], which: 'cpu' | 'memory') => {
    for (const s of series) {
      const row = rowOf(s.metric);
      if (!row) continue;
      let target = row[which];
      if (!target) {
        target = new Float32Array(n).fill(Number.NaN);
        row[which] = target;
      }
      copyOntoGrid(s, grid, target);
    }
  };

  const cpuExpr =
    `max by (namespace, pod, container) (sum by (namespace, pod, container, job) (` +
    `rate(container_cpu_usage_seconds_total{${ns}, ${CONTAINER_FILTER}}[${promDuration(step + 0.001)}])))`;
  const memoryExpr =
    `max by (namespace, pod, container) (` +
    `max_over_time(container_memory_working_set_bytes{${ns}, ${CONTAINER_FILTER}}[${promDuration(step - 0.001)}]))`;
  await Promise.all(
    chunks.flatMap((chunk) => [
      rangeOnGrid(client, cpuExpr, chunk, warnings).then((m) => fill(m, 'cpu')),
      rangeOnGrid(client, memoryExpr, chunk, warnings).then((m) => fill(m, 'memory')),
    ]),
  );

  const oomKills =
    specs.oomPods.size > 0 ? await readOomKills(client, ns, specs.oomPods, grid, warnings) : new Map();

  let owners: PodOwners | undefined = ownersPromise ? await ownersPromise : undefined;
  const workloadOf = async (pod: string): Promise<WorkloadKey> => {
    const live = options.workloadOf?.(namespace, pod);
    if (live) return live;
    owners ??= await readPodOwners(client, namespace, window);
    return owners(pod);
  };

  // Group pod rows into workload containers.
  const groups = new Map<string, { workload: WorkloadKey; container: string; rows: PodContainer[] }>();
  for (const row of rows.values()) {
    const workload = await workloadOf(row.pod);
    const key = `${workload.kind}\u0000${workload.name}\u0000${row.container}`;
    let group = groups.get(key);
    if (!group) {
      group = { workload, container: row.container, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }

  const containers: ContainerHistory[] = [];
  for (const group of groups.values()) {
    group.rows.sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
    const pods: PodSeries[] = group.rows.map((row) => ({
      pod: row.pod,
      cpu: row.cpu ?? new Float32Array(n).fill(Number.NaN),
      memory: row.memory ?? new Float32Array(n).fill(Number.NaN),
    }));
    const kills: OomKill[] = [];
    for (const row of group.rows) kills.push(...(oomKills.get(`${row.pod}\u0000${row.container}`) ?? []));
    kills.sort((a, b) => a.time - b.time);
    const { requests, limits } = latestSpec(group.rows, specs);
    containers.push({
      workload: group.workload,
      container: group.container,
      grid,
      pods,
      oomKills: kills,
      requests,
      limits,
    });
  }
  containers.sort((a, b) => compareKeys(a, b));

  const gaps: HistoryGap[] = [...warnings].map((w) => ({
    scope: namespace,
    message: `Prometheus warned, results may be partial: ${w}`,
  }));
  return { namespace, grid, containers, gaps };
}

/** Requests and limits per pod/container, and the pods whose containers were OOM-killed. */
interface Specs {
  /** `pod\0container` → requests and limits. */
  containers: Map<string, { requests: ResourcePair; limits: ResourcePair }>;
  oomPods: Set<string>;
}

/**
 * One instant query: the latest requests and limits of every container in the window and
 * whether its last termination was ever OOMKilled. Subqueries at the grid step see every pod
 * that lived a step, at one sample per step instead of every scrape.
 */
async function readSpecs(
  client: PrometheusClient,
  ns: string,
  grid: TimeGrid,
  at: Date,
  warnings: Set<string>,
): Promise<Specs> {
  // Hour tiles: each raw sample is read once (no 5-minute lookback re-read at every grid point,
  // which made these constant series the most expensive part of the read), and a pod that lived
  // for minutes is still inside some tile.
  const tiles = `[${promDuration(Math.ceil((grid.end - grid.start + grid.step) / 3600) * 3600)}:1h]`;
  const tagged = (expr: string, tag: string) =>
    `label_replace(${expr}, "hindsight_series", "${tag}", "", "")`;
  const resources = (metric: string) =>
    `last_over_time((max by (pod, container, resource) (last_over_time(${metric}{${ns}, resource=~"cpu|memory"}[1h])))${tiles})`;
  const expr = [
    tagged(resources('kube_pod_container_resource_requests'), 'requests'),
    tagged(resources('kube_pod_container_resource_limits'), 'limits'),
    tagged(
      `max_over_time((max by (pod, container) (max_over_time(kube_pod_container_status_last_terminated_reason{${ns}, reason="OOMKilled"}[1h])))${tiles})`,
      'oomkilled',
    ),
  ].join(' or ');
  const result = await client.query(expr, at);
  for (const w of result.warnings) warnings.add(w);
  const specs: Specs = { containers: new Map(), oomPods: new Set() };
  for (const sample of result.vector) {
    const { pod, container, resource, hindsight_series: tag } = sample.metric;
    if (pod === undefined || container === undefined) continue;
    if (tag === 'oomkilled') {
      specs.oomPods.add(pod);
      continue;
    }
    if (!Number.isFinite(sample.value) || (resource !== 'cpu' && resource !== 'memory')) continue;
    const key = `${pod}\u0000${container}`;
    let entry = specs.containers.get(key);
    if (!entry) {
      entry = { requests: {}, limits: {} };
      specs.containers.set(key, entry);
    }
    if (tag === 'requests') entry.requests[resource] = sample.value;
    else if (tag === 'limits') entry.limits[resource] = sample.value;
  }
  return specs;
}

/**
 * OOM kills of the given pods: a grid point where the restart count went up while the last
 * terminated reason was OOMKilled, with the memory limit at that point.
 */
async function readOomKills(
  client: PrometheusClient,
  ns: string,
  pods: ReadonlySet<string>,
  grid: TimeGrid,
  warnings: Set<string>,
): Promise<Map<string, OomKill[]>> {
  const selector = `${ns}, pod=~${promAlternation([...pods].sort())}`;
  const tagged = (expr: string, tag: string) =>
    `label_replace(${expr}, "hindsight_series", "${tag}", "", "")`;
  const expr = [
    tagged(`max by (pod, container) (kube_pod_container_status_restarts_total{${selector}})`, 'restarts'),
    tagged(
      `max by (pod, container) (kube_pod_container_status_last_terminated_reason{${selector}, reason="OOMKilled"})`,
      'oomkilled',
    ),
    tagged(
      `max by (pod, container) (kube_pod_container_resource_limits{${selector}, resource="memory"})`,
      'limit',
    ),
  ].join(' or ');
  const n = gridLength(grid);
  const per = new Map<string, { restarts: Float64Array; oom: Uint8Array; limit: Float64Array }>();
  const arraysOf = (labels: Labels) => {
    const key = `${labels.pod}\u0000${labels.container}`;
    let a = per.get(key);
    if (!a) {
      a = {
        restarts: new Float64Array(n).fill(Number.NaN),
        oom: new Uint8Array(n),
        limit: new Float64Array(n).fill(Number.NaN),
      };
      per.set(key, a);
    }
    return a;
  };
  for (const chunk of gridChunks(grid, MAX_POINTS_PER_QUERY)) {
    for (const s of await rangeOnGrid(client, expr, chunk, warnings)) {
      if (s.metric.pod === undefined || s.metric.container === undefined) continue;
      const a = arraysOf(s.metric);
      const tag = s.metric.hindsight_series;
      for (let i = 0; i < s.times.length; i++) {
        const k = Math.round(((s.times[i] as number) - grid.start) / grid.step);
        if (k < 0 || k >= n) continue;
        const v = s.values[i] as number;
        if (tag === 'restarts') a.restarts[k] = v;
        else if (tag === 'oomkilled') a.oom[k] = 1;
        else if (tag === 'limit') a.limit[k] = v;
      }
    }
  }
  const out = new Map<string, OomKill[]>();
  for (const [key, a] of per) {
    const pod = key.slice(0, key.indexOf('\u0000'));
    const kills: OomKill[] = [];
    let previous = Number.NaN;
    for (let k = 0; k < n; k++) {
      const r = a.restarts[k] as number;
      if (Number.isNaN(r)) continue;
      if (!Number.isNaN(previous) && r > previous && a.oom[k] === 1) {
        const limit = a.limit[k] as number;
        const count = Math.min(MAX_KILLS_PER_STEP, Math.round(r - previous));
        for (let c = 0; c < count; c++) {
          kills.push({
            pod,
            time: grid.start + k * grid.step,
            ...(Number.isFinite(limit) ? { memoryLimit: limit } : {}),
          });
        }
      }
      previous = r;
    }
    if (kills.length > 0) out.set(key, kills);
  }
  return out;
}

async function rangeOnGrid(
  client: PrometheusClient,
  expr: string,
  chunk: TimeGrid,
  warnings: Set<string>,
): Promise<RangeSeries[]> {
  const result = await client.queryRange(expr, {
    start: new Date(chunk.start * 1000),
    end: new Date(chunk.end * 1000),
    step: chunk.step,
  });
  for (const w of result.warnings) warnings.add(w);
  return result.matrix;
}

/** Writes a series' points into the grid array by timestamp (NaN stays where there is none). */
function copyOntoGrid(series: RangeSeries, grid: TimeGrid, target: Float32Array): void {
  for (let i = 0; i < series.times.length; i++) {
    const k = Math.round(((series.times[i] as number) - grid.start) / grid.step);
    if (k >= 0 && k < target.length) target[k] = series.values[i] as number;
  }
}

/** Index of the last point with data, −1 if none. */
function lastSeen(row: PodContainer): number {
  let last = -1;
  for (const arr of [row.memory, row.cpu]) {
    if (!arr) continue;
    for (let k = arr.length - 1; k > last; k--) {
      if (!Number.isNaN(arr[k] as number)) {
        last = k;
        break;
      }
    }
  }
  return last;
}

/**
 * The requests and limits of the most recently seen pod that has them: during a rollout old and
 * new pods differ, and the newest pod carries the spec in force now.
 */
function latestSpec(
  rows: readonly PodContainer[],
  specs: Specs,
): { requests: ResourcePair; limits: ResourcePair } {
  let best: { requests: ResourcePair; limits: ResourcePair } | undefined;
  let bestSeen = -2;
  for (const row of rows) {
    const spec = specs.containers.get(`${row.pod}\u0000${row.container}`);
    if (!spec) continue;
    const seen = lastSeen(row);
    if (seen > bestSeen) {
      best = spec;
      bestSeen = seen;
    }
  }
  return best ? { requests: { ...best.requests }, limits: { ...best.limits } } : { requests: {}, limits: {} };
}

function compareKeys(a: ContainerHistory, b: ContainerHistory): number {
  const x = `${a.workload.kind}\u0000${a.workload.name}\u0000${a.container}`;
  const y = `${b.workload.kind}\u0000${b.workload.name}\u0000${b.container}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
