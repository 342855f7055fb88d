/**
 * Exemptions: a finding the team has decided to live with, with a reason and optionally an
 * expiry and a container scope. From an annotation on the object (or its pod template):
 *
 *   exempt.hindsight.dev/<rule-id>: "<reason>[; expires=2027-03-31][; containers=app,sidecar]"
 *
 * or from the config file's `exemptions`. An exemption without a reason is refused (reported as
 * a finding of its own), an expired one no longer applies.
 */

import type { ConfigExemption } from '../config/config.ts';
import type { Exemption, Finding } from '../core/finding.ts';
import type { KubeObject } from '../core/resource.ts';
import { getAt, podMetadataPath } from '../core/workload.ts';

export const EXEMPT_PREFIX = 'exempt.hindsight.dev/';

export interface ParsedAnnotation {
  rule: string;
  reason: string;
  expires?: string;
  containers?: string[];
  problem?: string;
}

export function parseExemptionAnnotation(key: string, value: string): ParsedAnnotation {
  const rule = key.slice(EXEMPT_PREFIX.length);
  const parts = value.split(';').map((p) => p.trim());
  const parsed: ParsedAnnotation = { rule, reason: '' };
  const free: string[] = [];
  for (const part of parts) {
    const match = /^(expires|containers)\s*=\s*(.*)$/.exec(part);
    if (match?.[1] === 'expires') {
      const date = match[2]?.trim() ?? '';
      if (!/^\d{4}-\d{2}-\d{2}/.test(date) || Number.isNaN(Date.parse(date))) {
        parsed.problem = `expires=${date} is not a date like 2027-03-31`;
      } else parsed.expires = date;
    } else if (match?.[1] === 'containers') {
      parsed.containers = (match[2] ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '');
    } else if (part !== '') free.push(part);
  }
  parsed.reason = free.join('; ');
  if (parsed.reason === '' || parsed.reason === 'true')
    parsed.problem ??= 'an exemption needs a reason, e.g. "reason text; expires=2027-03-31"';
  return parsed;
}

/** Annotations of the object and, for workloads, of its pod template. */
export function exemptionAnnotations(object: KubeObject): ParsedAnnotation[] {
  const out: ParsedAnnotation[] = [];
  const sources = [object.metadata.annotations];
  const podMeta = podMetadataPath(object.kind);
  if (podMeta && object.kind !== 'Pod')
    sources.push(getAt(object, [...podMeta, 'annotations']) as Record<string, string> | undefined);
  for (const annotations of sources) {
    if (!annotations || typeof annotations !== 'object') continue;
    for (const [key, value] of Object.entries(annotations)) {
      if (key.startsWith(EXEMPT_PREFIX) && typeof value === 'string')
        out.push(parseExemptionAnnotation(key, value));
    }
  }
  return out;
}

/** `now` is read only for an exemption that expires (incremental evaluation tracks clock reads). */
function isExpired(expires: string | undefined, now: Date | (() => Date)): boolean {
  return expires !== undefined && Date.parse(expires) < (typeof now === 'function' ? now() : now).getTime();
}

function containerMatches(scope: string[] | undefined, container: string | undefined): boolean {
  return scope === undefined || scope.length === 0 || (container !== undefined && scope.includes(container));
}

/** The exemption that covers this finding, if any (annotations first, then config). */
export function findExemption(
  finding: Finding,
  object: KubeObject,
  configExemptions: readonly ConfigExemption[],
  now: Date | (() => Date),
): Exemption | undefined {
  for (const a of exemptionAnnotations(object)) {
    if (a.rule !== finding.ruleId || a.problem || isExpired(a.expires, now)) continue;
    if (!containerMatches(a.containers, finding.container)) continue;
    return { reason: a.reason, source: 'annotation', ...(a.expires ? { expires: a.expires } : {}) };
  }
  for (const e of configExemptions) {
    if (e.rule !== finding.ruleId && e.rule !== '*') continue;
    if (e.namespace !== undefined && e.namespace !== finding.ref.namespace) continue;
    if (e.kind !== undefined && e.kind !== finding.ref.kind) continue;
    if (e.name !== undefined && !matchesName(e.name, finding.ref.name)) continue;
    if (!containerMatches(e.containers, finding.container)) continue;
    if (isExpired(e.expires, now)) continue;
    return { reason: e.reason, source: 'config', ...(e.expires ? { expires: e.expires } : {}) };
  }
  return undefined;
}

/** Names match exactly, or by a trailing `*` prefix (`search-*`). */
function matchesName(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}
