import type { Command } from 'commander';
import type { CliIo, ExitCode } from '../io.ts';

export interface K9sOptions {
  install?: boolean;
  file?: string;
  bin: string;
}

export function registerK9s(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('k9s')
    .description(
      'k9s plugins that run hindsight on the selected workload, pod, Secret or namespace: printed, or merged into k9s plugins.yaml with --install',
    )
    .option('--install', "merge into k9s' plugins.yaml, replacing only hindsight's own entries")
    .option(
      '--file <path>',
      'the plugins file (default: $XDG_CONFIG_HOME/k9s/plugins.yaml, else ~/.config/k9s/plugins.yaml)',
    )
    .option('--bin <command>', 'how k9s starts hindsight', 'hindsight')
    .addHelpText(
      'after',
      '\nIn k9s: Shift-H on a workload or pod scans it, on a Secret checks its certificates, on a namespace scans it; Shift-C on a namespace prices it.',
    )
    .action(async (opts: K9sOptions) => {
      const { runK9s } = await import('./k9s-run.ts');
      setExit(await runK9s(opts, io));
    });
}
