/**
 * Runs rules over an inventory: selects objects, applies config (rules off, severity
 * overrides, options, excluded namespaces), attaches exemptions, and scores. A rule that throws
 * becomes an internal-error finding and the scan goes on.
 */

import { DEFAULT_CONFIG, type HindsightConfig } from '../config/config.ts';
import { zod } from '../config/zod.ts';
import { compareText } from '../core/compare-text.ts';
import { ConfigError } from '../core/errors.ts';
import type { Finding, Fix } from '../core/finding.ts';
import { flatString, sharedPath } from '../core/kept-values.ts';
import { refOf } from '../core/resource.ts';
import { type Severity, severityRank } from '../core/severity.ts';
import { POD_CARRYING_KINDS } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from '../inventory/inventory.ts';
import {
  type AnyRule,
  formatMessage,
  type InventoryRule,
  NOT_APPLICABLE,
  type Report,
  type Selection,
} from '../rules/define-rule.ts';
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
export function selectEntries(inventory: Inventory, selection: Selection): InventoryEntry[] {
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
  const given = typeof setting === 'object' ? setting.options : undefined;
  if (!rule.options) return {};
  if (given === undefined || Object.keys(given).length === 0) return rule.options.defaults;
  const parsed = rule.options.schema(zod()).safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`options of rule ${rule.id}: ${problems}`);
  }
  return parsed.data;
}

/** What the engine knows of any check it runs: a rule, or a certificate check. */
export interface CheckIdentity {
  id: string;
  severity: Severity;
}

/** How the configuration sets one check: off, or on with a severity and its score weight. */
export interface CheckSetting {
  severityOverride: Severity | undefined;
  /** What a failed check costs the score. */
  weight: number;
}

/** Whether the configuration leaves a check on, and at which severity; undefined when it is off. */
export function checkSetting(check: CheckIdentity, config: HindsightConfig): CheckSetting | undefined {
  const setting = config.rules[check.id];
  if (setting === 'off') return undefined;
  if (typeof setting === 'object' && setting.enabled === false) return undefined;
  const severityOverride = typeof setting === 'object' ? setting.severity : undefined;
  return { severityOverride, weight: SCORE_WEIGHTS[severityOverride ?? check.severity] };
}

/** A rule with its configuration resolved, ready to check objects. */
export interface PreparedRule extends CheckSetting {
  rule: AnyRule;
  options: unknown;
}

/** The enabled rules with their options, severities and score weights (config errors throw here). */
export function prepareRules(rules: readonly AnyRule[], config: HindsightConfig): PreparedRule[] {
  const out: PreparedRule[] = [];
  for (const rule of rules) {
    const setting = checkSetting(rule, config);
    if (setting) out.push({ rule, options: resolveOptions(rule, config), ...setting });
  }
  return out;
}

/** The finding that stands for a check that threw: the rest of the run goes on without it. */
export function internalErrorFinding(
  ref: Finding['ref'],
  origin: Finding['origin'],
  message: string,
): Finding {
  return {
    ruleId: 'internal-error',
    category: 'internal',
    severity: 'info',
    ref,
    ...(origin ? { origin } : {}),
    message: `${message}; please report this.`,
  };
}

/** What one rule found on one object. */
export interface EntryResult {
  findings: Finding[];
  exempted: Finding[];
  /** False when the rule said the object is outside what it judges. */
  applicable: boolean;
  /** At least one unexempted finding. */
  failed: boolean;
}

/** Whether the config leaves the object out of every rule (an excluded namespace). */
export function isExcluded(entry: InventoryEntry, excluded: ReadonlySet<string>): boolean {
  if (entry.ref.namespace && excluded.has(entry.ref.namespace)) return true;
  return entry.object.kind === 'Namespace' && excluded.has(entry.ref.name);
}

interface CheckContext {
  config: HindsightConfig;
  now: Date;
  targetVersion?: string | undefined;
}

/**
 * The inventory part a check reads when it reads the clock (ages, staleness, expiring
 * exemptions): an incremental evaluation re-runs those checks when it is told the clock moved.
 */
export const CLOCK_PART = 'clock';

/** `now`, recorded as a read of the clock. */
function clockOf(inventory: Inventory, now: Date): () => Date {
  return () => {
    inventory.depend(CLOCK_PART);
    return now;
  };
}

/** A rule's fix as findings keep it: its sentence flat, its edits' paths shared. */
function keptFix(fix: Fix): Fix {
  return {
    ...fix,
    description: flatString(fix.description),
    edits: fix.edits.map((edit) => ({ ...edit, path: sharedPath(edit.path) })),
  };
}

/** Adds one report on `entry` to `result`: the finding, exempted or not. */
function record(
  prepared: PreparedRule,
  entry: InventoryEntry,
  r: Report,
  result: EntryResult,
  options: CheckContext,
  clock: () => Date,
): void {
  const { rule, severityOverride } = prepared;
  const template = rule.messages[r.messageId];
  if (template === undefined) throw new Error(`rule ${rule.id} reported unknown message ${r.messageId}`);
  const finding: Finding = {
    ruleId: rule.id,
    messageId: r.messageId,
    category: rule.category,
    severity: severityOverride ?? r.severity ?? rule.severity,
    ref: entry.ref,
    origin: entry.origin,
    message: formatMessage(template, r.data),
    ...(r.path ? { path: sharedPath(r.path) } : {}),
    ...(r.container !== undefined ? { container: r.container } : {}),
    ...(r.fix ? { fix: keptFix(r.fix) } : {}),
    ...(r.manual && !r.fix ? { manual: flatString(r.manual) } : {}),
  };
  const exemption = findExemption(finding, entry.object, options.config.exemptions, clock);
  if (exemption) {
    result.exempted.push({ ...finding, exemption });
  } else {
    result.findings.push(finding);
    result.failed = true;
  }
}

/** Runs one rule on one object: its findings (exemptions attached) and whether it applied. */
export function checkEntry(
  prepared: PreparedRule,
  entry: InventoryEntry,
  inventory: Inventory,
  options: CheckContext,
): EntryResult {
  const { rule } = prepared;
  const result: EntryResult = { findings: [], exempted: [], applicable: true, failed: false };
  if (!rule.check) throw new Error(`rule ${rule.id} judges the whole inventory, not one object`);
  const clock = clockOf(inventory, options.now);
  try {
    const outcome = rule.check(entry, {
      inventory,
      options: prepared.options,
      get now() {
        return clock();
      },
      ...(options.targetVersion ? { targetVersion: options.targetVersion } : {}),
      report: (r) => record(prepared, entry, r, result, options, clock),
    });
    result.applicable = outcome !== NOT_APPLICABLE || result.failed;
  } catch (error) {
    result.findings.push(
      internalErrorFinding(
        entry.ref,
        entry.origin,
        `rule ${rule.id} failed on this object: ${(error as Error).message}. The rest of the scan went on`,
      ),
    );
  }
  return result;
}

/**
 * Runs a relational rule once over the inventory: a result per subject it judged, in the order it
 * judged them. Subjects in excluded namespaces are dropped.
 * A rule that throws leaves one internal-error finding (on the rule, as no object stands for it)
 * and nothing else.
 */
export function checkInventory(
  prepared: PreparedRule,
  inventory: Inventory,
  options: CheckContext,
  excluded: ReadonlySet<string>,
): EntryResult[] {
  const rule = prepared.rule as InventoryRule<unknown>;
  if (!rule.checkInventory) throw new Error(`rule ${rule.id} judges objects one at a time`);
  const results = new Map<InventoryEntry, EntryResult>();
  const resultOf = (subject: InventoryEntry): EntryResult | undefined => {
    if (isExcluded(subject, excluded)) return undefined;
    let result = results.get(subject);
    if (!result) {
      result = { findings: [], exempted: [], applicable: true, failed: false };
      results.set(subject, result);
    }
    return result;
  };
  const clock = clockOf(inventory, options.now);
  try {
    rule.checkInventory({
      inventory,
      options: prepared.options,
      get now() {
        return clock();
      },
      ...(options.targetVersion ? { targetVersion: options.targetVersion } : {}),
      judged: (subject) => {
        resultOf(subject);
      },
      report: (subject, r) => {
        const result = resultOf(subject);
        if (result) record(prepared, subject, r, result, options, clock);
      },
    });
  } catch (error) {
    const failure: EntryResult = {
      findings: [
        internalErrorFinding(
          { apiVersion: 'hindsight.dev/v1', kind: 'Rule', name: rule.id },
          undefined,
          `rule ${rule.id} failed: ${(error as Error).message}. The rest of the scan went on`,
        ),
      ],
      exempted: [],
      applicable: false,
      failed: false,
    };
    return [failure];
  }
  return [...results.values()];
}

/** The objects each selection picks, computed once per inventory for all the rules that share it. */
export function selectionsOf(inventory: Inventory): (selection: Selection) => readonly InventoryEntry[] {
  const memo = new Map<string, readonly InventoryEntry[]>();
  return (selection) => {
    const key = selection === 'workloads' ? '*workloads' : selection.join(',');
    let entries = memo.get(key);
    if (!entries) {
      entries = selectEntries(inventory, selection);
      memo.set(key, entries);
    }
    return entries;
  };
}

/** Folds per-object results into the engine's result: findings sorted, stats, score. */
export class ResultTally {
  readonly findings: Finding[] = [];
  readonly exempted: Finding[] = [];
  readonly stats = new Map<string, RuleStats>();
  private weightTotal = 0;
  private weightFailed = 0;

  rule(id: string): RuleStats {
    let s = this.stats.get(id);
    if (!s) {
      s = { evaluated: 0, failed: 0 };
      this.stats.set(id, s);
    }
    return s;
  }

  /**
   * What a check over a whole input (the certificate checks) found: `judged` subjects, of which
   * `failed` have an unexempted finding.
   */
  addJudged(
    setting: CheckSetting,
    stats: RuleStats,
    result: { findings: readonly Finding[]; exempted: readonly Finding[]; judged: number; failed: number },
  ): void {
    for (const f of result.findings) this.findings.push(f);
    for (const f of result.exempted) this.exempted.push(f);
    stats.evaluated += result.judged;
    stats.failed += result.failed;
    this.weightTotal += setting.weight * result.judged;
    this.weightFailed += setting.weight * result.failed;
  }

  add(prepared: PreparedRule, stats: RuleStats, result: EntryResult): void {
    for (const f of result.findings) this.findings.push(f);
    for (const f of result.exempted) this.exempted.push(f);
    if (!result.applicable) return;
    stats.evaluated++;
    this.weightTotal += prepared.weight;
    if (result.failed) {
      stats.failed++;
      this.weightFailed += prepared.weight;
    }
  }

  finish(extra: readonly Finding[]): EngineResult {
    this.findings.push(...extra);
    this.findings.sort(compareFindings);
    this.exempted.sort(compareFindings);
    const score =
      this.weightTotal === 0
        ? 100
        : Math.round((100 * (this.weightTotal - this.weightFailed)) / this.weightTotal);
    return { findings: this.findings, exempted: this.exempted, stats: this.stats, score };
  }
}

export function runRules(inventory: Inventory, options: EngineOptions): EngineResult {
  const config = options.config ?? DEFAULT_CONFIG;
  const excluded = new Set(config.excludeNamespaces);
  const select = selectionsOf(inventory);
  const tally = new ResultTally();
  const context = { config, now: options.now, targetVersion: options.targetVersion };
  for (const prepared of prepareRules(options.rules, config)) {
    const stats = tally.rule(prepared.rule.id);
    const { rule } = prepared;
    if (rule.checkInventory) {
      for (const result of checkInventory(prepared, inventory, context, excluded))
        tally.add(prepared, stats, result);
      continue;
    }
    for (const entry of select(rule.appliesTo)) {
      if (isExcluded(entry, excluded)) continue;
      tally.add(prepared, stats, checkEntry(prepared, entry, inventory, context));
    }
  }
  return tally.finish(invalidExemptions(inventory, options.rules, options.otherCheckIds));
}

/** Exemption annotations that cannot apply (no reason, bad date, unknown rule) are findings themselves. */
export function invalidExemptions(
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
    compareText(a.ref.namespace ?? '', b.ref.namespace ?? '') ||
    compareText(a.ref.kind, b.ref.kind) ||
    compareText(a.ref.name, b.ref.name) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.container ?? '', b.container ?? '')
  );
}
