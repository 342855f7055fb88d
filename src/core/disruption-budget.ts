/**
 * PodDisruptionBudget arithmetic: `minAvailable` and `maxUnavailable` are an integer or a
 * percentage string, and percentages round up against the expected pod count (the disruption
 * controller's GetScaledValueFromIntOrPercent with roundUp).
 */

export type IntOrPercent = { kind: 'int'; value: number } | { kind: 'percent'; value: number };

/** Parses a PDB field; strings that are not `N%` are rejected by the API server, so undefined here. */
export function parseIntOrPercent(value: unknown): IntOrPercent | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 ? { kind: 'int', value } : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)%$/.exec(value.trim());
  return match ? { kind: 'percent', value: Number(match[1]) } : undefined;
}

/** The number of pods the value stands for when `pods` are expected. */
export function scaledValue(v: IntOrPercent, pods: number): number {
  return v.kind === 'int' ? v.value : Math.ceil((v.value * pods) / 100);
}

export function formatIntOrPercent(v: IntOrPercent): string {
  return v.kind === 'int' ? String(v.value) : `${v.value}%`;
}
