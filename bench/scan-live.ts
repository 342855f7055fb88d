/**
 * Benchmark: `hindsight scan` of a live cluster against `kubectl get` listing the same kinds
 * as JSON, on the same running test platform, alternating runs.
 *
 *   node bench/scan-live.ts [--name bench] [--runs 3]
 *
 * Needs a platform started with a fixture, e.g. `node bench/platform.ts --scale max --keep`.
 * Target (docs/BENCHMARKS.md): hindsight within 1.5× of kubectl's time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { binDir, REPO_ROOT } from '../testenv/paths.ts';
import { readPlatformState } from '../testenv/platform.ts';

const { values } = parseArgs({
  options: { name: { type: 'string', default: 'bench' }, runs: { type: 'string', default: '3' } },
});
const state = readPlatformState(values.name);
if (!state)
  throw new Error(
    `no platform named ${values.name}; start one with: node bench/platform.ts --scale max --keep`,
  );

// The kinds hindsight's live scan reads that a plain control plane serves.
const KINDS = [
  'namespaces',
  'nodes',
  'pods',
  'services',
  'serviceaccounts',
  'configmaps',
  'secrets',
  'persistentvolumeclaims',
  'persistentvolumes',
  'events',
  'limitranges',
  'resourcequotas',
  'deployments.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'replicasets.apps',
  'jobs.batch',
  'cronjobs.batch',
  'poddisruptionbudgets.policy',
  'horizontalpodautoscalers.autoscaling',
  'networkpolicies.networking.k8s.io',
  'ingresses.networking.k8s.io',
  'storageclasses.storage.k8s.io',
  'csinodes.storage.k8s.io',
  'priorityclasses.scheduling.k8s.io',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'apiservices.apiregistration.k8s.io',
];

function timed(command: string, args: string[]): { seconds: number; rssMiB: number; stdoutBytes: number } {
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', command, ...args], {
    env: { ...process.env, KUBECONFIG: state?.kubeconfig, HINDSIGHT_NOW: '2026-11-12T10:00:00Z' },
    maxBuffer: 4 * 1024 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  const stderr = run.stderr.toString();
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`${command} exited ${run.status}: ${stderr.slice(-1500)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
  return { seconds, rssMiB: rss, stdoutBytes: run.stdout.length };
}

const rows: string[] = [];
const ratios: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const kubectl = timed(join(binDir(), 'kubectl'), ['get', KINDS.join(','), '-A', '-o', 'json']);
  const hindsight = timed(process.execPath, [join(REPO_ROOT, 'dist', 'cli', 'bin.js'), 'scan', '-o', 'json']);
  ratios.push(hindsight.seconds / kubectl.seconds);
  rows.push(
    `| ${i + 1} | ${kubectl.seconds.toFixed(2)} | ${kubectl.rssMiB.toFixed(0)} | ${hindsight.seconds.toFixed(2)} | ${hindsight.rssMiB.toFixed(0)} | ${(hindsight.seconds / kubectl.seconds).toFixed(2)} |`,
  );
}
process.stdout.write(
  [
    `### live scan vs kubectl get (platform ${values.name}: fixture ${state.fixture?.scale ?? '?'}, ${state.fixture?.objects ?? '?'} objects)`,
    '',
    '| run | kubectl get -o json s | kubectl peak RSS MiB | hindsight scan s | hindsight peak RSS MiB | ratio |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `median ratio ${ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)]?.toFixed(2)}`,
    '',
  ].join('\n'),
);
