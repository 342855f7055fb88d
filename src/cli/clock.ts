/**
 * "Now" for a run: the real clock, or HINDSIGHT_NOW (an RFC 3339 time) so that tests, fixtures
 * and reproductions of a report see the same expiry dates and windows. Parsed once per run and
 * validated: a malformed value is a usage error, never an Invalid Date deep in an analysis.
 */
import { UsageError } from '../core/errors.ts';

export function runClock(env: NodeJS.ProcessEnv): Date {
  const text = env.HINDSIGHT_NOW;
  if (text === undefined || text === '') return new Date();
  const now = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(now.getTime()))
    throw new UsageError(`HINDSIGHT_NOW=${text}: expected an RFC 3339 time such as 2026-11-12T10:00:00Z`);
  return now;
}
