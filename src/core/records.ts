/** Reading untyped input (manifests, API answers) without trusting its shape. */

/** The value as a mapping, or undefined when it is not one (null, a list, a scalar). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Adds values to the list kept under `key`, creating it on first use. Lists grow in place:
 * rebuilding one per value (`[...(map.get(key) ?? []), value]`) is quadratic in a group's size,
 * which a file with 40,000 findings makes minutes.
 */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = map.get(key);
  if (list) for (const v of values) list.push(v);
  else map.set(key, values);
}
