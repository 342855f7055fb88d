import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describeError } from '../../core/errors.ts';
import { loadCluster } from '../../sources/cluster/load-cluster.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { writeFileAtomic } from '../write-file.ts';

interface SnapshotOptions {
  output?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export function registerSnapshot(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('snapshot')
    .description(
      'save the live cluster (spec, status and events of every kind hindsight reads) as one JSON List to scan offline',
    )
    .option('-f, --file <path>', 'write to this file (default: stdout)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <name>', 'only this namespace')
    .addHelpText(
      'after',
      '\nSecrets and ConfigMaps are saved as metadata only: no secret value ever leaves the cluster.\n\nExample:\n  hindsight snapshot --context prod -f prod.json && hindsight scan prod.json',
    )
    .action(async (opts: SnapshotOptions & { file?: string }) => {
      const loaded = await loadCluster({
        env: io.env,
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        onWarning: (line) => io.stderr(`warning: ${line}\n`),
      });
      for (const e of loaded.errors) io.stderr(`error: ${describeError(e)}\n`);
      const list = {
        apiVersion: 'v1',
        kind: 'List',
        metadata: {},
        items: loaded.objects.map((o) => o.object),
      };
      const text = `${JSON.stringify(list)}\n`;
      if (opts.file) {
        await writeFileAtomic(resolve(io.cwd, opts.file), text);
        io.stderr(`wrote ${loaded.objects.length} objects to ${opts.file}\n`);
      } else {
        io.stdout(text);
      }
      setExit(loaded.errors.length > 0 ? EXIT.partial : EXIT.ok);
    });
}
