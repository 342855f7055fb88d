/** Kubeconfigs for tests of how hindsight reaches (or fails to reach) an API server. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestKubeconfig {
  server: string;
  /** A bearer token (default `test-token`), unless `exec` gives the credential. */
  token?: string;
  exec?: { command: string; args?: string[]; apiVersion?: string };
}

/** Writes `dir/name.kubeconfig` (context `test`, TLS unverified) and returns its path. */
export function writeTestKubeconfig(dir: string, name: string, config: TestKubeconfig): string {
  const user = config.exec
    ? {
        exec: {
          apiVersion: config.exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
          command: config.exec.command,
          args: config.exec.args ?? [],
          interactiveMode: 'Never',
        },
      }
    : { token: config.token ?? 'test-token' };
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: config.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'test', user }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
    'current-context': 'test',
  };
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(file, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  return file;
}
