/**
 * Right-sized requests into the user's own manifests, through the same comment-preserving,
 * atomic fixer as `hindsight fix`: each workload container with a recommendation becomes a
 * finding whose edits set its `resources.requests` (and the memory limit hindsight recommends);
 * a manifest matches a recommendation by kind, name and namespace (a manifest without a
 * namespace matches any, as `kubectl apply -n` would place it).
 */
import type { ContainerRecommendation } from '../../analyzers/rightsizing/recommend.ts';
import { describeError } from '../../core/errors.ts';
import type { Edit, Finding } from '../../core/finding.ts';
import { cpuQuantity, memoryQuantity } from '../../core/quantity.ts';
import { pushTo } from '../../core/records.ts';
import { containersAt } from '../../core/workload.ts';
import { fixFile } from '../../fixes/fix-files.ts';
import { loadManifests } from '../../sources/manifests/load-manifests.ts';

export interface ApplyResult {
  diff: string;
  messages: string[];
  applied: number;
  refused: number;
}

export async function applyRequestPatches(
  paths: string[],
  recommendations: readonly ContainerRecommendation[],
  options: { variant: 'burstable' | 'guaranteed'; dryRun: boolean; stdin?: AsyncIterable<Buffer | string> },
): Promise<ApplyResult> {
  const result: ApplyResult = { diff: '', messages: [], applied: 0, refused: 0 };
  if (paths.includes('-')) {
    result.messages.push('error: --apply-requests edits files in place; stdin (-) has no file to edit');
    result.refused++;
    return result;
  }
  const loaded = await loadManifests(paths, { renderedInputs: 'skip' });
  for (const error of loaded.errors) result.messages.push(`error: ${describeError(error)} (not patched)`);
  const recs = new Map<string, ContainerRecommendation[]>();
  for (const r of recommendations) {
    if (r.confidence === 'none') continue;
    const key = `${r.workload.kind}/${r.workload.name}`;
    pushTo(recs, key, r);
  }
  const byFile = new Map<string, Finding[]>();
  for (const { object, origin } of loaded.objects) {
    const candidates = recs.get(`${object.kind}/${object.metadata.name}`) ?? [];
    const ns = object.metadata.namespace;
    const matching = candidates.filter((r) => ns === undefined || r.workload.namespace === ns);
    if (matching.length === 0) continue;
    const namespaces = new Set(matching.map((r) => r.workload.namespace));
    if (namespaces.size > 1) {
      result.messages.push(
        `warning: ${origin.source}: ${object.kind} ${object.metadata.name} has no namespace and runs in ${[...namespaces].join(', ')}; not patched (set metadata.namespace to choose)`,
      );
      continue;
    }
    if (!/\.ya?ml$/i.test(origin.source) || origin.line === undefined) {
      result.messages.push(
        `note: ${origin.source}: ${object.kind} ${object.metadata.name} is not in a YAML file; not patched`,
      );
      continue;
    }
    const edits: Edit[] = [];
    const changes: string[] = [];
    for (const { container, path } of containersAt(object)) {
      const rec = matching.find((r) => r.container === container.name);
      if (!rec) continue;
      const s = rec.strategies.hindsight[options.variant];
      const set = (field: 'requests' | 'limits', resource: 'cpu' | 'memory', value: number | undefined) => {
        if (value === undefined) return;
        const text = resource === 'cpu' ? cpuQuantity(value) : memoryQuantity(value);
        edits.push({ op: 'set', path: [...path, 'resources', field, resource], value: text });
        changes.push(`${container.name} ${field}.${resource}=${text}`);
      };
      set('requests', 'cpu', s.requests.cpu);
      set('requests', 'memory', s.requests.memory);
      set('limits', 'memory', s.limits.memory);
      set('limits', 'cpu', s.limits.cpu);
    }
    if (edits.length === 0) continue;
    const finding: Finding = {
      ruleId: 'right-size-requests',
      category: 'cost',
      severity: 'info',
      ref: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name ?? '',
        ...(ns ? { namespace: ns } : {}),
      },
      origin,
      message: changes.join(', '),
      fix: { description: 'set right-sized requests and memory limit', edits },
    };
    pushTo(byFile, origin.source, finding);
  }
  for (const [file, findings] of byFile) {
    const fixed = await fixFile(file, findings, { dryRun: options.dryRun });
    if (fixed.refused) {
      result.refused++;
      result.messages.push(`error: ${file}: ${fixed.refused}`);
      continue;
    }
    for (const s of fixed.skipped)
      result.messages.push(
        `warning: ${file}: ${s.finding.ref.kind} ${s.finding.ref.name} not patched: ${s.reason}`,
      );
    result.applied += fixed.applied.length;
    if (fixed.diff) result.diff += fixed.diff;
    for (const f of fixed.applied)
      result.messages.push(
        `${options.dryRun ? 'would patch' : 'patched'} ${file}: ${f.ref.kind} ${f.ref.name}: ${f.message}`,
      );
  }
  if (byFile.size === 0)
    result.messages.push('no manifest in the given paths matches a right-sized workload');
  return result;
}
