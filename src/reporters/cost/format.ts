/** Number formats shared by the cost reporters. */

export function usd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : 2;
  return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function percent(share: number, digits = 1): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : 'n/a';
}

export function cores(value: number | undefined): string {
  if (value === undefined) return '-';
  return value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : `${Math.round(value * 1000)}m`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined) return '-';
  const gib = value / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(gib >= 10 ? 0 : 1)}Gi` : `${Math.round(value / 2 ** 20)}Mi`;
}
