import type { Command } from 'commander';
import { Option } from 'commander';
import { addClusterOptions, type ClusterFlagValues } from '../cluster-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';

export interface UpgradeOptions extends ClusterFlagValues {
  to: string;
  from?: string;
  output: 'table' | 'json';
  helmReleases?: boolean;
  eksCalendar?: string;
}

export function registerUpgrade(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('upgrade')
    .description(
      'upgrade readiness: whether the cluster (or a snapshot, or manifests) can move to a Kubernetes release, as an ordered checklist',
    )
    .argument('[paths...]', 'a snapshot or manifests to check instead of the live cluster')
    .requiredOption('--to <version>', 'the Kubernetes release to upgrade to, e.g. 1.36')
    .option('--from <version>', 'the release the cluster runs (default: what its API server says)')
    .option(
      '--helm-releases',
      'also check the manifests Helm stored for each release (reads Helm’s release Secrets)',
    )
    .option(
      '--eks-calendar <file>',
      'a newer EKS version calendar, JSON: [{version, released, endOfStandardSupport, endOfExtendedSupport}]',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    );
  addClusterOptions(command, { context: 'kubeconfig context', namespace: 'only this namespace' });
  command
    .addHelpText(
      'after',
      "\nChecks, in the order to work through them: the EKS support calendar and the price of staying; the upgrade path\n(EKS moves one minor at a time); APIs the target removed, in manifests or what was last applied, in Helm's stored\nmanifests (--helm-releases) and in what clients still call (the API server's apiserver_requested_deprecated_apis);\nkubelet skew; PDBs that stop node drains; single replicas; workloads without readiness probes. Read-only.\n\nExit code: 0 when nothing blocks the upgrade, 1 when something does, 3 when the cluster could not be read in full.\n\nExamples:\n  hindsight upgrade --to 1.36\n  hindsight upgrade --to 1.36 --helm-releases -o json\n  hindsight upgrade --to 1.36 --from 1.35 manifests/",
    )
    .action(async (paths: string[], opts: UpgradeOptions) => {
      const { runUpgrade } = await import('./upgrade-run.ts');
      setExit(await runUpgrade(paths, opts, io));
    });
}
