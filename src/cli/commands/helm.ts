import type { Command } from 'commander';
import { Option } from 'commander';
import { addClusterOptions, type ClusterFlagValues } from '../cluster-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';

export interface HelmOptions extends ClusterFlagValues {
  output: 'table' | 'json';
  targetVersion?: string;
  stuckAfter: string;
}

export function registerHelm(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('helm')
    .description(
      "the Helm releases in the cluster, from Helm's own storage: chart, status, history, the Flux HelmRelease that owns each, and what blocks its next upgrade",
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option(
      '--target-version <version>',
      'check the deployed manifests against this Kubernetes release, e.g. 1.36 (default: the cluster’s own)',
    )
    .option(
      '--stuck-after <duration>',
      'a pending-install/upgrade/rollback revision older than this holds the release’s lock: stuck',
      '15m',
    );
  addClusterOptions(command, {
    context: 'kubeconfig context',
    namespace: 'only the releases stored in this namespace',
  });
  command
    .addHelpText(
      'after',
      '\nReads the Secrets (and ConfigMaps) labelled owner=helm in which Helm 3 keeps every revision, and Flux\nHelmRelease objects. Values are compared between revisions, never printed. Read-only.\n\nExit code: 0, or 1 when a release is stuck, failed, never deployed or uses APIs the target release removed;\n3 when the storage could not be read in full.\n\nExamples:\n  hindsight helm\n  hindsight helm --target-version 1.36 -o json',
    )
    .action(async (opts: HelmOptions) => {
      const { runHelm } = await import('./helm-run.ts');
      setExit(await runHelm(opts, io));
    });
}
