/** Number formats shared by the cost reporters. */

export { percent, usd } from '../../core/numbers.ts';

export function cores(value: number | undefined): string {
  if (value === undefined) return '-';
  return value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : `${Math.round(value * 1000)}m`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined) return '-';
  const gib = value / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(gib >= 10 ? 0 : 1)}Gi` : `${Math.round(value / 2 ** 20)}Mi`;
}
