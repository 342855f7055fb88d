/** What a command may touch of the outside world, passed in so tests can run commands in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: AsyncIterable<Buffer | string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTty: boolean;
}

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  partial: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
