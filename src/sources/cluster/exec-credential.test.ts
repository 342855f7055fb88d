/**
 * Exec credential plugins run bounded: a plugin that hangs is killed with everything it started
 * (its process group) after the timeout, and every live command — scan, snapshot, certs, cost —
 * ends with an error naming it; a plugin that misbehaves otherwise says how. Credentials are
 * cached until they expire and reach the server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { requirePlatform } from '../../../testenv/harness.ts';
import { REPO_ROOT } from '../../../testenv/paths.ts';
import { runCli } from '../../testing/run-cli.ts';
import { writeTestKubeconfig } from '../../testing/test-kubeconfig.ts';
import { closedPort } from '../../testing/test-servers.ts';
import { ClusterClient } from './api-client.ts';
import { accessOf } from './cluster-access.ts';
import { ExecCredentials, runExecPlugin } from './exec-credential.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-exec-'));
const closers: (() => void)[] = [];
after(() => {
  for (const close of closers) close();
  rmSync(dir, { recursive: true, force: true });
});

let scripts = 0;
/** An executable shell script in the test directory. */
function script(body: string): string {
  const file = join(dir, `plugin-${++scripts}.sh`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A plugin that records its pid and its child's, then waits on a long sleep. */
function hangingPlugin(): { command: string; pids: string } {
  const pids = join(dir, `pids-${scripts + 1}`);
  return { command: script(`echo $$ > ${pids}\nsleep 600 &\necho $! >> ${pids}\nwait`), pids };
}

/** Alive and not a zombie (a killed grandchild may wait for a reaper that never comes). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function assertNoneRunning(pidFile: string): Promise<void> {
  assert.ok(existsSync(pidFile), 'the plugin ran');
  const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
  assert.equal(pids.length, 2, 'the plugin and its sleep');
  for (let i = 0; i < 50 && pids.some(isRunning); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(pids.filter(isRunning), [], 'the plugin and what it started are gone');
}

function credential(status: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    status,
  });
}

test('a plugin that hangs is killed with its process group after the timeout, and named', async () => {
  const plugin = hangingPlugin();
  const started = performance.now();
  await assert.rejects(
    runExecPlugin({ command: plugin.command, args: ['eks', 'get-token'] }, { timeoutMs: 500 }),
    new RegExp(
      `^ExecCredentialError: exec credential plugin \`${plugin.command} eks get-token\` did not answer within 0\\.5 s; killed it\\. `,
    ),
  );
  assert.ok(performance.now() - started < 2000);
  await assertNoneRunning(plugin.pids);
});

test('plugins that fail, print nonsense, flood stdout or do not exist: each error says which', async () => {
  const cases: [string, RegExp, { maxOutputBytes?: number }?][] = [
    [
      script('echo "error: no SSO session for profile prod" >&2; exit 255'),
      /failed \(exit code 255\) \(its last words on stderr: "error: no SSO session for profile prod"\)/,
    ],
    [script('echo hello'), /did not print an ExecCredential: "hello"/],
    [
      script(
        `echo '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{}}'`,
      ),
      /returned neither a token nor a client certificate/,
    ],
    [
      script(`echo '${credential({ token: 't' }).replace('v1beta1', 'v1')}'`),
      /answered client\.authentication\.k8s\.io\/v1; the kubeconfig asks for client\.authentication\.k8s\.io\/v1beta1/,
    ],
    [script('yes'), /wrote more than 64 KiB to stdout; killed it/, { maxOutputBytes: 64 * 1024 }],
    [join(dir, 'no-such-plugin'), /no-such-plugin not found \(is it installed and on PATH\?\)/],
  ];
  for (const [command, expected, options] of cases) {
    await assert.rejects(
      runExecPlugin(
        { command, apiVersion: 'client.authentication.k8s.io/v1beta1' },
        { timeoutMs: 5000, ...options },
      ),
      expected,
    );
  }
});

test('a credential is cached until it is about to expire; concurrent requests share one run', async () => {
  const runs = join(dir, 'runs');
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const command = script(
    `echo run >> ${runs}\necho '${credential({ token: 'abc', expirationTimestamp: future })}'`,
  );
  const credentials = new ExecCredentials({ command }, { timeoutMs: 5000 });
  const [a, b] = await Promise.all([credentials.get(), credentials.get()]);
  assert.equal(a.token, 'abc');
  assert.equal(b, a);
  await credentials.get();
  assert.equal(readFileSync(runs, 'utf8'), 'run\n');
  // An hour later the same credential is stale: the plugin runs again.
  const later = new ExecCredentials({ command }, { timeoutMs: 5000 }, () => Date.now() + 3_600_000);
  await later.get();
  await later.get();
  assert.equal(readFileSync(runs, 'utf8'), 'run\nrun\nrun\n');
});

test("the plugin's token reaches the server; KUBERNETES_EXEC_INFO says non-interactive", async () => {
  const info = join(dir, 'exec-info');
  const command = script(
    `printf '%s' "$KUBERNETES_EXEC_INFO" > ${info}\necho '${credential({ token: 's3cret' })}'`,
  );
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const kc = new KubeConfig();
  kc.loadFromFile(
    writeTestKubeconfig(dir, 'token', {
      server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      exec: { command },
    }),
  );
  const client = new ClusterClient(accessOf(kc));
  await Promise.all([client.get('/api'), client.get('/apis')]);
  client.close();
  assert.deepEqual(seen, ['Bearer s3cret', 'Bearer s3cret']);
  assert.deepEqual(JSON.parse(readFileSync(info, 'utf8')), {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
});

test('a hanging plugin ends scan, snapshot, certs and cost within the timeout, naming it, leaving no process', async () => {
  const server = `https://127.0.0.1:${await closedPort()}`;
  const commands = [
    ['scan', '-o', 'json'],
    ['snapshot'],
    ['certs', '--no-api-server', '-o', 'json'],
    ['cost', '-o', 'json', '--no-plan'],
  ];
  const plugins = commands.map(() => hangingPlugin());
  const runs = await Promise.all(
    commands.map(async (argv, i) => {
      const plugin = plugins[i] as { command: string };
      const kubeconfig = writeTestKubeconfig(dir, `hang-${i}`, {
        server,
        exec: { command: plugin.command, args: ['eks', 'get-token', '--cluster-name', 'prod'] },
      });
      const started = performance.now();
      const run = await runCli([...argv, '--exec-timeout', '1s'], {
        env: { HOME: '/nonexistent-home', KUBECONFIG: kubeconfig },
      });
      return { argv, plugin, run, seconds: (performance.now() - started) / 1000 };
    }),
  );
  for (const { argv, plugin, run, seconds } of runs) {
    assert.equal(run.code, 3, `${argv[0]}: ${run.stderr}`);
    assert.ok(seconds < 4, `${argv[0]} took ${seconds} s`);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.deepEqual(
      errors,
      [
        `error: test (${server}): exec credential plugin \`${plugin.command} eks get-token --cluster-name prod\` did not answer within 1 s; killed it. Run the command by hand to see what it waits for (a login?), or raise --exec-timeout`,
      ],
      argv[0],
    );
  }
  for (const plugin of plugins) await assertNoneRunning(plugin.pids);
});

test('the executable with the default exec timeout: exits by itself after 10 s, nothing left running', async () => {
  const plugin = hangingPlugin();
  const kubeconfig = writeTestKubeconfig(dir, 'hang-bin', {
    server: `https://127.0.0.1:${await closedPort()}`,
    exec: { command: plugin.command },
  });
  const started = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'src', 'cli', 'bin.ts'), 'scan'], {
    env: { PATH: process.env.PATH, HOME: '/nonexistent-home', KUBECONFIG: kubeconfig },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const exited = Date.now();
  clearTimeout(killer);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(code, 3, stderr);
  // From the plugin's start (its pid file) to hindsight's exit: the timeout and little else;
  // the whole run adds Node's start-up, slow on a loaded machine.
  const afterPlugin = (exited - statSync(plugin.pids).mtimeMs) / 1000;
  assert.ok(afterPlugin >= 9.9 && afterPlugin < 12, `${afterPlugin} s from the plugin's start to the exit`);
  assert.ok(seconds < 20, `${seconds} s`);
  assert.match(stderr, /exec credential plugin `.*plugin-\d+\.sh` did not answer within 10 s; killed it/);
  await assertNoneRunning(plugin.pids);
});

test('an exec plugin handing out the admin client certificate reads the real cluster', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const cert = readFileSync(platform.pki.adminCert, 'utf8');
  const key = readFileSync(platform.pki.adminKey, 'utf8');
  const answer = join(dir, 'admin-credential.json');
  writeFileSync(answer, credential({ clientCertificateData: cert, clientKeyData: key }));
  const kubeconfig = writeTestKubeconfig(dir, 'platform-exec', {
    server: platform.server,
    exec: { command: script(`cat ${answer}`) },
  });
  const run = await runCli(['scan', '-o', 'json'], {
    env: { HOME: '/nonexistent-home', KUBECONFIG: kubeconfig },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(JSON.parse(run.stdout).summary.totals.nodes > 0);
});
