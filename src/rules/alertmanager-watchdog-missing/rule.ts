import { matchRoutes, readAlertmanagerView } from '../../core/alertmanager-config.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/** The always-firing alert of kube-prometheus and kubernetes-mixin, as it arrives. */
const WATCHDOG = { alertname: 'Watchdog', severity: 'none' };

export default defineRule({
  id: 'alertmanager-watchdog-missing',
  category: 'alerting',
  severity: 'high',
  lesson: 'alerting',
  title: "The Watchdog alert should reach a dead-man's switch",
  appliesTo: ['AlertmanagerConfiguration'],
  messages: {
    noWatchdogRoute:
      'no route for alertname="Watchdog": the always-firing alert goes to {receiver} with the rest, and nothing notices when alerting itself stops (a dead-man\'s switch needs its own route)',
    watchdogSilent:
      "Watchdog is routed to {receiver}, which has no integrations: no dead-man's switch hears the heartbeat, so a dead Prometheus or Alertmanager pages no one",
  },
  check(entry, ctx) {
    const view = readAlertmanagerView(entry.object);
    if (!view?.route) return NOT_APPLICABLE;
    const routes = matchRoutes(view.route, WATCHDOG);
    const dedicated = routes.filter((r) => r.effective.some((m) => m.name === 'alertname'));
    const receiverOf = (name: string | undefined) => view.receivers.find((r) => r.name === name);
    if (dedicated.length === 0) {
      ctx.report({
        messageId: 'noWatchdogRoute',
        data: { receiver: routes.map((r) => r.receiver ?? '(none)').join(', ') },
        path: view.route.path,
      });
      return;
    }
    const silent = dedicated.filter((r) => (receiverOf(r.receiver)?.integrations.length ?? 0) === 0);
    if (silent.length === dedicated.length)
      for (const route of silent)
        ctx.report({
          messageId: 'watchdogSilent',
          data: { receiver: route.receiver ?? '(none)' },
          path: route.path,
        });
  },
});
