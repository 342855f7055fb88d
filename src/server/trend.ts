/**
 * The overview's trend since `serve` started: a point after each evaluation, in a bounded list
 * that always spans the whole run. When it is full, every other point is dropped (the first and
 * the newest stay), so a week-long run keeps a week at a coarser step, never only its last hours.
 */

import type { Finding } from '../core/finding.ts';
import { SEVERITIES, type Severity } from '../core/severity.ts';
import type { TrendPoint } from '../reporters/dashboard.ts';

export class Trend {
  private list: TrendPoint[] = [];
  private readonly capacity: number;

  constructor(capacity = 720) {
    this.capacity = capacity;
  }

  /** Adds the state after an evaluation; a point equal to the last one only moves its time. */
  add(at: Date, score: number, findings: readonly Finding[]): void {
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const f of findings) counts[f.severity]++;
    const last = this.list[this.list.length - 1];
    const prev = this.list[this.list.length - 2];
    const same = (p: TrendPoint | undefined) =>
      p !== undefined && p.score === score && SEVERITIES.every((s) => p.counts[s] === counts[s]);
    // A run of equal points is kept as its first and its last: the line stays flat between them.
    if (same(last) && same(prev)) {
      this.list[this.list.length - 1] = { at, score, counts };
      return;
    }
    this.list.push({ at, score, counts });
    if (this.list.length > this.capacity)
      this.list = this.list.filter((_, i) => i % 2 === 0 || i === this.list.length - 1);
  }

  points(): readonly TrendPoint[] {
    return this.list;
  }
}
