import type { Command } from 'commander';
import type { CliIo, ExitCode } from '../io.ts';
import { maxFileSizeOption, maxInputSizeOption, type ReadLimitFlagValues } from '../read-limit-flags.ts';

export interface FixOptions extends ReadLimitFlagValues {
  dryRun?: boolean;
  force?: boolean;
  rule: string[];
  config?: string;
}

export function registerFix(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('fix')
    .description('apply the fixes of fixable findings to your YAML files, keeping comments and formatting')
    .argument('<paths...>', 'YAML files or directories to fix')
    .option('--dry-run', 'print the changes as a unified diff; write nothing')
    .option('--force', 'also edit files that have no write permission (mode 0444)')
    .option(
      '--rule <id>',
      'only fixes of this rule (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--config <file>', 'config file (default: .hindsight.yaml in the current directory, if present)')
    .addOption(maxFileSizeOption())
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      '\nExamples:\n  hindsight fix --dry-run apps/\n  hindsight fix --rule container-runs-as-root apps/payments',
    )
    .action(async (paths: string[], opts: FixOptions) => {
      const { runFix } = await import('./fix-run.ts');
      setExit(await runFix(paths, opts, io));
    });
}
