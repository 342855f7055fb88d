/**
 * The real test platform: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK
 * as plain processes on 127.0.0.1, optionally Prometheus over backfilled history. Everything a
 * running instance needs to be found again is in `.testenv/<name>/platform.json`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binDir, buildDir, stateDir } from './paths.ts';
import { ensurePki, type Pki } from './pki.ts';
import { freePort, isAlive, type Started, startProcess, stopProcess, waitHealthy } from './processes.ts';

export interface PlatformOptions {
  /** Instance name: state in `.testenv/<name>/`. */
  name?: string;
  /**
   * `fixture` (default) turns off the controllers that create pods (deployment, replicaset,
   * statefulset, daemonset, job, cronjob) so that fixtures place their own pods with fixed names;
   * node lifecycle, namespaces, service accounts, garbage collection and the rest run. `all`
   * runs every controller, for tests that want Kubernetes to create pods.
   */
  controllers?: 'fixture' | 'all';
  /** Lift client-side and server-side rate limits, for bulk loading. */
  unthrottled?: boolean;
}

export interface PlatformState {
  name: string;
  dir: string;
  kubeconfig: string;
  server: string;
  pki: Pki;
  ports: Record<string, number>;
  processes: Started[];
  startedAt: string;
  prometheus?: { url: string; pid: number; dataDir: string; historyStart: string; historyEnd: string };
  fixture?: { seed: number; scale: string; objects: number; truth?: string; now: string };
}

function statePath(dir: string): string {
  return join(dir, 'platform.json');
}

export function readPlatformState(name = 'default'): PlatformState | undefined {
  const file = statePath(stateDir(name));
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as PlatformState;
}

export function writePlatformState(state: PlatformState): void {
  writeFileSync(statePath(state.dir), `${JSON.stringify(state, null, 2)}\n`);
}

export function writeKubeconfig(
  file: string,
  server: string,
  caCert: string,
  user: { name: string; cert: string; key: string },
): void {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: hindsight-testenv',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caCert}`,
    'users:',
    `- name: ${user.name}`,
    '  user:',
    `    client-certificate: ${user.cert}`,
    `    client-key: ${user.key}`,
    'contexts:',
    `- name: hindsight-testenv`,
    '  context:',
    '    cluster: hindsight-testenv',
    `    user: ${user.name}`,
    'current-context: hindsight-testenv',
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600 });
}

function requireBinaries(): string {
  const bin = binDir();
  const needed = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];
  const missing = needed.filter((b) => !existsSync(join(bin, b)));
  if (missing.length > 0) {
    throw new Error(
      `test platform binaries missing in ${bin}: ${missing.join(', ')}; run \`bash testenv/build.sh\` first`,
    );
  }
  return bin;
}

/** Starts a fresh platform (any previous instance of the same name is stopped and wiped). */
export async function startPlatform(options: PlatformOptions = {}): Promise<PlatformState> {
  const name = options.name ?? 'default';
  const dir = stateDir(name);
  const previous = readPlatformState(name);
  if (previous) await stopPlatform(previous);
  const bin = requireBinaries();
  rmSync(join(dir, 'etcd'), { recursive: true, force: true });
  rmSync(join(dir, 'prometheus'), { recursive: true, force: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const pki = ensurePki(join(dir, 'pki'));

  const ports: Record<string, number> = {};
  for (const p of ['etcdClient', 'etcdPeer', 'apiserver', 'controllerManager', 'scheduler', 'kwok']) {
    ports[p] = await freePort();
  }
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfig = join(dir, 'admin.kubeconfig');
  writeKubeconfig(kubeconfig, server, pki.caCert, { name: 'admin', cert: pki.adminCert, key: pki.adminKey });

  const state: PlatformState = {
    name,
    dir,
    kubeconfig,
    server,
    pki,
    ports,
    processes: [],
    startedAt: new Date().toISOString(),
  };
  const log = (component: string): string => join(dir, 'logs', `${component}.log`);
  const started = (s: Started): Started => {
    state.processes.push(s);
    writePlatformState(state);
    return s;
  };

  try {
    const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
    const etcd = started(
      startProcess(
        'etcd',
        join(bin, 'etcd'),
        [
          '--name=node0',
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-cluster=node0=http://127.0.0.1:${ports.etcdPeer}`,
          '--auto-compaction-retention=1',
          '--quota-backend-bytes=8589934592',
          // Test data is disposable: skipping fsync makes bulk loads several times faster.
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        log('etcd'),
      ),
    );
    await waitHealthy(etcd, { url: `${etcdUrl}/health` }, 30_000);

    const unthrottled = options.unthrottled ?? true;
    const apiserver = started(
      startProcess(
        'kube-apiserver',
        join(bin, 'kube-apiserver'),
        [
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${ports.apiserver}`,
          // No default route in a sandbox: the advertise address must be given.
          '--advertise-address=127.0.0.1',
          // Loopback is not a valid endpoint IP for the kubernetes Service.
          '--endpoint-reconciler-type=none',
          `--tls-cert-file=${pki.apiserverCert}`,
          `--tls-private-key-file=${pki.apiserverKey}`,
          `--client-ca-file=${pki.caCert}`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${pki.saPub}`,
          `--service-account-signing-key-file=${pki.saKey}`,
          '--service-cluster-ip-range=10.0.0.0/16',
          '--authorization-mode=Node,RBAC',
          '--allow-privileged=true',
          `--proxy-client-cert-file=${pki.adminCert}`,
          `--proxy-client-key-file=${pki.adminKey}`,
          `--requestheader-client-ca-file=${pki.caCert}`,
          '--requestheader-allowed-names=admin',
          '--requestheader-username-headers=X-Remote-User',
          '--requestheader-group-headers=X-Remote-Group',
          '--requestheader-extra-headers-prefix=X-Remote-Extra-',
          ...(unthrottled
            ? [
                '--max-requests-inflight=0',
                '--max-mutating-requests-inflight=0',
                '--enable-priority-and-fairness=false',
              ]
            : []),
        ],
        log('kube-apiserver'),
      ),
    );
    await waitHealthy(
      apiserver,
      { url: `${server}/readyz`, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey },
      120_000,
    );

    const workloadControllers = [
      'deployment-controller',
      'replicaset-controller',
      'statefulset-controller',
      'daemonset-controller',
      'job-controller',
      'cronjob-controller',
    ];
    const controllers =
      (options.controllers ?? 'fixture') === 'all'
        ? '*'
        : ['*', ...workloadControllers.map((c) => `-${c}`)].join(',');
    const kcm = started(
      startProcess(
        'kube-controller-manager',
        join(bin, 'kube-controller-manager'),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${ports.controllerManager}`,
          '--leader-elect=false',
          `--controllers=${controllers}`,
          `--service-account-private-key-file=${pki.saKey}`,
          `--root-ca-file=${pki.caCert}`,
          `--cluster-signing-cert-file=${pki.caCert}`,
          `--cluster-signing-key-file=${pki.caKey}`,
          '--use-service-account-credentials=false',
          '--kube-api-qps=1000',
          '--kube-api-burst=2000',
          // KWOK nodes heartbeat through leases; keep the defaults but do not evict pods of
          // nodes that miss a heartbeat under heavy load on a 2-core machine.
          '--node-monitor-grace-period=120s',
        ],
        log('kube-controller-manager'),
      ),
    );
    const scheduler = started(
      startProcess(
        'kube-scheduler',
        join(bin, 'kube-scheduler'),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${ports.scheduler}`,
          '--leader-elect=false',
        ],
        log('kube-scheduler'),
      ),
    );
    const stages = join(buildDir(), 'kwok-kustomize');
    const kwok = started(
      startProcess(
        'kwok',
        join(bin, 'kwok'),
        [
          `--kubeconfig=${kubeconfig}`,
          '-c',
          join(stages, 'stage/node/fast/node-initialize.yaml'),
          '-c',
          join(stages, 'stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml'),
          '-c',
          join(stages, 'stage/pod/fast/pod-ready.yaml'),
          '-c',
          join(stages, 'stage/pod/fast/pod-complete.yaml'),
          '-c',
          join(stages, 'stage/pod/fast/pod-delete.yaml'),
          '--manage-all-nodes=false',
          '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
          '--node-lease-duration-seconds=40',
          '--cidr=10.244.0.0/16',
          '--node-ip=192.0.2.1',
          `--server-address=127.0.0.1:${ports.kwok}`,
          `--node-port=${ports.kwok}`,
        ],
        log('kwok'),
      ),
    );
    const healthz = (port: number | undefined) => ({
      url: `https://127.0.0.1:${port}/healthz`,
    });
    await waitHealthy(kcm, healthz(ports.controllerManager), 60_000);
    await waitHealthy(scheduler, healthz(ports.scheduler), 60_000);
    await waitHealthy(kwok, { url: `http://127.0.0.1:${ports.kwok}/healthz` }, 60_000);
    writePlatformState(state);
    return state;
  } catch (error) {
    await stopPlatform(state);
    throw error;
  }
}

/** Stops every process of the instance (Prometheus included); state on disk stays for the logs. */
export async function stopPlatform(state: PlatformState): Promise<void> {
  const pids = [...state.processes.map((p) => p.pid), ...(state.prometheus ? [state.prometheus.pid] : [])];
  // Reverse start order: clients first, etcd last.
  for (const pid of pids.reverse()) await stopProcess(pid);
  rmSync(statePath(state.dir), { force: true });
}

export function runningProcesses(state: PlatformState): Started[] {
  return state.processes.filter((p) => isAlive(p.pid));
}

/**
 * Stops the platform's kube-apiserver and starts it again with the same arguments (its state is
 * in etcd, so nothing is lost): what clients see when an API server is upgraded or restarted.
 * Resolves once it is ready again; the state file records the new process.
 */
export async function restartApiServer(state: PlatformState): Promise<void> {
  const index = state.processes.findIndex((p) => p.name === 'kube-apiserver');
  const old = state.processes[index];
  if (!old) throw new Error('the platform has no kube-apiserver');
  const argv = readFileSync(`/proc/${old.pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((a) => a !== '');
  await stopProcess(old.pid);
  const next = startProcess('kube-apiserver', argv[0] as string, argv.slice(1), old.log);
  state.processes[index] = next;
  writePlatformState(state);
  await waitHealthy(
    next,
    {
      url: `${state.server}/readyz`,
      ca: state.pki.caCert,
      cert: state.pki.adminCert,
      key: state.pki.adminKey,
    },
    120_000,
  );
}
