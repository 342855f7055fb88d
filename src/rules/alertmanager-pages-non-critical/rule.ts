import {
  ALERTMANAGER_CONFIG_KINDS,
  admits,
  pagerRoutes,
  readAlertmanagerView,
} from '../../core/alertmanager-config.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/** Severities that must not page, as they are read by the route's matchers (absent: no severity). */
const NOT_CRITICAL: [label: string, value: string | undefined][] = [
  ['warning', 'warning'],
  ['info', 'info'],
  ['no severity', undefined],
];

export default defineRule({
  id: 'alertmanager-pages-non-critical',
  category: 'alerting',
  severity: 'high',
  lesson: 'alerting',
  title: 'Only critical alerts should page',
  appliesTo: ALERTMANAGER_CONFIG_KINDS,
  messages: {
    pagesWithoutSeverity:
      'route to pager receiver {receiver} has no severity matcher: every alert it takes pages on-call, warnings and info included',
    pagesNonCritical:
      'route to pager receiver {receiver} admits {severities} alerts: only critical alerts should page',
  },
  check(entry, ctx) {
    const routes = pagerRoutes(readAlertmanagerView(entry.object));
    if (!routes) return NOT_APPLICABLE;
    for (const route of routes) {
      // A route for one alert by name (a heartbeat to the pager's own monitor) is not a page per severity.
      if (route.effective.some((m) => m.name === 'alertname' && m.op === '=')) continue;
      const hasSeverity = route.effective.some((m) => m.name === 'severity');
      const admitted = NOT_CRITICAL.filter(([, v]) => admits(route.effective, 'severity', v)).map(([l]) => l);
      if (admitted.length === 0) continue;
      ctx.report({
        messageId: hasSeverity ? 'pagesNonCritical' : 'pagesWithoutSeverity',
        data: { receiver: route.receiver, severities: admitted.join(', ') },
        path: route.path,
      });
    }
  },
});
