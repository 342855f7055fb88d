/** What a command may touch of the outside world, passed in so tests can run commands in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: AsyncIterable<Buffer | string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTty: boolean;
  /** Width of the terminal stdout is, when it is one. */
  columns?: number;
}

/** Columns to fit text output in: `COLUMNS` when set, else the terminal's width, else none. */
export function outputWidth(io: CliIo): number | undefined {
  const fromEnv = Number(io.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return io.isTty ? io.columns : undefined;
}

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  partial: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
