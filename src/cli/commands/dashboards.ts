import type { Command } from 'commander';
import type { CliIo, ExitCode } from '../io.ts';

export interface DashboardsGenerateOptions {
  output?: string;
  configmaps?: boolean;
  namespace: string;
  sidecarLabel: string;
  teamLabel: string;
}

export function registerDashboards(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const dashboards = program
    .command('dashboards')
    .description(
      'Grafana dashboards for what breaks production: requests vs usage, cost and waste, certificates and cliffs, the failure families, findings over time',
    );
  dashboards
    .command('generate')
    .description(
      'write the dashboards as Grafana JSON (a datasource variable of type prometheus; cluster, team and namespace variables), or as ConfigMaps for the Grafana sidecar',
    )
    .option('-o, --output <dir>', 'write one file per dashboard there (default: stdout)')
    .option('--configmaps', 'write ConfigMaps labelled for the Grafana sidecar instead of JSON files')
    .option('--namespace <ns>', 'namespace of the ConfigMaps', 'monitoring')
    .option(
      '--sidecar-label <name>',
      "label the Grafana sidecar selects ConfigMaps on (value '1')",
      'grafana_dashboard',
    )
    .option(
      '--team-label <key>',
      'Namespace label naming its team, as kube-state-metrics exports it in kube_namespace_labels (allow it with --metric-labels-allowlist)',
      'team',
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hindsight dashboards generate -o grafana/',
        '  hindsight dashboards generate --configmaps --namespace monitoring | kubectl apply -f -',
      ].join('\n'),
    )
    .action(async (opts: DashboardsGenerateOptions) => {
      const { runDashboardsGenerate } = await import('./dashboards-run.ts');
      setExit(await runDashboardsGenerate(opts, io));
    });
}
