/** Alertmanager configurations for rule tests, as the reader makes them from an alertmanager.yaml. */

/** A Slack channel, a PagerDuty pager and a receiver with no integrations. */
export const RECEIVERS = [
  { name: 'slack', slack_configs: [{ channel: '#a' }] },
  { name: 'pd', pagerduty_configs: [{ routing_key_file: '/k' }] },
  { name: 'void' },
];

/** An alertmanager.yaml with this root route, the receivers above and one inhibit rule. */
export function alertmanagerConfig(root: object): Record<string, unknown> {
  return {
    apiVersion: 'hindsight.dev/v1',
    kind: 'AlertmanagerConfiguration',
    metadata: { name: 'alertmanager' },
    route: root,
    receivers: RECEIVERS,
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'] }],
  };
}

/** One child route under a Slack root. */
export function underSlack(child: object): Record<string, unknown> {
  return alertmanagerConfig({ receiver: 'slack', routes: [child] });
}
