import { prometheusRulesOf } from '../../core/alerting-rules.ts';
import { PROMETHEUS_METRIC_NAMES, readMetricNames } from '../../core/prometheus-metric-names.ts';
import { evaluatesEmpty, promqlReads } from '../../core/promql.ts';
import type { KubeObject } from '../../core/resource.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

interface RuleAt {
  name: string;
  kind: 'alert' | 'record';
  expr: string;
  path: (string | number)[];
}

/** Alerting and recording rules of a PrometheusRule, with the expression's path. */
function rulesOf(object: KubeObject): RuleAt[] {
  const { alerts, records } = prometheusRulesOf(object);
  const at = (path: (string | number)[]) => [...path, 'expr'];
  const all: RuleAt[] = [
    ...alerts.map((a) => ({ name: a.alert, kind: 'alert' as const, expr: a.expr, path: at(a.path) })),
    ...records.map((r) => ({ name: r.record, kind: 'record' as const, expr: r.expr, path: at(r.path) })),
  ];
  // The engine orders findings; a rule without an expression is promtool's to refuse.
  return all.filter((r) => r.expr !== '');
}

/** Series recording rules anywhere in the inventory produce: they exist once the rules load. */
function recordedNames(inventory: Inventory): ReadonlySet<string> {
  return inventory.derived('alert-rule-metric-not-scraped/recorded', () => {
    const names = new Set<string>();
    for (const e of inventory.ofKind('PrometheusRule'))
      for (const rule of prometheusRulesOf(e.object).records) names.add(rule.record);
    return names;
  });
}

/** The metric names Prometheus has (the first readable list of them), read once per inventory. */
function scrapedNames(inventory: Inventory): ReturnType<typeof readMetricNames> {
  return inventory.derived('alert-rule-metric-not-scraped/scraped', () =>
    inventory
      .ofKind(PROMETHEUS_METRIC_NAMES.kind)
      .map((e) => readMetricNames(e.object))
      .find((k) => k !== undefined),
  );
}

export default defineRule({
  id: 'alert-rule-metric-not-scraped',
  category: 'alerting',
  severity: 'medium',
  lesson: 'alerting',
  title: 'Alerts must read metrics Prometheus has',
  appliesTo: ['PrometheusRule'],
  messages: {
    missing:
      '{kind} {name} reads {metrics}, which Prometheus ({source}) has no series of: its expression evaluates to nothing, so it {never} (an exporter not scraped, a renamed metric, a typo)',
    partlyMissing:
      '{kind} {name} reads {metrics}, which Prometheus ({source}) has no series of: the parts of its expression over them add nothing (it still evaluates without them)',
    unparsable:
      '{kind} {name}: hindsight cannot read its expression ({error}), so it cannot tell what it reads; `promtool check rules` says whether Prometheus can',
  },
  check(entry, ctx) {
    const prometheus = scrapedNames(ctx.inventory);
    // Without the names of a live Prometheus (--prometheus), what is scraped is unknown.
    if (!prometheus) return NOT_APPLICABLE;
    const rules = rulesOf(entry.object);
    if (rules.length === 0) return NOT_APPLICABLE;
    const recorded = recordedNames(ctx.inventory);
    for (const rule of rules) {
      const reads = promqlReads(rule.expr);
      if (reads.error) {
        ctx.report({
          messageId: 'unparsable',
          data: { kind: rule.kind, name: rule.name, error: reads.error },
          path: rule.path,
          severity: 'low',
        });
        continue;
      }
      // Reading a metric to alert on its absence is the point of `absent()`.
      const missing = reads.metrics.filter(
        (m) => !prometheus.names.has(m) && !recorded.has(m) && !reads.absenceOnly.includes(m),
      );
      if (missing.length === 0) continue;
      const data = {
        kind: rule.kind,
        name: rule.name,
        metrics: missing.join(', '),
        source: prometheus.source,
      };
      if (evaluatesEmpty(rule.expr, new Set(missing)))
        ctx.report({
          messageId: 'missing',
          data: { ...data, never: rule.kind === 'alert' ? 'never fires' : 'records nothing' },
          path: rule.path,
        });
      else ctx.report({ messageId: 'partlyMissing', data, path: rule.path, severity: 'info' });
    }
  },
});
