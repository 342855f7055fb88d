/**
 * Where the test platform keeps things: binaries in a per-machine cache outside any checkout
 * (so fresh clones reuse them), run state (PKI, etcd data, logs, kubeconfig) in the checkout's
 * git-ignored `.testenv/`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

export interface Versions {
  k8s: string;
  etcd: string;
  kwok: string;
}

export function readVersions(): Versions {
  const text = readFileSync(join(import.meta.dirname, 'versions.env'), 'utf8');
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values.set(match[1], match[2]);
  }
  const get = (key: string): string => {
    const value = values.get(key);
    if (!value) throw new Error(`testenv/versions.env has no ${key}`);
    return value;
  };
  return { k8s: get('K8S_VERSION'), etcd: get('ETCD_VERSION'), kwok: get('KWOK_VERSION') };
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HINDSIGHT_TESTENV_CACHE) return env.HINDSIGHT_TESTENV_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hindsight', 'testenv');
}

/** The build output directory for the pinned versions, as testenv/build.sh names it. */
export function buildDir(env: NodeJS.ProcessEnv = process.env): string {
  const v = readVersions();
  return join(cacheRoot(env), `k8s-v${v.k8s}-etcd-v${v.etcd}-kwok-v${v.kwok}`);
}

export function binDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(buildDir(env), 'bin');
}

/** Run state of one named platform instance: `.testenv/<name>/`. */
export function stateDir(name: string): string {
  return join(REPO_ROOT, '.testenv', name);
}
