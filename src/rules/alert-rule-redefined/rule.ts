import { type AlertingRuleEntry, alertingRulesOf, normalizedExpr } from '../../core/alerting-rules.ts';
import { compareText } from '../../core/compare-text.ts';
import { refKey } from '../../core/resource.ts';
import type { InventoryEntry } from '../../inventory/inventory.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/** Alert name and static labels: what Alertmanager tells two definitions apart by. */
function identity(rule: AlertingRuleEntry): string {
  const labels = Object.entries(rule.labels)
    .sort(([a], [b]) => compareText(a, b))
    .map(([k, v]) => `${k}=${v}`);
  return `${rule.alert}{${labels.join(',')}}`;
}

function where(entry: InventoryEntry, rule: AlertingRuleEntry): string {
  const ns = entry.ref.namespace ? `${entry.ref.namespace}/` : '';
  return `PrometheusRule ${ns}${entry.ref.name} group ${rule.group}`;
}

export default defineRule({
  id: 'alert-rule-redefined',
  category: 'alerting',
  severity: 'medium',
  lesson: 'alerting',
  title: 'One alert, one definition',
  appliesTo: ['PrometheusRule'],
  messages: {
    redefined:
      'alert {alert} is also defined in {other} with the same labels and a different expression: both are evaluated and reach Alertmanager as one alert, so which condition fired depends on the moment, and a fix to one copy leaves the other',
  },
  check(entry, ctx) {
    const alerts = alertingRulesOf(entry.object);
    if (alerts.length === 0) return NOT_APPLICABLE;
    const self = refKey(entry.ref);
    const elsewhere = ctx.inventory
      .ofKind('PrometheusRule')
      .flatMap((other) => alertingRulesOf(other.object).map((rule) => ({ other, rule })));
    for (const rule of alerts) {
      const id = identity(rule);
      const expr = normalizedExpr(rule.expr);
      const twin = elsewhere.find(
        ({ other, rule: candidate }) =>
          identity(candidate) === id &&
          normalizedExpr(candidate.expr) !== expr &&
          !(refKey(other.ref) === self && candidate.path.join('.') === rule.path.join('.')),
      );
      if (!twin) continue;
      ctx.report({
        messageId: 'redefined',
        data: { alert: rule.alert, other: where(twin.other, twin.rule) },
        path: [...rule.path, 'expr'],
        manual:
          'keep one definition; for tiers give each its own severity (warning and critical), for a changed upstream rule patch the original instead of copying it',
      });
    }
  },
});
