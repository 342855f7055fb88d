import { alertingRulesOf } from '../../core/alerting-rules.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

export default defineRule({
  id: 'alert-rule-without-runbook',
  category: 'alerting',
  severity: 'low',
  lesson: 'alerting',
  title: 'Alerts must link a runbook',
  appliesTo: ['PrometheusRule'],
  messages: {
    missing:
      'alert {alert} has no runbook_url annotation: whoever it wakes has to work out from scratch what it means and what to do',
  },
  check(entry, ctx) {
    const alerts = alertingRulesOf(entry.object);
    if (alerts.length === 0) return NOT_APPLICABLE;
    for (const rule of alerts) {
      if (rule.labels.severity === 'none') continue; // never delivered to a person
      if (rule.annotations.runbook_url) continue;
      ctx.report({
        messageId: 'missing',
        data: { alert: rule.alert },
        path: [...rule.path, 'annotations'],
        manual:
          'write the runbook (what it means, how to check, how to fix) and link it as annotations.runbook_url',
      });
    }
  },
});
