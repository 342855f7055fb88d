import { type AlertingRuleEntry, alertingRulesOf, normalizedExpr } from '../../core/alerting-rules.ts';
import { compareText } from '../../core/compare-text.ts';
import { pushTo } from '../../core/records.ts';
import { refKey } from '../../core/resource.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
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

interface Definition {
  other: InventoryEntry;
  rule: AlertingRuleEntry;
  /** The normalized expression. */
  expr: string;
}

/** Every alert of every PrometheusRule by its identity, in inventory order: read once per inventory. */
function definitionsByIdentity(inventory: Inventory): Map<string, Definition[]> {
  return inventory.derived('alert-rule-redefined/by-identity', () => {
    const out = new Map<string, Definition[]>();
    for (const other of inventory.ofKind('PrometheusRule'))
      for (const rule of alertingRulesOf(other.object))
        pushTo(out, identity(rule), { other, rule, expr: normalizedExpr(rule.expr) });
    return out;
  });
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
    const byIdentity = definitionsByIdentity(ctx.inventory);
    for (const rule of alerts) {
      const expr = normalizedExpr(rule.expr);
      const twin = byIdentity
        .get(identity(rule))
        ?.find(
          (d) =>
            d.expr !== expr &&
            !(refKey(d.other.ref) === self && d.rule.path.join('.') === rule.path.join('.')),
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
