/**
 * Exec credential plugins (`users[].user.exec` in a kubeconfig: `aws eks get-token`,
 * `gke-gcloud-auth-plugin`, `kubelogin get-token`), run by hindsight rather than by client-node's
 * ExecAuth, which spawns with no time limit and no output cap: a plugin waiting for a login that
 * never comes would hold every live command forever (ADR 0007).
 *
 * The plugin runs in its own process group with stdin closed (non-interactive, as
 * `KUBERNETES_EXEC_INFO` tells it); past the timeout, or past the stdout cap, the whole group is
 * killed — the plugin and anything it started — and the error names the command. The credential
 * is cached until `status.expirationTimestamp`, and concurrent requests share one run.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import type { User } from '@kubernetes/client-node';
import { formatLimit, formatSize } from '../bounded-request.ts';

/** The `exec` stanza of a kubeconfig user, as client-node parses it. */
export interface ExecPluginConfig {
  command: string;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  provideClusterInfo?: boolean;
}

/** What a plugin hands back: a bearer token, a client certificate and key, or both. */
export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** The cluster as `provideClusterInfo` plugins receive it in `KUBERNETES_EXEC_INFO`. */
export interface ExecClusterInfo {
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
}

export interface ExecPluginOptions {
  /** Kill the plugin's process group after this long; 0 = wait as long as it takes. */
  timeoutMs: number;
  /** Most bytes of stdout accepted; default 1 MiB (a credential is a few KiB). */
  maxOutputBytes?: number;
  cluster?: ExecClusterInfo;
  /** The plugin's environment before the kubeconfig's `env` entries; default process.env, as kubectl. */
  env?: NodeJS.ProcessEnv;
}

/** The plugin could not produce a credential: it hung, failed, or printed something else. */
export class ExecCredentialError extends Error {
  override readonly name = 'ExecCredentialError';
}

const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Refresh a credential this long before it expires, so it does not lapse mid-request. */
const EXPIRY_MARGIN_MS = 5_000;

/** The exec stanza of a user, from `exec` or the legacy `auth-provider` form; undefined if none. */
export function execPluginOf(user: User | null | undefined): ExecPluginConfig | undefined {
  if (!user) return undefined;
  const exec = (user.exec ?? (user.authProvider as { config?: { exec?: unknown } } | null)?.config?.exec) as
    | ExecPluginConfig
    | null
    | undefined;
  return exec ? exec : undefined;
}

/** `` `aws eks get-token --cluster-name prod` ``: the plugin as messages name it. */
export function describePlugin(exec: ExecPluginConfig): string {
  const text = [exec.command, ...(exec.args ?? [])].join(' ');
  return `\`${text.length > 100 ? `${text.slice(0, 99)}…` : text}\``;
}

/** Runs the plugin once, under the limits; resolves with its credential's status. */
export function runExecPlugin(
  exec: ExecPluginConfig,
  options: ExecPluginOptions,
): Promise<ExecCredentialStatus> {
  const name = `exec credential plugin ${describePlugin(exec)}`;
  if (!exec.command)
    return Promise.reject(new ExecCredentialError('the kubeconfig user has an exec stanza with no command'));
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  for (const { name: key, value } of exec.env ?? []) env[key] = value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify(execInfo(exec, options.cluster));

  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      // Its own process group, so the timeout can kill whatever it started too.
      child = spawn(exec.command, exec.args ?? [], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (error) {
      reject(
        new ExecCredentialError(`${name} could not start: ${(error as Error).message}`, { cause: error }),
      );
      return;
    }
    guard(child);
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = '';
    let settled = false;
    const settle = (error: Error | undefined, status?: ExecCredentialStatus): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      release(child);
      if (error) reject(error);
      else resolve(status as ExecCredentialStatus);
    };
    const kill = (): void => {
      killGroup(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
    };
    const said = (): string => {
      const last = stderrTail.trim().split('\n').pop()?.trim();
      return last ? ` (its last words on stderr: ${JSON.stringify(last.slice(0, 300))})` : '';
    };
    const timer =
      options.timeoutMs > 0
        ? setTimeout(() => {
            const exited = child.exitCode !== null;
            kill();
            settle(
              new ExecCredentialError(
                exited
                  ? `${name} exited but a process it started kept its output open for ${formatLimit(options.timeoutMs)}; killed its process group`
                  : `${name} did not answer within ${formatLimit(options.timeoutMs)}; killed it${said()}. ` +
                      'Run the command by hand to see what it waits for (a login?), or raise --exec-timeout',
              ),
            );
          }, options.timeoutMs)
        : undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutput) {
        kill();
        settle(
          new ExecCredentialError(`${name} wrote more than ${formatSize(maxOutput)} to stdout; killed it`),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      kill();
      settle(
        new ExecCredentialError(
          error.code === 'ENOENT'
            ? `${name}: ${exec.command} not found (is it installed and on PATH?)`
            : `${name} could not start: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        settle(
          new ExecCredentialError(
            `${name} failed (${code === null ? `killed by ${signal}` : `exit code ${code}`})${said()}`,
          ),
        );
        return;
      }
      try {
        settle(undefined, credentialStatus(Buffer.concat(stdout).toString('utf8'), exec, name));
      } catch (error) {
        settle(error as Error);
      }
    });
  });
}

/**
 * The credential of one kubeconfig user for one run: the plugin runs on first use and again
 * only once the credential is about to expire; concurrent callers share one run.
 */
export class ExecCredentials {
  readonly plugin: ExecPluginConfig;
  private readonly options: ExecPluginOptions;
  private readonly now: () => number;
  private cached: ExecCredentialStatus | undefined;
  private pending: Promise<ExecCredentialStatus> | undefined;

  constructor(plugin: ExecPluginConfig, options: ExecPluginOptions, now: () => number = Date.now) {
    this.plugin = plugin;
    this.options = options;
    this.now = now;
  }

  get(): Promise<ExecCredentialStatus> {
    if (this.cached && !this.expiresSoon(this.cached)) return Promise.resolve(this.cached);
    this.pending ??= runExecPlugin(this.plugin, this.options)
      .then((status) => {
        this.cached = status;
        return status;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private expiresSoon(status: ExecCredentialStatus): boolean {
    if (!status.expirationTimestamp) return false;
    const expires = Date.parse(status.expirationTimestamp);
    return Number.isFinite(expires) && expires - EXPIRY_MARGIN_MS <= this.now();
  }
}

function execInfo(exec: ExecPluginConfig, cluster: ExecClusterInfo | undefined): unknown {
  return {
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    spec: {
      interactive: false,
      ...(exec.provideClusterInfo && cluster
        ? {
            cluster: {
              server: cluster.server,
              ...(cluster.certificateAuthorityData
                ? { 'certificate-authority-data': cluster.certificateAuthorityData }
                : {}),
              ...(cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
              ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
            },
          }
        : {}),
    },
  };
}

function credentialStatus(text: string, exec: ExecPluginConfig, name: string): ExecCredentialStatus {
  let parsed: { kind?: unknown; apiVersion?: unknown; status?: ExecCredentialStatus };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new ExecCredentialError(
      `${name} did not print an ExecCredential: ${JSON.stringify(text.trim().slice(0, 120) || '(nothing)')}`,
    );
  }
  if (parsed?.kind !== 'ExecCredential')
    throw new ExecCredentialError(`${name} printed kind ${String(parsed?.kind)}, not an ExecCredential`);
  if (exec.apiVersion && parsed.apiVersion !== exec.apiVersion)
    throw new ExecCredentialError(
      `${name} answered ${String(parsed.apiVersion)}; the kubeconfig asks for ${exec.apiVersion}`,
    );
  const status = parsed.status;
  if (!status?.token && !(status?.clientCertificateData && status.clientKeyData))
    throw new ExecCredentialError(`${name} returned neither a token nor a client certificate and key`);
  return status;
}

// Plugins run in their own process group, so a Ctrl-C to hindsight would not reach them: while
// one runs, the signals that end hindsight first kill the plugin's group.
const running = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function killRunning(): void {
  for (const child of running) killGroup(child);
}

function onSignal(signal: NodeJS.Signals): void {
  killRunning();
  unguard();
  // Do what the signal would have done had nobody listened.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function guard(child: ChildProcess): void {
  if (running.size === 0) {
    for (const signal of SIGNALS) process.on(signal, onSignal);
    process.on('exit', killRunning);
  }
  running.add(child);
}

function release(child: ChildProcess): void {
  if (!running.delete(child) || running.size > 0) return;
  unguard();
}

function unguard(): void {
  running.clear();
  for (const signal of SIGNALS) process.off(signal, onSignal);
  process.off('exit', killRunning);
}
