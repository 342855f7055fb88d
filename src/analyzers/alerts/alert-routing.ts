/**
 * Two-tier alert routing generated from team ownership (ADR 0016): critical alerts page on-call
 * and are copied to the owning team's channel; everything else goes to the team's channel only;
 * Watchdog feeds a dead-man's switch; an alert no team owns reaches a catch-all channel, never
 * a silent receiver. Pure: ownership and choices in, an Alertmanager configuration and
 * prometheus-operator AlertmanagerConfig objects out. Secrets are never values here: file paths
 * (mounted from a Secret) in alertmanager.yaml, Secret references in AlertmanagerConfig objects.
 */
import type { KubeObject } from '../../core/resource.ts';
import type { TeamNamespaces } from './team-ownership.ts';

export const CHANNELS = ['slack', 'msteams', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const PAGERS = ['pagerduty', 'opsgenie'] as const;
export type Pager = (typeof PAGERS)[number];

/** Timing of one tier of notifications (Alertmanager durations). */
export interface Tier {
  group_wait: string;
  group_interval: string;
  repeat_interval: string;
}

/**
 * The tiers, and why (ADR 0016): a page waits 30s to gather a burst and repeats hourly while it
 * fires (an unacknowledged page should come back, but not every five minutes); a team channel
 * repeats twice a day; the catch-all every four hours, because an unowned alert is also an
 * ownership gap someone should close; the heartbeat every minute, since a dead-man's switch
 * expects a steady beat and alerts when it stops.
 */
export const TIERS = {
  page: { group_wait: '30s', group_interval: '5m', repeat_interval: '1h' },
  team: { group_wait: '30s', group_interval: '5m', repeat_interval: '12h' },
  unowned: { group_wait: '30s', group_interval: '5m', repeat_interval: '4h' },
  heartbeat: { group_wait: '0s', group_interval: '1m', repeat_interval: '1m' },
} as const satisfies Record<string, Tier>;

export const GROUP_BY = ['alertname', 'cluster', 'namespace'];

/** Receiver names the generated configuration uses besides `team-<team>`. */
export const RECEIVERS = {
  pager: 'pager',
  deadmansSwitch: 'deadmans-switch',
  unowned: 'unowned-alerts',
  /** kube-prometheus's InfoInhibitor exists only to inhibit; it notifies no one. */
  blackhole: 'blackhole',
} as const;

export interface AlertRoutingOptions {
  teams: readonly TeamNamespaces[];
  channel: Channel;
  pager: Pager;
  /** Alert label naming the owning team (set by the PrometheusRules, or by relabelling). */
  alertTeamLabel: string;
  /** Directory where the Secret with the receivers' credentials is mounted in Alertmanager. */
  secretsDir: string;
  /** Name of that Secret (for AlertmanagerConfig objects, which reference Secrets by name). */
  secretName: string;
}

export interface AlertRouting {
  /** The content of alertmanager.yaml. */
  alertmanager: AlertmanagerYaml;
  /** One AlertmanagerConfig per owned namespace, for prometheus-operator users. */
  alertmanagerConfigs: KubeObject[];
}

export interface AlertmanagerRoute extends Partial<Tier> {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  continue?: boolean;
  routes?: AlertmanagerRoute[];
}

export interface AlertmanagerYaml {
  global?: Record<string, unknown>;
  route: AlertmanagerRoute;
  inhibit_rules: Record<string, unknown>[];
  receivers: Record<string, unknown>[];
}

/** Secret keys (file names under `secretsDir`) the receivers read. */
export const SECRET_KEYS = {
  pagerduty: 'pagerduty-routing-key',
  opsgenie: 'opsgenie-api-key',
  slack: 'slack-webhook-url',
} as const;

/** Placeholders the user replaces; `.invalid` can never resolve (RFC 2606). */
export const PLACEHOLDERS = {
  heartbeatUrl: 'https://heartbeat.invalid/REPLACE-WITH-YOUR-DEAD-MANS-SWITCH-URL',
  msteamsUrl: (name: string) => `https://msteams.invalid/REPLACE-WITH-THE-${name.toUpperCase()}-WEBHOOK-URL`,
  email: (name: string) => `${name}@example.com`,
  smtp: { smtp_smarthost: 'smtp.example.com:587', smtp_from: 'alertmanager@example.com' },
} as const;

export function teamReceiver(team: string): string {
  return `team-${team}`;
}

/** A Slack channel or mailbox name for a receiver, from its name: `team-payments` → `payments`. */
function audience(receiver: string): string {
  return receiver === RECEIVERS.unowned ? 'alerts-unowned' : `${receiver.replace(/^team-/, '')}-alerts`;
}

/** The channel receiver (Slack, Teams or email) named `name`. */
export function channelReceiver(name: string, options: AlertRoutingOptions): Record<string, unknown> {
  const who = audience(name);
  if (options.channel === 'slack')
    return {
      name,
      slack_configs: [
        {
          api_url_file: `${options.secretsDir}/${SECRET_KEYS.slack}`,
          channel: `#${who}`,
          send_resolved: true,
          title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }})',
          text: '{{ range .Alerts }}{{ .Annotations.summary }}{{ if .Annotations.runbook_url }} <{{ .Annotations.runbook_url }}|runbook>{{ end }}\n{{ end }}',
        },
      ],
    };
  if (options.channel === 'msteams')
    return { name, msteams_configs: [{ webhook_url: PLACEHOLDERS.msteamsUrl(who), send_resolved: true }] };
  return { name, email_configs: [{ to: PLACEHOLDERS.email(who), send_resolved: true }] };
}

export function pagerReceiver(options: AlertRoutingOptions): Record<string, unknown> {
  if (options.pager === 'opsgenie')
    return {
      name: RECEIVERS.pager,
      opsgenie_configs: [
        {
          api_key_file: `${options.secretsDir}/${SECRET_KEYS.opsgenie}`,
          priority: 'P1',
          send_resolved: true,
        },
      ],
    };
  return {
    name: RECEIVERS.pager,
    pagerduty_configs: [
      {
        routing_key_file: `${options.secretsDir}/${SECRET_KEYS.pagerduty}`,
        severity: 'critical',
        send_resolved: true,
      },
    ],
  };
}

/** Alertmanager matchers are anchored regular expressions; namespace names need no escaping. */
function namespaceMatcher(namespaces: readonly string[]): string {
  return namespaces.length === 1 ? `namespace="${namespaces[0]}"` : `namespace=~"${namespaces.join('|')}"`;
}

/**
 * Team routes: first by the alert's team label (every team), then by namespace for alerts that
 * carry none — so an alert labelled for one team is never taken by another team's namespace.
 */
function teamRoutes(options: AlertRoutingOptions): AlertmanagerRoute[] {
  const byLabel = options.teams.map((t) => ({
    receiver: teamReceiver(t.team),
    matchers: [`${options.alertTeamLabel}="${t.team}"`],
    ...TIERS.team,
  }));
  const byNamespace = options.teams
    .filter((t) => t.namespaces.length > 0)
    .map((t) => ({
      receiver: teamReceiver(t.team),
      matchers: [namespaceMatcher(t.namespaces)],
      ...TIERS.team,
    }));
  return [...byLabel, ...byNamespace];
}

/**
 * The inhibit rules kube-prometheus ships (a critical alert silences the warning and info of the
 * same alert in the same namespace; a warning its info; InfoInhibitor the info of its namespace).
 */
export const INHIBIT_RULES: Record<string, unknown>[] = [
  {
    source_matchers: ['severity="critical"'],
    target_matchers: ['severity=~"warning|info"'],
    equal: ['namespace', 'alertname'],
  },
  {
    source_matchers: ['severity="warning"'],
    target_matchers: ['severity="info"'],
    equal: ['namespace', 'alertname'],
  },
  {
    source_matchers: ['alertname="InfoInhibitor"'],
    target_matchers: ['severity="info"'],
    equal: ['namespace'],
  },
];

/** alertmanager.yaml: the route tree, the receivers, the inhibit rules. */
export function alertmanagerYaml(options: AlertRoutingOptions): AlertmanagerYaml {
  const routes: AlertmanagerRoute[] = [
    { receiver: RECEIVERS.deadmansSwitch, matchers: ['alertname="Watchdog"'], ...TIERS.heartbeat },
    { receiver: RECEIVERS.blackhole, matchers: ['alertname="InfoInhibitor"'] },
    { receiver: RECEIVERS.pager, matchers: ['severity="critical"'], ...TIERS.page, continue: true },
    ...teamRoutes(options),
    // Last, matching everything left: an unowned alert (critical ones too, after their page).
    { receiver: RECEIVERS.unowned, ...TIERS.unowned },
  ];
  const receivers = [
    pagerReceiver(options),
    ...options.teams.map((t) => channelReceiver(teamReceiver(t.team), options)),
    channelReceiver(RECEIVERS.unowned, options),
    {
      name: RECEIVERS.deadmansSwitch,
      webhook_configs: [{ url: PLACEHOLDERS.heartbeatUrl, send_resolved: false }],
    },
    { name: RECEIVERS.blackhole },
  ];
  return {
    ...(options.channel === 'email' ? { global: { ...PLACEHOLDERS.smtp } } : {}),
    route: { receiver: RECEIVERS.unowned, group_by: GROUP_BY, ...TIERS.unowned, routes },
    inhibit_rules: INHIBIT_RULES,
    receivers,
  };
}

export function generateAlertRouting(options: AlertRoutingOptions): AlertRouting {
  return {
    alertmanager: alertmanagerYaml(options),
    alertmanagerConfigs: options.teams.flatMap((team) =>
      team.namespaces.map((namespace) => namespaceAlertmanagerConfig(team.team, namespace, options)),
    ),
  };
}

const secretRef = (options: AlertRoutingOptions, key: string) => ({ name: options.secretName, key });

function operatorReceiver(name: string, options: AlertRoutingOptions): Record<string, unknown> {
  const who = audience(name);
  if (options.channel === 'slack')
    return {
      name,
      slackConfigs: [
        { apiURL: secretRef(options, SECRET_KEYS.slack), channel: `#${who}`, sendResolved: true },
      ],
    };
  if (options.channel === 'msteams')
    return {
      name,
      msteamsConfigs: [{ webhookUrl: secretRef(options, 'msteams-webhook-url'), sendResolved: true }],
    };
  return { name, emailConfigs: [{ to: PLACEHOLDERS.email(who), sendResolved: true }] };
}

function operatorPager(options: AlertRoutingOptions): Record<string, unknown> {
  return options.pager === 'opsgenie'
    ? {
        name: RECEIVERS.pager,
        opsgenieConfigs: [{ apiKey: secretRef(options, SECRET_KEYS.opsgenie), priority: 'P1' }],
      }
    : {
        name: RECEIVERS.pager,
        pagerdutyConfigs: [{ routingKey: secretRef(options, SECRET_KEYS.pagerduty), severity: 'critical' }],
      };
}

const camelTier = (tier: Tier) => ({
  groupWait: tier.group_wait,
  groupInterval: tier.group_interval,
  repeatInterval: tier.repeat_interval,
});

/**
 * One namespace's AlertmanagerConfig. prometheus-operator confines it to alerts of its own
 * namespace; inside, a critical alert pages and continues, and every alert reaches the team.
 * The Secret it names must exist in that namespace.
 */
export function namespaceAlertmanagerConfig(
  team: string,
  namespace: string,
  options: AlertRoutingOptions,
): KubeObject {
  const receiver = teamReceiver(team);
  return {
    apiVersion: 'monitoring.coreos.com/v1alpha1',
    kind: 'AlertmanagerConfig',
    metadata: {
      name: 'team-alert-routing',
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'hindsight', [options.alertTeamLabel]: team },
    },
    spec: {
      route: {
        receiver,
        groupBy: GROUP_BY,
        ...camelTier(TIERS.team),
        routes: [
          {
            receiver: RECEIVERS.pager,
            matchers: [{ name: 'severity', value: 'critical', matchType: '=' }],
            ...camelTier(TIERS.page),
            continue: true,
          },
          { receiver },
        ],
      },
      receivers: [operatorPager(options), operatorReceiver(receiver, options)],
      inhibitRules: [
        {
          sourceMatch: [{ name: 'severity', value: 'critical', matchType: '=' }],
          targetMatch: [{ name: 'severity', value: 'warning|info', matchType: '=~' }],
          equal: ['alertname'],
        },
      ],
    },
  };
}
