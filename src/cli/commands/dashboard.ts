import { type Command, Option } from 'commander';
import type { CliIo, ExitCode } from '../io.ts';

export interface DashboardOptions {
  listen: string;
}

export function registerDashboard(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  signal?: AbortSignal,
): void {
  program
    .command('dashboard')
    .description(
      "serve's dashboard for manifests or a snapshot, on loopback: scanned once, browsed at leisure (for a live cluster, hindsight serve)",
    )
    .argument('<paths...>', 'YAML/JSON files, directories, charts or kustomizations, or a kubectl snapshot')
    .addOption(new Option('--listen <host:port>', 'address to serve on').default('127.0.0.1:9754'))
    .action(async (paths: string[], opts: DashboardOptions) => {
      const { runDashboard } = await import('./dashboard-run.ts');
      setExit(await runDashboard(paths, opts, io, signal));
    });
}
