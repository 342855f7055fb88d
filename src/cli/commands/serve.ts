import { type Command, Option } from 'commander';
import { addClusterOptions, type ClusterFlagValues } from '../cluster-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';

export interface ServeOptions extends ClusterFlagValues {
  listen: string;
  cluster?: string;
  debounce: string;
  certsInterval: string;
  apiServer: boolean;
  policyReports?: boolean;
  tokenFile?: string;
  prometheus?: string;
  prometheusToken?: string;
  costInterval: string;
  teamLabel: string[];
}

export function registerServe(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  signal?: AbortSignal,
): void {
  const command = program
    .command('serve')
    .description(
      'watch the cluster and keep its findings current: a dashboard at /, /metrics for Prometheus, /healthz, /readyz, /api/findings (read-only: list and watch only)',
    )
    .addOption(
      new Option('--listen <host:port>', 'address to serve on (0.0.0.0:9753 inside a cluster)').default(
        '127.0.0.1:9753',
      ),
    )
    .option(
      '--cluster <name>',
      'a cluster label on every series, to tell clusters apart in federation or Thanos',
    )
    .option('--debounce <duration>', 'quiet time after a change before the rules run again', '500ms')
    .option(
      '--certs-interval <duration>',
      'read the certificates again this often (and 5 s after a Secret, webhook or APIService changes)',
      '10m',
    )
    .option('--no-api-server', "do not probe the API server's own serving certificate")
    .option(
      '--prometheus <url>',
      'Prometheus (or Thanos, Mimir) for cost and right-sizing on a schedule (env HINDSIGHT_PROMETHEUS_URL)',
    )
    .option('--prometheus-token <token>', 'bearer token for Prometheus (env HINDSIGHT_PROMETHEUS_TOKEN)')
    .option('--cost-interval <duration>', 'how often cost and right-sizing run (with --prometheus)', '6h')
    .option(
      '--token-file <file>',
      'the dashboard and /api/findings ask for this bearer token (/metrics, /healthz and /readyz stay open)',
    )
    .option(
      '--policy-reports',
      'also write the findings as wg-policy PolicyReports (wgpolicyk8s.io/v1alpha2) per namespace: the only write, needs patch on policyreports',
    )
    .option(
      '--team-label <key>',
      'label naming a team on objects or their namespace, repeatable (default: team, app.kubernetes.io/part-of)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    );
  addClusterOptions(command, { context: 'kubeconfig context to watch', namespace: 'only this namespace' });
  command
    .addHelpText(
      'after',
      '\nExamples:\n  hindsight serve                               # the current context, on 127.0.0.1:9753\n  hindsight serve --listen 0.0.0.0:9753 --cluster prod-eu1\n  curl -s localhost:9753/metrics | grep hindsight_findings',
    )
    .action(async (opts: ServeOptions) => {
      const { runServe } = await import('./serve-run.ts');
      setExit(await runServe(opts, io, signal));
    });
}
