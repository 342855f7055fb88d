import { alertingRulesOf } from '../../core/alerting-rules.ts';
import { defineRule, NOT_APPLICABLE, ruleOptions } from '../define-rule.ts';

const Options = ruleOptions(
  {
    severities: ['critical', 'warning', 'info', 'none'],
  },
  (z) => ({
    severities: z
      .array(z.string())
      .describe(
        'the severity values Alertmanager routes on (kube-prometheus: critical, warning, info, none)',
      ),
  }),
);

export default defineRule({
  id: 'alert-rule-without-severity',
  category: 'alerting',
  severity: 'medium',
  lesson: 'alerting',
  title: 'Alerts must carry a severity the routing knows',
  appliesTo: ['PrometheusRule'],
  options: Options,
  messages: {
    missing:
      'alert {alert} has no severity label: routes and inhibitions keyed on severity skip it, so it pages everyone or no one',
    unknown:
      'alert {alert} has severity {severity}, which is not one of {known}: routes matching severity miss it and it falls to the default receiver',
  },
  check(entry, ctx) {
    const alerts = alertingRulesOf(entry.object);
    if (alerts.length === 0) return NOT_APPLICABLE;
    const known = ctx.options.severities;
    for (const rule of alerts) {
      const severity = rule.labels.severity;
      if (severity === undefined || severity === '') {
        ctx.report({
          messageId: 'missing',
          data: { alert: rule.alert },
          path: [...rule.path, 'labels'],
          manual: 'critical only when a human must act now; warning for the owning team; info for review',
        });
      } else if (!known.includes(severity) && !severity.includes('{{')) {
        ctx.report({
          messageId: 'unknown',
          data: { alert: rule.alert, severity, known: known.join(', ') },
          path: [...rule.path, 'labels', 'severity'],
          manual: `map ${severity} onto one of ${known.join(', ')}, or add it to the option severities and to the Alertmanager routes`,
        });
      }
    }
  },
});
