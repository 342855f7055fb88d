import { type Command, Option } from 'commander';
import { addClusterOptions, type ClusterFlagValues } from '../cluster-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { addPrometheusOptions, type PrometheusFlagValues } from '../prometheus-flags.ts';

export const COST_FORMATS = ['table', 'json', 'markdown', 'html'] as const;
export type CostFormat = (typeof COST_FORMATS)[number];

/** OpenCost's default prices, for inputs with no priced node (manifests alone). */

export interface CostOptions extends ClusterFlagValues, PrometheusFlagValues {
  output: CostFormat;
  report: string[];
  window: string;
  end?: string;
  prices?: string;
  spotDiscount?: string;
  teamLabel: string[];
  variant: 'burstable' | 'guaranteed';
  plan: boolean;
  writeVpa?: string;
  writeKarpenter?: string;
  writeKeda?: string;
  clusterName: string;
  applyRequests: string[];
  dryRun?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerCost(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('cost')
    .description(
      'cost and waste by namespace, team and workload; right-sizing from Prometheus history (backtested), the spot plan and the cheapest node mix, with their savings',
    )
    .argument(
      '[paths...]',
      'a snapshot (kubectl get -A -o json) or manifests; none reads the cluster of the current context',
    )
    .addOption(
      new Option('-o, --output <format>', 'format on stdout').choices([...COST_FORMATS]).default('table'),
    )
    .option(
      '--report <format=file>',
      `also write a report to a file, repeatable (${COST_FORMATS.join(', ')})`,
      collect,
      [],
    );
  addPrometheusOptions(command, 'usage history')
    .option('--window <duration>', 'history to read, ending at --end', '14d')
    .option('--end <time>', 'end of the history window (RFC 3339; default now)')
    .option(
      '--prices <file>',
      'price file (YAML/JSON list of {instanceType, capacityType, hourlyUSD}) overriding the built-in prices',
    )
    .option(
      '--spot-discount <fraction>',
      'spot discount for every instance category, e.g. 0.65 (default: a per-category table)',
    )
    .option(
      '--team-label <key>',
      'label naming a team, repeatable (default: team, app.kubernetes.io/part-of, …)',
      collect,
      [],
    )
    .addOption(
      new Option('--variant <variant>', 'requests to plan and patch with')
        .choices(['burstable', 'guaranteed'])
        .default('burstable'),
    )
    .option('--no-plan', 'skip the node-mix planner')
    .option('--write-vpa <dir>', 'write a VerticalPodAutoscaler in Off mode per right-sized workload')
    .option('--write-karpenter <dir>', 'write a NodePool and EC2NodeClass for the planned node mix')
    .option('--write-keda <dir>', 'write KEDA ScaledObjects for idle workers whose event source is known')
    .option('--cluster-name <name>', 'EKS cluster name for generated Karpenter objects', 'my-cluster')
    .option(
      '--apply-requests <path>',
      'patch right-sized requests into these YAML files or directories (repeatable)',
      collect,
      [],
    )
    .option('--dry-run', 'with --apply-requests: print the diff, write nothing');
  addClusterOptions(command, {
    context: 'kubeconfig context to read',
    namespace: 'only this namespace (live cluster and Prometheus)',
  });
  command
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hindsight cost --prometheus http://prometheus.monitoring:9090',
        '  hindsight cost --prometheus $PROM --report html=cost.html --write-vpa vpa/ --write-karpenter karpenter/',
        '  hindsight cost --prometheus $PROM --apply-requests ./apps --dry-run',
        '  kubectl get nodes,pods,deploy,sts,ds,rs,jobs,cronjobs,hpa,pdb,ns -A -o json > snap.json && hindsight cost snap.json',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: CostOptions) => {
      const { runCost } = await import('./cost-run.ts');
      setExit(await runCost(paths, opts, io));
    });
}
