/**
 * The user's own command-line tools (helm, kubectl, kustomize), found on the PATH the run was
 * given and run without a shell, under a deadline and an output cap: a chart that renders
 * forever or endlessly cannot hold the scan or its memory.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { formatSize } from './fs-errors.ts';

export interface ToolLimits {
  /** Deadline for the whole run of the tool. */
  timeoutMs: number;
  /** Cap on stdout (and, separately, stderr). */
  maxOutputBytes: number;
}

export const DEFAULT_TOOL_LIMITS: ToolLimits = { timeoutMs: 120_000, maxOutputBytes: 256 * 1024 * 1024 };

/** The executable `name` resolves to on `env.PATH`, or undefined when it is not there. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    // An empty PATH entry means the current directory to a shell; a tool we run is never taken
    // from there (nor from a relative entry), only from absolute directories.
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** The tool ran and failed: non-zero exit, a signal, the deadline or the output cap. */
export class ToolRunError extends Error {
  override readonly name = 'ToolRunError';
  /** What the tool said on stderr, trimmed; the reason when it never got to say anything. */
  readonly detail: string;
  constructor(message: string, detail: string, options?: { cause?: unknown }) {
    super(message, options);
    this.detail = detail;
  }
}

/** Runs `file args…` (no shell) and resolves with its stdout; rejects with a ToolRunError. */
export function runTool(
  file: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; limits?: Partial<ToolLimits> },
): Promise<{ stdout: string; stderr: string }> {
  const limits = { ...DEFAULT_TOOL_LIMITS, ...options.limits };
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      {
        env: options.env,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        timeout: limits.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: limits.maxOutputBytes,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const said = stderr.trim();
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        let detail: string;
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          detail = `output over the ${formatSize(limits.maxOutputBytes)} limit; stopped`;
        } else if (e.killed && e.signal === 'SIGKILL') {
          detail = `no result within ${Math.round(limits.timeoutMs / 1000)}s; stopped`;
        } else if (said !== '') {
          detail = said;
        } else {
          detail = e.message;
        }
        reject(new ToolRunError(`${file} failed: ${detail}`, detail, { cause: error }));
      },
    );
  });
}
