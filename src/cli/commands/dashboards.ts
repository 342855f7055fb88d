import type { Command } from 'commander';
import { collect } from '../finding-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { addPrometheusOptions, type PrometheusFlagValues } from '../prometheus-flags.ts';

export interface DashboardsGenerateOptions {
  output?: string;
  configmaps?: boolean;
  namespace: string;
  sidecarLabel: string;
  teamLabel: string;
}

export type DashboardsPreviewOptions = PrometheusFlagValues & {
  output: string;
  var: string[];
  range?: string;
  end?: string;
  teamLabel: string;
};

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
  const preview = dashboards
    .command('preview')
    .description(
      "draw each dashboard from a Prometheus' answers to its panels' queries, one HTML page per dashboard (no Grafana needed; a review aid, not Grafana's renderer)",
    )
    .requiredOption('-o, --output <dir>', 'write <uid>.html per dashboard and index.html there')
    .option(
      '--var <name=value>',
      'a dashboard variable (repeatable), e.g. namespace=payments; a regex for several values (default: All, .*)',
      collect,
      [],
    )
    .option('--range <duration>', "time range of every dashboard (default: each dashboard's own, e.g. 24h)")
    .option('--end <time>', 'end of the time range (RFC 3339; default now)')
    .option('--team-label <key>', 'as for generate', 'team');
  addPrometheusOptions(preview, "the dashboards' queries")
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 when every query was answered, 3 when Prometheus refused or failed some (the panels say which).',
        '',
        'Examples:',
        '  hindsight dashboards preview --prometheus http://localhost:9090 -o preview/',
        '  hindsight dashboards preview --prometheus http://localhost:9090 --var namespace=payments --range 6h -o preview/',
      ].join('\n'),
    )
    .action(async (opts: DashboardsPreviewOptions) => {
      const { runDashboardsPreview } = await import('./dashboards-run.ts');
      setExit(await runDashboardsPreview(opts, io));
    });
}
