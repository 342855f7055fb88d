import { alertingRulesOf } from '../../core/alerting-rules.ts';
import { outputKeepsLabel } from '../../core/promql.ts';
import { defineRule, NOT_APPLICABLE, ruleOptions } from '../define-rule.ts';

const Options = ruleOptions(
  {
    ownerLabels: ['team', 'owner', 'app.kubernetes.io/part-of'],
  },
  (z) => ({
    ownerLabels: z
      .array(z.string())
      .describe('labels that name an owner, on the alert or on the PrometheusRule'),
  }),
);

/** The fallback's aggregations, read from the text. */
const AGGREGATION =
  /\b(sum|min|max|avg|group|stddev|stdvar|count|count_values|bottomk|topk|quantile)\b\s*(by|without|\()/;

/**
 * Every series the alert can fire with keeps a `namespace` label Alertmanager can route on, as
 * PromQL's aggregations, functions and operators pass it along (`outputKeepsLabel`).
 */
export function keepsNamespace(expr: string): boolean {
  // An expression the grammar cannot read falls back to its text, erring towards silence: it
  // keeps the namespace if it mentions the word, or aggregates nothing.
  return outputKeepsLabel(expr, 'namespace') ?? (/\bnamespace\b/.test(expr) || !AGGREGATION.test(expr));
}

export default defineRule({
  id: 'alert-rule-unowned',
  category: 'alerting',
  severity: 'low',
  lesson: 'alerting',
  title: 'Alerts must say whose they are',
  appliesTo: ['PrometheusRule'],
  options: Options,
  messages: {
    unowned:
      'alert {alert} names no owner ({labels} on the alert or the PrometheusRule) and its expression aggregates the namespace away: Alertmanager can route it only to the default receiver',
  },
  check(entry, ctx) {
    const alerts = alertingRulesOf(entry.object);
    if (alerts.length === 0) return NOT_APPLICABLE;
    const owners = ctx.options.ownerLabels;
    const objectLabels = entry.object.metadata.labels ?? {};
    if (owners.some((key) => objectLabels[key])) return;
    for (const rule of alerts) {
      if (rule.labels.severity === 'none') continue;
      if (owners.some((key) => rule.labels[key])) continue;
      if (keepsNamespace(rule.expr)) continue;
      ctx.report({
        messageId: 'unowned',
        data: { alert: rule.alert, labels: owners.join(', ') },
        path: [...rule.path, 'labels'],
        manual:
          'add a team label to the alert (or to the PrometheusRule), or keep namespace in the expression and route by namespace',
      });
    }
  },
});
