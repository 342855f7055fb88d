/**
 * Cost allocation the OpenCost way (OpenCost spec v0.1 and `pkg/costmodel`):
 *
 * - a node's hourly price is split into a price per core-hour, per GiB-hour (and per GPU-hour)
 *   holding the CPU:RAM (and GPU:RAM) price ratio constant, so the parts sum to the node price;
 * - each container is charged max(request, usage) of each resource at its node's prices;
 * - idle = node cost − what the containers on it are charged (negative when usage above
 *   requests overcommits the node);
 * - workloads + idle = the priced nodes' cost, exactly.
 *
 * Pure functions over an Inventory: no clock, no I/O. Usage (averages over a window, from the
 * right-sizing history) is optional; without it containers are charged their requests.
 */

import { compareText } from '../../core/compare-text.ts';
import { parseQuantity } from '../../core/quantity.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { isPerNodePod } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { hasFinished, owningWorkload, type WorkloadIdentity } from '../../inventory/owning-workload.ts';
import { type CpuMemory, podRequests } from './pod-requests.ts';
import { HOURS_PER_MONTH, type NodePrice, type PriceBook } from './prices.ts';

/**
 * OpenCost's default CPU:RAM price ratio: its default prices (GCP us-central1) are
 * $0.031611 per vCPU-hour and $0.004237 per GiB-hour, 0.031611 / 0.004237 ≈ 7.46.
 */
export const DEFAULT_CPU_TO_RAM_RATIO = 0.031611 / 0.004237;
/** OpenCost's default GPU:RAM ratio: $0.95 per GPU-hour / $0.004237 ≈ 224. */
export const DEFAULT_GPU_TO_RAM_RATIO = 0.95 / 0.004237;
/** Label keys that name a team, tried in order on the pod, then on its namespace. */
export const DEFAULT_TEAM_LABELS: readonly string[] = ['team', 'app.kubernetes.io/part-of'];
/** The container name that carries a pod's overhead and init-container excess. */
export const POD_EXTRA_CONTAINER = '(pod)';
export const NO_TEAM = '(none)';

const GIB = 2 ** 30;
const GPU_RESOURCE = 'nvidia.com/gpu';

/** Average usage of one container; either part may be missing. */
export type ContainerUsage = Partial<CpuMemory>;

/** `namespace/pod/container`, the key of the usage map. */
export function usageKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

export interface AllocationOptions {
  /** Average usage per container, keyed by `usageKey(namespace, pod, container)`. */
  usage?: ReadonlyMap<string, ContainerUsage>;
  cpuToRamRatio?: number;
  gpuToRamRatio?: number;
  /** Label keys naming a team; default DEFAULT_TEAM_LABELS. */
  teamLabels?: readonly string[];
}

/** One node's prices per unit, derived from its hourly price. */
export interface UnitPrices {
  cpuPerCoreHour: number;
  ramPerGiBHour: number;
  gpuPerGpuHour: number;
}

export interface ResourceUtilisation {
  /** Σ requests of the pods bound to the node(s). */
  requested: number;
  /** Σ average usage; undefined when no usage was given. */
  used?: number;
  allocatable: number;
}

export interface NodeCost {
  name: string;
  price: NodePrice;
  /** Capacity the price is split over (node status capacity, else allocatable, else the catalogue). */
  capacity: { cpu: number; memory: number; gpu: number };
  /** Undefined for unpriced nodes. */
  unitPrices?: UnitPrices;
  hourlyUSD: number;
  allocatedHourlyUSD: number;
  idleHourlyUSD: number;
  cpu: ResourceUtilisation;
  memory: ResourceUtilisation;
  pods: number;
}

export interface ContainerCost {
  namespace: string;
  pod: string;
  /** Container name, or POD_EXTRA_CONTAINER for the pod's overhead and init excess. */
  container: string;
  node: string;
  /** `Deployment shop/api`. */
  workload: string;
  /** The workload as data: kind, namespace, name and its grouping key. */
  workloadIdentity: WorkloadIdentity;
  team: string;
  isDaemonSet: boolean;
  request: CpuMemory & { gpu: number };
  usage?: ContainerUsage;
  /** max(request, usage) per resource: what is charged. */
  charged: CpuMemory & { gpu: number };
  cpuHourlyUSD: number;
  memoryHourlyUSD: number;
  gpuHourlyUSD: number;
  hourlyUSD: number;
}

export interface CostGroup {
  key: string;
  pods: number;
  containers: number;
  /** Charged cores and bytes (max of request and usage). */
  charged: CpuMemory;
  cpuHourlyUSD: number;
  memoryHourlyUSD: number;
  gpuHourlyUSD: number;
  hourlyUSD: number;
  monthlyUSD: number;
}

export interface CostAllocation {
  nodes: NodeCost[];
  /** Nodes hindsight could not price, with the reason; their pods are left out of the costs. */
  unpricedNodes: { name: string; instanceType?: string; reason: string }[];
  containers: ContainerCost[];
  /** Running pods bound to no node in the inventory (not charged). */
  podsWithoutNode: string[];
  byNamespace: CostGroup[];
  byTeam: CostGroup[];
  byWorkload: CostGroup[];
  totals: {
    /** Σ priced nodes. */
    nodesHourlyUSD: number;
    allocatedHourlyUSD: number;
    idleHourlyUSD: number;
    nodesMonthlyUSD: number;
    allocatedMonthlyUSD: number;
    idleMonthlyUSD: number;
  };
  /** Over every node in the inventory, priced or not. */
  utilisation: { cpu: ResourceUtilisation; memory: ResourceUtilisation };
}

function quantityAt(list: unknown, key: string): number | undefined {
  const v = asRecord(list)?.[key];
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  return parseQuantity(v);
}

/**
 * Splits a node's hourly price over its cores, GiB and GPUs with the CPU:RAM and GPU:RAM ratios
 * held constant (OpenCost appendix A): cpu·c + ram·m + gpu·g = price exactly.
 */
export function splitNodePrice(
  hourlyUSD: number,
  capacity: { cpu: number; memory: number; gpu?: number },
  cpuToRamRatio: number = DEFAULT_CPU_TO_RAM_RATIO,
  gpuToRamRatio: number = DEFAULT_GPU_TO_RAM_RATIO,
): UnitPrices {
  const ramMultiple =
    (capacity.gpu ?? 0) * gpuToRamRatio + capacity.cpu * cpuToRamRatio + capacity.memory / GIB;
  const ram = ramMultiple > 0 ? hourlyUSD / ramMultiple : 0;
  return { cpuPerCoreHour: ram * cpuToRamRatio, ramPerGiBHour: ram, gpuPerGpuHour: ram * gpuToRamRatio };
}

function nodeCapacity(
  node: KubeObject,
  price: NodePrice,
  book: PriceBook,
): { cpu: number; memory: number; gpu: number } {
  const status = asRecord(node.status);
  const type = price.instanceType ? book.instanceTypes.get(price.instanceType) : undefined;
  const cpu =
    quantityAt(status?.capacity, 'cpu') ?? quantityAt(status?.allocatable, 'cpu') ?? type?.vcpu ?? 0;
  const memory =
    quantityAt(status?.capacity, 'memory') ??
    quantityAt(status?.allocatable, 'memory') ??
    type?.memoryBytes ??
    0;
  const gpu = quantityAt(status?.capacity, GPU_RESOURCE) ?? type?.gpuCount ?? 0;
  return { cpu, memory, gpu };
}

function nodeAllocatable(node: KubeObject, price: NodePrice, book: PriceBook): CpuMemory {
  const status = asRecord(node.status);
  const type = price.instanceType ? book.instanceTypes.get(price.instanceType) : undefined;
  return {
    cpu: quantityAt(status?.allocatable, 'cpu') ?? type?.allocatable.cpu ?? 0,
    memory: quantityAt(status?.allocatable, 'memory') ?? type?.allocatable.memory ?? 0,
  };
}

function gpuRequest(container: unknown): number {
  const resources = asRecord(asRecord(container)?.resources);
  return quantityAt(resources?.requests, GPU_RESOURCE) ?? quantityAt(resources?.limits, GPU_RESOURCE) ?? 0;
}

function teamOf(pod: KubeObject, namespace: KubeObject | undefined, keys: readonly string[]): string {
  for (const labels of [pod.metadata.labels, namespace?.metadata.labels]) {
    const l = asRecord(labels);
    for (const k of keys) {
      const v = l?.[k];
      if (typeof v === 'string' && v !== '') return v;
    }
  }
  return NO_TEAM;
}

/** Running pods by the node they are bound to. */
export function podsByNode(inventory: Inventory): Map<string, InventoryEntry[]> {
  const out = new Map<string, InventoryEntry[]>();
  for (const entry of inventory.ofKind('Pod')) {
    if (hasFinished(entry.object)) continue;
    const nodeName = asRecord(entry.object.spec)?.nodeName;
    const key = typeof nodeName === 'string' ? nodeName : '';
    let list = out.get(key);
    if (!list) {
      list = [];
      out.set(key, list);
    }
    list.push(entry);
  }
  return out;
}

function newGroup(key: string): CostGroup {
  return {
    key,
    pods: 0,
    containers: 0,
    charged: { cpu: 0, memory: 0 },
    cpuHourlyUSD: 0,
    memoryHourlyUSD: 0,
    gpuHourlyUSD: 0,
    hourlyUSD: 0,
    monthlyUSD: 0,
  };
}

function aggregate(containers: readonly ContainerCost[], keyOf: (c: ContainerCost) => string): CostGroup[] {
  const groups = new Map<string, CostGroup>();
  const podsSeen = new Map<string, Set<string>>();
  for (const c of containers) {
    const key = keyOf(c);
    let g = groups.get(key);
    if (!g) {
      g = newGroup(key);
      groups.set(key, g);
      podsSeen.set(key, new Set());
    }
    g.containers++;
    g.charged.cpu += c.charged.cpu;
    g.charged.memory += c.charged.memory;
    g.cpuHourlyUSD += c.cpuHourlyUSD;
    g.memoryHourlyUSD += c.memoryHourlyUSD;
    g.gpuHourlyUSD += c.gpuHourlyUSD;
    g.hourlyUSD += c.hourlyUSD;
    podsSeen.get(key)?.add(`${c.namespace}/${c.pod}`);
  }
  for (const g of groups.values()) {
    g.pods = podsSeen.get(g.key)?.size ?? 0;
    g.monthlyUSD = g.hourlyUSD * HOURS_PER_MONTH;
  }
  return [...groups.values()].sort((a, b) => b.hourlyUSD - a.hourlyUSD || compareText(a.key, b.key));
}

/** What charging one pod reads besides its node. */
interface PodContext {
  inventory: Inventory;
  namespaces: ReadonlyMap<string, KubeObject>;
  teamLabels: readonly string[];
  usage: AllocationOptions['usage'];
}

/**
 * Adds one pod's requests (and usage) to its node, and, on a priced node, charges each of its
 * containers max(request, usage) at the node's unit prices.
 */
function chargePod(
  podEntry: InventoryEntry,
  nodeCost: NodeCost,
  unit: NodeCost['unitPrices'],
  { inventory, namespaces, teamLabels, usage }: PodContext,
  containers: ContainerCost[],
): void {
  const name = nodeCost.name;
  const pod = podEntry.object;
  const namespace = podEntry.ref.namespace ?? '';
  const podName = podEntry.ref.name;
  const requests = podRequests(pod);
  const workloadIdentity = owningWorkload(inventory, podEntry);
  const workload = workloadIdentity.label;
  const team = teamOf(pod, namespaces.get(namespace), teamLabels);
  const daemon = isPerNodePod(pod);
  const spec = asRecord(pod.spec);
  const gpuByName = new Map<string, number>();
  for (const c of [
    ...(Array.isArray(spec?.containers) ? spec.containers : []),
    ...(Array.isArray(spec?.initContainers) ? spec.initContainers : []),
  ])
    gpuByName.set(String(asRecord(c)?.name ?? ''), gpuRequest(c));
  const rows: { name: string; request: CpuMemory; gpu: number; usage?: ContainerUsage }[] =
    requests.containers.map((c) => {
      const u = usage?.get(usageKey(namespace, podName, c.name));
      return { name: c.name, request: c, gpu: gpuByName.get(c.name) ?? 0, ...(u ? { usage: u } : {}) };
    });
  if (requests.extra.cpu > 0 || requests.extra.memory > 0)
    rows.push({ name: POD_EXTRA_CONTAINER, request: requests.extra, gpu: 0 });
  for (const row of rows) {
    nodeCost.cpu.requested += row.request.cpu;
    nodeCost.memory.requested += row.request.memory;
    if (nodeCost.cpu.used !== undefined) nodeCost.cpu.used += row.usage?.cpu ?? 0;
    if (nodeCost.memory.used !== undefined) nodeCost.memory.used += row.usage?.memory ?? 0;
    if (!unit) continue;
    const charged = {
      cpu: Math.max(row.request.cpu, row.usage?.cpu ?? 0),
      memory: Math.max(row.request.memory, row.usage?.memory ?? 0),
      gpu: row.gpu,
    };
    const cpuHourlyUSD = charged.cpu * unit.cpuPerCoreHour;
    const memoryHourlyUSD = (charged.memory / GIB) * unit.ramPerGiBHour;
    const gpuHourlyUSD = charged.gpu * unit.gpuPerGpuHour;
    const hourlyUSD = cpuHourlyUSD + memoryHourlyUSD + gpuHourlyUSD;
    nodeCost.allocatedHourlyUSD += hourlyUSD;
    containers.push({
      namespace,
      pod: podName,
      container: row.name,
      node: name,
      workload,
      workloadIdentity,
      team,
      isDaemonSet: daemon,
      request: { ...row.request, gpu: row.gpu },
      ...(row.usage ? { usage: row.usage } : {}),
      charged,
      cpuHourlyUSD,
      memoryHourlyUSD,
      gpuHourlyUSD,
      hourlyUSD,
    });
  }
}

/**
 * Allocates every priced node's cost to the containers running on it, by max(request, usage),
 * and aggregates by namespace, team and workload. DaemonSet pods are charged like any pod.
 */
export function allocateCosts(
  inventory: Inventory,
  book: PriceBook,
  options: AllocationOptions = {},
): CostAllocation {
  const ratio = options.cpuToRamRatio ?? DEFAULT_CPU_TO_RAM_RATIO;
  const gpuRatio = options.gpuToRamRatio ?? DEFAULT_GPU_TO_RAM_RATIO;
  const teamLabels = options.teamLabels ?? DEFAULT_TEAM_LABELS;
  const usage = options.usage;
  const byNode = podsByNode(inventory);
  const namespaces = new Map(inventory.ofKind('Namespace').map((n) => [n.ref.name, n.object]));
  const context: PodContext = { inventory, namespaces, teamLabels, usage };

  const nodes: NodeCost[] = [];
  const unpricedNodes: CostAllocation['unpricedNodes'] = [];
  const containers: ContainerCost[] = [];
  const total = {
    cpu: { requested: 0, used: 0, allocatable: 0 },
    memory: { requested: 0, used: 0, allocatable: 0 },
  };

  for (const nodeEntry of inventory.ofKind('Node')) {
    const node = nodeEntry.object;
    const name = nodeEntry.ref.name;
    const pods = byNode.get(name) ?? [];
    const price = book.priceOfNode(
      node,
      pods.map((p) => p.object),
    );
    const capacity = nodeCapacity(node, price, book);
    const allocatable = nodeAllocatable(node, price, book);
    const unit = price.priced ? splitNodePrice(price.hourlyUSD, capacity, ratio, gpuRatio) : undefined;
    if (!price.priced)
      unpricedNodes.push({
        name,
        reason: price.reason,
        ...(price.instanceType !== undefined ? { instanceType: price.instanceType } : {}),
      });
    const nodeCost: NodeCost = {
      name,
      price,
      capacity,
      ...(unit ? { unitPrices: unit } : {}),
      hourlyUSD: price.priced ? price.hourlyUSD : 0,
      allocatedHourlyUSD: 0,
      idleHourlyUSD: 0,
      cpu: { requested: 0, allocatable: allocatable.cpu, ...(usage ? { used: 0 } : {}) },
      memory: { requested: 0, allocatable: allocatable.memory, ...(usage ? { used: 0 } : {}) },
      pods: pods.length,
    };
    for (const podEntry of pods) chargePod(podEntry, nodeCost, unit, context, containers);
    nodeCost.idleHourlyUSD = nodeCost.hourlyUSD - nodeCost.allocatedHourlyUSD;
    total.cpu.requested += nodeCost.cpu.requested;
    total.cpu.allocatable += nodeCost.cpu.allocatable;
    total.cpu.used += nodeCost.cpu.used ?? 0;
    total.memory.requested += nodeCost.memory.requested;
    total.memory.allocatable += nodeCost.memory.allocatable;
    total.memory.used += nodeCost.memory.used ?? 0;
    nodes.push(nodeCost);
  }

  const nodeNames = new Set(nodes.map((n) => n.name));
  const podsWithoutNode: string[] = [];
  for (const [nodeName, pods] of byNode)
    if (!nodeNames.has(nodeName))
      for (const p of pods) podsWithoutNode.push(`${p.ref.namespace ?? ''}/${p.ref.name}`);

  const nodesHourlyUSD = nodes.reduce((s, n) => s + n.hourlyUSD, 0);
  const allocatedHourlyUSD = nodes.reduce((s, n) => s + n.allocatedHourlyUSD, 0);
  const idleHourlyUSD = nodes.reduce((s, n) => s + n.idleHourlyUSD, 0);
  const util = (r: { requested: number; used: number; allocatable: number }): ResourceUtilisation => ({
    requested: r.requested,
    allocatable: r.allocatable,
    ...(usage ? { used: r.used } : {}),
  });
  return {
    nodes,
    unpricedNodes,
    containers,
    podsWithoutNode: podsWithoutNode.sort(),
    byNamespace: aggregate(containers, (c) => c.namespace),
    byTeam: aggregate(containers, (c) => c.team),
    byWorkload: aggregate(containers, (c) => c.workload),
    totals: {
      nodesHourlyUSD,
      allocatedHourlyUSD,
      idleHourlyUSD,
      nodesMonthlyUSD: nodesHourlyUSD * HOURS_PER_MONTH,
      allocatedMonthlyUSD: allocatedHourlyUSD * HOURS_PER_MONTH,
      idleMonthlyUSD: idleHourlyUSD * HOURS_PER_MONTH,
    },
    utilisation: { cpu: util(total.cpu), memory: util(total.memory) },
  };
}
