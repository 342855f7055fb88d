import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { packageVersion } from '../version.ts';

export function registerVersion(program: Command, io: CliIo): void {
  program
    .command('version')
    .description('print the hindsight version')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((opts: { output: string }) => {
      const info = { hindsight: packageVersion(), node: process.versions.node };
      io.stdout(
        opts.output === 'json'
          ? `${JSON.stringify(info)}\n`
          : `hindsight ${info.hindsight} (node ${info.node})\n`,
      );
    });
}
