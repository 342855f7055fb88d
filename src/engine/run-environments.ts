/**
 * Rules over objects rendered once per environment (`--values-matrix`). The same Deployment
 * rendered with dev and with prod values is two objects with one name, so each environment is
 * its own inventory (its objects plus every object that belongs to no environment, such as plain
 * manifests); the findings are merged, and a finding of a rendered object says which
 * environments have it and which do not.
 */
import type { Finding } from '../core/finding.ts';
import type { Origin } from '../core/origin.ts';
import { type KubeObject, refKey } from '../core/resource.ts';
import { buildInventory, type Inventory } from '../inventory/inventory.ts';
import {
  compareFindings,
  type EngineOptions,
  type EngineResult,
  type RuleStats,
  runRules,
} from './run-rules.ts';

export interface EnvironmentsResult extends EngineResult {
  /** Environments in the order first met; empty when no object has one. */
  environments: string[];
  /**
   * The inventory of the first environment (with the shared objects), for the summary; the
   * only inventory when there are no environments.
   */
  inventory: Inventory;
  /** Objects defined more than once within one inventory; every copy is scanned. */
  duplicates: Inventory['duplicates'];
}

/**
 * Runs the rules once per environment and merges: stats are the largest per rule, the score is
 * the worst environment's. Without environments it is `runRules` over one inventory.
 */
export function runRulesByEnvironment(
  objects: readonly { object: KubeObject; origin: Origin }[],
  options: EngineOptions,
): EnvironmentsResult {
  const environments: string[] = [];
  for (const { origin } of objects) {
    if (origin.environment !== undefined && !environments.includes(origin.environment))
      environments.push(origin.environment);
  }
  if (environments.length === 0) {
    const inventory = buildInventory(objects);
    return { ...runRules(inventory, options), environments, inventory, duplicates: inventory.duplicates };
  }
  const shared = objects.filter((o) => o.origin.environment === undefined);
  const runs = environments.map((environment) => {
    const inventory = buildInventory([
      ...shared,
      ...objects.filter((o) => o.origin.environment === environment),
    ]);
    return { environment, inventory, result: runRules(inventory, options) };
  });
  const stats = new Map<string, RuleStats>();
  for (const { result } of runs) {
    for (const [id, s] of result.stats) {
      const merged = stats.get(id) ?? { evaluated: 0, failed: 0 };
      stats.set(id, {
        evaluated: Math.max(merged.evaluated, s.evaluated),
        failed: Math.max(merged.failed, s.failed),
      });
    }
  }
  const duplicates: Inventory['duplicates'] = [];
  const seenDuplicates = new Set<string>();
  for (const { inventory } of runs) {
    for (const d of inventory.duplicates) {
      const key = JSON.stringify([refKey(d.ref), d.origins.map((o) => [o.source, o.document, o.line])]);
      if (seenDuplicates.has(key)) continue;
      seenDuplicates.add(key);
      duplicates.push(d);
    }
  }
  const first = runs[0] as (typeof runs)[number];
  return {
    findings: mergeFindings(runs.map((r) => ({ environment: r.environment, findings: r.result.findings }))),
    exempted: mergeFindings(runs.map((r) => ({ environment: r.environment, findings: r.result.exempted }))),
    stats,
    score: Math.min(...runs.map((r) => r.result.score)),
    environments,
    inventory: first.inventory,
    duplicates,
  };
}

/**
 * Which object a finding is about, across environments: by reference, except for objects that
 * overlays build from one base document, which each overlay puts in its own namespace or names
 * with its own prefix: those are one object, the base document.
 */
function objectIdentity(f: Finding): string {
  const o = f.origin;
  if (o?.environment !== undefined && o.rendered && /^(kubectl kustomize|kustomize build) /.test(o.rendered))
    if (o.document !== undefined) return `${f.ref.kind} ${o.source}#${o.document}`;
  return refKey(f.ref);
}

function findingKey(f: Finding): string {
  return JSON.stringify([
    f.ruleId,
    f.messageId,
    f.severity,
    f.message,
    objectIdentity(f),
    f.container,
    f.path,
    f.origin?.source,
    f.exemption?.reason,
  ]);
}

/**
 * One finding per distinct problem, with the environments it is and is not in; a shared
 * object's finding that is the same in every run is said once, without environments.
 */
function mergeFindings(runs: readonly { environment: string; findings: readonly Finding[] }[]): Finding[] {
  const all = runs.map((r) => r.environment);
  const merged = new Map<string, { finding: Finding; in: string[] }>();
  for (const { environment, findings } of runs) {
    for (const f of findings) {
      const key = findingKey(f);
      const seen = merged.get(key);
      if (seen) {
        if (!seen.in.includes(environment)) seen.in.push(environment);
      } else {
        merged.set(key, { finding: f, in: [environment] });
      }
    }
  }
  const out: Finding[] = [];
  for (const { finding, in: present } of merged.values()) {
    // A shared object's finding that every environment has is said once, without environments.
    if (finding.origin?.environment === undefined && present.length === all.length) {
      out.push(finding);
      continue;
    }
    out.push({ ...finding, environments: { in: present, notIn: all.filter((e) => !present.includes(e)) } });
  }
  return out.sort(compareFindings);
}
