/**
 * Test support: small ContainerHistory objects built from functions of the grid index, so unit
 * tests state their data in one line. Not used by the analysis itself.
 */

import type { ContainerHistory, OomKill, ResourcePair } from '../core/usage-history.ts';

/** One pod's usage: a value (cores or bytes) per grid index, NaN where the pod has no sample. */
export interface SyntheticPod {
  pod?: string;
  cpu: (i: number) => number;
  memory: (i: number) => number;
}

export interface SyntheticHistoryOptions {
  points: number;
  /** Seconds between points; default 300. */
  step?: number;
  /** Unix seconds of the first point; default 2026-10-01T00:00:00Z. */
  start?: number;
  pods: SyntheticPod[];
  requests?: ResourcePair;
  limits?: ResourcePair;
  oomKills?: OomKill[];
  container?: string;
}

/** Default first point: 2026-10-01T00:00:00Z. */
export const SYNTHETIC_START = 1790812800;

export function syntheticHistory(o: SyntheticHistoryOptions): ContainerHistory {
  const step = o.step ?? 300;
  const start = o.start ?? SYNTHETIC_START;
  return {
    workload: { namespace: 'shop', kind: 'Deployment', name: 'api' },
    container: o.container ?? 'app',
    grid: { start, end: start + (o.points - 1) * step, step },
    pods: o.pods.map((p, k) => {
      const cpu = new Float32Array(o.points);
      const memory = new Float32Array(o.points);
      for (let i = 0; i < o.points; i++) {
        cpu[i] = p.cpu(i);
        memory[i] = p.memory(i);
      }
      return { pod: p.pod ?? `api-${k}`, cpu, memory };
    }),
    oomKills: o.oomKills ?? [],
    requests: o.requests ?? {},
    limits: o.limits ?? {},
  };
}

/** A constant series. */
export function constant(value: number): (i: number) => number {
  return () => value;
}
