import { readAlertmanagerView } from '../../core/alertmanager-config.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

export default defineRule({
  id: 'alertmanager-inhibit-rules-missing',
  category: 'alerting',
  severity: 'medium',
  lesson: 'alerting',
  title: 'Critical alerts should inhibit their warning and info twins',
  appliesTo: ['AlertmanagerConfiguration'],
  messages: {
    noInhibitRules:
      'no inhibit_rules: when an alert turns critical its warning and info versions keep notifying beside it, doubling every incident',
  },
  check(entry, ctx) {
    const view = readAlertmanagerView(entry.object);
    if (!view?.route) return NOT_APPLICABLE;
    if (!view.hasInhibitRules) ctx.report({ messageId: 'noInhibitRules' });
  },
});
