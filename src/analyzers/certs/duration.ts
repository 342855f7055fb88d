/**
 * Durations as users write them (`30d`, `12h`, `2w`, `2y`) and as Kubernetes configuration does
 * (Go's `8760h0m0s` in kubeadm, `2160h` in cert-manager): a sequence of number–unit pairs.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/**
 * Milliseconds in `text`, or undefined when it is not a duration. Units: ns, us, ms, s, m
 * (minutes), h, d, w, y (365 days); pairs add up (`1y30d`, `8760h0m0s`). A bare number is refused:
 * `30` could mean days or seconds.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '0') return trimmed === '0' ? 0 : undefined;
  const pair = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)/y;
  let total = 0;
  let at = 0;
  while (at < trimmed.length) {
    pair.lastIndex = at;
    const match = pair.exec(trimmed);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    at = pair.lastIndex;
  }
  return total;
}

/**
 * `2y`, `30d`, `36h`, `45m`, `5s`: whole years or days when the value is one, otherwise hours
 * below a week, otherwise rounded days — never weeks, which people count in days.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const hour = 3_600_000;
  if (abs >= DAY_MS) {
    if (abs % (365 * DAY_MS) === 0) return `${sign}${abs / (365 * DAY_MS)}y`;
    if (abs % DAY_MS === 0) return `${sign}${abs / DAY_MS}d`;
    if (abs < 7 * DAY_MS && abs % hour === 0) return `${sign}${abs / hour}h`;
    return `${sign}${Math.round(abs / DAY_MS)}d`;
  }
  if (abs >= hour) return abs % hour === 0 ? `${sign}${abs / hour}h` : `${sign}${Math.round(abs / 60_000)}m`;
  if (abs >= 60_000) return `${sign}${Math.round(abs / 60_000)}m`;
  return `${sign}${Math.round(abs / 1000)}s`;
}

/** How far away an instant is, as people say it: `in 12 days`, `3 hours ago`, `in 2 years`. */
export function describeDistance(ms: number): string {
  const abs = Math.abs(ms);
  let text: string;
  if (abs >= 2 * 365 * DAY_MS) text = `${(abs / (365 * DAY_MS)).toFixed(1).replace(/\.0$/, '')} years`;
  else if (abs >= 2 * DAY_MS) text = `${Math.floor(abs / DAY_MS)} days`;
  else if (abs >= 2 * 3_600_000) text = `${Math.floor(abs / 3_600_000)} hours`;
  else {
    const minutes = Math.max(1, Math.floor(abs / 60_000));
    text = `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** Days between `now` and `at`, rounded towards zero: what "days left" means on a dashboard. */
export function daysBetween(now: Date, at: Date): number {
  return Math.trunc((at.getTime() - now.getTime()) / DAY_MS);
}

/** `2026-03-14` */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
