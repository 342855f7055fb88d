/** Reading untyped input (manifests, API answers) without trusting its shape. */

/** The value as a mapping, or undefined when it is not one (null, a list, a scalar). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
