import {
  ALERTMANAGER_CONFIG_KINDS,
  allRoutes,
  readAlertmanagerView,
} from '../../core/alertmanager-config.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

export default defineRule({
  id: 'alertmanager-receiver-unused',
  category: 'alerting',
  severity: 'low',
  lesson: 'alerting',
  title: 'Every Alertmanager receiver should be reached by a route',
  appliesTo: ALERTMANAGER_CONFIG_KINDS,
  messages: {
    unusedReceiver:
      'receiver {receiver} is named by no route: nothing is ever sent to it (a team or pager someone believes is notified is not)',
  },
  check(entry, ctx) {
    const view = readAlertmanagerView(entry.object);
    if (!view?.route) return NOT_APPLICABLE;
    const routed = new Set(allRoutes(view.route).map((r) => r.receiver));
    for (const receiver of view.receivers)
      if (!routed.has(receiver.name))
        ctx.report({ messageId: 'unusedReceiver', data: { receiver: receiver.name }, path: receiver.path });
  },
});
