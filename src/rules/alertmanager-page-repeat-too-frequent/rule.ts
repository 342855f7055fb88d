import { prometheusDurationMs } from '../../core/alerting-rules.ts';
import {
  ALERTMANAGER_CONFIG_KINDS,
  pagerRoutes,
  readAlertmanagerView,
} from '../../core/alertmanager-config.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

const HOUR_MS = 3_600_000;

export default defineRule({
  id: 'alertmanager-page-repeat-too-frequent',
  category: 'alerting',
  severity: 'medium',
  lesson: 'alerting',
  title: 'Pages should repeat at most hourly',
  appliesTo: ALERTMANAGER_CONFIG_KINDS,
  messages: {
    repeatTooFrequent:
      'route to pager receiver {receiver} repeats every {interval}: a page someone is already working on rings again and again; repeat at 1h or more',
  },
  check(entry, ctx) {
    const routes = pagerRoutes(readAlertmanagerView(entry.object));
    if (!routes) return NOT_APPLICABLE;
    for (const route of routes) {
      const ms = prometheusDurationMs(route.repeatInterval);
      if (ms !== undefined && ms < HOUR_MS)
        ctx.report({
          messageId: 'repeatTooFrequent',
          data: { receiver: route.receiver, interval: route.repeatInterval },
          path: route.path,
        });
    }
  },
});
