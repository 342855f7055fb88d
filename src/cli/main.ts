/**
 * The command line. `main` parses arguments, runs one command and returns its exit code; bin.ts
 * is the only place that exits the process.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, describeError, OutputError, UsageError } from '../core/errors.ts';
import { registerAlerts } from './commands/alerts.ts';
import { registerCerts } from './commands/certs.ts';
import { registerCost } from './commands/cost.ts';
import { registerDashboard } from './commands/dashboard.ts';
import { registerDashboards } from './commands/dashboards.ts';
import { registerFix } from './commands/fix.ts';
import { registerHelm } from './commands/helm.ts';
import { registerK9s } from './commands/k9s.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerRules } from './commands/rules.ts';
import { registerScan } from './commands/scan.ts';
import { registerServe } from './commands/serve.ts';
import { registerSnapshot } from './commands/snapshot.ts';
import { registerTrace } from './commands/trace.ts';
import { registerUpgrade } from './commands/upgrade.ts';
import { registerVersion } from './commands/version.ts';
import { type CliIo, EXIT, type ExitCode } from './io.ts';
import { packageVersion } from './version.ts';

export function buildProgram(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command();
  program
    .name(io.env.HINDSIGHT_INVOKED_AS ?? 'hindsight')
    .description(
      'Five years of Kubernetes production lessons as checks: scan manifests, snapshots and live clusters for what breaks production.',
    )
    .version(packageVersion(), '--version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
    })
    .exitOverride();
  registerScan(program, io, setExit);
  registerSnapshot(program, io, setExit);
  registerCerts(program, io, setExit);
  registerCost(program, io, setExit);
  registerAlerts(program, io, setExit);
  registerHelm(program, io, setExit);
  registerTrace(program, io, setExit);
  registerUpgrade(program, io, setExit);
  registerMigrate(program, io, setExit);
  registerFix(program, io, setExit);
  registerServe(program, io, setExit);
  registerK9s(program, io, setExit);
  registerDashboard(program, io, setExit);
  registerDashboards(program, io, setExit);
  registerRules(program, io);
  registerVersion(program, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
    command.showHelpAfterError(`(run hindsight ${command.name()} --help for usage)`);
  }
  return program;
}

export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  let exit: ExitCode = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successful exits; parse errors were already printed by commander.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // A report or snapshot path that cannot be written is the user's to correct: exit 2.
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof OutputError) {
      io.stderr(`error: ${describeError(error)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
