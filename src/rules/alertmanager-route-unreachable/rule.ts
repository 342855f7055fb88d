import {
  ALERTMANAGER_CONFIG_KINDS,
  allRoutes,
  formatMatchers,
  readAlertmanagerView,
  sameMatcher,
} from '../../core/alertmanager-config.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

export default defineRule({
  id: 'alertmanager-route-unreachable',
  category: 'alerting',
  severity: 'medium',
  lesson: 'alerting',
  title: 'No Alertmanager route should be shadowed by an earlier sibling',
  appliesTo: ALERTMANAGER_CONFIG_KINDS,
  messages: {
    shadowedRoute:
      'route to {receiver} can never match: the earlier sibling routes[{index}] {earlier} takes every alert it would, and does not continue',
  },
  check(entry, ctx) {
    const view = readAlertmanagerView(entry.object);
    if (!view?.route) return NOT_APPLICABLE;
    for (const parent of allRoutes(view.route)) {
      parent.routes.forEach((later, j) => {
        // Provable only when the earlier route's matchers are a subset of the later one's.
        const i = parent.routes.findIndex(
          (earlier, k) =>
            k < j &&
            !earlier.continue &&
            earlier.matchers.every((m) => later.matchers.some((n) => sameMatcher(m, n))),
        );
        const earlier = parent.routes[i];
        if (!earlier) return;
        ctx.report({
          messageId: 'shadowedRoute',
          data: {
            receiver: later.receiver ?? '(inherited)',
            index: i,
            earlier: formatMatchers(earlier.matchers),
          },
          path: later.path,
        });
      });
    }
  },
});
