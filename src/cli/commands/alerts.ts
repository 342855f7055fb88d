import { type Command, Option } from 'commander';
import { CHANNELS, PAGERS } from '../../analyzers/alerts/alert-routing.ts';
import {
  type ClusterFlagValues,
  contextOption,
  execTimeoutOption,
  kubeconfigOption,
  namespaceOption,
  requestTimeoutOption,
} from '../cluster-flags.ts';
import {
  collect,
  configOption,
  failOnOption,
  groupByOption,
  minSeverityOption,
  outputOption,
  quietOption,
  reportOption,
  showExemptedOption,
} from '../finding-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { addPrometheusOptions, type PrometheusFlagValues } from '../prometheus-flags.ts';
import { maxFileSizeOption, maxInputSizeOption, type ReadLimitFlagValues } from '../read-limit-flags.ts';
import type { ScanOptions } from './scan.ts';

export interface AlertsGenerateOptions extends ClusterFlagValues, ReadLimitFlagValues {
  teamLabel: string[];
  alertTeamLabel: string;
  channel: (typeof CHANNELS)[number];
  pager: (typeof PAGERS)[number];
  secretName: string;
  secretsDir?: string;
  runbookBaseUrl?: string;
  output?: string;
}

/** What `alerts lint` takes: scan's reading and reporting flags, without clusters and charts. */
export type AlertsLintOptions = PrometheusFlagValues &
  ClusterFlagValues &
  Pick<
    ScanOptions,
    | 'output'
    | 'report'
    | 'failOn'
    | 'config'
    | 'showExempted'
    | 'groupBy'
    | 'minSeverity'
    | 'quiet'
    | 'maxFileSize'
    | 'maxInputSize'
  >;

export function registerAlerts(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const alerts = program
    .command('alerts')
    .description(
      'two-tier alerting: generate Alertmanager routing from team ownership (critical pages, the rest goes to the team), lint alerting configuration',
    );
  registerGenerate(alerts, io, setExit);
  registerLint(alerts, io, setExit);
}

function registerGenerate(alerts: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  alerts
    .command('generate')
    .description(
      "alertmanager.yaml and per-namespace AlertmanagerConfig objects routing each team's alerts: critical to the pager and the team's channel, the rest to the channel, Watchdog to a dead-man's switch, unowned alerts to a catch-all",
    )
    .argument(
      '[paths...]',
      'manifests or a snapshot holding the Namespaces; none reads the Namespaces of the current context',
    )
    .option('-o, --output <dir>', 'write alertmanager.yaml and alertmanagerconfigs/ there (default: stdout)')
    .option(
      '--team-label <key>',
      'Namespace label naming its team, repeatable; the first present wins (default: team, app.kubernetes.io/part-of)',
      collect,
      [],
    )
    .option(
      '--alert-team-label <name>',
      'alert label routes match the team on (beside the namespace)',
      'team',
    )
    .addOption(
      new Option('--channel <kind>', "receiver of each team's channel")
        .choices([...CHANNELS])
        .default('slack'),
    )
    .addOption(
      new Option('--pager <kind>', 'receiver that pages on-call').choices([...PAGERS]).default('pagerduty'),
    )
    .option(
      '--secret-name <name>',
      "Secret holding the receivers' keys (pagerduty-routing-key, opsgenie-api-key, slack-webhook-url)",
      'alertmanager-receivers',
    )
    .option(
      '--secrets-dir <dir>',
      'where that Secret is mounted in Alertmanager (default: /etc/alertmanager/secrets/<secret-name>, as prometheus-operator mounts spec.secrets)',
    )
    .option('--runbook-base-url <url>', 'base URL of runbooks linked from generated alerts')
    .addOption(kubeconfigOption())
    .addOption(contextOption('kubeconfig context whose Namespaces to read'))
    .addOption(requestTimeoutOption())
    .addOption(execTimeoutOption())
    .addOption(maxFileSizeOption())
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hindsight alerts generate --context prod -o alerting/',
        '  kubectl get ns -o json | hindsight alerts generate - --channel msteams --pager opsgenie',
        '  hindsight alerts generate deploy/namespaces.yaml | hindsight alerts lint -',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: AlertsGenerateOptions) => {
      const { runAlertsGenerate } = await import('./alerts-run.ts');
      setExit(await runAlertsGenerate(paths, opts, io));
    });
}

function registerLint(alerts: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const lint = alerts
    .command('lint')
    .description(
      'run the alerting rules over Alertmanager configuration (alertmanager.yaml files, Secrets holding one, AlertmanagerConfig objects) and PrometheusRules',
    )
    .argument(
      '[paths...]',
      'YAML/JSON files or directories, or kubectl snapshots; - reads stdin; none reads the cluster of the current context',
    )
    .addOption(outputOption())
    .addOption(reportOption())
    .addOption(failOnOption())
    .addOption(configOption())
    .addOption(showExemptedOption())
    .addOption(groupByOption('object'))
    .addOption(minSeverityOption())
    .addOption(quietOption());
  addPrometheusOptions(lint, 'the metric names alerts may read (alert-rule-metric-not-scraped)')
    .addOption(maxFileSizeOption())
    .addOption(maxInputSizeOption())
    .addOption(kubeconfigOption())
    .addOption(contextOption('kubeconfig context to read PrometheusRules and AlertmanagerConfigs from'))
    .addOption(namespaceOption('only this namespace (live cluster)'))
    .addOption(requestTimeoutOption())
    .addOption(execTimeoutOption())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hindsight alerts lint alertmanager.yaml',
        '  hindsight alerts lint monitoring/ -o sarif',
        '  hindsight alerts lint --context prod --prometheus http://prometheus.monitoring:9090',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: AlertsLintOptions) => {
      const { runAlertsLint } = await import('./alerts-run.ts');
      setExit(await runAlertsLint(paths, opts, io));
    });
}
