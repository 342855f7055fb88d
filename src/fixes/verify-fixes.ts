/**
 * Verifying fixes before they are written: the fixed texts are read and scanned again together
 * with every other object, and a fix whose result has a finding the original did not have is
 * not made (a fix must never trade one problem for another).
 */

import type { Finding } from '../core/finding.ts';
import { pushTo } from '../core/records.ts';
import { formatRef } from '../core/resource.ts';
import { runRulesByEnvironment } from '../engine/run-environments.ts';
import type { EngineOptions } from '../engine/run-rules.ts';
import { readManifestText, type SourcedObject } from '../sources/manifests/load-manifests.ts';

/** What identifies a finding across a fix (lines move, so not the line). */
function findingKey(f: Finding): string {
  return JSON.stringify([
    f.ruleId,
    f.messageId,
    f.ref.kind,
    f.ref.namespace,
    f.ref.name,
    f.origin?.source,
    f.container,
  ]);
}

/**
 * The findings the planned file texts would have that the originals do not, by file. A new
 * finding in a file that is not being changed (a relation across files) holds back every
 * changed file: which fix caused it cannot be told apart.
 */
export function newFindings(
  objects: readonly SourcedObject[],
  planned: ReadonlyMap<string, string>,
  before: readonly Finding[],
  options: EngineOptions,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (planned.size === 0) return out;
  const after: SourcedObject[] = objects.filter((o) => !planned.has(o.origin.source));
  for (const [file, text] of planned) after.push(...readManifestText(text, file).objects);
  const known = new Set(before.map(findingKey));
  for (const f of runRulesByEnvironment(after, options).findings) {
    if (known.has(findingKey(f))) continue;
    const what = `${f.ruleId} on ${formatRef(f.ref)}${f.container ? ` [${f.container}]` : ''}`;
    const file = f.origin?.source;
    const targets = file !== undefined && planned.has(file) ? [file] : [...planned.keys()];
    for (const t of targets) pushTo(out, t, what);
  }
  return out;
}
