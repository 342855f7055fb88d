/**
 * Real Flux on the test platform: source-controller and kustomize-controller as built by
 * build.sh from their Go modules, run out of cluster against a platform's API server with their
 * own CRDs, plus the HelmRelease CRD controller-gen made from helm-controller's api module (the
 * controller itself is not served by the module proxy). The artifact server of source-controller
 * listens on 127.0.0.1, where kustomize-controller fetches from it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { ApiClient } from './apply.ts';
import { installCrdObjects } from './crds.ts';
import { binDir, buildDir } from './paths.ts';
import type { PlatformState } from './platform.ts';
import { freePort, isAlive, type Started, startProcess, stopProcess, tail } from './processes.ts';

export const FLUX_CONTROLLERS = ['source-controller', 'kustomize-controller'] as const;

interface Crd {
  kind: string;
  metadata: { name: string };
  spec: { group: string };
}

function crdFiles(env: NodeJS.ProcessEnv): string[] {
  const out = buildDir(env);
  const dirs = [
    join(out, 'src', 'flux-source-controller', 'config', 'crd', 'bases'),
    join(out, 'src', 'flux-kustomize-controller', 'config', 'crd', 'bases'),
    join(out, 'crds'),
  ];
  return dirs.flatMap((d) =>
    existsSync(d)
      ? readdirSync(d)
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => join(d, f))
      : [],
  );
}

/** Why Flux cannot run here (binaries or CRDs missing), or undefined when it can. */
export function fluxMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of FLUX_CONTROLLERS)
    if (!existsSync(join(binDir(env), name))) return `${name} is not built (run testenv/ensure.sh)`;
  const files = crdFiles(env);
  if (!files.some((f) => f.includes('helmreleases')))
    return 'the HelmRelease CRD was not generated (run testenv/ensure.sh)';
  return undefined;
}

export async function installFluxCrds(
  client: ApiClient,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const crds: Crd[] = [];
  for (const file of crdFiles(env))
    for (const doc of readFileSync(file, 'utf8').split(/^---\s*$/m)) {
      const object = load(doc) as Crd | null | undefined;
      if (object?.kind === 'CustomResourceDefinition') crds.push(object);
    }
  await installCrdObjects(client, crds);
  return crds.map((c) => c.metadata.name);
}

export interface FluxRun {
  processes: Started[];
  /** source-controller's artifact server. */
  storageUrl: string;
  stop(): Promise<void>;
  /** The last lines of each controller's log, for a failing test's diagnostics. */
  logs(lines?: number): string;
  /** The controllers that have exited. */
  exited(): string[];
}

/** Starts both controllers against the platform; `namespace` is their RUNTIME_NAMESPACE. */
export async function startFlux(
  state: PlatformState,
  { namespace = 'flux-system', env = process.env }: { namespace?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<FluxRun> {
  const bin = binDir(env);
  const dir = join(state.dir, 'flux');
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const storagePort = await freePort();
  const common = (metrics: number, health: number) => [
    '--enable-leader-election=false',
    `--metrics-addr=127.0.0.1:${metrics}`,
    `--health-addr=127.0.0.1:${health}`,
    '--log-level=debug',
    '--log-encoding=console',
  ];
  // controller-runtime reads the kubeconfig from KUBECONFIG (the controllers have no flag for it).
  const processEnv = { ...env, KUBECONFIG: state.kubeconfig, RUNTIME_NAMESPACE: namespace };
  const processes: Started[] = [];
  processes.push(
    startProcess(
      'source-controller',
      join(bin, 'source-controller'),
      [
        ...common(await freePort(), await freePort()),
        `--storage-path=${join(dir, 'storage')}`,
        `--storage-addr=127.0.0.1:${storagePort}`,
        `--storage-adv-addr=127.0.0.1:${storagePort}`,
      ],
      join(dir, 'source-controller.log'),
      processEnv,
    ),
  );
  processes.push(
    startProcess(
      'kustomize-controller',
      join(bin, 'kustomize-controller'),
      common(await freePort(), await freePort()),
      join(dir, 'kustomize-controller.log'),
      processEnv,
    ),
  );
  return {
    processes,
    storageUrl: `http://127.0.0.1:${storagePort}`,
    async stop() {
      await Promise.all(processes.map((p) => stopProcess(p.pid)));
    },
    exited() {
      return processes.filter((p) => !isAlive(p.pid)).map((p) => p.name);
    },
    logs(lines = 30) {
      return processes.map((p) => `--- ${p.name} (${p.log})\n${tail(p.log, lines)}`).join('\n');
    },
  };
}
