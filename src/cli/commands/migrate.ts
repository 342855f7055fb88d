import { type Command, Option } from 'commander';
import { execTimeoutOption, kubeconfigOption, requestTimeoutOption } from '../cluster-flags.ts';
import { collect } from '../finding-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';

/** The flags both subcommands share: which clusters (or snapshots) and how to reach them. */
export interface MigrateSides {
  from: string;
  to?: string;
  namespace: string[];
  kubeconfig?: string;
  requestTimeout?: string;
  execTimeout?: string;
}

export interface MigratePlanOptions extends MigrateSides {
  targetVersion?: string;
  fallbackDays: string;
  output: 'markdown' | 'json';
}

export interface MigrateVerifyOptions extends MigrateSides {
  to: string;
  watch?: boolean;
  interval: string;
  timeout: string;
  output: 'table' | 'json';
}

const SIDE =
  'a kubeconfig context, or a snapshot written by hindsight snapshot, or manifests (a path that exists is read as files: YAML, Helm charts and kustomizations rendered)';

function addSides(command: Command, toRequired: boolean): Command {
  command.requiredOption('--from <context|snapshot>', `the old cluster: ${SIDE}`);
  if (toRequired) command.requiredOption('--to <context|snapshot>', `the new cluster: ${SIDE}`);
  else
    command.option(
      '--to <context|snapshot>',
      `the new cluster: ${SIDE}; without it, nothing is checked against the target`,
    );
  return command
    .option('-n, --namespace <name>', 'only this namespace (repeatable)', collect, [])
    .addOption(kubeconfigOption())
    .addOption(requestTimeoutOption())
    .addOption(execTimeoutOption());
}

export function registerMigrate(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const migrate = program
    .command('migrate')
    .description(
      'move workloads to a new cluster namespace by namespace (kops → EKS): a plan in a safe order, and a parity check before each DNS cutover',
    );
  const plan = migrate
    .command('plan')
    .description(
      'per namespace: what it holds and needs, what will not work on the target, and the order to move in, as a checklist',
    )
    .option(
      '--target-version <version>',
      "the target's Kubernetes release, for removed APIs (default: what its API server says)",
    )
    .option(
      '--fallback-days <days>',
      'how long the source keeps a moved namespace before it is deleted',
      '14',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['markdown', 'json']).default('markdown'),
    );
  addSides(plan, false)
    .addHelpText(
      'after',
      '\nStep 0 lists the cluster-scoped objects the moved namespaces need on the target (CRDs, StorageClasses,\nIngressClasses, PriorityClasses, ClusterRoles, ClusterIssuers); then namespaces in order: what they call moves\nfirst, stateless before stateful, namespaces that call each other together. Each step: prerequisites, IAM\n(kube2iam/kiam → IRSA or Pod Identity), Secrets to recreate (names only), EBS volumes to snapshot and restore in\ntheir zone, apply, verify, the external-dns cutover by TXT ownership, and the fallback window. Read-only.\n\nExit code: 0 when nothing blocks the move, 1 when something does, 3 when a side could not be read in full.\n\nExamples:\n  hindsight migrate plan --from kops-prod --to eks-prod\n  hindsight migrate plan --from old.json --to new.json -o json\n  hindsight migrate plan --from kops-prod --to eks-prod -n payments -n search',
    )
    .action(async (opts: MigratePlanOptions) => {
      const { runMigratePlan } = await import('./migrate-run.ts');
      setExit(await runMigratePlan(opts, io));
    });
  const verify = migrate
    .command('verify')
    .description(
      'for namespaces already moved: the same workloads Ready with the same images and replica bounds, Services with ready endpoints, addresses, PVCs Bound, certificates valid, HPAs and PDBs — or exactly what differs',
    )
    .option('--watch', 'check again every --interval until ready (or --timeout)')
    .option('--interval <duration>', 'with --watch: time between checks', '30s')
    .option('--timeout <duration>', 'with --watch: give up after this long (0 = never)', '30m')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    );
  addSides(verify, true)
    .addHelpText(
      'after',
      '\nWithout -n, every namespace present on both sides (but kube-system, kube-public, kube-node-lease) is checked.\nRead-only.\n\nExit code: 0 when every namespace is ready for DNS cutover, 1 when something differs, 3 when a side could not be\nread in full.\n\nExamples:\n  hindsight migrate verify --from kops-prod --to eks-prod -n payments\n  hindsight migrate verify --from kops-prod --to eks-prod -n payments --watch --interval 15s',
    )
    .action(async (opts: MigrateVerifyOptions) => {
      const { runMigrateVerify } = await import('./migrate-run.ts');
      setExit(await runMigrateVerify(opts, io));
    });
}
