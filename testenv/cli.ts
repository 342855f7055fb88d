/**
 * `npm run testenv -- <command>`: the test platform from the command line.
 *
 *   up      [--name N] [--scale small|1k|max] [--seed S] [--no-fixture] [--prometheus]
 *           [--history-days D] [--step SECONDS] [--history-via promtool|remote-write] [--controllers fixture|all]
 *   down    [--name N]
 *   status  [--name N]
 *   env     [--name N]     shell exports: KUBECONFIG, HINDSIGHT_PROMETHEUS_URL
 */

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { platformClient } from './apply.ts';
import { installCrds } from './crds.ts';
import { loadFixture } from './load.ts';
import { stateDir } from './paths.ts';
import { readPlatformState, runningProcesses, startPlatform, stopPlatform } from './platform.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string', default: 'default' },
    scale: { type: 'string', default: 'small' },
    seed: { type: 'string', default: '1' },
    'no-fixture': { type: 'boolean', default: false },
    prometheus: { type: 'boolean', default: false },
    'history-days': { type: 'string', default: '14' },
    'history-via': { type: 'string', default: 'promtool' },
    step: { type: 'string', default: '60' },
    controllers: { type: 'string', default: 'fixture' },
  },
});

const command = positionals[0] ?? 'status';
const name = values.name;
const say = (line: string): void => {
  process.stderr.write(`testenv: ${line}\n`);
};

async function up(): Promise<void> {
  const errorFile = join(stateDir(name), 'up-error.txt');
  mkdirSync(stateDir(name), { recursive: true });
  rmSync(errorFile, { force: true });
  try {
    const t0 = performance.now();
    const controllers = values.controllers === 'all' ? 'all' : 'fixture';
    const state = await startPlatform({ name, controllers });
    say(`control plane up in ${((performance.now() - t0) / 1000).toFixed(1)}s at ${state.server}`);
    const t1 = performance.now();
    const client = platformClient(state);
    try {
      const count = await installCrds(client);
      say(
        `installed ${count} CRDs (Karpenter, VPA, KEDA, PolicyReport) in ${((performance.now() - t1) / 1000).toFixed(1)}s`,
      );
    } finally {
      client.close();
    }
    if (!values['no-fixture']) {
      await loadFixture(state, {
        seed: Number(values.seed),
        scale: values.scale,
        prometheus: values.prometheus,
        historyDays: Number(values['history-days']),
        historyVia: values['history-via'] === 'remote-write' ? 'remote-write' : 'promtool',
        stepSeconds: Number(values.step),
        log: say,
      });
    }
    say(`ready: export KUBECONFIG=${state.kubeconfig}`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    writeFileSync(errorFile, message);
    say(`failed to start: ${message}`);
    process.exitCode = 1;
  }
}

async function down(): Promise<void> {
  const state = readPlatformState(name);
  if (!state) {
    say(`no platform named ${name} is running`);
    return;
  }
  await stopPlatform(state);
  say(`stopped ${name}`);
}

function status(): void {
  const state = readPlatformState(name);
  if (!state) {
    say(`no platform named ${name}`);
    process.exitCode = 1;
    return;
  }
  const alive = runningProcesses(state);
  for (const p of state.processes) {
    say(`${p.name.padEnd(24)} pid ${p.pid} ${alive.includes(p) ? 'running' : 'DEAD'}  log ${p.log}`);
  }
  if (state.prometheus) say(`prometheus               ${state.prometheus.url}`);
  if (state.fixture)
    say(
      `fixture                  seed ${state.fixture.seed} scale ${state.fixture.scale}: ${state.fixture.objects} objects`,
    );
}

function env(): void {
  const state = readPlatformState(name);
  if (!state) {
    say(`no platform named ${name}`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`export KUBECONFIG=${state.kubeconfig}\n`);
  if (state.prometheus) process.stdout.write(`export HINDSIGHT_PROMETHEUS_URL=${state.prometheus.url}\n`);
}

switch (command) {
  case 'up':
    await up();
    break;
  case 'down':
    await down();
    break;
  case 'status':
    status();
    break;
  case 'env':
    env();
    break;
  default:
    say(`unknown command ${command}: use up, down, status or env`);
    process.exitCode = 2;
}
