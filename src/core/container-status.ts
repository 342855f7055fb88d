/**
 * A Pod's container statuses as the kubelet reports them (`status.containerStatuses`,
 * `status.initContainerStatuses`), paired with the container's spec and with paths, so status
 * rules can say "container worker, limit 512Mi, 7 restarts" and point into the object.
 */
import type { ObjectPath } from './finding.ts';
import type { Container } from './pod-spec.ts';
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

export interface TerminatedState {
  reason?: string;
  exitCode?: number;
  message?: string;
  finishedAt?: Date;
}

export interface ContainerStatusAt {
  name: string;
  restartCount: number;
  /** `state.waiting.reason`, e.g. `CrashLoopBackOff`. */
  waitingReason?: string;
  terminated?: TerminatedState;
  lastTerminated?: TerminatedState;
  spec?: Container;
  path: ObjectPath;
  init: boolean;
}

function terminated(value: unknown): TerminatedState | undefined {
  const t = asRecord(value);
  if (!t) return undefined;
  const finished = typeof t.finishedAt === 'string' ? new Date(t.finishedAt) : undefined;
  return {
    ...(typeof t.reason === 'string' ? { reason: t.reason } : {}),
    ...(typeof t.exitCode === 'number' ? { exitCode: t.exitCode } : {}),
    ...(typeof t.message === 'string' ? { message: t.message } : {}),
    ...(finished && !Number.isNaN(finished.getTime()) ? { finishedAt: finished } : {}),
  };
}

/** Container statuses, regular then init, skipping malformed entries. */
export function containerStatuses(pod: KubeObject): ContainerStatusAt[] {
  const status = asRecord(pod.status);
  const spec = asRecord(pod.spec);
  if (!status) return [];
  const out: ContainerStatusAt[] = [];
  for (const [list, specList, init] of [
    ['containerStatuses', 'containers', false],
    ['initContainerStatuses', 'initContainers', true],
  ] as const) {
    const items = status[list];
    if (!Array.isArray(items)) continue;
    const specs = Array.isArray(spec?.[specList]) ? (spec?.[specList] as unknown[]) : [];
    items.forEach((raw, i) => {
      const s = asRecord(raw);
      if (!s || typeof s.name !== 'string') return;
      const state = asRecord(s.state);
      const last = asRecord(s.lastState);
      const waiting = asRecord(state?.waiting);
      const containerSpec = specs.find((c) => asRecord(c)?.name === s.name) as Container | undefined;
      const now = terminated(state?.terminated);
      const before = terminated(last?.terminated);
      out.push({
        name: s.name,
        restartCount: typeof s.restartCount === 'number' ? s.restartCount : 0,
        ...(typeof waiting?.reason === 'string' ? { waitingReason: waiting.reason } : {}),
        ...(now ? { terminated: now } : {}),
        ...(before ? { lastTerminated: before } : {}),
        ...(containerSpec ? { spec: containerSpec } : {}),
        path: ['status', list, i],
        init,
      });
    });
  }
  return out;
}
