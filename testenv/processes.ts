/**
 * Starting and stopping the platform's processes. Each runs detached in its own process group
 * with its output in a log file, so `testenv up` can return while they run and `testenv down`
 * (or a test's teardown) can stop them from another process by pid.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Started {
  name: string;
  pid: number;
  log: string;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  log: string,
  env?: NodeJS.ProcessEnv,
): Started {
  const fd = openSync(log, 'a');
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: env ?? process.env,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  child.unref();
  return { name, pid: child.pid, log };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, SIGKILL after `graceMs` for whatever is left. */
export async function stopProcess(pid: number, graceMs = 5000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  if (!isAlive(pid)) return;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(50);
  }
  signal('SIGKILL');
  while (isAlive(pid)) await sleep(20);
}

/** A free TCP port on 127.0.0.1, as the kernel hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface Probe {
  url: string;
  ca?: string;
  cert?: string;
  key?: string;
}

/** One HTTP(S) GET; resolves with the status code, 0 when the connection fails. */
export function probe(p: Probe, timeoutMs = 2000): Promise<number> {
  return new Promise((resolveStatus) => {
    const url = new URL(p.url);
    const options = {
      method: 'GET',
      timeout: timeoutMs,
      ...(p.ca ? { ca: readFileSync(p.ca) } : { rejectUnauthorized: false }),
      ...(p.cert && p.key ? { cert: readFileSync(p.cert), key: readFileSync(p.key) } : {}),
    };
    const done = (code: number): void => resolveStatus(code);
    if (url.protocol === 'http:') {
      fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
        .then(async (res) => {
          await res.arrayBuffer();
          done(res.status);
        })
        .catch(() => done(0));
      return;
    }
    const req = request(url, options, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(0));
    req.end();
  });
}

/**
 * Waits until `p` answers 200, failing early when the process died, with the tail of its log
 * in the error so the cause is on screen rather than in a file.
 */
export async function waitHealthy(started: Started, p: Probe, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await probe(p)) === 200) return;
    if (!isAlive(started.pid)) {
      throw new Error(`${started.name} exited during start-up; last log lines:\n${tail(started.log, 25)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${started.name} not healthy at ${p.url} after ${timeoutMs} ms; last log lines:\n${tail(started.log, 25)}`,
      );
    }
    await sleep(100);
  }
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
