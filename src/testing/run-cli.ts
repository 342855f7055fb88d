/** Runs the CLI in-process with captured output: how tests and benchmarks drive commands. */
import type { CliIo, ExitCode } from '../cli/io.ts';
import { main } from '../cli/main.ts';

export interface CliRun {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], overrides: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdin: (async function* () {})(),
    env: { HOME: '/nonexistent-home' },
    cwd: process.cwd(),
    isTty: false,
    ...overrides,
  });
  return { code, stdout, stderr };
}
