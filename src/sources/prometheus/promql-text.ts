/**
 * Building PromQL text safely: label values and pod-name regexes come from the cluster, and a
 * quote or dot in them must not change the query.
 */

/** A PromQL string literal (double-quoted, Go escapes). */
export function promString(value: string): string {
  return `"${value.replace(/[\\"\n]/g, (ch) => (ch === '\n' ? '\\n' : `\\${ch}`))}"`;
}

/** A regex alternation matching exactly these values (RE2, anchored by PromQL), as a string literal. */
export function promAlternation(values: readonly string[]): string {
  return promString(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

/** A duration as PromQL writes it; milliseconds when the value is not whole seconds. */
export function promDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (ms % 1000 !== 0) return `${ms}ms`;
  return `${ms / 1000}s`;
}
