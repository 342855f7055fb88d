/**
 * What a running Pod holds on its node, the way kube-scheduler counts it: the sum of its regular
 * containers and native sidecars, or more when an init container (plus the sidecars started
 * before it) asks for more, plus `spec.overhead` (RuntimeClass overhead). Requests default to
 * limits as the API server does (`effectiveRequests`).
 */
import { type Container, effectiveRequests, type PodSpec } from '../../core/pod-spec.ts';
import { parseQuantity } from '../../core/quantity.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { isSidecar } from '../../core/resource-defaulting.ts';

export interface CpuMemory {
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

export interface ContainerRequest extends CpuMemory {
  name: string;
}

export interface PodRequests {
  /** Containers that run for the pod's life (regular containers and native sidecars). */
  containers: ContainerRequest[];
  /**
   * What the pod holds beyond its long-running containers: pod overhead, and the excess of the
   * largest init container over them. Zero for most pods.
   */
  extra: CpuMemory;
  /** The pod's effective request: Σ containers + extra. */
  total: CpuMemory;
}

function requestOf(container: Container): CpuMemory {
  const r = effectiveRequests(container);
  const cpu = r.cpu === undefined ? 0 : (parseQuantity(r.cpu) ?? 0);
  const memory = r.memory === undefined ? 0 : (parseQuantity(r.memory) ?? 0);
  return { cpu: Math.max(0, cpu), memory: Math.max(0, memory) };
}

function containerList(value: unknown): Container[] {
  return Array.isArray(value) ? (value.filter((c) => asRecord(c) !== undefined) as Container[]) : [];
}

/** The requests of a Pod (or of any pod spec), per long-running container and in total. */
export function podRequests(pod: KubeObject): PodRequests {
  const spec = (asRecord(pod.spec) ?? {}) as PodSpec;
  const containers: ContainerRequest[] = [];
  let initPeak: CpuMemory = { cpu: 0, memory: 0 };
  const sidecarsSoFar: CpuMemory = { cpu: 0, memory: 0 };
  for (const c of containerList(spec.initContainers)) {
    const r = requestOf(c);
    if (isSidecar(c)) {
      containers.push({ name: String(c.name ?? ''), ...r });
      sidecarsSoFar.cpu += r.cpu;
      sidecarsSoFar.memory += r.memory;
    } else {
      // An init container runs alongside the sidecars started before it.
      initPeak = {
        cpu: Math.max(initPeak.cpu, r.cpu + sidecarsSoFar.cpu),
        memory: Math.max(initPeak.memory, r.memory + sidecarsSoFar.memory),
      };
    }
  }
  for (const c of containerList(spec.containers))
    containers.push({ name: String(c.name ?? ''), ...requestOf(c) });
  const sum = containers.reduce((s, c) => ({ cpu: s.cpu + c.cpu, memory: s.memory + c.memory }), {
    cpu: 0,
    memory: 0,
  });
  const overhead = asRecord(spec.overhead) ?? {};
  const overheadCpu = overhead.cpu === undefined ? 0 : (parseQuantity(String(overhead.cpu)) ?? 0);
  const overheadMemory = overhead.memory === undefined ? 0 : (parseQuantity(String(overhead.memory)) ?? 0);
  const extra = {
    cpu: Math.max(0, initPeak.cpu - sum.cpu) + overheadCpu,
    memory: Math.max(0, initPeak.memory - sum.memory) + overheadMemory,
  };
  return { containers, extra, total: { cpu: sum.cpu + extra.cpu, memory: sum.memory + extra.memory } };
}
