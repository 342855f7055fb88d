/**
 * KRR's `simple` strategy query plan, verbatim, for benchmarking hindsight's per-namespace plan
 * against it on the same Prometheus through the same client (so `client.stats` counts what each
 * plan makes Prometheus do). See docs/research/peers-cost.md §1.2–1.3:
 *
 * - pods of each workload from history: `kube_replicaset_owner{…}[Nd]` then
 *   `last_over_time(kube_pod_owner{owner_name=~"<replicasets>"}[Nd])` for Deployments,
 *   `last_over_time(kube_pod_owner{owner_name="<name>", owner_kind="<kind>"}[Nd])` otherwise;
 * - per container and per batch of 50 pods: PercentileCPULoader (`quantile_over_time` of a 75 s
 *   rate subquery), CPUAmountLoader and MemoryAmountLoader (`count_over_time` subqueries),
 *   MaxMemoryLoader (`max_over_time` subquery), all instant queries at the window's end;
 * - six workers, as KRR's default `--max-workers`.
 *
 * This is a benchmark baseline, not a recommender: it returns KRR's raw numbers (max over pods of
 * each pod's p95 CPU, max memory, point counts) without KRR's buffers, rounding or floors.
 */

import type { WorkloadKey } from '../../core/usage-history.ts';
import type { PrometheusClient } from './client.ts';
import { promAlternation, promString } from './promql-text.ts';

/** A workload as KRR lists it from the API server: identity and container names. */
export interface KrrWorkload extends WorkloadKey {
  containers: readonly string[];
}

export interface KrrPlanOptions {
  start: Date;
  end: Date;
  workloads: readonly KrrWorkload[];
  /**
   * KRR's `--timeframe_duration` in seconds (rate window and subquery step); default 75, its
   * own default. A cluster scraped less often than every 40 s needs at least two scrapes in it.
   */
  stepSeconds?: number;
}

/** KRR's numbers for one container of one workload. */
export interface KrrContainerResult {
  workload: WorkloadKey;
  container: string;
  /** Pods KRR found in the history. */
  pods: string[];
  /** Max over pods of each pod's p95 of 75 s CPU rates, cores; undefined without data. */
  cpuP95: number | undefined;
  /** Max over pods of the working-set peak, bytes; undefined without data. */
  memoryMax: number | undefined;
  /** Σ count_over_time of the CPU and memory subqueries (KRR needs ≥ 100 to recommend). */
  cpuPoints: number;
  memoryPoints: number;
}

const DEFAULT_STEP_SECONDS = 75;
const CPU_PERCENTILE = 95;
const PODS_BATCH_SIZE = 50;
const OWNER_BATCH_SIZE = 100;
const MAX_WORKERS = 6;
const MAX_DISCOVERY_DAYS = 32;

/** KRR's `_step_to_string`: more than a day → whole days, otherwise minutes. */
function durationString(seconds: number): string {
  if (seconds > 86400) return `${Math.floor(seconds / 86400)}d`;
  return `${Math.floor(seconds / 60)}m`;
}

/** Runs KRR's query plan for every workload container; results in input order. */
export async function runKrrQueryPlan(
  client: PrometheusClient,
  options: KrrPlanOptions,
): Promise<KrrContainerResult[]> {
  const seconds = (options.end.getTime() - options.start.getTime()) / 1000;
  const duration = durationString(seconds);
  const step = `${options.stepSeconds ?? DEFAULT_STEP_SECONDS}s`;
  const discoveryDays = Math.min(MAX_DISCOVERY_DAYS, Math.max(1, Math.ceil(seconds / 86400)));
  const results: KrrContainerResult[][] = new Array(options.workloads.length);
  let next = 0;
  const worker = async () => {
    while (next < options.workloads.length) {
      const index = next++;
      const w = options.workloads[index] as KrrWorkload;
      const pods = await loadPods(client, w, discoveryDays, options.end);
      results[index] = await Promise.all(
        w.containers.map((container) =>
          loadContainer(client, w, container, pods, duration, step, options.end),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: MAX_WORKERS }, worker));
  return results.flat();
}

/** `prometheus_metrics_service.py::load_pods`. */
async function loadPods(client: PrometheusClient, w: KrrWorkload, days: number, at: Date): Promise<string[]> {
  const ns = `namespace=${promString(w.namespace)}`;
  let ownerKind = w.kind;
  let ownerNames = [w.name];
  if (w.kind === 'Deployment') {
    const replicaSets = await client.query(
      `kube_replicaset_owner{owner_name=${promString(w.name)}, owner_kind="Deployment", ${ns}}[${days}d]`,
      at,
    );
    ownerNames = [...new Set(replicaSets.matrix.map((s) => s.metric.replicaset).filter(isString))];
    ownerKind = 'ReplicaSet';
    if (ownerNames.length === 0) return [];
  }
  const pods = new Set<string>();
  for (let i = 0; i < ownerNames.length; i += OWNER_BATCH_SIZE) {
    const batch = ownerNames.slice(i, i + OWNER_BATCH_SIZE);
    const result = await client.query(
      `last_over_time(kube_pod_owner{owner_name=~${promAlternation(batch)}, owner_kind=${promString(ownerKind)}, ${ns}}[${days}d])`,
      at,
    );
    for (const s of result.vector) if (s.metric.pod) pods.add(s.metric.pod);
  }
  return [...pods].sort();
}

async function loadContainer(
  client: PrometheusClient,
  w: KrrWorkload,
  container: string,
  pods: readonly string[],
  duration: string,
  step: string,
  at: Date,
): Promise<KrrContainerResult> {
  const result: KrrContainerResult = {
    workload: { namespace: w.namespace, kind: w.kind, name: w.name },
    container,
    pods: [...pods],
    cpuP95: undefined,
    memoryMax: undefined,
    cpuPoints: 0,
    memoryPoints: 0,
  };
  for (let i = 0; i < pods.length; i += PODS_BATCH_SIZE) {
    const selector =
      `namespace=${promString(w.namespace)}, pod=~${promAlternation(pods.slice(i, i + PODS_BATCH_SIZE))}, ` +
      `container=${promString(container)}`;
    const [p95, cpuCount, memoryCount, memoryMax] = await Promise.all([
      client.query(
        `quantile_over_time(${Math.round(CPU_PERCENTILE) / 100}, max(rate(container_cpu_usage_seconds_total{${selector}}[${step}])) by (container, pod, job) [${duration}:${step}])`,
        at,
      ),
      client.query(
        `count_over_time(max(container_cpu_usage_seconds_total{${selector}}) by (container, pod, job) [${duration}:${step}])`,
        at,
      ),
      client.query(
        `count_over_time(max(container_memory_working_set_bytes{${selector}}) by (container, pod, job) [${duration}:${step}])`,
        at,
      ),
      client.query(
        `max_over_time(max(container_memory_working_set_bytes{${selector}}) by (container, pod, job) [${duration}:${step}])`,
        at,
      ),
    ]);
    for (const s of p95.vector) result.cpuP95 = maxDefined(result.cpuP95, s.value);
    for (const s of memoryMax.vector) result.memoryMax = maxDefined(result.memoryMax, s.value);
    for (const s of cpuCount.vector) result.cpuPoints += s.value;
    for (const s of memoryCount.vector) result.memoryPoints += s.value;
  }
  return result;
}

function maxDefined(a: number | undefined, b: number): number | undefined {
  if (Number.isNaN(b)) return a;
  return a === undefined ? b : Math.max(a, b);
}

function isString(x: string | undefined): x is string {
  return typeof x === 'string';
}
