import {
  ALERTMANAGER_CONFIG_KINDS,
  allRoutes,
  canReceive,
  formatMatchers,
  matchRoutes,
  type Route,
  readAlertmanagerView,
} from '../../core/alertmanager-config.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/**
 * A route that names the alerts it takes by `alertname` (InfoInhibitor to a `null` receiver,
 * a known-noisy alert muted on purpose) silences them deliberately; Watchdog has its own rule.
 */
function deliberate(route: Route): boolean {
  return route.effective.some((m) => m.name === 'alertname' && (m.op === '=' || m.op === '=~'));
}

export default defineRule({
  id: 'alertmanager-receiver-silent',
  category: 'alerting',
  severity: 'medium',
  lesson: 'alerting',
  title: 'Alerts a route takes should reach someone',
  appliesTo: ALERTMANAGER_CONFIG_KINDS,
  messages: {
    silentRoute:
      'alerts {which} go to receiver {receiver}, which has no integrations: they notify no one, and the Alertmanager UI is the only place they show',
  },
  check(entry, ctx) {
    const view = readAlertmanagerView(entry.object);
    if (!view?.route) return NOT_APPLICABLE;
    const receiverOf = (name: string | undefined) => view.receivers.find((r) => r.name === name);
    // Where a critical alert with no other labels lands, as Alertmanager's dispatcher walks the tree.
    const critical = matchRoutes(view.route, { severity: 'critical' });
    for (const route of allRoutes(view.route)) {
      const receiver = receiverOf(route.receiver);
      // An unknown receiver is Alertmanager's own error (amtool check-config refuses it).
      if (!receiver || receiver.integrations.length > 0 || !canReceive(route) || deliberate(route)) continue;
      const which =
        route === view.route
          ? 'that no other route takes'
          : route.effective.length > 0
            ? `matching ${formatMatchers(route.effective)}`
            : 'of every kind';
      ctx.report({
        messageId: 'silentRoute',
        data: { which, receiver: receiver.name },
        path: route.path,
        // Critical alerts that page no one are the outage the lesson is about.
        ...(critical.includes(route) ? { severity: 'high' as const } : {}),
      });
    }
  },
});
