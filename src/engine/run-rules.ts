/**
 * Runs rules over an inventory: selects objects, applies config (rules off, severity
 * overrides, options, excluded namespaces), attaches exemptions, and scores. A rule that throws
 * becomes an internal-error finding and the scan goes on.
 */

import { DEFAULT_CONFIG, type HindsightConfig } from '../config/config.ts';
import { ConfigError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { refOf } from '../core/resource.ts';
import { type Severity, severityRank } from '../core/severity.ts';
import { POD_CARRYING_KINDS } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from '../inventory/inventory.ts';
import { type AnyRule, formatMessage, NOT_APPLICABLE, type Report } from '../rules/define-rule.ts';
import { exemptionAnnotations, findExemption } from './exemptions.ts';

export interface EngineOptions {
  rules: readonly AnyRule[];
  config?: HindsightConfig;
  now: Date;
  targetVersion?: string;
  /**
   * Ids of checks other commands run (the certificate checks): an exemption naming one is
   * valid here too, it just has nothing to exempt in this run.
   */
  otherCheckIds?: ReadonlySet<string>;
}

export interface RuleStats {
  /** Objects the rule looked at. */
  evaluated: number;
  /** Objects with at least one (unexempted) finding. */
  failed: number;
}

export interface EngineResult {
  findings: Finding[];
  exempted: Finding[];
  stats: Map<string, RuleStats>;
  /** 0–100: severity-weighted share of rule×object checks that passed. */
  score: number;
}

const SCORE_WEIGHTS: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 4, critical: 8 };

/** The objects a selection picks from the inventory. */
export function selectEntries(inventory: Inventory, selection: AnyRule['appliesTo']): InventoryEntry[] {
  if (selection === 'workloads') {
    const out: InventoryEntry[] = [];
    for (const kind of POD_CARRYING_KINDS) {
      for (const entry of inventory.ofKind(kind)) {
        if (!inventory.controllerOf(entry)) out.push(entry);
      }
    }
    return out;
  }
  return selection.flatMap((kind) => [...inventory.ofKind(kind)]);
}

function resolveOptions(rule: AnyRule, config: HindsightConfig): unknown {
  const setting = config.rules[rule.id];
  const given = typeof setting === 'object' ? (setting.options ?? {}) : {};
  if (!rule.options) return {};
  const parsed = rule.options.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`options of rule ${rule.id}: ${problems}`);
  }
  return parsed.data;
}

function isEnabled(rule: AnyRule, config: HindsightConfig): boolean {
  const setting = config.rules[rule.id];
  if (setting === 'off') return false;
  if (typeof setting === 'object' && setting.enabled === false) return false;
  return true;
}

export function runRules(inventory: Inventory, options: EngineOptions): EngineResult {
  const config = options.config ?? DEFAULT_CONFIG;
  const excluded = new Set(config.excludeNamespaces);
  const findings: Finding[] = [];
  const exempted: Finding[] = [];
  const stats = new Map<string, RuleStats>();
  let weightTotal = 0;
  let weightFailed = 0;

  for (const rule of options.rules) {
    if (!isEnabled(rule, config)) continue;
    const ruleOptions = resolveOptions(rule, config);
    const setting = config.rules[rule.id];
    const severityOverride = typeof setting === 'object' ? setting.severity : undefined;
    const s: RuleStats = { evaluated: 0, failed: 0 };
    stats.set(rule.id, s);
    const weight = SCORE_WEIGHTS[severityOverride ?? rule.severity];

    for (const entry of selectEntries(inventory, rule.appliesTo)) {
      if (entry.ref.namespace && excluded.has(entry.ref.namespace)) continue;
      if (entry.object.kind === 'Namespace' && excluded.has(entry.ref.name)) continue;
      let failedHere = false;
      let applicable = true;
      const report = (r: Report): void => {
        const template = rule.messages[r.messageId];
        if (template === undefined)
          throw new Error(`rule ${rule.id} reported unknown message ${r.messageId}`);
        const finding: Finding = {
          ruleId: rule.id,
          messageId: r.messageId,
          category: rule.category,
          severity: severityOverride ?? r.severity ?? rule.severity,
          ref: entry.ref,
          origin: entry.origin,
          message: formatMessage(template, r.data),
          ...(r.path ? { path: r.path } : {}),
          ...(r.container !== undefined ? { container: r.container } : {}),
          ...(r.fix ? { fix: r.fix } : {}),
          ...(r.manual && !r.fix ? { manual: r.manual } : {}),
        };
        const exemption = findExemption(finding, entry.object, config.exemptions, options.now);
        if (exemption) {
          exempted.push({ ...finding, exemption });
        } else {
          findings.push(finding);
          failedHere = true;
        }
      };
      try {
        const outcome = rule.check(entry, {
          inventory,
          options: ruleOptions,
          now: options.now,
          ...(options.targetVersion ? { targetVersion: options.targetVersion } : {}),
          report,
        });
        applicable = outcome !== NOT_APPLICABLE || failedHere;
      } catch (error) {
        findings.push({
          ruleId: 'internal-error',
          category: 'internal',
          severity: 'info',
          ref: entry.ref,
          origin: entry.origin,
          message: `rule ${rule.id} failed on this object: ${(error as Error).message}. The rest of the scan went on; please report this.`,
        });
      }
      if (!applicable) continue;
      s.evaluated++;
      if (failedHere) s.failed++;
      weightTotal += weight;
      if (failedHere) weightFailed += weight;
    }
  }

  findings.push(...invalidExemptions(inventory, options.rules, options.otherCheckIds));
  findings.sort(compareFindings);
  exempted.sort(compareFindings);
  const score = weightTotal === 0 ? 100 : Math.round((100 * (weightTotal - weightFailed)) / weightTotal);
  return { findings, exempted, stats, score };
}

/** Exemption annotations that cannot apply (no reason, bad date, unknown rule) are findings themselves. */
function invalidExemptions(
  inventory: Inventory,
  rules: readonly AnyRule[],
  otherCheckIds: ReadonlySet<string> = new Set(),
): Finding[] {
  const known = new Set([...rules.map((r) => r.id), ...otherCheckIds]);
  const out: Finding[] = [];
  for (const entry of inventory.all()) {
    for (const a of exemptionAnnotations(entry.object)) {
      const problem =
        a.problem ?? (known.has(a.rule) ? undefined : `no rule is called ${a.rule} (see hindsight rules)`);
      if (!problem) continue;
      out.push({
        ruleId: 'exemption-invalid',
        category: 'operations',
        severity: 'low',
        ref: refOf(entry.object),
        origin: entry.origin,
        message: `exemption for ${a.rule} does not apply: ${problem}`,
      });
    }
  }
  return out;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.ref.namespace ?? '').localeCompare(b.ref.namespace ?? '') ||
    a.ref.kind.localeCompare(b.ref.kind) ||
    a.ref.name.localeCompare(b.ref.name) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.container ?? '').localeCompare(b.container ?? '')
  );
}
