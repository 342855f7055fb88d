/**
 * The right-sizing pass of `hindsight cost`: reads usage history from Prometheus one namespace
 * at a time (memory stays bounded by the largest namespace), recommends and backtests every
 * container as its namespace arrives, and keeps only the results and each running pod's
 * average usage (for cost allocation).
 */

import { hpaResourceMetrics } from '../../core/hpa-metrics.ts';
import {
  type ContainerHistory,
  gridLength,
  type HistoryGap,
  type TimeGrid,
  type WorkloadKey,
} from '../../core/usage-history.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { owningWorkload } from '../../inventory/owning-workload.ts';
import { podsOf, scalersFor } from '../../inventory/selectors.ts';
import type { PrometheusClient } from '../../sources/prometheus/client.ts';
import { readUsageHistory } from '../../sources/prometheus/usage-history.ts';
import type { ContainerBacktest } from './backtest.ts';
import { type BacktestSummary, backtestContainer, summarizeBacktest, type UnitPrices } from './backtest.ts';
import { type ContainerRecommendation, recommend } from './recommend.ts';
import type { Resource } from './resource-settings.ts';

export interface RightsizingRun {
  recommendations: Array<{ rec: ContainerRecommendation; replicas: number; workloadKey: string }>;
  backtest: BacktestSummary;
  /** Average cores and bytes per `namespace/pod/container`, for pods with samples. */
  usage: Map<string, { cpu?: number; memory?: number }>;
  /** Workloads whose containers sat idle most of the window (scale-to-zero candidates). */
  idleShare: Map<string, number>;
  gaps: HistoryGap[];
  grid?: TimeGrid;
  containersRead: number;
  seconds: number;
}

/** `Kind/namespace/name`, the key owningWorkload uses. */
export function workloadKeyOf(w: WorkloadKey): string {
  return `${w.kind}/${w.namespace}/${w.name}`;
}

/** Workload entries of the inventory by key, for the pods Prometheus names. */
function workloadIndex(inventory: Inventory): {
  byPod: Map<string, WorkloadKey>;
  byKey: Map<string, InventoryEntry>;
} {
  const byPod = new Map<string, WorkloadKey>();
  const byKey = new Map<string, InventoryEntry>();
  for (const pod of inventory.ofKind('Pod')) {
    const w = owningWorkload(inventory, pod);
    if (!w.namespace) continue;
    byPod.set(`${pod.ref.namespace}/${pod.ref.name}`, { namespace: w.namespace, kind: w.kind, name: w.name });
    const top = inventory.topController(pod);
    if (top !== pod) byKey.set(w.key, top);
  }
  return { byPod, byKey };
}

/** Resources an HPA scales this workload on by utilisation (the feedback-loop guard). */
export function hpaResourcesOf(inventory: Inventory, workload: InventoryEntry | undefined): Resource[] {
  if (!workload) return [];
  const out = new Set<Resource>();
  for (const hpa of scalersFor(inventory, workload, 'HorizontalPodAutoscaler')) {
    for (const m of hpaResourceMetrics(hpa.object)) {
      if (m.targetType === 'Utilization' && (m.resource === 'cpu' || m.resource === 'memory'))
        out.add(m.resource);
    }
  }
  return [...out];
}

function mean(values: Float32Array): number | undefined {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : undefined;
}

/** A pod averaging less than this over a step is doing nothing (5 millicores). */
const IDLE_CORES_PER_POD = 0.005;

/** Share of the steps with data in which the workload's pods averaged under 5 millicores each. */
function idleShareOf(history: ContainerHistory): number {
  const n = gridLength(history.grid);
  let idle = 0;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    let total = 0;
    let pods = 0;
    for (const p of history.pods) {
      const v = p.cpu[i] as number;
      if (Number.isNaN(v)) continue;
      pods++;
      total += v;
    }
    if (pods === 0) continue;
    seen++;
    if (total / pods < IDLE_CORES_PER_POD) idle++;
  }
  return seen > 0 ? idle / seen : 0;
}

export async function runRightsizing(
  client: PrometheusClient,
  inventory: Inventory,
  options: {
    start: Date;
    end: Date;
    unitPrices: UnitPrices;
    namespaces?: readonly string[];
    onNamespace?: (ns: string, done: number) => void;
  },
): Promise<RightsizingRun> {
  const t0 = performance.now();
  const { byPod, byKey } = workloadIndex(inventory);
  const recommendations: RightsizingRun['recommendations'] = [];
  const backtests: ContainerBacktest[] = [];
  const usage = new Map<string, { cpu?: number; memory?: number }>();
  const idleShare = new Map<string, number>();
  const gaps: HistoryGap[] = [];
  let grid: TimeGrid | undefined;
  let containersRead = 0;
  let done = 0;
  for await (const batch of readUsageHistory(client, {
    start: options.start,
    end: options.end,
    ...(options.namespaces ? { namespaces: options.namespaces } : {}),
    workloadOf: (namespace, pod) => byPod.get(`${namespace}/${pod}`),
  })) {
    grid = batch.grid;
    gaps.push(...batch.gaps);
    const containersPerWorkload = new Map<string, number>();
    for (const h of batch.containers) {
      const key = workloadKeyOf(h.workload);
      containersPerWorkload.set(key, (containersPerWorkload.get(key) ?? 0) + 1);
    }
    for (const history of batch.containers) {
      containersRead++;
      const key = workloadKeyOf(history.workload);
      const entry = byKey.get(key);
      const running = entry ? podsOf(inventory, entry).length : 0;
      const replicas =
        running > 0
          ? running
          : Math.max(1, history.pods.filter((p) => !Number.isNaN(p.cpu.at(-1) as number)).length);
      const hpaResources = hpaResourcesOf(inventory, entry);
      const containersInPod = containersPerWorkload.get(key) ?? 1;
      const rec = recommend(history, {
        hpaResources,
        containersInPod,
        replicas,
        unitPrices: options.unitPrices,
      });
      recommendations.push({ rec, replicas, workloadKey: key });
      if (gridLength(history.grid) >= 10) {
        backtests.push(
          backtestContainer(history, { unitPrices: options.unitPrices, containersInPod, hpaResources }),
        );
      }
      for (const pod of history.pods) {
        const cpu = mean(pod.cpu);
        const memory = mean(pod.memory);
        if (cpu === undefined && memory === undefined) continue;
        usage.set(`${history.workload.namespace}/${pod.pod}/${history.container}`, {
          ...(cpu !== undefined ? { cpu } : {}),
          ...(memory !== undefined ? { memory } : {}),
        });
      }
      const share = idleShareOf(history);
      idleShare.set(key, Math.min(idleShare.get(key) ?? 1, share));
    }
    done++;
    options.onNamespace?.(batch.namespace, done);
  }
  return {
    recommendations,
    backtest: summarizeBacktest(backtests),
    usage,
    idleShare,
    gaps,
    ...(grid ? { grid } : {}),
    containersRead,
    seconds: (performance.now() - t0) / 1000,
  };
}
