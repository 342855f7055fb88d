/**
 * Alerting rules as a PrometheusRule (monitoring.coreos.com/v1) holds them: groups of rules,
 * each rule either a recording rule (`record`) or an alert (`alert`, `expr`, `for`, `labels`,
 * `annotations`). Read leniently: a malformed group or rule is skipped, not a crash.
 */
import type { ObjectPath } from './finding.ts';
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

/** One alerting rule, where it sits in its PrometheusRule. */
export interface AlertingRuleEntry {
  alert: string;
  expr: string;
  /** `for` as written; undefined when absent. */
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  group: string;
  path: ObjectPath;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(asRecord(value) ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}

/** A recording rule: the series it records, from what expression, where it sits. */
export interface RecordingRuleEntry {
  record: string;
  expr: string;
  path: ObjectPath;
}

/** The alerting and recording rules of a PrometheusRule, in order. */
export function prometheusRulesOf(object: KubeObject): {
  alerts: AlertingRuleEntry[];
  records: RecordingRuleEntry[];
} {
  const alerts: AlertingRuleEntry[] = [];
  const records: RecordingRuleEntry[] = [];
  const groups = asRecord(object.spec)?.groups;
  if (!Array.isArray(groups)) return { alerts, records };
  groups.forEach((group, g) => {
    const record = asRecord(group);
    const rules = record?.rules;
    if (!Array.isArray(rules)) return;
    rules.forEach((rule, r) => {
      const fields = asRecord(rule);
      const expr = fields?.expr;
      const text = typeof expr === 'string' || typeof expr === 'number' ? String(expr) : '';
      const path: ObjectPath = ['spec', 'groups', g, 'rules', r];
      if (typeof fields?.record === 'string') {
        records.push({ record: fields.record, expr: text, path });
        return;
      }
      if (typeof fields?.alert !== 'string') return;
      const duration = fields.for;
      alerts.push({
        alert: fields.alert,
        expr: text,
        ...(typeof duration === 'string' || typeof duration === 'number' ? { for: String(duration) } : {}),
        labels: stringMap(fields.labels),
        annotations: stringMap(fields.annotations),
        group: typeof record?.name === 'string' ? record.name : `#${g}`,
        path,
      });
    });
  });
  return { alerts, records };
}

/** The alerting rules of a PrometheusRule, in order; recording rules are left out. */
export function alertingRulesOf(object: KubeObject): AlertingRuleEntry[] {
  return prometheusRulesOf(object).alerts;
}

/** A Prometheus duration (`1h30m`, `90s`, `0s`) in milliseconds; undefined when not one. */
export function prometheusDurationMs(text: string): number | undefined {
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const parts = [...trimmed.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] as number), 0);
}

/** Whitespace-insensitive form of a PromQL expression, for comparing two definitions. */
export function normalizedExpr(expr: string): string {
  return expr
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),{}=!~<>+\-*/])\s*/g, '$1')
    .trim();
}
