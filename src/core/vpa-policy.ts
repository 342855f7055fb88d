/**
 * What a VerticalPodAutoscaler does to pods: its update mode (with the API default) and which
 * resources it controls for which containers.
 */

import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

/**
 * `updatePolicy.updateMode`, defaulted: unset means `Recreate` (called `Auto` before VPA 1.4,
 * where `Auto` became a deprecated alias of `Recreate`).
 */
export function vpaUpdateMode(vpa: KubeObject): { mode: string; defaulted: boolean } {
  const spec = asRecord(vpa.spec);
  const policy = asRecord(spec?.updatePolicy);
  const mode = policy?.updateMode;
  if (typeof mode === 'string' && mode !== '') return { mode, defaulted: false };
  return { mode: 'Recreate', defaulted: true };
}

/** Modes in which the VPA updater evicts running pods to apply new requests. */
export const EVICTING_MODES: readonly string[] = ['Auto', 'Recreate', 'InPlaceOrRecreate'];

export const DEFAULT_CONTROLLED = ['cpu', 'memory'] as const;

export interface ContainerPolicy {
  index: number;
  containerName: string;
  mode: string;
  controlledResources: string[];
  /** True when controlledResources is not written (cpu and memory). */
  defaulted: boolean;
}

/** `resourcePolicy.containerPolicies` with defaults filled in; entries that are not mappings are skipped. */
export function containerPolicies(vpa: KubeObject): ContainerPolicy[] {
  const policies = asRecord(asRecord(vpa.spec)?.resourcePolicy)?.containerPolicies;
  if (!Array.isArray(policies)) return [];
  const out: ContainerPolicy[] = [];
  policies.forEach((raw, index) => {
    const p = asRecord(raw);
    if (!p) return;
    const written = Array.isArray(p.controlledResources);
    out.push({
      index,
      containerName: typeof p.containerName === 'string' ? p.containerName : '*',
      mode: typeof p.mode === 'string' ? p.mode : 'Auto',
      controlledResources: written
        ? (p.controlledResources as unknown[]).map(String)
        : [...DEFAULT_CONTROLLED],
      defaulted: !written,
    });
  });
  return out;
}

/** The policy that applies to a container: its own, else the `*` one, else none (defaults). */
export function policyFor(policies: ContainerPolicy[], container: string): ContainerPolicy | undefined {
  return policies.find((p) => p.containerName === container) ?? policies.find((p) => p.containerName === '*');
}

/** Resources the VPA controls for a container (empty when its policy is mode Off). */
export function controlledFor(policies: ContainerPolicy[], container: string): string[] {
  const policy = policyFor(policies, container);
  if (!policy) return [...DEFAULT_CONTROLLED];
  return policy.mode === 'Off' ? [] : policy.controlledResources;
}

/**
 * Resources the VPA controls for any of these containers. Without the container list (target
 * not in the inventory), every policy counts, and the defaults when no `*` policy exists.
 */
export function controlledResources(vpa: KubeObject, containers?: readonly string[]): Set<string> {
  const policies = containerPolicies(vpa);
  const out = new Set<string>();
  if (containers && containers.length > 0) {
    for (const c of containers) for (const r of controlledFor(policies, c)) out.add(r);
    return out;
  }
  for (const p of policies) if (p.mode !== 'Off') for (const r of p.controlledResources) out.add(r);
  if (!policies.some((p) => p.containerName === '*')) for (const r of DEFAULT_CONTROLLED) out.add(r);
  return out;
}
