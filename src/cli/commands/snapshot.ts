import type { Command } from 'commander';
import { addClusterOptions, type ClusterFlagValues } from '../cluster-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';

export interface SnapshotOptions extends ClusterFlagValues {
  output?: string;
  file?: string;
}

export function registerSnapshot(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('snapshot')
    .description(
      'save the live cluster (spec, status and events of every kind hindsight reads) as one JSON List to scan offline',
    )
    .option('-f, --file <path>', 'write to this file (default: stdout)');
  addClusterOptions(command, { context: 'kubeconfig context', namespace: 'only this namespace' });
  command
    .addHelpText(
      'after',
      '\nSecrets and ConfigMaps are saved as metadata only, without last-applied-configuration; values that look like\nkeys, tokens or passwords in annotations, environment variables and arguments are replaced: no secret value\never leaves the cluster. The file is written only when the snapshot is complete; a partial one (exit 3) is\nmarked partial inside and never replaces an existing file (it goes beside it as NAME.partial.json).\n\nExample:\n  hindsight snapshot --context prod -f prod.json && hindsight scan prod.json',
    )
    .action(async (opts: SnapshotOptions & { file?: string }) => {
      const { runSnapshot } = await import('./snapshot-run.ts');
      setExit(await runSnapshot(opts, io));
    });
}
